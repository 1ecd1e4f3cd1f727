import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually, startReceiver, verify, type Receiver } from './receiver.ts';

process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';
process.env.WEBHOOKS_RETRY_SCHEDULE = '0,0.2,0.2';
delete process.env.WEBHOOKS_ATTEMPT_TIMEOUT_MS;
delete process.env.WEBHOOKS_DISABLE_AFTER_SECONDS;

const BURST = 80;
let t: TestPlatform;
let sk: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await startTestPlatform();
  sk = (await t.tenant()).secret;
});
afterAll(async () => {
  await t.stop();
  for (const r of receivers) await r.close();
});

const allDeliveries = async (endpointId: string) => {
  const found: any[] = [];
  let cursor = '';
  do {
    const page = await t.call(
      'GET',
      `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      sk,
    );
    expect(page.status).toBe(200);
    found.push(...page.body.data);
    cursor = page.body.next_cursor ?? '';
  } while (cursor);
  return found;
};

it('delivers a burst to every endpoint and logs each attempt, with results written in batches', async () => {
  const healthy = await startReceiver();
  const flaky = await startReceiver();
  receivers.push(healthy, flaky);
  // The first attempt of every event fails at the flaky endpoint; the retry succeeds.
  flaky.answer((request) => (flaky.received.filter((r) => r.id === request.id).length === 1 ? 500 : 200));
  const endpoint = async (r: Receiver): Promise<{ id: string; secret: string }> => {
    const created = await t.call('POST', '/v1/webhook-endpoints', sk, {
      url: r.url,
      enabled_events: ['category.created'],
    });
    expect(created.status).toBe(201);
    return created.body;
  };
  const good = await endpoint(healthy);
  const bad = await endpoint(flaky);

  let next = 0;
  const writer = async () => {
    while (next < BURST) {
      next += 1;
      const created = await t.call('POST', '/v1/categories', sk, { name: `Burst ${next}` });
      expect(created.status).toBe(201);
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));

  const settled = async (endpointId: string) =>
    (await allDeliveries(endpointId)).filter((d) => d.status !== 'pending').length === BURST;
  await eventually(() => settled(good.id), 30_000, 'healthy deliveries settled');
  await eventually(() => settled(bad.id), 30_000, 'flaky deliveries settled');

  const [steady, retried] = [await allDeliveries(good.id), await allDeliveries(bad.id)];
  expect(new Set(steady.map((d) => d.event_id)).size).toBe(BURST);
  expect(new Set(retried.map((d) => d.event_id))).toEqual(new Set(steady.map((d) => d.event_id)));
  for (const d of steady) {
    expect(d).toMatchObject({ status: 'succeeded', attempt_count: 1 });
    expect(d.attempts.map((a: any) => a.status_code)).toEqual([200]);
  }
  for (const d of retried) {
    expect(d).toMatchObject({ status: 'succeeded', attempt_count: 2, next_attempt_at: null });
    expect(d.attempts.map((a: any) => a.status_code)).toEqual([500, 200]);
  }
  // Every attempt the receivers saw is in the log, and none is missing.
  expect(healthy.received).toHaveLength(BURST);
  expect(flaky.received).toHaveLength(2 * BURST);
  expect(healthy.ids()).toEqual(new Set(steady.map((d) => d.event_id)));
  for (const r of healthy.received) verify(good.secret, r);
  for (const r of flaky.received) verify(bad.secret, r);
  // The endpoint that failed and recovered is not counted as failing.
  const flakyEndpoint = await t.call('GET', `/v1/webhook-endpoints/${bad.id}`, sk);
  expect(flakyEndpoint.body).toMatchObject({ status: 'enabled', disabled_reason: null });
});
