import { newId, recordEvent, type Database, type Logger } from '@bazaar/kit';
import { sql } from 'kysely';
import { webhooksEvent } from './events.ts';
import { eventDoc, payloadOf } from './model.ts';
import type { Message, SendOptions, SendResult } from './sender.ts';
import { nextDelaySeconds, type WebhookSettings } from './settings.ts';
import type { EndpointRow, Trx, WebhooksTables } from './store.ts';

export interface WorkerOptions {
  /** Deliveries in flight in this process, over all endpoints. */
  maxInFlight?: number;
  /** Deliveries in flight to any one endpoint, so a slow one holds only a few slots. */
  perEndpoint?: number;
  pollMs?: number;
}

interface Claimed {
  id: string;
  tenant_id: string;
  endpoint_id: string;
  event_id: string;
}

type Sender = (message: Message, options: SendOptions) => Promise<SendResult>;

const claim = async (
  db: Database<WebhooksTables>,
  free: number,
  perEndpoint: number,
  busy: Map<string, number>,
  leaseSeconds: number,
): Promise<Claimed[]> => {
  const result = await sql<Claimed>`
    with candidates as (
      select d.id, d.endpoint_id, d.next_attempt_at,
             row_number() over (partition by d.endpoint_id order by d.next_attempt_at, d.id) as rank
        from deliveries d join endpoints e on e.id = d.endpoint_id
       where d.status = 'pending' and d.next_attempt_at <= now()
         and (d.lease_until is null or d.lease_until < now()) and e.status = 'enabled'
    ), chosen as (
      select c.id from candidates c
        left join unnest(${[...busy.keys()]}::text[], ${[...busy.values()]}::int[]) as b(endpoint_id, n)
          on b.endpoint_id = c.endpoint_id
       where c.rank <= ${perEndpoint} - coalesce(b.n, 0)
       order by c.rank, c.next_attempt_at
       limit ${free}
    ), locked as (
      select d.id from deliveries d
       where d.id in (select id from chosen) and d.status = 'pending'
         and (d.lease_until is null or d.lease_until < now())
         for update skip locked
    )
    update deliveries d set lease_until = now() + make_interval(secs => ${leaseSeconds})
      from locked where d.id = locked.id
    returning d.id, d.tenant_id, d.endpoint_id, d.event_id`.execute(db.kysely);
  return result.rows;
};

const disable = async (trx: Trx, endpoint: EndpointRow, reason: string) => {
  await trx
    .updateTable('endpoints')
    .set({ status: 'disabled', disabled_reason: reason, updated_at: new Date() })
    .where('id', '=', endpoint.id)
    .execute();
  await recordEvent(
    trx,
    webhooksEvent('webhook.endpoint_disabled', endpoint.tenant_id, {
      endpoint_id: endpoint.id,
      url: endpoint.url,
      reason,
    }),
  );
};

/**
 * Sends due deliveries. Replicas share them through leases taken with `for update skip locked`; within
 * a process each endpoint gets a few slots, so a slow or dead one never holds up the others.
 */
