import { createWaker, type Database, type Logger } from '@bazaar/kit';
import { claimDue, releaseLeases, type Claimed } from './claim.ts';
import { eventDoc, payloadOf } from './model.ts';
import { recordOutcomes, type Outcome } from './outcomes.ts';
import type { Message, SendOptions, SendResult } from './sender.ts';
import type { WebhookSettings } from './settings.ts';
import type { WebhooksTables } from './store.ts';

export interface WorkerOptions {
  /** Deliveries in flight in this process, over all endpoints. */
  maxInFlight?: number;
  /**
   * Deliveries in flight to any one endpoint, so a slow one holds only a few slots. It also caps an
   * endpoint's rate at this many per round trip: at 4, a receiver 30 ms away got at most 133/s.
   */
  perEndpoint?: number;
  pollMs?: number;
}

type Sender = (message: Message, options: SendOptions) => Promise<SendResult>;

/** Results written in one transaction, at most. */
const RECORD_BATCH = 1_000;
/** Results waiting to be written beyond which nothing more is claimed. */
const MAX_UNRECORDED = 5_000;

interface Lane {
  /** Attempts in flight to the endpoint. */
  sending: number;
  /** Leased, waiting for one of its slots. */
  waiting: Claimed[];
}

/**
 * Sends due deliveries. Replicas share them through leases taken with `for update skip locked`; within
 * a process each endpoint gets a few slots, so a slow or dead one never holds up the others.
 *
 * Each endpoint also holds as many leased deliveries again, waiting: a slot that frees takes the next
 * one at once instead of waiting for the next claim. A slot is free as soon as its HTTP attempt ends;
 * results are written in batches meanwhile, each delivery staying leased until its result is written,
 * so a crash in between sends it again.
 */
export const createWorker = (
  db: Database<WebhooksTables>,
  settings: WebhookSettings,
  log: Logger,
  send: Sender,
  { maxInFlight = 256, perEndpoint = 16, pollMs = 500 }: WorkerOptions = {},
) => {
  const lanes = new Map<string, Lane>();
  const inFlight = new Set<Promise<void>>();
  let waitingCount = 0;
  // A waiting delivery may sit through one round of attempts that all time out before its own.
  const leaseSeconds = Math.ceil((2 * settings.attemptTimeoutMs) / 1_000) + 60;
  const sendOptions = { timeoutMs: settings.attemptTimeoutMs, allowPrivate: settings.allowPrivate };
  const unrecorded: Outcome[] = [];
  let recording: Promise<void> | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  const waker = createWaker();
  const wake = () => waker.wake();

  const write = async (batch: Outcome[]) => {
    try {
      await recordOutcomes(db, settings, batch);
    } catch (error) {
      if (batch.length === 1) {
        // Still leased: sent again once the lease runs out.
        log.warn({ err: error, delivery_id: batch[0]!.delivery.id }, 'recording a webhook attempt failed');
        return;
      }
      // One by one, so that one bad row costs only its own result.
      for (const outcome of batch) await write([outcome]);
    }
  };

  /** Writes what is waiting, one batch at a time; results keep coming in meanwhile. */
  const flush = () => {
    if (recording || unrecorded.length === 0) return;
    recording = write(unrecorded.splice(0, RECORD_BATCH)).finally(() => {
      recording = undefined;
      flush();
      wake();
    });
  };

  const bodies = new Map<string, string>();
  /** An event goes to several endpoints, usually claimed together: its body is made once. */
  const bodyOf = (delivery: Claimed) => {
    let body = bodies.get(delivery.event_id);
    if (body === undefined) {
      if (bodies.size >= 10_000) bodies.clear();
      body = payloadOf(eventDoc({ ...delivery, id: delivery.event_id }));
      bodies.set(delivery.event_id, body);
    }
    return body;
  };

  const attempt = async (delivery: Claimed) => {
    const secrets = delivery.previous_secret
      ? [delivery.secret, delivery.previous_secret]
      : [delivery.secret];
    const attemptedAt = new Date();
    const message = { url: delivery.url, id: delivery.event_id, body: bodyOf(delivery), secrets };
    const result = await send(message, sendOptions);
    unrecorded.push({ delivery, result, attemptedAt });
    flush();
  };

  const laneOf = (endpointId: string) => {
    let lane = lanes.get(endpointId);
    if (!lane) {
      lane = { sending: 0, waiting: [] };
      lanes.set(endpointId, lane);
    }
    return lane;
  };

  /** Starts what the endpoint has waiting, as far as its slots and the process's allow. */
  const pump = (endpointId: string) => {
    const lane = laneOf(endpointId);
    while (running && lane.sending < perEndpoint && inFlight.size < maxInFlight && lane.waiting.length > 0) {
      const delivery = lane.waiting.shift()!;
      waitingCount--;
      lane.sending++;
      const work = attempt(delivery)
        .catch((error: unknown) =>
          log.warn({ err: error, delivery_id: delivery.id }, 'webhook attempt failed'),
        )
        .finally(() => {
          lane.sending--;
          inFlight.delete(work);
          pump(endpointId);
          if (lane.sending === 0 && lane.waiting.length === 0) lanes.delete(endpointId);
          wake();
        });
      inFlight.add(work);
    }
  };

  const run = async () => {
    while (running) {
      const free = unrecorded.length < MAX_UNRECORDED ? 2 * maxInFlight - inFlight.size - waitingCount : 0;
      let claimed: Claimed[] = [];
      if (free > 0) {
        const held = new Map([...lanes].map(([id, lane]) => [id, lane.sending + lane.waiting.length]));
        try {
          claimed = await claimDue(db, { limit: free, perEndpoint: 2 * perEndpoint, held, leaseSeconds });
        } catch (error) {
          log.warn({ err: error }, 'claiming webhook deliveries failed; will retry');
        }
      }
      for (const delivery of claimed) {
        laneOf(delivery.endpoint_id).waiting.push(delivery);
        waitingCount++;
      }
      for (const endpointId of new Set(claimed.map((d) => d.endpoint_id))) pump(endpointId);
      if (claimed.length === 0 || claimed.length === free) await waker.sleep(pollMs);
    }
  };

  return {
    wake,
    start: () => {
      running = true;
      loop = run();
    },
    /** Takes no more work, waits for the attempts in flight and writes their results. */
    stop: async () => {
      running = false;
      waker.wake();
      await loop;
      // What never started goes back, to be sent at once by whoever runs next.
      const unsent = [...lanes.values()].flatMap((lane) => lane.waiting.splice(0));
      waitingCount = 0;
      await releaseLeases(
        db,
        unsent.map((d) => d.id),
      ).catch((error: unknown) => log.warn({ err: error }, 'releasing webhook leases failed'));
      await Promise.all([...inFlight]);
      while (recording) await recording;
    },
  };
};
