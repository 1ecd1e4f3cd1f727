import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Transaction,
} from 'kysely';
import { isId } from './ids.ts';
import { PipeliningDriver, sendLater } from './pg-driver.ts';

// int8 (bigint) columns and counts come back as strings by default; every int8 we keep fits a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** The role that tenant-scoped work runs as; row-level security applies to it, never to the owner. */
export const TENANT_ROLE = 'bazaar_app';

export interface Database<DB> {
  readonly name: string;
  readonly pool: pg.Pool;
  /**
   * Work for one tenant: a transaction that runs as the tenant role with the tenant set, so that
   * row-level security hides every other tenant's rows even from a query that forgot its filter.
   */
  tenant<T>(tenantId: string, work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /**
   * Reads for one tenant, as `tenant` but read-only and without BEGIN or COMMIT: each statement runs
   * with the tenant settings in a transaction of its own, so a single read is one round trip. For
   * reads that need no snapshot shared between statements.
   */
  tenantRead<T>(tenantId: string, work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** Work that spans tenants (authentication, relays, migrations): runs as the owner. */
  system<T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T>;
  /** The query builder outside any transaction, as the owner. */
  readonly kysely: Kysely<DB>;
  /** Calls `listener` after each transaction of this process that recorded events commits. */
  onEventsCommitted(listener: () => void): void;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  /** Connections in the pool. */
  max?: number;
}

/** Transactions that recorded events, until they end: the outbox relay is woken when one commits. */
const recordedEvents = new WeakSet<object>();

/** Marks the transaction `trx` as one that recorded events. */
export const markEventsRecorded = (trx: object): void => {
  recordedEvents.add(trx);
};

/** Runs what follows in a transaction as the tenant role, with the tenant set; read-only if asked. */
const tenantSettings = (tenantId: string, readOnly = false): CompiledQuery => {
  if (!isId('ten', tenantId)) throw new Error(`not a tenant id: '${tenantId}'`);
  return CompiledQuery.raw(
    `select set_config('role', $1, true), set_config('bazaar.tenant_id', $2, true)` +
      (readOnly ? `, set_config('transaction_read_only', 'on', true)` : ''),
    [TENANT_ROLE, tenantId],
  );
};

/** `work`, preceded in its transaction by the tenant settings. */
const asTenant =
  <DB, T>(settings: CompiledQuery, work: (trx: Transaction<DB>) => Promise<T>) =>
  async (trx: Transaction<DB>): Promise<T> => {
    await sendLater(trx, settings);
    return work(trx);
  };

export const openDatabase = <DB>({ url, max = 10 }: DatabaseOptions): Database<DB> => {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 30_000 });
  // A connection dropped by the server surfaces on the next query; without this handler it would crash.
  pool.on('error', () => undefined);
  const kysely = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new PipeliningDriver(pool),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const listeners: (() => void)[] = [];
  /** After a commit: tells the listeners if the transaction recorded events. */
  const committed = (trx: object) => {
    if (!recordedEvents.delete(trx)) return;
    for (const listener of listeners) listener();
  };
  const transaction = async <T>(work: (trx: Transaction<DB>) => Promise<T>): Promise<T> => {
    let opened: object | undefined;
    try {
      return await kysely.transaction().execute((trx) => {
        opened = trx;
        return work(trx);
      });
    } finally {
      // A failed commit may still have committed (the answer was lost): waking costs one pass.
      if (opened) committed(opened);
    }
  };
  return {
    name: new URL(url).pathname.slice(1),
    pool,
    kysely,
    // The settings go with BEGIN and the work's first statement, in one round trip; in a read, with
    // each statement of the work, which may then write nothing (see pg-driver.ts).
    tenant: (tenantId, work) => transaction(asTenant(tenantSettings(tenantId), work)),
    tenantRead: (tenantId, work) =>
      kysely
        .transaction()
        .setAccessMode('read only')
        .execute(asTenant(tenantSettings(tenantId, true), work)),
    system: transaction,
    onEventsCommitted: (listener) => {
      listeners.push(listener);
    },
    ping: async () => {
      await pool.query('select 1');
    },
    close: async () => {
      await kysely.destroy();
      // Kysely ends the pool only if it ever used it; ours may have been used directly.
      if (!pool.ending) await pool.end();
    },
  };
};

/** Creates the database named in `url` on its server if it is missing. */
export const ensureDatabase = async (url: string): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${quoteIdent(name)}`).catch((error: unknown) => {
        // Another process created it between our look and our create.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
};

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** The URL of database `name` on the same server as `serverUrl`. */
export const databaseUrl = (serverUrl: string, name: string): string => {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
};

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const e = error as { code?: string; constraint?: string };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
};
