import { consumerLag } from '../metrics.ts';
import { createWaker } from '../waker.ts';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers as natsHeaders, nanos } from '@nats-io/transport-node';
import type { Subscription } from '../bus.ts';
import type { EventEnvelope } from '../events.ts';
import type { Logger } from '../log.ts';
import { consumeInSpan } from '../tracing.ts';
import type { NatsLink } from './connection.ts';
import { consumerNameOf, type BusNames } from './names.ts';

export interface ConsumerSettings {
  /** Deliveries before an event goes to the dead-letter subject. */
  maxDeliver: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  ackWaitMs: number;
  /** Handlers running at once per subscription in this process. */
  concurrency: number;
  /** Unacknowledged events across all replicas of one consumer. */
  maxAckPending: number;
  /** How long the broker keeps a non-durable consumer nobody pulls from. */
  ephemeralTtlMs: number;
  /**
   * How long it keeps a durable one nobody pulls from: the stream's retention, after which a returning
   * consumer would find nothing older anyway (it is recreated from the start of the stream).
   */
  durableTtlMs: number;
  /** How long a handler may run before its event is left to be redelivered. */
  handlerTimeoutMs: number;
}

export interface RunningSubscription {
  /** Stops pulling and waits up to graceMs for running handlers; false if some were still running. */
  stop(graceMs: number): Promise<boolean>;
}

// Clocks of client and server differ a little; hearing a few seconds too much is harmless (inbox), too little is not.
const CLOCK_MARGIN_MS = 5_000;

const isApiError = (error: unknown, code: number) =>
  error instanceof JetStreamApiError && error.code === code;

const oneLine = (value: unknown) =>
  (value instanceof Error ? value.message : String(value)).replace(/[\r\n]+/g, ' ').slice(0, 500);

/** Headers a publisher set (trace context); the broker's own `Nats-*` ones are not part of the event. */
const carriedHeaders = (msg: JsMsg): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const key of msg.headers?.keys() ?? []) {
    if (!key.toLowerCase().startsWith('nats-')) out[key] = msg.headers?.get(key) ?? '';
  }
  return out;
};

const parse = (data: Uint8Array): EventEnvelope => {
  const event = JSON.parse(new TextDecoder().decode(data)) as Partial<EventEnvelope> | null;
  if (!event || typeof event.id !== 'string' || typeof event.type !== 'string') {
    throw new Error('not an event envelope');
  }
  return event as EventEnvelope;
};

// After the connection closes, acks cannot be sent: the broker redelivers after ack_wait.
const settle = (action: () => void) => {
  try {
    action();
  } catch {
    // nothing to do
  }
};

/**
 * One pull consumer per subscription, filtered to the events stream. It is durable (replicas of a service
 * share it, so each event is handled by one of them) unless the subscription says otherwise. An event is
 * acknowledged only once `handle` resolved; a failure is retried with growing delays, and after
 * `maxDeliver` deliveries the event is parked on `<prefix>.dead.<consumer>` and terminated.
 */
