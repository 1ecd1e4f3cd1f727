import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { TENANT_ROLE, quoteIdent } from './db.ts';
import type { Logger } from './log.ts';

const KIT_MIGRATIONS = new URL('../migrations/', import.meta.url);

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const load = async (dir: URL, namespace: string): Promise<Migration[]> => {
  const files = (await readdir(fileURLToPath(dir))).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(
    files.map(async (file) => {
      const text = await readFile(new URL(file, dir), 'utf8');
      return {
        name: `${namespace}/${file}`,
        sql: text,
        checksum: createHash('sha256').update(text).digest('hex'),
      };
    }),
  );
};

/**
 * Applies the kit's migrations (outbox, inbox) and then the service's own, each once, in order, each in
 * its own transaction. Forward-only: a migration that changed after it was applied stops the start.
 * Afterwards every table with a `tenant_id` column gets row-level security, so no table can be
 * forgotten.
 */
export const migrate = async (
  pool: pg.Pool,
  service: { name: string; migrations: URL },
  log: Logger,
): Promise<string[]> => {
  const migrations = [
    ...(await load(KIT_MIGRATIONS, 'kit')),
    ...(await load(service.migrations, service.name)),
  ];
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    // One migrator at a time per database, whatever the number of replicas starting.
    await client.query(`select pg_advisory_lock(hashtext('bazaar.migrate'))`);
    await client.query(`create table if not exists schema_migrations (
      name text primary key, checksum text not null, applied_at timestamptz not null default now())`);
    const done = new Map(
      (
        await client.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations')
      ).rows.map((r) => [r.name, r.checksum]),
    );
    for (const migration of migrations) {
      const checksum = done.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.name} changed after it was applied. Migrations are forward-only: restore it and add a new one.`,
          );
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query('insert into schema_migrations (name, checksum) values ($1, $2)', [
          migration.name,
          migration.checksum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      applied.push(migration.name);
      log.info({ migration: migration.name }, 'migration applied');
    }
    await secureTenantTables(client);
  } finally {
    await client.query(`select pg_advisory_unlock(hashtext('bazaar.migrate'))`).catch(() => undefined);
    client.release();
  }
  return applied;
};

const secureTenantTables = async (client: pg.PoolClient): Promise<void> => {
  await ensureTenantRole(client);
  await client.query(`grant usage on schema public to ${TENANT_ROLE}`);
  await client.query(`grant select, insert, update, delete on all tables in schema public to ${TENANT_ROLE}`);
  await client.query(`grant usage, select on all sequences in schema public to ${TENANT_ROLE}`);
  const { rows } = await client.query<{ table_name: string }>(
    `select c.table_name from information_schema.columns c
       join pg_class t on t.relname = c.table_name and t.relnamespace = 'public'::regnamespace
      where c.table_schema = 'public' and c.column_name = 'tenant_id' and t.relkind = 'r'
        and not exists (select 1 from pg_policy p where p.polrelid = t.oid and p.polname = 'tenant_isolation')`,
  );
  for (const { table_name } of rows) {
    const table = quoteIdent(table_name);
    await client.query(`alter table ${table} enable row level security`);
    await client.query(
      `create policy tenant_isolation on ${table} to ${TENANT_ROLE}
         using (tenant_id = current_setting('bazaar.tenant_id', true))
         with check (tenant_id = current_setting('bazaar.tenant_id', true))`,
    );
  }
};

const ensureTenantRole = async (client: pg.PoolClient): Promise<void> => {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [TENANT_ROLE]);
  if (exists.rowCount === 0) {
    await client.query(`create role ${TENANT_ROLE} nologin`).catch((error: unknown) => {
      // Another service's migrator created it first: roles are shared by the whole server.
      const code = (error as { code?: string }).code;
      if (code !== '42710' && code !== '23505') throw error;
    });
  }
  // A non-superuser owner must be a member of the role to switch to it.
  const member = await client.query<{ ok: boolean }>(`select pg_has_role(current_user, $1, 'member') as ok`, [
    TENANT_ROLE,
  ]);
  if (!member.rows[0]?.ok) {
    await client.query(`grant ${TENANT_ROLE} to current_user`).catch((error: unknown) => {
      // Another database's migrator, running at the same time, granted it first.
      if ((error as { code?: string }).code !== '23505') throw error;
    });
  }
};
