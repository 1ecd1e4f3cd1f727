import { vi } from 'vitest';
import {
  createLogger,
  type EventBus,
  type EventDelivery,
  type EventEnvelope,
  type Subscription,
} from '@bazaar/kit';

export const quietLog = () => createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });

let counter = 0;
export const anEvent = (type: string, source = 'orders'): EventEnvelope => ({
  id: `evt_${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`,
  type,
  source,
  tenant_id: 'ten_test',
  occurred_at: new Date().toISOString(),
  data: { n: counter },
});

/** Publishes as the outbox relay does: a rejected publish leaves the events to be published again. */
export const relay = (bus: EventBus, events: readonly EventEnvelope[]) =>
  vi.waitFor(() => bus.publish(events), { timeout: 30_000, interval: 50 });

export const eventually = <T>(check: () => T | Promise<T>) =>
  vi.waitFor(check, { timeout: 30_000, interval: 25 });

export interface Heard {
  events: EventEnvelope[];
  deliveries: (EventDelivery | undefined)[];
  ids(): string[];
  handle: (event: EventEnvelope, delivery?: EventDelivery) => Promise<void>;
}

/** A handler that records what it was handed. */
export const listener = (): Heard => {
  const heard: Heard = {
    events: [],
    deliveries: [],
    ids: () => heard.events.map((e) => e.id),
    handle: (event, delivery) => {
      heard.events.push(event);
      heard.deliveries.push(delivery);
      return Promise.resolve();
    },
  };
  return heard;
};

export interface HeardInBatches {
  /** Ids of each handleBatch call. */
  batches: string[][];
  /** Each handle call. */
  singles: { id: string; attempt: number | undefined }[];
  /** Ids in the order handlers were handed them. */
  handed: string[];
  /** Ids whose handler succeeded. */
  committed: string[];
}

/** A subscriber with handleBatch (as the webhooks service has) that records what it was handed. */
export const batcher = (consumer: string, failsOn?: string) => {
  const heard: HeardInBatches = { batches: [], singles: [], handed: [], committed: [] };
  const take = (ids: string[]) => {
    heard.handed.push(...ids);
    if (failsOn && ids.includes(failsOn)) return Promise.reject(new Error('cannot take this one'));
    heard.committed.push(...ids);
    return Promise.resolve();
  };
  const subscription: Subscription = {
    consumer,
    types: '*',
    handle: (event, delivery) => {
      heard.singles.push({ id: event.id, attempt: delivery?.attempt });
      return take([event.id]);
    },
    handleBatch: (events) => {
      const ids = events.map((e) => e.id);
      heard.batches.push(ids);
      return take(ids);
    },
  };
  return { heard, subscription };
};
