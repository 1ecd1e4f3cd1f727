import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, migrate, newId, type Database } from '../src/index.ts';
import { freshDatabase } from './database.ts';

const log = createLogger({ level: 'silent' });
const fixtures = (name: string) => new URL(`./fixtures/${name}/`, import.meta.url);
let db: Database<Record<string, never>>;

afterEach(() => db.close());

describe('migrate', () => {
  it('applies the kit and service migrations once each, in order', async () => {
    db = await freshDatabase();
    expect(await migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v1') }, log)).toEqual([
      'kit/0001_outbox_inbox.sql',
      'kit/0002_outbox_trace.sql',
      'kit/0003_outbox_no_notify.sql',
      'kit/0004_dead_letters.sql',
      'shop/0001_widgets.sql',
    ]);
    expect(await migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v1') }, log)).toEqual([]);
    expect(await migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v2') }, log)).toEqual([
      'shop/0002_widget_color.sql',
    ]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    db = await freshDatabase();
    await migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v1') }, log);
    await expect(
      migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-changed') }, log),
    ).rejects.toThrow(/0001_widgets.sql changed after it was applied/);
  });

  it('lets replicas that start together migrate once', async () => {
    db = await freshDatabase();
    const results = await Promise.all(
      [1, 2, 3].map(() => migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v2') }, log)),
    );
    expect(results.flat().filter((name) => name === 'shop/0001_widgets.sql')).toHaveLength(1);
  });

  it('puts every table with a tenant_id behind row-level security', async () => {
    db = await freshDatabase();
    await migrate(db.pool, { name: 'shop', migrations: fixtures('migrations-v1') }, log);
    const [a, b] = [newId('ten'), newId('ten')];
    await sql`insert into widgets values ('w1', ${a}, 'mine'), ('w2', ${b}, 'theirs')`.execute(db.kysely);
    const seen = await db.tenant(a, (trx) => sql<{ name: string }>`select name from widgets`.execute(trx));
    expect(seen.rows.map((r) => r.name)).toEqual(['mine']);
    const all = await db.system((trx) =>
      sql<{ name: string }>`select name from widgets order by id`.execute(trx),
    );
    expect(all.rows.map((r) => r.name)).toEqual(['mine', 'theirs']);
    await expect(
      db.tenant(a, (trx) => sql`update widgets set name = 'x' where id = 'w2' returning id`.execute(trx)),
    ).resolves.toMatchObject({ rows: [] });
  });
});