export const createWorker = (
  db: Database<WebhooksTables>,
  settings: WebhookSettings,
  log: Logger,
  send: Sender,
  { maxInFlight = 64, perEndpoint = 4, pollMs = 500 }: WorkerOptions = {},
) => {
  const busy = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const leaseSeconds = Math.ceil(settings.attemptTimeoutMs / 1_000) + 60;
  let running = false;
  let loop: Promise<void> | undefined;
  let nudged = false;
  let wakeUp: (() => void) | undefined;

  const wake = () => {
    nudged = true;
    wakeUp?.();
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const record = async (delivery: Claimed, result: SendResult, attemptedAt: Date) => {
    await db.system(async (trx) => {
      const current = await trx
        .selectFrom('deliveries')
        .selectAll()
        .where('id', '=', delivery.id)
        .forUpdate()
        .executeTakeFirst();
      if (!current) return;
      const endpoint = await trx
        .selectFrom('endpoints')
        .selectAll()
        .where('id', '=', delivery.endpoint_id)
        .forUpdate()
        .executeTakeFirst();
      if (!endpoint) return;
      await trx
        .insertInto('delivery_attempts')
        .values({
          id: newId('dla'),
          tenant_id: delivery.tenant_id,
          delivery_id: delivery.id,
          attempted_at: attemptedAt,
          status_code: result.statusCode,
          error: result.error,
          latency_ms: result.latencyMs,
          response_excerpt: result.excerpt,
        })
        .execute();
      const attempts = current.attempt_count + 1;
      const delay =
        result.ok || result.statusCode === 410
          ? undefined
          : nextDelaySeconds(settings.retrySchedule, attempts);
      await trx
        .updateTable('deliveries')
        .set({
          attempt_count: attempts,
          status: result.ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending',
          next_attempt_at: delay === undefined ? null : new Date(Date.now() + delay * 1_000),
          lease_until: null,
          updated_at: new Date(),
        })
        .where('id', '=', delivery.id)
        .execute();
      if (result.ok) {
        if (endpoint.failing_since) {
          await trx
            .updateTable('endpoints')
            .set({ failing_since: null })
            .where('id', '=', endpoint.id)
            .execute();
        }
        return;
      }
      if (endpoint.status !== 'enabled') return;
      if (result.statusCode === 410) return disable(trx, endpoint, 'The endpoint answered 410 Gone.');
      const failingSince = endpoint.failing_since ?? attemptedAt;
      if (!endpoint.failing_since) {
        await trx
          .updateTable('endpoints')
          .set({ failing_since: failingSince })
          .where('id', '=', endpoint.id)
          .execute();
      }
      if (Date.now() - failingSince.getTime() >= settings.disableAfterSeconds * 1_000) {
        await disable(trx, endpoint, `Every attempt failed for ${settings.disableAfterSeconds} seconds.`);
      }
    });
  };

  const attempt = async (delivery: Claimed) => {
    const loaded = await db.system((trx) =>
      trx
        .selectFrom('deliveries as d')
        .innerJoin('endpoints as en', 'en.id', 'd.endpoint_id')
        .innerJoin('events as ev', 'ev.id', 'd.event_id')
        .select(['en.url', 'en.secret', 'en.previous_secret', 'en.previous_secret_expires_at'])
        .select(['ev.id', 'ev.tenant_id', 'ev.type', 'ev.source', 'ev.data', 'ev.occurred_at'])
        .where('d.id', '=', delivery.id)
        .executeTakeFirst(),
    );
    if (!loaded) return;
    const secrets = [loaded.secret];
    if (
      loaded.previous_secret &&
      loaded.previous_secret_expires_at &&
      loaded.previous_secret_expires_at > new Date()
    ) {
      secrets.push(loaded.previous_secret);
    }
    const attemptedAt = new Date();
    const result = await send(
      { url: loaded.url, id: loaded.id, body: payloadOf(eventDoc(loaded)), secrets },
      { timeoutMs: settings.attemptTimeoutMs, allowPrivate: settings.allowPrivate },
    );
    await record(delivery, result, attemptedAt);
  };

  const launch = (delivery: Claimed) => {
    busy.set(delivery.endpoint_id, (busy.get(delivery.endpoint_id) ?? 0) + 1);
    const work = attempt(delivery)
      .catch((error: unknown) => log.warn({ err: error, delivery_id: delivery.id }, 'webhook attempt failed'))
      .finally(() => {
        const left = (busy.get(delivery.endpoint_id) ?? 1) - 1;
        if (left > 0) busy.set(delivery.endpoint_id, left);
        else busy.delete(delivery.endpoint_id);
        inFlight.delete(work);
        wake();
      });
    inFlight.add(work);
  };

  const run = async () => {
    while (running) {
      nudged = false;
      const free = maxInFlight - inFlight.size;
      let claimed: Claimed[] = [];
      if (free > 0) {
        try {
          claimed = await claim(db, free, perEndpoint, busy, leaseSeconds);
        } catch (error) {
          log.warn({ err: error }, 'claiming webhook deliveries failed; will retry');
        }
      }
      for (const delivery of claimed) launch(delivery);
      if (claimed.length === 0 || claimed.length === free) await sleep(pollMs);
    }
  };

  return {
    wake,
    start: () => {
      running = true;
      loop = run();
    },
    /** Takes no more work and waits for the attempts in flight. */
    stop: async () => {
      running = false;
      wakeUp?.();
      await loop;
      await Promise.all([...inFlight]);
    },
  };
};
