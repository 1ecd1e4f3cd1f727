import { sql, type Transaction } from 'kysely';
import type pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createLogger,
  isUniqueViolation,
  migrate,
  newId,
  recordEvent,
  sendLater,
  type Database,
} from '../src/index.ts';
import { freshDatabase } from './database.ts';

interface Tables {
  widgets: { id: string; tenant_id: string; name: string };
}

const log = createLogger({ level: 'silent' });
const tenant = newId('ten');
let db: Database<Tables>;
/** Round trips to the server: each call of a pooled client's query sends one batch and waits for it. */
let roundTrips = 0;

beforeEach(async () => {
  // One connection, so every transaction shows what the one before left on it.
  db = await freshDatabase<Tables>(1);
  await migrate(
    db.pool,
    { name: 'shop', migrations: new URL('./fixtures/migrations-v1/', import.meta.url) },
    log,
  );
  roundTrips = 0;
  db.pool.on('acquire', (client: pg.PoolClient & { counted?: boolean }) => {
    if (client.counted) return;
    client.counted = true;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      roundTrips++;
      return query(...args);
    };
  });
});
afterEach(async () => {
  await db.close();
});

const widget = (name: string) => ({ id: newId('wid'), tenant_id: tenant, name });
const names = async () =>
  (await db.kysely.selectFrom('widgets').select('name').orderBy('name').execute()).map((w) => w.name);

