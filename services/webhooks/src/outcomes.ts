import { newId, recordEvents, type Database } from '@bazaar/kit';
import { sql } from 'kysely';
import type { Claimed } from './claim.ts';
import { webhooksEvent } from './events.ts';
import type { SendResult } from './sender.ts';
import type { WebhookSettings } from './settings.ts';
import type { Trx, WebhooksTables } from './store.ts';

/** One attempt's result, waiting to be written. */
export interface Outcome {
  delivery: Pick<Claimed, 'id' | 'tenant_id' | 'endpoint_id'>;
  result: SendResult;
  attemptedAt: Date;
}

const gone = (o: Outcome) => o.result.statusCode === 410;

/**
 * What a batch does to an endpoint's `failing_since`, its outcomes taken in the order they came:
 * `clear` when it ends with a success; `restart` (at `at`) when a success in it was followed by
 * failures; `keep` (failing since the endpoint's own value, or `at`) when it holds failures only.
 */
type FailingChange = { id: string; mode: 'clear' | 'restart' | 'keep'; at: Date | null };

const failingChanges = (outcomes: Outcome[]): FailingChange[] => {
  const changes = new Map<string, FailingChange>();
  for (const o of outcomes) {
    const id = o.delivery.endpoint_id;
    const change = changes.get(id);
    if (o.result.ok) changes.set(id, { id, mode: 'clear', at: null });
    else if (!change) changes.set(id, { id, mode: 'keep', at: o.attemptedAt });
    else if (change.mode === 'clear') changes.set(id, { id, mode: 'restart', at: o.attemptedAt });
  }
  return [...changes.values()];
};

/**
 * Writes attempts' results, many in a few statements: each attempt in the log, each delivery's next
 * state (succeeded; failed after a 410 or the last attempt of the schedule; else pending until its next
 * attempt, with ±10% jitter), each endpoint's failing_since, and the endpoints to disable, with
 * webhook.endpoint_disabled. Deliveries deleted meanwhile (their endpoint was) are left out.
 */
export const recordOutcomes = async (
  db: Database<WebhooksTables>,
  settings: WebhookSettings,
  outcomes: Outcome[],
): Promise<void> => {
  if (outcomes.length === 0) return;
  const okEndpoints = [...new Set(outcomes.filter((o) => o.result.ok).map((o) => o.delivery.endpoint_id))];
  const allOk = outcomes.every((o) => o.result.ok);
  await db.system(async (trx) => {
    await sql`
      with o as (
        select * from unnest(
          ${outcomes.map((o) => o.delivery.id)}::text[],
          ${outcomes.map((o) => o.result.ok)}::bool[],
          ${outcomes.map(gone)}::bool[],
          ${outcomes.map(() => newId('dla'))}::text[],
          ${outcomes.map((o) => o.delivery.tenant_id)}::text[],
          ${outcomes.map((o) => o.attemptedAt)}::timestamptz[],
          ${outcomes.map((o) => o.result.statusCode)}::int[],
          ${outcomes.map((o) => o.result.error)}::text[],
          ${outcomes.map((o) => o.result.latencyMs)}::int[],
          ${outcomes.map((o) => o.result.excerpt)}::text[]
        ) as o(delivery_id, ok, gone, attempt_id, tenant_id, attempted_at, status_code, error, latency_ms,
               response_excerpt)
      ), updated as (
        update deliveries d
           set attempt_count = d.attempt_count + 1,
               status = case when o.ok then 'succeeded'
                             when o.gone or (${settings.retrySchedule}::float8[])[d.attempt_count + 2] is null
                               then 'failed'
                             else 'pending' end,
               next_attempt_at = case when o.ok or o.gone then null
                                      else now() + make_interval(secs =>
                                        (${settings.retrySchedule}::float8[])[d.attempt_count + 2]
                                          * (0.9 + random() * 0.2)) end,
               lease_until = null,
               updated_at = now()
          from o
         where d.id = o.delivery_id
        returning d.id
      ), logged as (
        insert into delivery_attempts
          (id, tenant_id, delivery_id, attempted_at, status_code, error, latency_ms, response_excerpt)
        select o.attempt_id, o.tenant_id, o.delivery_id, o.attempted_at, o.status_code, o.error, o.latency_ms,
               o.response_excerpt
          from o join updated u on u.id = o.delivery_id
      )
      update endpoints set failing_since = null
       where id = any(${allOk ? okEndpoints : []}::text[]) and failing_since is not null`.execute(trx);
    if (!allOk) await recordFailing(trx, settings, outcomes);
  });
};

/** failing_since of the endpoints in a batch with failures, and the disabling of those to give up on. */
const recordFailing = async (trx: Trx, settings: WebhookSettings, outcomes: Outcome[]) => {
  const changes = failingChanges(outcomes);
  // Success clears it whatever the endpoint's status; a failure starts it on an enabled endpoint only.
  await sql`
    update endpoints e
       set failing_since = case when c.mode = 'clear' or e.status <> 'enabled' then null else c.at end
      from unnest(${changes.map((c) => c.id)}::text[], ${changes.map((c) => c.mode)}::text[],
                  ${changes.map((c) => c.at)}::timestamptz[]) as c(id, mode, at)
     where e.id = c.id
       and (c.mode = 'clear' and e.failing_since is not null
         or c.mode = 'restart'
         or c.mode = 'keep' and e.failing_since is null and e.status = 'enabled')`.execute(trx);
  const goneIds = [...new Set(outcomes.filter(gone).map((o) => o.delivery.endpoint_id))];
  const failingIds = changes.filter((c) => c.mode !== 'clear').map((c) => c.id);
  const disabled = await sql<{ id: string; tenant_id: string; url: string; disabled_reason: string }>`
    update endpoints e
       set status = 'disabled',
           disabled_reason = case when e.id = any(${goneIds}::text[]) then 'The endpoint answered 410 Gone.'
                                  else ${`Every attempt failed for ${settings.disableAfterSeconds} seconds.`} end,
           updated_at = now()
     where e.status = 'enabled'
       and (e.id = any(${goneIds}::text[])
         or e.id = any(${failingIds}::text[])
            and e.failing_since <= now() - make_interval(secs => ${settings.disableAfterSeconds}::int))
    returning e.id, e.tenant_id, e.url, e.disabled_reason`.execute(trx);
  await recordEvents(
    trx,
    disabled.rows.map((e) =>
      webhooksEvent('webhook.endpoint_disabled', e.tenant_id, {
        endpoint_id: e.id,
        url: e.url,
        reason: e.disabled_reason,
      }),
    ),
  );
};
