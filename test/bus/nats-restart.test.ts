import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsServerMissing, startPrivateNats, type PrivateNats } from '../support/nats.ts';
import { natsHarness, type NatsHarness } from './nats-harness.ts';
import { anEvent, eventually, listener, relay } from './support.ts';

const missing = natsServerMissing();
if (missing) console.warn(`skipping the NATS restart test: ${missing}`);

describe.skipIf(missing)('NATS bus across a NATS restart', () => {
  let nats: PrivateNats;
  let h: NatsHarness;
  beforeAll(async () => {
    nats = await startPrivateNats();
    h = await natsHarness(nats.url);
  });
  afterAll(async () => {
    await h?.cleanup();
    await nats?.dispose();
  });

  it('refuses to publish while NATS is down, and delivers again once it is back', async () => {
    const publisher = await h.bus({ publishTimeoutMs: 2_000 });
    const consumer = await h.bus();
    const heard = listener();
    consumer.subscribe({ consumer: 'survivor', types: ['order.placed'], handle: heard.handle });
    const before = anEvent('order.placed');
    await relay(publisher, [before]);
    await eventually(() => expect(heard.ids()).toEqual([before.id]));

    await nats.stop();
    const during = anEvent('order.placed');
    // The outbox keeps what the bus refuses.
    await expect(publisher.publish([during])).rejects.toThrow();

    await nats.start();
    const after = anEvent('order.placed');
    await relay(publisher, [during, after]);
    await eventually(() => expect(heard.ids().sort()).toEqual([before.id, during.id, after.id].sort()));
  });
});
