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
import { failureReason, type Subscription } from '../bus.ts';
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

/** Most events handed to one handleBatch call, and so most the consumer pulls ahead for it. */
const MAX_RUN = 100;

const isApiError = (error: unknown, code: number) =>
  error instanceof JetStreamApiError && error.code === code;

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

type Run = [JsMsg, ...JsMsg[]];

const IDLE = Symbol('idle');
const nextTurn = () => new Promise<typeof IDLE>((resolve) => setImmediate(resolve, IDLE));

/**
 * Messages in delivery order, in runs of up to `size`: the first one awaited, then those the consumer
 * already holds (everything that arrives before the event loop turns), so a busy consumer hands over
 * many at once and a quiet one does not wait. With size 1, simply one message after another.
 */
async function* runsOf(messages: ConsumerMessages, size: number): AsyncGenerator<Run> {
  const pull = messages[Symbol.asyncIterator]();
  let carried: Promise<IteratorResult<JsMsg>> | undefined;
  for (;;) {
    const first = await (carried ?? pull.next());
    carried = undefined;
    if (first.done) return;
    const run: Run = [first.value];
    const idle = size > 1 ? nextTurn() : undefined;
    while (idle && run.length < size) {
      const next = pull.next();
      const more = await Promise.race([next, idle]);
      if (more === IDLE) {
        // It starts the next run; should the consumer fail meanwhile, that run's await throws.
        next.catch(() => undefined);
        carried = next;
        break;
      }
      if (more.done) break;
      run.push(more.value);
    }
    yield run;
  }
}

/**
 * One pull consumer per subscription, filtered to the events stream. It is durable (replicas of a service
 * share it, so each event is handled by one of them) unless the subscription says otherwise. An event is
 * acknowledged only once `handle` resolved; a failure is retried with growing delays, and after
 * `maxDeliver` deliveries the event is parked on `<prefix>.dead.<consumer>` and terminated. A subscription
 * with `handleBatch` gets the events the consumer holds at once together; if the batch fails, each of them
 * goes through `handle` on its own, so a bad event fails alone.
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
  const handleBatch = subscription.handleBatch?.bind(subscription);
  const stopLag = durable
    ? consumerLag(subscription.consumer, async () => {
        const info = await link.jsm.consumers.info(stream, name);
        return info.num_pending + info.num_ack_pending;
      })
    : () => undefined;

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

  /**
   * The event a handler should see; or, for a message none should (unreadable, not wanted, overdue), how
   * to settle it. Synchronous, so handlers start in delivery order.
   */
  const admit = (msg: JsMsg): EventEnvelope | (() => Promise<void>) => {
    const attempt = msg.info.deliveryCount;
    let event: EventEnvelope;
    try {
      event = parse(msg.data);
    } catch (error) {
      return () => deadLetter(msg, undefined, `unreadable: ${failureReason(error)}`);
    }
    if (!wanted(event.type)) {
      return () => Promise.resolve(settle(() => msg.ack()));
    }
    if (attempt > settings.maxDeliver) {
      // Earlier deliveries never answered: the handler hung past ack_wait or its process died.
      return () => deadLetter(msg, event, `no answer after ${attempt - 1} deliveries`);
    }
    return event;
  };

  // A long handler keeps its events, up to handlerTimeoutMs; a hung one lets them go to another replica.
  const keepAlive = (msgs: readonly JsMsg[]) => {
    const since = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - since < settings.handlerTimeoutMs) for (const msg of msgs) settle(() => msg.working());
    }, settings.ackWaitMs / 2);
    return () => clearInterval(timer);
  };

  const deliveryOf = (msg: JsMsg) => ({
    system: 'nats',
    consumer: subscription.consumer,
    destination: msg.subject,
    headers: carriedHeaders(msg),
    attempt: msg.info.deliveryCount,
  });

  const acked = (msg: JsMsg) => {
    settle(() => msg.ack());
    const at = msg.time.getTime();
    handledUpTo = Math.max(handledUpTo ?? at, at);
  };

  const deliver = async (msg: JsMsg, event: EventEnvelope) => {
    const delivery = deliveryOf(msg);
    const { headers, attempt } = delivery;
    const stopKeepAlive = keepAlive([msg]);
    try {
      await consumeInSpan(event, delivery, () => subscription.handle(event, { headers, attempt }));
      acked(msg);
    } catch (error) {
      if (attempt >= settings.maxDeliver) {
        await deadLetter(msg, event, failureReason(error));
      } else {
        const delay = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (attempt - 1));
        logger.warn(
          { err: error, event_id: event.id, type: event.type, attempt, retry_in_ms: delay },
          'event handler failed; will retry',
        );
        settle(() => msg.nak(delay));
      }
    } finally {
      stopKeepAlive();
    }
  };

  const handleMessage = (msg: JsMsg) => {
    const admitted = admit(msg);
    return typeof admitted === 'function' ? admitted() : deliver(msg, admitted);
  };

  type Admitted = { msg: JsMsg; event: EventEnvelope };

  /** Whether handleBatch committed them all; each event gets its consumer span, spanning the batch. */
  const handledTogether = async (batch: readonly Admitted[], handle: NonNullable<typeof handleBatch>) => {
    try {
      const together = handle(batch.map(({ event }) => event));
      await Promise.all(batch.map(({ msg, event }) => consumeInSpan(event, deliveryOf(msg), () => together)));
      return true;
    } catch (error) {
      logger.warn({ err: error, events: batch.length }, 'event batch failed; handling its events one by one');
      return false;
    }
  };

  const handleRun = async (run: Run, handle: NonNullable<typeof handleBatch>) => {
    // The whole run stays with this replica while its events wait for their turn.
    const stopKeepAlive = keepAlive(run);
    try {
      const batch: Admitted[] = [];
      const rest: (() => Promise<void>)[] = [];
      for (const msg of run) {
        const admitted = admit(msg);
        if (typeof admitted === 'function') rest.push(admitted);
        // A redelivery failed before or was left hanging: alone, it cannot fail a batch again.
        else if (msg.info.deliveryCount > 1) rest.push(() => deliver(msg, admitted));
        else batch.push({ msg, event: admitted });
      }
      if (batch.length > 1 && (await handledTogether(batch, handle))) batch.forEach(({ msg }) => acked(msg));
      else for (const { msg, event } of batch) await deliver(msg, event);
      for (const settleOrDeliver of rest) await settleOrDeliver();
    } finally {
      stopKeepAlive();
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

  const runSize = handleBatch ? Math.min(MAX_RUN, settings.maxAckPending) : 1;
  const run = async () => {
    let failures = 0;
    while (!stopping) {
      try {
        await ensureConsumer();
        const consumer = await js.consumers.get(stream, name);
        const iterator = await consumer.consume({
          max_messages: handleBatch ? runSize : settings.concurrency,
        });
        messages = iterator;
        if (stopping) {
          await iterator.close();
          break;
        }
        watch(iterator);
        failures = 0;
        for await (const arrived of runsOf(iterator, runSize)) {
          const work: Promise<void> = (
            handleBatch && arrived.length > 1 ? handleRun(arrived, handleBatch) : handleMessage(arrived[0])
          )
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
      stopLag();
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