export const startSubscription = (
  link: NatsLink,
  names: BusNames,
  subscription: Subscription,
  settings: ConsumerSettings,
  log: Logger,
): RunningSubscription => {
  const js = link.jsm.jetstream();
  const stream = names.eventStream;
  const name = consumerNameOf(subscription.consumer, subscription.types);
  const durable = subscription.durable !== false;
  const { types } = subscription;
  const wanted = types === '*' ? () => true : (type: string) => types.includes(type);
  const subscribedAt = Date.now();
  let handledUpTo: number | undefined;
  let stopping = false;
  let messages: ConsumerMessages | undefined;
  const waker = createWaker();
  const inFlight = new Set<Promise<void>>();
  const logger = log.child({ consumer: subscription.consumer });
  if (durable) {
    consumerLag(subscription.consumer, async () => {
      const info = await link.jsm.consumers.info(stream, name);
      return info.num_pending + info.num_ack_pending;
    });
  }

  // A durable consumer starts at the beginning of the stream, so events published before its first
  // deployment still reach it (its inbox skips what it already handled if it is ever recreated). A
  // per-process one hears what happens from now on, or, recreated after an outage longer than its ttl,
  // from the last event it handled.
  const startAt = (): Partial<ConsumerConfig> =>
    durable
      ? { deliver_policy: DeliverPolicy.All }
      : {
          deliver_policy: DeliverPolicy.StartTime,
          opt_start_time: new Date((handledUpTo ?? subscribedAt) - CLOCK_MARGIN_MS).toISOString(),
        };

  const ensureConsumer = async () => {
    try {
      await link.jsm.consumers.info(stream, name);
      return;
    } catch (error) {
      if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    }
    try {
      await link.jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(settings.ackWaitMs),
        max_deliver: -1,
        max_ack_pending: settings.maxAckPending,
        filter_subject: names.eventSubjects,
        inactive_threshold: nanos(durable ? settings.durableTtlMs : settings.ephemeralTtlMs),
        ...startAt(),
      });
      logger.info({ durable }, 'created NATS consumer');
    } catch (error) {
      // Another replica created it first.
      if (
        !(await link.jsm.consumers.info(stream, name).then(
          () => true,
          () => false,
        ))
      )
        throw error;
    }
  };

  const deadLetter = async (msg: JsMsg, event: EventEnvelope | undefined, reason: string) => {
    const h = natsHeaders();
    for (const [key, value] of Object.entries(carriedHeaders(msg))) h.set(key, value);
    h.set('Bazaar-Dead-Consumer', subscription.consumer);
    h.set('Bazaar-Dead-Subject', msg.subject);
    h.set('Bazaar-Dead-Deliveries', String(msg.info.deliveryCount));
    h.set('Bazaar-Dead-Reason', reason);
    try {
      await js.publish(names.deadSubjectOf(subscription.consumer), msg.data, {
        headers: h,
        msgID: `${name}.${msg.info.streamSequence}`,
      });
      settle(() => msg.term());
      logger.warn(
        { event_id: event?.id, type: event?.type, deliveries: msg.info.deliveryCount, reason },
        'event dead-lettered',
      );
    } catch (error) {
      logger.error({ err: error, event_id: event?.id }, 'could not dead-letter event; will retry');
      settle(() => msg.nak(settings.maxRetryDelayMs));
    }
  };

  const handleMessage = async (msg: JsMsg) => {
    const attempt = msg.info.deliveryCount;
    let event: EventEnvelope;
    try {
      event = parse(msg.data);
    } catch (error) {
      await deadLetter(msg, undefined, `unreadable: ${oneLine(error)}`);
      return;
    }
    if (!wanted(event.type)) {
      settle(() => msg.ack());
      return;
    }
    if (attempt > settings.maxDeliver) {
      // Earlier deliveries never answered: the handler hung past ack_wait or its process died.
      await deadLetter(msg, event, `no answer after ${attempt - 1} deliveries`);
      return;
    }
    // A long handler keeps its event, up to handlerTimeoutMs; a hung one lets it go to another replica.
    const since = Date.now();
    const keepAlive = setInterval(() => {
      if (Date.now() - since < settings.handlerTimeoutMs) settle(() => msg.working());
    }, settings.ackWaitMs / 2);
    try {
      const headers = carriedHeaders(msg);
      await consumeInSpan(
        event,
        { system: 'nats', consumer: subscription.consumer, destination: msg.subject, headers, attempt },
        () => subscription.handle(event, { headers, attempt }),
      );
      settle(() => msg.ack());
      const at = msg.time.getTime();
      handledUpTo = Math.max(handledUpTo ?? at, at);
    } catch (error) {
      if (attempt >= settings.maxDeliver) {
        await deadLetter(msg, event, oneLine(error));
      } else {
        const delay = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (attempt - 1));
        logger.warn(
          { err: error, event_id: event.id, type: event.type, attempt, retry_in_ms: delay },
          'event handler failed; will retry',
        );
        settle(() => msg.nak(delay));
      }
    } finally {
      clearInterval(keepAlive);
    }
  };

  const watch = (iterator: ConsumerMessages) => {
    (async () => {
      for await (const status of iterator.status()) {
        if (status.type === 'consumer_deleted' || status.type === 'consumer_not_found') {
          logger.warn({ status: status.type }, 'NATS consumer is gone; recreating it');
          await iterator.close();
        }
      }
    })().catch(() => undefined);
  };

  const run = async () => {
    let failures = 0;
    while (!stopping) {
      try {
        await ensureConsumer();
        const consumer = await js.consumers.get(stream, name);
        const iterator = await consumer.consume({ max_messages: settings.concurrency });
        messages = iterator;
        if (stopping) {
          await iterator.close();
          break;
        }
        watch(iterator);
        failures = 0;
        for await (const msg of iterator) {
          const work: Promise<void> = handleMessage(msg)
            .catch((error: unknown) => logger.error({ err: error }, 'event processing failed'))
            .finally(() => inFlight.delete(work));
          inFlight.add(work);
          if (inFlight.size >= settings.concurrency) await Promise.race(inFlight);
        }
      } catch (error) {
        if (stopping) break;
        failures += 1;
        logger.warn({ err: error, failures }, 'NATS consumer failed; retrying');
      }
      if (!stopping) await waker.sleep(Math.min(30_000, 250 * 2 ** failures));
    }
  };
  run().catch((error: unknown) => logger.error({ err: error }, 'NATS consumer stopped'));

  return {
    stop: async (graceMs) => {
      stopping = true;
      waker.wake();
      await messages?.close().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.allSettled([...inFlight]).then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!durable) await link.jsm.consumers.delete(stream, name).catch(() => undefined);
      return finished;
    },
  };
};
