import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually, startReceiver, verify, type Receiver } from './receiver.ts';

process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';
process.env.WEBHOOKS_RETRY_SCHEDULE = Array.from({ length: 30 }, (_, i) => (i === 0 ? 0 : 0.3)).join(',');
process.env.WEBHOOKS_DISABLE_AFTER_SECONDS = '1';

let t: TestPlatform;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t.stop();
  for (const r of receivers) await r.close();
});

it('disables an endpoint that keeps failing and publishes webhook.endpoint_disabled', async () => {
  const sk = (await t.tenant()).secret;
  const failing = await startReceiver();
  const watcher = await startReceiver();
  receivers.push(failing, watcher);
  failing.answer(() => 500);
  const bad = await t.call('POST', '/v1/webhook-endpoints', sk, {
    url: failing.url,
    enabled_events: ['category.created'],
  });
  const watch = await t.call('POST', '/v1/webhook-endpoints', sk, {
    url: watcher.url,
    enabled_events: ['webhook.endpoint_disabled'],
  });
  expect([bad.status, watch.status]).toEqual([201, 201]);
  expect((await t.call('POST', '/v1/categories', sk, { name: 'Never received' })).status).toBe(201);

  await eventually(() => watcher.received.length > 0, 20_000, 'endpoint_disabled delivered');
  const body = verify(watch.body.secret, watcher.received[0]!);
  expect(body).toMatchObject({
    type: 'webhook.endpoint_disabled',
    data: { type: 'webhook.endpoint_disabled', data: { endpoint_id: bad.body.id, url: failing.url } },
  });
  const endpoint = await t.call('GET', `/v1/webhook-endpoints/${bad.body.id}`, sk);
  expect(endpoint.body).toMatchObject({
    status: 'disabled',
    disabled_reason: expect.stringContaining('failed'),
  });
  // It was retried for the whole period before being given up on.
  expect(failing.received.length).toBeGreaterThanOrEqual(3);
  const attempts = failing.received.length;
  await new Promise((resolve) => setTimeout(resolve, 800));
  expect(failing.received.length).toBe(attempts);
});
