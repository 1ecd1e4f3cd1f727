import type { EventEnvelope } from './events.ts';
import type { Logger } from './log.ts';
import { consumeInSpan } from './tracing.ts';

/** What the bus knows about one delivery beyond the event itself. */
export interface EventDelivery {
  /** Headers carried from publish (e.g. W3C `traceparent`). */
  headers: Readonly<Record<string, string>>;
  /** 1 on the first delivery, more on redeliveries. */
  attempt: number;
}

export interface Subscription {
  /** A durable name: each consumer sees every event once, however many replicas it runs. */
  consumer: string;
  /** Event types, or '*' for all. */
  types: readonly string[] | '*';
  /**
   * false for a per-process listener (e.g. a cache to invalidate): it hears events only while it runs and
   * the broker forgets it soon after it stops. Default true.
   */
  durable?: boolean;
  handle(event: EventEnvelope, delivery?: EventDelivery): Promise<void>;
  /**
   * Optional: handles a run of events in order, all or none (one transaction). A bus holding several at
   * once (the memory bus, relaying an outbox batch) hands them over together.
   */
  handleBatch?(events: readonly EventEnvelope[]): Promise<void>;
}

export interface PublishOptions {
  /** Carried with every event of the batch to its handlers (adapters that have headers). */
  headers?: Readonly<Record<string, string>>;
}

/** The port every event bus adapter implements. */
export interface EventBus {
  /** Resolves once the bus holds the events durably (or, in memory, once every consumer handled them). */
  publish(events: readonly EventEnvelope[], options?: PublishOptions): Promise<void>;
  subscribe(subscription: Subscription): void;
  /** Resolves when the bus's server answers (for readiness probes); a bus in memory always does. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

const wants = (subscription: Subscription, type: string): boolean =>
  subscription.types === '*' || subscription.types.includes(type);

/**
 * The all-in-one bus. Publishing waits for every consumer, so the outbox row is marked published only
 * after its effects are committed: a crash in between leaves it in the outbox and it is delivered
 * again, and the consumers' inbox turns the repeat into a no-op.
 */
export const createMemoryBus = (log: Logger): EventBus => {
  const subscriptions: Subscription[] = [];
  return {
    publish: async (events) => {
      const deliver = async (s: Subscription) => {
        const wanted = events.filter((event) => wants(s, event.type));
        const span = (event: EventEnvelope, work: () => Promise<void>) =>
          consumeInSpan(event, { system: 'memory', consumer: s.consumer }, work);
        if (s.handleBatch && wanted.length > 1) {
          const batch = s.handleBatch(wanted);
          // Each event still gets its consumer span in its own trace, spanning the batch that handled it.
          await Promise.all(wanted.map((event) => span(event, () => batch)));
          return;
        }
        for (const event of wanted) await span(event, () => s.handle(event));
      };
      const results = await Promise.allSettled(subscriptions.map(deliver));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        log.warn({ events: events.length, err: failed[0]?.reason }, 'event handler failed');
        throw new Error(`${failed.length} consumer(s) failed on a batch of ${events.length} events`, {
          cause: failed[0]?.reason,
        });
      }
    },
    subscribe: (subscription) => {
      subscriptions.push(subscription);
    },
    close: () => Promise.resolve(),
  };
};
