import { newId, type Database, type EventEnvelope } from '@bazaar/kit';
import { sql } from 'kysely';
import { ALL_EVENTS } from './event-types.ts';
import type { WebhooksTables } from './store.ts';

/** The enabled endpoints of these tenants, with the event types they want. */
const enabledEndpoints = async (db: Database<WebhooksTables>, tenantIds: string[]) =>
  db.kysely
    .selectFrom('endpoints')
    .select(['id', 'tenant_id', 'enabled_events'])
    .where('tenant_id', 'in', tenantIds)
    .where('status', '=', 'enabled')
    .execute();

/**
 * Logs tenants' events and queues a delivery to each endpoint that wants one, each event once for
 * `consumer`: the inbox rows, the events and their deliveries are one statement, so a run of events
 * commits together or not at all, and one that was handled before changes nothing. Answers how many
 * deliveries were queued.
 */
export const ingestEvents = async (
  db: Database<WebhooksTables>,
  consumer: string,
  events: readonly EventEnvelope[],
  firstDelaySeconds: number,
): Promise<number> => {
  const tenants = events.filter((e): e is EventEnvelope & { tenant_id: string } => !!e.tenant_id);
  if (tenants.length === 0) return 0;
  const endpoints = await enabledEndpoints(db, [...new Set(tenants.map((e) => e.tenant_id))]);
  const deliveries: { id: string; endpoint: string; event: string }[] = [];
  for (const event of tenants) {
    for (const e of endpoints) {
      if (e.tenant_id !== event.tenant_id) continue;
      if (!e.enabled_events.includes(event.type) && !e.enabled_events.includes(ALL_EVENTS)) continue;
      deliveries.push({ id: newId('dlv'), endpoint: e.id, event: event.id });
    }
  }
  const due = new Date(Date.now() + firstDelaySeconds * 1_000);
  // An endpoint deleted since it was read is left out rather than failing the statement.
  const result = await sql<{ queued: number }>`
    with input as (
      select * from unnest(
        ${tenants.map((e) => e.id)}::text[],
        ${tenants.map((e) => e.tenant_id)}::text[],
        ${tenants.map((e) => e.type)}::text[],
        ${tenants.map((e) => e.source)}::text[],
        ${tenants.map((e) => JSON.stringify(e.data))}::text[],
        ${tenants.map((e) => new Date(e.occurred_at))}::timestamptz[]
      ) as i(id, tenant_id, type, source, data, occurred_at)
    ), handled as (
      insert into inbox (consumer, event_id) select ${consumer}, id from input
      on conflict do nothing returning event_id
    ), logged as (
      insert into events (id, tenant_id, type, source, data, occurred_at)
      select i.id, i.tenant_id, i.type, i.source, i.data::jsonb, i.occurred_at
        from input i join handled h on h.event_id = i.id
      on conflict (id) do nothing
    ), queued as (
      insert into deliveries (id, tenant_id, endpoint_id, event_id, status, next_attempt_at)
      select q.id, e.tenant_id, q.endpoint_id, q.event_id, 'pending', ${due}::timestamptz
        from unnest(${deliveries.map((d) => d.id)}::text[], ${deliveries.map((d) => d.endpoint)}::text[],
                    ${deliveries.map((d) => d.event)}::text[]) as q(id, endpoint_id, event_id)
        join handled h on h.event_id = q.event_id
        join endpoints e on e.id = q.endpoint_id
      on conflict (endpoint_id, event_id) do nothing
      returning 1
    )
    select count(*)::int as queued from queued`.execute(db.kysely);
  return result.rows[0]?.queued ?? 0;
};
