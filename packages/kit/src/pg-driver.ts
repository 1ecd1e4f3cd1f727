import type pg from 'pg';
import {
  AbortedTransactionError,
  type Compilable,
  type CompiledQuery,
  type Kysely,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { Pipeliner, prepared, type Statement } from './pg-pipeline.ts';

/**
 * A Kysely driver for node-postgres that saves round trips inside transactions. Most transactions
 * here are a few short statements, and for those the round trip costs more than the statement: ten
 * of them sent in one batch cost PostgreSQL about a fifth, and Node about a quarter, of the CPU they
 * cost sent one by one. So BEGIN, and any statement marked with `sendLater` (settings, outbox
 * inserts: nothing reads their answer), wait and go with the next statement, in one write ended by
 * one Sync; the server runs them in order and answers them together. A transaction with nothing to
 * do sends nothing, and one rolled back before anything of it left sends nothing either.
 *
 * Errors stay exact: the first statement of a batch to fail fails the call that sent it (the server
 * skips the rest until the Sync), and a COMMIT that fails because a statement sent with it failed
 * rolls the transaction back before the connection goes back to the pool.
 *
 * A read-only transaction sends no BEGIN and no COMMIT at all: the statements of one batch, up to its
 * Sync, run as one implicit transaction, so its `sendLater` statements (the tenant settings, local to
 * a transaction) go before each of its statements instead, and a single read is one round trip. Each
 * statement then sees its own snapshot: for reads that need no other.
 */

/** Queries that may wait for the next one, by identity. */
const later = new WeakSet<CompiledQuery>();

/**
 * Runs `query` in `trx` for its effect alone: in a transaction it waits and goes with the next
 * statement (at the latest with COMMIT), and a failure surfaces there; outside one it runs at once.
 * For statements whose answer nothing reads: settings, inserts into ledgers and the outbox.
 */
export const sendLater = async (
  trx: Pick<Kysely<never>, 'executeQuery'>,
  query: Compilable | CompiledQuery,
): Promise<void> => {
  const compiled = 'compile' in query ? query.compile() : query;
  later.add(compiled);
  await trx.executeQuery(compiled);
};

const toKysely = <R>({ command, rowCount, rows }: pg.QueryResult): QueryResult<R> => {
  if (command === 'ROLLBACK' || command === 'COMMIT') return { rows: [{ command } as R] };
  const changes = ['INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(command);
  return {
    ...(changes ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}),
    rows: (rows ?? []) as R[],
  };
};

class PipeliningConnection implements DatabaseConnection {
  readonly client: pg.PoolClient;
  readonly #pipeliner: Pipeliner;
  /** Statements waiting to go with the next one. */
  #waiting: Statement[] = [];
  #inTransaction = false;
  /** A read-only transaction: no BEGIN, `#before` goes with each statement. */
  #implicit = false;
  #before: Statement[] = [];
  /** Set when a rollback failed: the connection's state is unknown. */
  #broken: Error | undefined;

  constructor(client: pg.PoolClient) {
    this.client = client;
    this.#pipeliner = new Pipeliner(client);
  }

  /** Why the connection must be closed instead of pooled, if it must. */
  get broken(): Error | undefined {
    return this.#broken ?? this.#pipeliner.broken;
  }

  /** Whether the transaction's BEGIN has not left yet, so nothing of it has run. */
  get #nothingRan(): boolean {
    return this.#waiting[0]?.text === 'begin';
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const statement = { text: query.sql, values: query.parameters };
    if (this.#inTransaction && later.has(query)) {
      (this.#implicit ? this.#before : this.#waiting).push(prepared(statement));
      return { rows: [] };
    }
    return toKysely<R>(await this.#send(statement));
  }

  // Kysely asks for it only from `.stream()`, which nothing here uses.
  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this driver');
  }

  begin(implicit: boolean): void {
    this.#inTransaction = true;
    this.#implicit = implicit;
    this.#before = [];
    this.#waiting = implicit ? [] : [{ text: 'begin', values: [] }];
  }

  /** Ends a read-only transaction: each of its batches committed at its own Sync. */
  #endImplicit(): boolean {
    if (!this.#implicit) return false;
    this.#inTransaction = false;
    this.#implicit = false;
    this.#before = [];
    return true;
  }

  async commit(): Promise<void> {
    if (this.#endImplicit()) return;
    if (this.#nothingRan && this.#waiting.length === 1) {
      this.#inTransaction = false;
      this.#waiting = [];
      return;
    }
    try {
      const { command } = await this.#send({ text: 'commit', values: [] });
      // PostgreSQL completes COMMIT with a ROLLBACK tag if an earlier error left the transaction aborted.
      if (command === 'ROLLBACK') throw new AbortedTransactionError();
    } catch (error) {
      // A statement sent with the COMMIT failed: the transaction is still open, and aborted.
      await this.client.query('rollback').catch((rollbackError: unknown) => {
        this.#broken = rollbackError as Error;
      });
      throw error;
    } finally {
      this.#inTransaction = false;
    }
  }

  async rollback(): Promise<void> {
    if (this.#endImplicit()) return;
    this.#inTransaction = false;
    const nothingRan = this.#nothingRan;
    this.#waiting = [];
    if (nothingRan) return;
    await this.client.query('rollback').catch((error: unknown) => {
      this.#broken = error as Error;
      throw error;
    });
  }

  #send(statement: Statement): Promise<pg.QueryResult> {
    const startsWork = !this.#inTransaction || this.#implicit || this.#nothingRan;
    const statements = [...this.#before, ...this.#waiting, prepared(statement)];
    this.#waiting = [];
    return this.#pipeliner.run(statements, startsWork);
  }
}

/** The driver: connections from `pool`, transactions begun lazily. */
export class PipeliningDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #connections = new WeakMap<pg.PoolClient, PipeliningConnection>();

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PipeliningConnection(client);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    (connection as PipeliningConnection).begin(settings.accessMode === 'read only');
    return Promise.resolve();
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as PipeliningConnection).commit();
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return (connection as PipeliningConnection).rollback();
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as PipeliningConnection;
    // Released with an error, pg closes the connection instead of pooling it.
    c.client.release(c.broken);
    if (c.broken) this.#connections.delete(c.client);
    return Promise.resolve();
  }

  async destroy(): Promise<void> {
    if (!this.#pool.ending) await this.#pool.end();
  }
}
