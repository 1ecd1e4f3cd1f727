export interface Count {
  tenantId: string;
  keyId: string;
  endpoint: string;
  status: number;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  count: number;
}

/** Answers refused for being over a limit are metered but do not use up the quota. */
export const countsTowardQuota = (status: number): boolean => status !== 429;

/**
 * Counts not yet in PostgreSQL. `take` hands them to a flush; a flush that fails puts them back with
 * `restore`, so none is lost. `unconfirmed` is what a tenant used this month that the durable totals
 * do not show yet: it drops only when `confirm` says a flushed batch is in the totals read since.
 */
export class Counters {
  private pending = new Map<string, Count>();
  private readonly unconfirmedByMonth = new Map<string, number>();

  get size(): number {
    return this.pending.size;
  }

  add(count: Count): void {
    this.count(count);
    if (countsTowardQuota(count.status)) this.shift(count, count.count);
  }

  take(): Count[] {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    return batch;
  }

  restore(batch: readonly Count[]): void {
    for (const count of batch) this.count(count);
  }

  confirm(batch: readonly Count[]): void {
    for (const count of batch) if (countsTowardQuota(count.status)) this.shift(count, -count.count);
  }

  unconfirmed(tenantId: string, month: string): number {
    return this.unconfirmedByMonth.get(`${tenantId} ${month}`) ?? 0;
  }

  /** Adds to the pending count of the same tenant, day, key, endpoint and status. */
  private count(count: Count): void {
    const id = `${count.tenantId}\t${count.day}\t${count.keyId}\t${count.endpoint}\t${count.status}`;
    const known = this.pending.get(id);
    if (known) known.count += count.count;
    else this.pending.set(id, { ...count });
  }

  private shift(count: Count, by: number): void {
    const id = `${count.tenantId} ${count.day.slice(0, 7)}`;
    const value = (this.unconfirmedByMonth.get(id) ?? 0) + by;
    if (value <= 0) this.unconfirmedByMonth.delete(id);
    else this.unconfirmedByMonth.set(id, value);
  }
}
