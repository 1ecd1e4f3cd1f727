import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@bazaar/kit';
import { NATS_URL, natsMissing } from '../support/infrastructure.ts';
import { natsHarness, type NatsHarness } from './nats-harness.ts';
import { anEvent, batcher, eventually, listener, relay } from './support.ts';

const missing = await natsMissing();
if (missing) console.warn(`skipping NATS batch tests: ${missing}`);

const someEvents = (n: number) => Array.from({ length: n }, () => anEvent('order.placed'));

const repeated = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

describe.skipIf(missing)('NATS bus: subscribers that handle events in batches', () => {
  let h: NatsHarness;
  afterEach(async () => {
    await h?.cleanup();
  });

  /** The one consumer of the harness's stream, as the broker sees it now. */
  const theConsumer = async () => {
    const consumers = [];
    for await (const consumer of h.admin.consumers.list(h.eventStream)) consumers.push(consumer);
    expect(consumers).toHaveLength(1);
    return consumers[0]!;
  };

  const settledConsumer = async () => {
    const consumer = await theConsumer();
    expect(consumer.num_pending).toBe(0);
    expect(consumer.num_ack_pending).toBe(0);
  };

  it('hands a burst over in runs as it arrives at a waiting consumer', async () => {
    h = await natsHarness(NATS_URL);
    const { heard, subscription } = batcher('webhooks');
    (await h.bus()).subscribe(subscription);
    await eventually(async () => expect((await theConsumer()).num_waiting).toBeGreaterThanOrEqual(1));
    const events = someEvents(500);
    await relay(await h.bus(), events);

    await eventually(() => expect(heard.committed).toHaveLength(events.length));
    expect(heard.handed).toEqual(events.map((e) => e.id));
    expect(heard.batches.length + heard.singles.length).toBeLessThan(events.length / 10);
    await eventually(settledConsumer);
  });

  it('handles the other events of a failed batch one by one, and retries only the bad one', async () => {
    h = await natsHarness(NATS_URL);
    const events = someEvents(50);
    const bad = events[20] as EventEnvelope;
    // Stored before anyone consumes, so the first pull takes the bad event together with others.
    await relay(await h.bus(), events);
    const { heard, subscription } = batcher('webhooks', bad.id);
    (await h.bus({ maxDeliver: 3 })).subscribe(subscription);

    await eventually(async () => expect((await h.admin.streams.info(h.deadStream)).state.messages).toBe(1));
    const dead = await h.admin.streams.getMessage(h.deadStream, {
      last_by_subj: `${h.prefix}.dead.webhooks`,
    });
    expect(dead?.json<EventEnvelope>()).toEqual(bad);
    expect(dead?.header.get('Bazaar-Dead-Deliveries')).toBe('3');
    expect(dead?.header.get('Bazaar-Dead-Reason')).toBe('cannot take this one');

    const failed = heard.batches.filter((ids) => ids.includes(bad.id));
    expect(failed).toHaveLength(1);
    const others = (failed[0] ?? []).filter((id) => id !== bad.id);
    expect(others.length).toBeGreaterThan(0);
    // Handed to handle in the delivery that failed as a batch, not redelivered.
    expect(heard.singles).toEqual(expect.arrayContaining(others.map((id) => ({ id, attempt: 1 }))));
    expect(heard.singles.filter((s) => s.id === bad.id).map((s) => s.attempt)).toEqual([1, 2, 3]);

    const good = events.filter((e) => e !== bad).map((e) => e.id);
    expect(repeated(heard.committed)).toEqual([]);
    expect([...heard.committed].sort()).toEqual(good.sort());
    await eventually(settledConsumer);
  });

  it('hands a subscriber without handleBatch every event through handle, once each', async () => {
    h = await natsHarness(NATS_URL);
    const heard = listener();
    (await h.bus()).subscribe({ consumer: 'search-index', types: '*', handle: heard.handle });
    const events = someEvents(500);
    await relay(await h.bus(), events);

    await eventually(() => expect(heard.events).toHaveLength(events.length));
    expect(repeated(heard.ids())).toEqual([]);
    expect(heard.ids()).toEqual(events.map((e) => e.id));
    expect(heard.deliveries.every((d) => d?.attempt === 1)).toBe(true);
    await eventually(settledConsumer);
  });
});
