import { afterAll, expect, it } from 'vitest';
import type { Platform } from '@bazaar/platform';
import { eventually, startReceiver, verify } from './receiver.ts';
import { call, restartablePlatform } from './restartable.ts';

process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';
process.env.WEBHOOKS_RETRY_SCHEDULE = '0,0.2,0.2,0.2,0.2';

const BURST = 200;
let platform: Platform | undefined;
const receiver = await startReceiver();

afterAll(async () => {
  await platform?.stop();
  await receiver.close();
});

it('delivers every event of a burst across a restart of the platform', async () => {
  const start = await restartablePlatform();
  platform = await start();
  const tenant = await platform.accounts.createTenant({ name: 'Restart Shop' });
  const sk = tenant.secretKeyValue;
  const created = await call(platform.url, 'POST', '/v1/webhook-endpoints', sk, {
    url: receiver.url,
    enabled_events: ['category.created'],
  });
  expect(created.status).toBe(201);

  // Eight writers make the first part of the burst; the platform stops while its deliveries are under way.
  const made: string[] = [];
  let next = 0;
  const url = platform.url;
  const writer = async () => {
    while (next < BURST / 2) {
      const i = next++;
      const response = await call(url, 'POST', '/v1/categories', sk, { name: `Burst ${i}` });
      expect(response.status).toBe(201);
      made.push(response.body.id);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  const first = platform;
  platform = undefined;
  await first.stop();
  const deliveredBefore = receiver.ids().size;
  expect(made.length).toBe(BURST / 2);

  platform = await start();
  const restartedUrl = platform.url;
  for (let i = made.length; i < BURST; i += 1) {
    const response = await call(restartedUrl, 'POST', '/v1/categories', sk, { name: `After ${i}` });
    expect(response.status).toBe(201);
    made.push(response.body.id);
  }

  const logged = async () => {
    const events: { id: string; data: { id: string } }[] = [];
    let cursor = '';
    do {
      const page = await call(
        restartedUrl,
        'GET',
        `/v1/events?type=category.created&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        sk,
      );
      events.push(...page.body.data);
      cursor = page.body.next_cursor ?? '';
    } while (cursor);
    return events;
  };
  await eventually(async () => (await logged()).length >= made.length, 30_000, 'every event logged');
  const events = await logged();
  const loggedCategories = new Set(events.map((e) => e.data.id));
  for (const id of made) expect(loggedCategories.has(id)).toBe(true);
  await eventually(() => events.every((e) => receiver.ids().has(e.id)), 60_000, 'every event delivered');
  expect(deliveredBefore).toBeLessThan(events.length);
  for (const r of receiver.received) verify(created.body.secret, r);
});
