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
  /**
   * Where an event a consumer keeps failing on is kept, for a bus with no durable place of its own (the
   * memory bus): once it resolves, the event is that consumer's no more and the events after it flow.
   * NATS parks such events on its dead-letter stream instead. Without it the memory bus retries forever.
   */
  park?: (parked: ParkedEvent) => Promise<void>;
}

/** An event a consumer gave up on, and why. */
export interface ParkedEvent {
  consumer: string;
  event: EventEnvelope;
  /** How many times the consumer was handed it. */
  deliveries: number;
  /** The last failure's message, on one line. */
  reason: string;
}

/** A handler's failure as one line, for logs and dead letters. */
export const failureReason = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/[\r\n]+/g, ' ').slice(0, 500);

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

export interface MemoryBusOptions {
  /** Deliveries of an event a consumer keeps failing on before it is parked (5, as on NATS)… */
  maxDeliver?: number;
  /** …and at least this long after its first failure, so a passing fault parks nothing (15 s). */
  parkAfterMs?: number;
}

/**
 * The all-in-one bus. Publishing waits for every consumer, so the outbox row is marked published only
 * after its effects are committed: a crash in between leaves it in the outbox and it is delivered
 * again, and the consumers' inbox turns the repeat into a no-op. An event a consumer keeps failing on
 * is handed to the publisher's `park` (the relay keeps it in its database), so it cannot hold up the
 * events after it forever.
 */
export const createMemoryBus = (
  log: Logger,
  { maxDeliver = 5, parkAfterMs = 15_000 }: MemoryBusOptions = {},
): EventBus => {
  const subscriptions: Subscription[] = [];
  /** Consumers' failures on events not handled yet, by consumer and event id. */
  const failures = new Map<string, { deliveries: number; since: number }>();
  const failureKey = (s: Subscription, event: EventEnvelope) => `${s.consumer}\n${event.id}`;

  return {
    publish: async (events, options) => {
      // Forgotten, and logged, once the whole batch is taken: if another consumer fails it, the
      // publisher's transaction (and the parking in it) rolls back, and these are parked again next
      // time. (Should the publisher's commit itself fail, they are counted afresh: later, not lost.)
      const parked: (ParkedEvent & { key: string })[] = [];
      const deliver = async (s: Subscription) => {
        const wanted = events.filter((event) => wants(s, event.type));
        const span = (event: EventEnvelope, work: () => Promise<void>) =>
          consumeInSpan(event, { system: 'memory', consumer: s.consumer }, work);
        const one = async (event: EventEnvelope) => {
          const key = failureKey(s, event);
          try {
            await span(event, () => s.handle(event));
            failures.delete(key);
          } catch (error) {
            const now = Date.now();
            const failed = failures.get(key) ?? { deliveries: 0, since: now };
            failed.deliveries += 1;
            failures.set(key, failed);
            if (!options?.park || failed.deliveries < maxDeliver || now - failed.since < parkAfterMs)
              throw error;
            const parking = {
              consumer: s.consumer,
              event,
              deliveries: failed.deliveries,
              reason: failureReason(error),
            };
            await options.park(parking);
            parked.push({ ...parking, key });
          }
        };
        if (s.handleBatch && wanted.length > 1 && !wanted.some((e) => failures.has(failureKey(s, e)))) {
          const batch = s.handleBatch(wanted);
          try {
            // Each event still gets its consumer span in its own trace, spanning the batch that handled it.
            await Promise.all(wanted.map((event) => span(event, () => batch)));
            return;
          } catch {
            // One at a time below: those that can be handled are, and the one that fails is found.
          }
        }
        for (const event of wanted) await one(event);
      };
      const results = await Promise.allSettled(subscriptions.map(deliver));
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length > 0) {
        log.warn({ events: events.length, err: failed[0]?.reason }, 'event handler failed');
        throw new Error(`${failed.length} consumer(s) failed on a batch of ${events.length} events`, {
          cause: failed[0]?.reason,
        });
      }
      for (const { key, consumer, event, deliveries, reason } of parked) {
        failures.delete(key);
        log.warn(
          { consumer, event_id: event.id, type: event.type, deliveries, reason },
          'event dead-lettered',
        );
      }
    },
    subscribe: (subscription) => {
      subscriptions.push(subscription);
    },
    close: () => Promise.resolve(),
  };
};
