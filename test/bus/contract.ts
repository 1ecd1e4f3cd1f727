import { afterEach, describe, expect, it } from 'vitest';
import type { EventBus } from '@bazaar/kit';
import { anEvent, batcher, eventually, listener, relay } from './support.ts';

export interface BusHarness {
  /** A bus as one process holds it. Buses of one harness share their broker, when there is one. */
  bus(): Promise<EventBus>;
  /** Closes the buses and removes what the harness created. */
  cleanup(): Promise<void>;
}

/** What every event bus adapter promises its services. */
export const busContract = (name: string, harness: () => Promise<BusHarness>) => {
  describe(`${name}: the event bus contract`, () => {
    let h: BusHarness;
    afterEach(async () => {
      await h?.cleanup();
    });

    it('hands every subscriber every event of its types, and only those', async () => {
      h = await harness();
      const bus = await h.bus();
      const placed = listener();
      const orders = listener();
      const everything = listener();
      bus.subscribe({ consumer: 'placed', types: ['order.placed'], handle: placed.handle });
      bus.subscribe({ consumer: 'orders', types: ['order.placed', 'order.paid'], handle: orders.handle });
      bus.subscribe({ consumer: 'everything', types: '*', handle: everything.handle });

      const [a, b, c] = [
        anEvent('order.placed'),
        anEvent('order.paid'),
        anEvent('product.created', 'catalog'),
      ];
      await relay(bus, [a, b, c]);
      // Heard last, so everything before it has been passed over by then.
      const last = anEvent('order.placed');
      await relay(bus, [last]);

      await eventually(() =>
        expect(everything.ids()).toEqual(expect.arrayContaining([a.id, b.id, c.id, last.id])),
      );
      await eventually(() => expect(orders.ids()).toContain(last.id));
      await eventually(() => expect(placed.ids()).toContain(last.id));
      expect(placed.ids().sort()).toEqual([a.id, last.id].sort());
      expect(orders.ids().sort()).toEqual([a.id, b.id, last.id].sort());
      expect(everything.events.find((e) => e.id === c.id)).toEqual(c);
    });

    it('retries a handler that fails until it succeeds', async () => {
      h = await harness();
      const bus = await h.bus();
      let attempts = 0;
      const handled: string[] = [];
      bus.subscribe({
        consumer: 'flaky',
        types: ['payment.captured'],
        handle: (event) => {
          attempts += 1;
          if (attempts < 3) return Promise.reject(new Error(`not yet (${attempts})`));
          handled.push(event.id);
          return Promise.resolve();
        },
      });
      const event = anEvent('payment.captured', 'payments');
      await relay(bus, [event]);
      await eventually(() => expect(handled).toEqual([event.id]));
      expect(attempts).toBe(3);
    });

    it('hands a subscriber with handleBatch runs of events, each once and in the order published', async () => {
      h = await harness();
      const bus = await h.bus();
      const { heard, subscription } = batcher('webhooks');
      bus.subscribe(subscription);
      const events = Array.from({ length: 500 }, () => anEvent('order.placed'));
      await relay(bus, events);

      await eventually(() => expect(heard.committed).toHaveLength(events.length));
      expect(heard.handed).toEqual(events.map((e) => e.id));
      // A run at a time, not one event at a time.
      expect(heard.batches.length + heard.singles.length).toBeLessThan(events.length / 10);
    });

    it('serves a per-process (non-durable) subscription', async () => {
      h = await harness();
      const bus = await h.bus();
      const cache = listener();
      bus.subscribe({
        consumer: `cache-${process.pid}`,
        types: ['price.changed'],
        durable: false,
        handle: cache.handle,
      });
      const event = anEvent('price.changed', 'catalog');
      await relay(bus, [event]);
      await eventually(() => expect(cache.ids()).toEqual([event.id]));
    });
  });
};
