import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { EventBus } from './bus.ts';
import type { Logger } from './log.ts';
import { connectNats } from './nats/connection.ts';
import { busNames } from './nats/names.ts';
import { ensureStreams } from './nats/streams.ts';
import { publishInSpan } from './tracing.ts';
import { startSubscription, type ConsumerSettings, type RunningSubscription } from './nats/subscription.ts';

export interface NatsBusOptions extends Partial<ConsumerSettings> {
  /** e.g. nats://127.0.0.1:4222 */
  url: string;
  /** The service this process runs: names its connection in NATS monitoring. */
  service: string;
  log: Logger;
  /** First token of subjects and stream names (`bazaar`): one platform per prefix on a shared NATS. */
  prefix?: string;
  /** How long the events stream keeps events. */
  retentionMs?: number;
  deadRetentionMs?: number;
  /** A re-published event id within this window is stored once. */
  duplicateWindowMs?: number;
  replicas?: number;
  /** How long close() waits for running handlers before dropping the connection without acking. */
  closeTimeoutMs?: number;
  /** How long a publish waits for the broker's acknowledgement. */
  publishTimeoutMs?: number;
}

const DAY = 86_400_000;
const RETENTION_MS = 7 * DAY;

/**
 * The event bus of the split topology, on NATS JetStream. publish() resolves once JetStream stored every
 * event (deduplicated by event id), so the outbox relay marks rows published only when they are safe;
 * while NATS is unreachable it rejects at once and the rows wait in the outbox.
 */
export const connectNatsBus = async (options: NatsBusOptions): Promise<EventBus> => {
  const { url, service, log } = options;
  const names = busNames(options.prefix ?? 'bazaar');
  const settings: ConsumerSettings = {
    maxDeliver: options.maxDeliver ?? 5,
    retryDelayMs: options.retryDelayMs ?? 1_000,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
    ackWaitMs: options.ackWaitMs ?? 30_000,
    concurrency: options.concurrency ?? 8,
    maxAckPending: options.maxAckPending ?? 256,
    ephemeralTtlMs: options.ephemeralTtlMs ?? 60_000,
    durableTtlMs: options.durableTtlMs ?? options.retentionMs ?? RETENTION_MS,
    handlerTimeoutMs: options.handlerTimeoutMs ?? 5 * 60_000,
  };
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const link = await connectNats(url, `bazaar-${service}`, log);
  try {
    await ensureStreams(link.jsm, names, {
      retentionMs: options.retentionMs ?? RETENTION_MS,
      deadRetentionMs: options.deadRetentionMs ?? 30 * DAY,
      duplicateWindowMs: options.duplicateWindowMs ?? 10 * 60_000,
      replicas: options.replicas ?? 1,
    });
  } catch (error) {
    await link.nc.close().catch(() => undefined);
    throw new Error(`Cannot set up the event streams on NATS at ${url}`, { cause: error });
  }
  const js = jetstream(link.nc, { timeout: publishTimeoutMs });
  const running: RunningSubscription[] = [];
  let closed = false;

  return {
    publish: async (events, publishOptions) => {
      if (closed) throw new Error('the event bus is closed');
      if (!link.connected()) throw new Error(`NATS at ${url} is unreachable; events stay in the outbox`);
      await Promise.all(
        events.map((event) => {
          const subject = names.subjectOf(event.source, event.type);
          // Each event carries the trace context it was recorded in, as W3C headers.
          return publishInSpan(
            event,
            { system: 'nats', destination: subject, headers: publishOptions?.headers },
            (headers) => {
              const h = natsHeaders();
              for (const [key, value] of Object.entries(headers)) h.set(key, value);
              return js.publish(subject, JSON.stringify(event), { msgID: event.id, headers: h });
            },
          );
        }),
      );
    },
    subscribe: (subscription) => {
      if (closed) throw new Error('the event bus is closed');
      running.push(startSubscription(link, names, subscription, settings, log));
    },
    ping: async () => {
      if (!link.connected()) throw new Error(`NATS at ${url} is unreachable`);
      await link.nc.flush();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      const finished = await Promise.all(running.map((r) => r.stop(options.closeTimeoutMs ?? 10_000)));
      if (finished.every(Boolean)) await link.nc.drain().catch(() => undefined);
      else {
        log.warn({ service }, 'closing NATS with handlers still running; their events will be redelivered');
        await link.nc.close().catch(() => undefined);
      }
    },
  };
};
