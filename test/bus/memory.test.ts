import { describe, expect, it } from 'vitest';
import { createMemoryBus, type EventBus, type ParkedEvent } from '@bazaar/kit';
import { busContract } from './contract.ts';
import { anEvent, batcher, quietLog } from './support.ts';

busContract('memory bus', () => {
  const buses: EventBus[] = [];
  return Promise.resolve({
    bus: () => {
      const bus = createMemoryBus(quietLog());
      buses.push(bus);
      return Promise.resolve(bus);
    },
    cleanup: async () => {
      await Promise.all(buses.map((b) => b.close()));
    },
  });
});

/** Publishes as the relay does, `times` times at most, until the bus takes the batch. */
const publishUntilTaken = async (
  bus: EventBus,
  events: Parameters<EventBus['publish']>[0],
  times: number,
) => {
  const parked: ParkedEvent[] = [];
  const park = (p: ParkedEvent) => Promise.resolve(void parked.push(p));
  for (let attempt = 1; attempt <= times; attempt++) {
    try {
      await bus.publish(events, { park });
      return { parked, attempts: attempt };
    } catch {
      // the relay would back off and try again
    }
  }
  return { parked, attempts: undefined };
};

describe('memory bus: events a consumer keeps failing on', () => {
  it('parks the one event of a batch its consumer keeps failing on; the others are handled once each, in order', async () => {
    const bus = createMemoryBus(quietLog(), { maxDeliver: 3, parkAfterMs: 0 });
    const events = Array.from({ length: 6 }, () => anEvent('order.placed'));
    const poison = events[2]!;
    const { heard, subscription } = batcher('webhooks', poison.id);
    bus.subscribe(subscription);

    const { parked, attempts } = await publishUntilTaken(bus, events, 10);
    expect(attempts).toBe(3);
    expect(parked).toEqual([
      { consumer: 'webhooks', event: poison, deliveries: 3, reason: 'cannot take this one' },
    ]);
    // The batch failed once as a whole; then one at a time, so the two before the poison were
    // handed again at each attempt (an inbox makes that a no-op) and the three after it once.
    expect(heard.committed.filter((id) => id !== poison.id)).toEqual(
      [...events.slice(0, 2), ...events.slice(0, 2), ...events.slice(0, 2), ...events.slice(3)].map(
        (e) => e.id,
      ),
    );
    expect(heard.batches).toEqual([events.map((e) => e.id)]);
  });

  it('parks again when another consumer failed the batch (the publisher rolled the parking back)', async () => {
    const bus = createMemoryBus(quietLog(), { maxDeliver: 3, parkAfterMs: 0 });
    const event = anEvent('order.placed');
    bus.subscribe({ consumer: 'doomed', types: '*', handle: () => Promise.reject(new Error('never')) });
    let attempt = 0;
    bus.subscribe({
      consumer: 'hiccup',
      types: '*',
      handle: () => (++attempt === 3 ? Promise.reject(new Error('once')) : Promise.resolve()),
    });
    const { parked, attempts } = await publishUntilTaken(bus, [event], 10);
    expect(attempts).toBe(4);
    expect(parked.map((p) => [p.consumer, p.deliveries])).toEqual([
      ['doomed', 3],
      ['doomed', 4],
    ]);
  });

  it('parks nothing for a failure that passes within parkAfterMs, however often it fails', async () => {
    const bus = createMemoryBus(quietLog(), { maxDeliver: 2, parkAfterMs: 60_000 });
    let failuresLeft = 5;
    const handled: string[] = [];
    bus.subscribe({
      consumer: 'flaky',
      types: '*',
      handle: (event) => {
        if (failuresLeft-- > 0) return Promise.reject(new Error('the database is restarting'));
        handled.push(event.id);
        return Promise.resolve();
      },
    });
    const event = anEvent('payment.captured', 'payments');
    const { parked, attempts } = await publishUntilTaken(bus, [event], 10);
    expect([parked, attempts, handled]).toEqual([[], 6, [event.id]]);
  });

  it('keeps retrying when the publisher has nowhere to park', async () => {
    const bus = createMemoryBus(quietLog(), { maxDeliver: 1, parkAfterMs: 0 });
    bus.subscribe({ consumer: 'doomed', types: '*', handle: () => Promise.reject(new Error('no')) });
    const event = anEvent('order.placed');
    for (let i = 0; i < 3; i++)
      await expect(bus.publish([event])).rejects.toMatchObject({ cause: { message: 'no' } });
  });
});
