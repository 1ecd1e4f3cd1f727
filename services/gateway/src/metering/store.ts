import type { Database } from '@bazaar/kit';
import { sql } from 'kysely';
import type { Count } from './counters.ts';

export const GROUPINGS = ['day', 'key', 'endpoint', 'status_class'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** The column each grouping answers with, and the SQL that computes it. */
const COLUMNS: Record<Grouping, { name: string; sql: string }> = {
  day: { name: 'day', sql: `to_char(day, 'YYYY-MM-DD')` },
  key: { name: 'key_id', sql: 'key_id' },
  endpoint: { name: 'endpoint', sql: 'endpoint' },
  status_class: { name: 'status_class', sql: `(status / 100)::text || 'xx'` },
};

export const columnOf = (grouping: Grouping): string => COLUMNS[grouping].name;

export type UsageRow = Record<string, string | number>;

/**
 * Adds a batch of counts to the durable counters in one statement. Rows are written in one order by
 * every gateway, so concurrent flushes cannot deadlock.
 */
export const addCounts = async <DB>(db: Database<DB>, batch: readonly Count[]): Promise<void> => {
  if (batch.length === 0) return;
  const order = (c: Count) => `${c.tenantId}\t${c.day}\t${c.keyId}\t${c.endpoint}\t${c.status}`;
  const rows = [...batch].sort((a, b) => (order(a) < order(b) ? -1 : 1));
  await db.pool.query(
    `insert into usage_counters (tenant_id, day, key_id, endpoint, status, count)
       select * from unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::smallint[], $6::bigint[])
     on conflict (tenant_id, day, key_id, endpoint, status)
       do update set count = usage_counters.count + excluded.count`,
    [
      rows.map((r) => r.tenantId),
      rows.map((r) => r.day),
      rows.map((r) => r.keyId),
      rows.map((r) => r.endpoint),
      rows.map((r) => r.status),
      rows.map((r) => r.count),
    ],
  );
};

/** What each tenant used in a UTC month (`YYYY-MM`), as the quota counts it. */
export const monthTotals = async <DB>(
  db: Database<DB>,
  tenantIds: readonly string[],
  month: string,
): Promise<Map<string, number>> => {
  const totals = new Map(tenantIds.map((id) => [id, 0]));
  if (tenantIds.length === 0) return totals;
  const first = `${month}-01`;
  const { rows } = await db.pool.query<{ tenant_id: string; total: number }>(
    `select tenant_id, sum(count)::bigint as total from usage_counters
      where tenant_id = any($1::text[]) and day >= $2::date and day < ($2::date + interval '1 month')
        and status <> 429 -- as countsTowardQuota
      group by tenant_id`,
    [tenantIds, first],
  );
  for (const row of rows) totals.set(row.tenant_id, Number(row.total));
  return totals;
};

/**
 * A tenant's requests from `from` to `to` (UTC days, inclusive), summed per the groupings. Runs as the
 * tenant, so row-level security keeps other tenants' rows out even if the filter were wrong.
 */
export const readUsage = async <DB>(
  db: Database<DB>,
  tenantId: string,
  { from, to, groupBy }: { from: string; to: string; groupBy: readonly Grouping[] },
): Promise<UsageRow[]> => {
  const columns = groupBy.map((g) => sql.raw(`${COLUMNS[g].sql} as ${COLUMNS[g].name}`));
  const keys = groupBy.map((_, i) => sql.raw(String(i + 1)));
  const query = sql<UsageRow>`select ${sql.join([...columns, sql.raw('sum(count)::bigint as requests')])}
    from usage_counters
    where tenant_id = ${tenantId} and day >= ${from}::date and day <= ${to}::date
    ${keys.length > 0 ? sql`group by ${sql.join(keys)} order by ${sql.join(keys)}` : sql``}`;
  const { rows } = await db.tenant(tenantId, (trx) => query.execute(trx));
  // With no grouping, an empty range still sums to one row: zero requests.
  return rows.map((row) => ({ ...row, requests: Number(row.requests ?? 0) }));
};
