import { periodic, type Database, type Logger } from '@bazaar/kit';
import { Counters, type Count } from './counters.ts';
import { utcMonth } from './endpoint.ts';
import { addCounts, monthTotals } from './store.ts';

export interface Meter {
  record(count: Count): void;
  /**
   * What a tenant used this UTC month, as the quota counts it: its durable total (read once, then
   * refreshed after every flush, so it includes what other gateways flushed) plus what this gateway
   * counted that the total does not show yet. Synchronous once the month's total is known.
   */
  used(tenantId: string, now?: Date): number | Promise<number>;
  /** Writes what is counted now (and refreshes the totals); counts a failed write keeps are retried. */
  flush(): Promise<void>;
  start(): void;
  /** Stops the timer and writes what is left. */
  stop(): Promise<void>;
}

interface Total {
  month: string;
  total: number;
  seenAt: number;
}

/** A tenant that made no request for this long is no longer refreshed; its next request reads it again. */
const FORGET_AFTER_MS = 3_600_000;
const FINAL_ATTEMPTS = 3;

export const createMeter = <DB>(
  db: Database<DB>,
  log: Logger,
  { flushEveryMs }: { flushEveryMs: number },
): Meter => {
  const counters = new Counters();
  const totals = new Map<string, Total>();
  const loading = new Map<string, Promise<Total>>();
  // Written, but not yet in totals read since: they stay in `unconfirmed` until a refresh succeeds.
  let written: Count[] = [];

  // Flushes and total reads run one at a time, so a total is never read halfway through a flush.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  };

  const refresh = async () => {
    const now = Date.now();
    for (const [tenantId, total] of totals) if (now - total.seenAt > FORGET_AFTER_MS) totals.delete(tenantId);
    const month = utcMonth(new Date(now));
    const fresh = await monthTotals(db, [...totals.keys()], month);
    for (const [tenantId, total] of fresh) {
      const known = totals.get(tenantId);
      if (known) Object.assign(known, { month, total });
    }
    counters.confirm(written);
    written = [];
  };

  const flushOnce = () =>
    serial(async () => {
      const batch = counters.take();
      if (batch.length > 0) {
        try {
          await addCounts(db, batch);
        } catch (error) {
          counters.restore(batch);
          throw error;
        }
        written.push(...batch);
      }
      if (written.length > 0 || totals.size > 0) await refresh();
      return batch.length;
    });

  const task = periodic(
    'usage flush',
    flushOnce,
    { batch: Number.POSITIVE_INFINITY, everyMs: flushEveryMs },
    log,
  );

  const load = (tenantId: string, month: string): Promise<Total> => {
    const key = `${tenantId} ${month}`;
    let pending = loading.get(key);
    if (!pending) {
      pending = serial(async () => {
        const total = (await monthTotals(db, [tenantId], month)).get(tenantId) ?? 0;
        const entry = { month, total, seenAt: Date.now() };
        totals.set(tenantId, entry);
        return entry;
      }).finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  };

  return {
    record: (count) => counters.add(count),
    used: (tenantId, now = new Date()) => {
      const month = utcMonth(now);
      const usedOf = (total: Total) => {
        total.seenAt = Date.now();
        return total.total + counters.unconfirmed(tenantId, month);
      };
      const total = totals.get(tenantId);
      return total?.month === month ? usedOf(total) : load(tenantId, month).then(usedOf);
    },
    flush: async () => {
      await flushOnce();
    },
    start: () => task.start(),
    stop: async () => {
      await task.stop();
      for (let attempt = 1; counters.size > 0; attempt += 1) {
        try {
          await flushOnce();
        } catch (error) {
          if (attempt >= FINAL_ATTEMPTS) {
            log.error(
              { err: error, counters: counters.size },
              'usage counters could not be written at shutdown',
            );
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
    },
  };
};
