import { vi } from 'vitest';
import { createLogger, type EventBus, type EventDelivery, type EventEnvelope } from '@bazaar/kit';

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