describe('the database driver', () => {
  it('sends BEGIN and the tenant settings with the first statement, and the outbox insert with COMMIT', async () => {
    const inserted = await db.tenant(tenant, async (trx) => {
      const row = await trx
        .insertInto('widgets')
        .values(widget('a'))
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordEvent(trx, { type: 'widget.created', tenantId: tenant, data: { id: row.id } });
      return row;
    });
    expect(roundTrips).toBe(2);
    expect(inserted.name).toBe('a');
    expect(await names()).toEqual(['a']);
    const outbox = await sql<{ type: string; tenant_id: string }>`select type, tenant_id from outbox`.execute(
      db.kysely,
    );
    expect(outbox.rows).toEqual([{ type: 'widget.created', tenant_id: tenant }]);
  });

  it('runs the work as the tenant, with the tenant set, inside one transaction', async () => {
    const seen = await db.tenant(tenant, async (trx) => {
      await sendLater(trx, trx.insertInto('widgets').values(widget('b')));
      return (
        await sql<{
          role: string;
          tenant: string;
          open: boolean;
        }>`select current_user as role, current_setting('bazaar.tenant_id') as tenant,
              (select count(*) from widgets) = 1 as open`.execute(trx)
      ).rows[0];
    });
    expect(seen).toEqual({ role: 'bazaar_app', tenant, open: true });
  });

  it('sends nothing for a transaction that fails before its first statement', async () => {
    await expect(
      db.tenant(tenant, () => {
        throw new Error('refused before asking the database');
      }),
    ).rejects.toThrow('refused before');
    expect(roundTrips).toBe(0);
  });

  it('fails the statement sent with BEGIN with its own error, keeps nothing, and leaves the connection usable', async () => {
    const first = widget('c');
    await db.tenant(tenant, (trx) => trx.insertInto('widgets').values(first).execute());
    const error = await db
      .tenant(tenant, (trx) =>
        trx
          .insertInto('widgets')
          .values({ ...first, name: 'again' })
          .execute(),
      )
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'widgets_pkey')).toBe(true);
    await db.tenant(tenant, (trx) => trx.insertInto('widgets').values(widget('d')).execute());
    expect(await names()).toEqual(['c', 'd']);
  });

  it('rolls back the whole transaction when a statement sent with COMMIT fails, and the connection is clean', async () => {
    const first = widget('e');
    await db.tenant(tenant, (trx) => trx.insertInto('widgets').values(first).execute());
    const error = await db
      .tenant(tenant, async (trx) => {
        await trx.insertInto('widgets').values(widget('f')).execute();
        await sendLater(trx, trx.insertInto('widgets').values({ ...first, name: 'duplicate' }));
      })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'widgets_pkey')).toBe(true);
    // 'f' went before the failure in the same transaction: rolled back with it.
    expect(await names()).toEqual(['e']);
    const state = await db.system(async (trx) =>
      sql<{ status: string }>`select 'ok' as status`.execute(trx).then((r) => r.rows[0]!.status),
    );
    expect(state).toBe('ok');
  });

  it('runs a statement sent later outside a transaction at once', async () => {
    await sendLater(db.kysely, db.kysely.insertInto('widgets').values(widget('g')));
    expect(await names()).toEqual(['g']);
  });

  it('keeps statements in order when a later one reads what a deferred one wrote', async () => {
    const count = await db.system(async (trx) => {
      await sendLater(trx, trx.insertInto('widgets').values(widget('h')));
      await sendLater(trx, trx.insertInto('widgets').values(widget('i')));
      return (
        await trx
          .selectFrom('widgets')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    });
    expect(Number(count)).toBe(2);
    expect(roundTrips).toBe(2);
  });

  it('parses a statement once per connection, and again after a table changed under it, unseen by the caller', async () => {
    const all = () => db.system((trx) => trx.selectFrom('widgets').selectAll().execute());
    const preparedCount = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements
          where statement = 'select * from "widgets"'`.execute(db.kysely)
      ).rows[0]!.n;
    await db.system((trx) => trx.insertInto('widgets').values(widget('j')).execute());
    for (let i = 0; i < 3; i++) await all();
    expect(await preparedCount()).toBe(1);

    // The prepared plan's rows no longer match the table; the transaction it opens is run again.
    await sql`alter table widgets add column color text`.execute(db.kysely);
    expect(await all()).toMatchObject([{ name: 'j', color: null }]);
    expect(await preparedCount()).toBe(1);
  });

  it('fails a transaction whose stale statement came after others ran, and replaces its connection', async () => {
    const all = (trx: Transaction<Tables>) => trx.selectFrom('widgets').selectAll().execute();
    await db.system(all);
    await sql`alter table widgets add column color text`.execute(db.kysely);
    await expect(
      db.system(async (trx) => {
        await trx.insertInto('widgets').values(widget('k')).execute();
        return all(trx);
      }),
    ).rejects.toMatchObject({ code: '0A000' });
    // Nothing of it stayed, and the next transaction runs on a new connection.
    expect(await db.system(all)).toEqual([]);
  });

  it('answers a statement that does not parse with its own error every time', async () => {
    for (let i = 0; i < 2; i++) {
      await expect(db.system((trx) => sql`selec 1`.execute(trx))).rejects.toMatchObject({ code: '42601' });
    }
  });

  it('reads for a tenant in one round trip per statement, as the tenant, seeing only its rows', async () => {
    const other = newId('ten');
    await db.system((trx) =>
      trx
        .insertInto('widgets')
        .values([widget('mine'), { ...widget('theirs'), tenant_id: other }])
        .execute(),
    );
    roundTrips = 0;
    // No filter by tenant: row-level security applies all the same.
    const rows = await db.tenantRead(tenant, (trx) => trx.selectFrom('widgets').select('name').execute());
    expect(rows).toEqual([{ name: 'mine' }]);
    expect(roundTrips).toBe(1);

    roundTrips = 0;
    const seen = await db.tenantRead(tenant, async (trx) => {
      const first = await sql<{ role: string; tenant: string; readOnly: string }>`select current_user as role,
        current_setting('bazaar.tenant_id') as tenant, current_setting('transaction_read_only') as "readOnly"`.execute(
        trx,
      );
      const second = await sql<{
        tenant: string;
      }>`select current_setting('bazaar.tenant_id') as tenant`.execute(trx);
      return [...first.rows, ...second.rows];
    });
    expect(seen).toEqual([{ role: 'bazaar_app', tenant, readOnly: 'on' }, { tenant }]);
    expect(roundTrips).toBe(2);
    // The settings ended with each statement: the same (only) connection is the owner again.
    const after = await sql<{ role: string; tenant: string | null }>`select current_user as role,
      current_setting('bazaar.tenant_id', true) as tenant`.execute(db.kysely);
    expect(after.rows[0]!.role).not.toBe('bazaar_app');
    expect(after.rows[0]!.tenant ?? '').toBe('');
  });

  it('refuses a write in a tenant read, and changes nothing', async () => {
    await expect(
      db.tenantRead(tenant, (trx) => trx.insertInto('widgets').values(widget('sneaky')).execute()),
    ).rejects.toMatchObject({ code: '25006' });
    expect(await names()).toEqual([]);
    // The connection is usable afterwards.
    await db.tenant(tenant, (trx) => trx.insertInto('widgets').values(widget('fine')).execute());
    expect(await names()).toEqual(['fine']);
  });
});
