import { afterEach, describe, expect, it } from 'vitest';
import { connectNatsBus, metrics, type EventBus, type EventDelivery, type EventEnvelope } from '@bazaar/kit';
import { NATS_URL, natsMissing } from '../support/infrastructure.ts';
import { busContract } from './contract.ts';
import { natsHarness, type NatsHarness } from './nats-harness.ts';
import { anEvent, eventually, listener, quietLog, relay } from './support.ts';

const harness = () => natsHarness(NATS_URL);
const consumersOf = async (h: NatsHarness) => {
  const found = [];
  for await (const consumer of h.admin.consumers.list(h.eventStream)) found.push(consumer);
  return found;
};
const missing = await natsMissing();
if (missing) console.warn(`skipping NATS bus tests: ${missing}`);

describe.skipIf(missing)('NATS bus', () => {
  busContract('NATS bus', () => harness());

  describe('between processes', () => {
    let h: NatsHarness;
    afterEach(async () => {
      await h?.cleanup();
    });

    it('reports a durable consumer’s backlog while it runs, and no more once its bus is closed', async () => {
      h = await harness();
      const bus = await h.bus();
      const consumer = `lagging-${process.pid}`;
      bus.subscribe({ consumer, types: ['order.paid'], handle: () => Promise.resolve() });
      const line = new RegExp(`bazaar_consumer_pending_events\\{consumer="${consumer}"\\} \\d+`);
      await eventually(async () => expect(await metrics.metrics()).toMatch(line));
      await bus.close();
      expect(await metrics.metrics()).not.toContain(`consumer="${consumer}"`);
    });

    it('splits the events of one durable consumer between its replicas, each handled once', async () => {
      h = await harness();
      const [one, two] = [listener(), listener()];
      for (const replica of [one, two]) {
        const bus = await h.bus({ concurrency: 4 });
        bus.subscribe({ consumer: 'fulfilment', types: ['order.paid'], handle: replica.handle });
      }
      // Both replicas are waiting for work before any arrives.
      await eventually(async () => {
        const [consumer, ...others] = await consumersOf(h);
        expect(others).toEqual([]);
        expect(consumer?.name).toMatch(/^fulfilment_/);
        expect(consumer?.num_waiting).toBeGreaterThanOrEqual(2);
      });
      const publisher = await h.bus();
      const events = Array.from({ length: 40 }, () => anEvent('order.paid'));
      await relay(publisher, events);

      await eventually(() => expect(one.events.length + two.events.length).toBe(40));
      expect([...one.ids(), ...two.ids()].sort()).toEqual(events.map((e) => e.id).sort());
      expect(one.events.length).toBeGreaterThan(0);
      expect(two.events.length).toBeGreaterThan(0);
    });

    it('lets every per-process subscriber hear every event', async () => {
      h = await harness();
      const caches = [listener(), listener()];
      const buses: EventBus[] = [];
      for (const [i, cache] of caches.entries()) {
        const bus = await h.bus();
        buses.push(bus);
        bus.subscribe({
          consumer: `gateway-cache-${i}`,
          types: ['price.changed'],
          durable: false,
          handle: cache.handle,
        });
      }
      const publisher = await h.bus();
      const event = anEvent('price.changed', 'catalog');
      await relay(publisher, [event]);
      for (const cache of caches) await eventually(() => expect(cache.ids()).toEqual([event.id]));
      expect(await consumersOf(h)).toHaveLength(2);
      await Promise.all(buses.map((b) => b.close()));
      // The broker does not keep them after their process is gone.
      expect(await consumersOf(h)).toEqual([]);
    });

    it('loses no event when a release of a consumer wants a type the running release does not', async () => {
      h = await harness();
      const [old, next] = [listener(), listener()];
      (await h.bus()).subscribe({ consumer: 'loyalty', types: ['order.paid'], handle: old.handle });
      (await h.bus()).subscribe({
        consumer: 'loyalty',
        types: ['order.paid', 'order.refunded'],
        handle: next.handle,
      });
      const publisher = await h.bus();
      const refunds = Array.from({ length: 10 }, () => anEvent('order.refunded'));
      await relay(publisher, refunds);
      await eventually(() => expect(next.ids().sort()).toEqual(refunds.map((e) => e.id).sort()));
      expect(old.events).toEqual([]);
    });

    it('parks an event whose handler always fails on the dead-letter subject', async () => {
      h = await harness();
      const bus = await h.bus({ maxDeliver: 3 });
      const attempts: number[] = [];
      bus.subscribe({
        consumer: 'doomed',
        types: ['order.placed'],
        handle: (_event, delivery) => {
          attempts.push(delivery?.attempt ?? 0);
          return Promise.reject(new Error('the warehouse is on fire'));
        },
      });
      const event = anEvent('order.placed');
      await relay(bus, [event]);

      await eventually(async () => expect((await h.admin.streams.info(h.deadStream)).state.messages).toBe(1));
      const dead = await h.admin.streams.getMessage(h.deadStream, {
        last_by_subj: `${h.prefix}.dead.doomed`,
      });
      expect(dead?.json<EventEnvelope>()).toEqual(event);
      expect(dead?.header.get('Bazaar-Dead-Consumer')).toBe('doomed');
      expect(dead?.header.get('Bazaar-Dead-Deliveries')).toBe('3');
      expect(dead?.header.get('Bazaar-Dead-Reason')).toBe('the warehouse is on fire');
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('delivers what was published while a durable consumer was down when it comes back', async () => {
      h = await harness();
      const publisher = await h.bus();
      const before = listener();
      const first = await h.bus();
      first.subscribe({ consumer: 'search-index', types: ['product.updated'], handle: before.handle });
      const early = anEvent('product.updated', 'catalog');
      await relay(publisher, [early]);
      await eventually(() => expect(before.ids()).toEqual([early.id]));
      await first.close();

      const missed = [anEvent('product.updated', 'catalog'), anEvent('product.updated', 'catalog')];
      await relay(publisher, missed);
      const after = listener();
      const second = await h.bus();
      second.subscribe({ consumer: 'search-index', types: ['product.updated'], handle: after.handle });
      await eventually(() => expect(after.ids().sort()).toEqual(missed.map((e) => e.id).sort()));
    });

    it('redelivers an event whose consumer died before acknowledging it', async () => {
      h = await harness();
      const publisher = await h.bus();
      let release = () => undefined as void;
      const started: string[] = [];
      const dying = await h.bus({ ackWaitMs: 1_000, closeTimeoutMs: 50 });
      dying.subscribe({
        consumer: 'mailer',
        types: ['order.placed'],
        handle: (event) => {
          started.push(event.id);
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      });
      const event = anEvent('order.placed');
      await relay(publisher, [event]);
      await eventually(() => expect(started).toEqual([event.id]));
      await dying.close(); // its connection goes with the event unacknowledged

      const survivor = listener();
      const next = await h.bus();
      next.subscribe({ consumer: 'mailer', types: ['order.placed'], handle: survivor.handle });
      await eventually(() => expect(survivor.ids()).toEqual([event.id]));
      expect(survivor.deliveries[0]?.attempt).toBe(2);
      release();
    });

    it('carries trace context headers from publisher to handler', async () => {
      h = await harness();
      const bus = await h.bus();
      const heard = listener();
      bus.subscribe({ consumer: 'traced', types: ['cart.updated'], handle: heard.handle });
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await bus.publish([anEvent('cart.updated', 'cart')], { headers: { traceparent } });
      await eventually(() => expect(heard.deliveries).toHaveLength(1));
      expect(heard.deliveries[0]).toEqual<EventDelivery>({ headers: { traceparent }, attempt: 1 });
    });

    it('stores an event re-published by the relay once', async () => {
      h = await harness();
      const bus = await h.bus();
      const event = anEvent('order.cancelled');
      await bus.publish([event]);
      await bus.publish([event]);
      expect((await h.admin.streams.info(h.eventStream)).state.messages).toBe(1);
    });

    it('runs no more handlers at once than its concurrency', async () => {
      h = await harness();
      const bus = await h.bus({ concurrency: 2 });
      let running = 0;
      let most = 0;
      const done: string[] = [];
      bus.subscribe({
        consumer: 'bounded',
        types: '*',
        handle: async (event) => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
          done.push(event.id);
        },
      });
      await relay(
        bus,
        Array.from({ length: 20 }, () => anEvent('stock.changed', 'inventory')),
      );
      await eventually(() => expect(done).toHaveLength(20));
      expect(most).toBeLessThanOrEqual(2);
    });
  });
});

describe('NATS bus without a server', () => {
  it('says how to get one', async () => {
    const url = 'nats://127.0.0.1:1';
    await expect(connectNatsBus({ url, service: 'test', log: quietLog() })).rejects.toThrow(
      `Cannot reach NATS at ${url}: start a NATS server with JetStream (nats-server -js) or set NATS_URL.`,
    );
  });
});
