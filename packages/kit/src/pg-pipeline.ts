import pg from 'pg';
import { prepareValue } from 'pg/lib/utils.js';

/**
 * Statements sent to PostgreSQL in one write, answered together, each as a prepared statement of
 * its connection. Parsing and planning is most of what the server spends on the short statements
 * here, so a statement is parsed once per connection and its plan cached; later runs send only its
 * name and values.
 */

export interface Statement {
  text: string;
  values: readonly unknown[];
}

/** Values as pg sends them (text or null), done early so a bad value fails before anything is sent. */
export const prepared = ({ text, values }: Statement): Statement => ({
  text,
  values: values.map((v) => prepareValue(v)),
});

/** Distinct statement texts given a name; texts beyond it (a query built with varying shapes) run unnamed. */
const MAX_NAMED_TEXTS = 2_000;
/** Statements one connection keeps prepared, bounding the memory they hold on the server. */
const MAX_PREPARED_PER_CONNECTION = 200;

/** Transaction control is cheap to parse and is not prepared. */
const UNNAMED = new Set(['begin', 'commit', 'rollback']);

const names = new Map<string, string>();
const nameOf = (text: string): string | undefined => {
  if (UNNAMED.has(text)) return undefined;
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED_TEXTS) {
    name = `bazaar_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
};

/**
 * Server errors after which a connection's prepared statements cannot be trusted: a migration changed
 * what one returns (0A000, "cached plan must not change result type"), or they are gone (26000).
 */
const STALE_STATEMENT_CODES = new Set(['0A000', '26000']);

/** What a pipeline sends of one statement. */
interface Step extends Statement {
  /** Its prepared statement, '' for none. */
  name: string;
  /** Whether it is parsed in this pipeline (not yet prepared on the connection). */
  parse: boolean;
}

/** What PipelinedQuery uses of pg's (untyped) Connection. */
interface PgConnection {
  parse(message: { text: string; name: string; types: unknown[] }): void;
  bind(message: { portal: string; statement: string; values: readonly unknown[]; binary: boolean }): void;
  describe(message: { type: 'P'; name: string }): void;
  execute(message: { portal: string; rows: number | undefined }): void;
  sync(): void;
  on(event: 'parseComplete', listener: () => void): void;
}

/**
 * Parse (when needed), Bind, Describe and Execute for each step, then one Sync. pg's own Query
 * gathers each statement's result into a list, as it does for a simple query of several.
 */
class PipelinedQuery extends pg.Query {
  readonly #steps: Step[];

  constructor(steps: Step[], callback: (error: Error | undefined, results: unknown) => void) {
    super({ text: steps.at(-1)!.text }, undefined, callback);
    this.#steps = steps;
  }

  requiresPreparation(): boolean {
    return true;
  }

  /** Called by pg with the connection's stream corked: everything below leaves in one write. */
  prepare(connection: PgConnection): void {
    for (const { text, values, name, parse } of this.#steps) {
      if (parse) connection.parse({ text, name, types: [] });
      connection.bind({ portal: '', statement: name, values, binary: false });
      connection.describe({ type: 'P', name: '' });
      connection.execute({ portal: '', rows: undefined });
    }
    connection.sync();
  }
}

/** One pooled connection's pipelines and the statements it has prepared. */
export class Pipeliner {
  readonly #client: pg.PoolClient;
  readonly #prepared = new Set<string>();
  /** ParseComplete messages since the current pipeline was sent: that many of its parses succeeded. */
  #parsed = 0;
  /** Set when the connection's state is unknown: it must be closed, not pooled. */
  broken: Error | undefined;

  constructor(client: pg.PoolClient) {
    this.#client = client;
    (client as unknown as { connection: PgConnection }).connection.on('parseComplete', () => {
      this.#parsed++;
    });
  }

  /**
   * Runs `statements` (values already `prepared`) in one round trip; answers the last one's result.
   * `startsWork`: nothing of the unit of work they belong to has run before them (they open its
   * transaction, or run outside one). Such a pipeline refused because a migration changed a table
   * under a prepared statement is run again, once, with every statement parsed afresh: nothing of
   * it took effect, so the caller need not know.
   */
  async run(statements: Statement[], startsWork: boolean): Promise<pg.QueryResult> {
    try {
      return await this.#run(statements);
    } catch (error) {
      if (!STALE_STATEMENT_CODES.has((error as { code?: string }).code ?? '')) throw error;
      if (!startsWork) {
        this.broken = error as Error;
        throw error;
      }
      // Ends the aborted transaction the pipeline began, if it began one, and forgets every plan.
      await this.#client.query('rollback; deallocate all');
      this.#prepared.clear();
      return this.#run(statements);
    }
  }

  #run(statements: Statement[]): Promise<pg.QueryResult> {
    const parsing = new Set<string>();
    const steps = statements.map((s): Step => {
      const name = this.#prepared.size < MAX_PREPARED_PER_CONNECTION ? nameOf(s.text) : undefined;
      if (name === undefined) return { ...s, name: '', parse: true };
      // A statement twice in one pipeline is parsed once.
      const parse = !this.#prepared.has(name) && !parsing.has(name);
      if (parse) parsing.add(name);
      return { ...s, name, parse };
    });
    this.#parsed = 0;
    return new Promise((resolve, reject) => {
      const query = new PipelinedQuery(steps, (error, results) => {
        // The server parses in order and stops at the first error: the first #parsed parses stand.
        let parsed = this.#parsed;
        for (const step of steps) {
          if (!step.parse || parsed === 0) continue;
          parsed--;
          if (step.name) this.#prepared.add(step.name);
        }
        if (error) reject(error);
        else resolve((Array.isArray(results) ? results.at(-1) : results) as pg.QueryResult);
      });
      void this.#client.query(query as unknown as pg.QueryConfig);
    });
  }
}
