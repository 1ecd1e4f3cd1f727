import { sql } from 'kysely';
import type { EventBus } from './bus.ts';
import type { Database } from './db.ts';
import type { EventTrace } from './events.ts';
import type { Logger } from './log.ts';
import { parkedEvents } from './metrics.ts';
import { sendLater } from './pg-driver.ts';
import { createWaker } from './waker.ts';

export interface OutboxRelay {
  start(): Promise<void>;
  /** Publishes what is left, then stops. */
  stop(): Promise<void>;
  /** Runs one pass now; resolves with the number of events published. */
  flush(): Promise<number>;
}

interface OutboxRow {
  seq: number;
  id: string;
  tenant_id: string | null;
  type: string;
  data: unknown;
  occurred_at: Date;
  trace: EventTrace | null;
}

const BATCH = 200;
const POLL_MS = 1_000;
const RETENTION = '7 days';

/**
 * Moves committed events from a service's outbox to the bus, in commit order. It wakes when a
 * transaction of this process that recorded events commits, and polls for the rest (events another
 * replica wrote and could not relay before it died). Not LISTEN/NOTIFY: a NOTIFY takes a lock held
 * through commit, which would make every event-recording commit of the server wait for the one before.
 * Replicas share the work through `for update skip locked`. A failed publish leaves the rows in place
 * and is retried with backoff; an event a consumer keeps failing on is parked in `dead_letters` by the
 * memory bus (NATS has its own dead-letter stream).
 */
export const createOutboxRelay = <DB>(
  db: Database<DB>,
  bus: EventBus,
  source: string,
  log: Logger,
  { pollMs = POLL_MS }: { pollMs?: number } = {},
): OutboxRelay => {
  const pool = db.pool;
  let running = false;
  const waker = createWaker();
  db.onEventsCommitted(() => {
    if (running) waker.wake();
  });
  let loop: Promise<void> | undefined;
  let pass: Promise<number> = Promise.resolve(0);
  let failures = 0;

  const publishBatch = (): Promise<number> =>
    db.system(async (trx) => {
      // The commit that marks a batch published need not wait for its WAL to reach the disk: lost in
      // a server crash, the batch is published again and consumers dedupe it by event id. Meanwhile
      // the next batch is not held up by a flush.
      await sendLater(trx, sql`set local synchronous_commit = off`.compile(trx));
      // Marked in the same statement that takes them: a failed publish rolls the mark back.
      const { rows } = await sql<OutboxRow>`update outbox set published_at = now() where seq in (
           select seq from outbox where published_at is null order by seq limit ${BATCH} for update skip locked)
         returning seq, id, tenant_id, type, data, occurred_at, trace`.execute(trx);
      if (rows.length === 0) return 0;
      rows.sort((a, b) => a.seq - b.seq);
      await bus.publish(
        rows.map((r) => ({
          id: r.id,
          type: r.type,
          source,
          tenant_id: r.tenant_id,
          occurred_at: r.occurred_at.toISOString(),
          data: r.data,
          ...(r.trace ? { trace: r.trace } : {}),
        })),
        {
          // In the transaction that marks the batch published: parked and published, or neither.
          park: async ({ consumer, event, deliveries, reason }) => {
            await sql`insert into dead_letters (consumer, event_id, event, deliveries, reason)
              values (${consumer}, ${event.id}, ${JSON.stringify(event)}::jsonb, ${deliveries}, ${reason})
              on conflict (consumer, event_id) do update
                set deliveries = excluded.deliveries, reason = excluded.reason, parked_at = now()`.execute(
              trx,
            );
          },
        },
      );
      return rows.length;
    });

  const drain = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await publishBatch();
      total += n;
      if (n < BATCH) return total;
    }
  };

  // Passes never overlap within a process: ordering across one relay is commit order.
  const flush = (): Promise<number> => {
    pass = pass.catch(() => 0).then(drain);
    return pass;
  };

  const run = async () => {
    let lastCleanup = 0;
    while (running) {
      try {
        await flush();
        failures = 0;
        if (Date.now() - lastCleanup > 3_600_000) {
          lastCleanup = Date.now();
          await pool.query(`delete from outbox where published_at < now() - interval '${RETENTION}'`);
        }
      } catch (error) {
        failures += 1;
        log.warn({ err: error, source, failures }, 'outbox relay could not publish; will retry');
      }
      if (!running) break;
      await waker.sleep(failures === 0 ? pollMs : Math.min(30_000, 200 * 2 ** failures));
    }
  };

  return {
    start: () => {
      running = true;
      loop = run();
      return Promise.resolve();
    },
    stop: async () => {
      running = false;
      waker.wake();
      await loop;
      await flush().catch((error: unknown) =>
        log.warn({ err: error, source }, 'outbox not fully flushed at stop'),
      );
    },
    flush,
  };
};

/**
 * Counts, at every scrape, the events `source`'s relay parked in its `dead_letters` (where the memory
 * bus parks; NATS keeps its own dead-letter stream). Answers the function that stops counting.
 */
export const reportParkedEvents = <DB>(db: Database<DB>, source: string): (() => void) =>
  parkedEvents(source, async () => {
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from dead_letters');
    return rows[0]?.n ?? 0;
  });
