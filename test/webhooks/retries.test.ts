import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually, startReceiver, verify, type Receiver } from './receiver.ts';

process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';
process.env.WEBHOOKS_RETRY_SCHEDULE = '0,0.3,0.3';
process.env.WEBHOOKS_ATTEMPT_TIMEOUT_MS = '500';
delete process.env.WEBHOOKS_DISABLE_AFTER_SECONDS;

let t: TestPlatform;
let sk: string;
const receivers: Receiver[] = [];

const receiver = async () => {
  const r = await startReceiver();
  receivers.push(r);
  return r;
};

const endpoint = async (url: string, enabled_events = ['category.created']) => {
  const created = await t.call('POST', '/v1/webhook-endpoints', sk, { url, enabled_events });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string };
};

const category = async (name: string) => {
  const created = await t.call('POST', '/v1/categories', sk, { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
};

const deliveries = async (endpointId: string, status?: string): Promise<any[]> => {
  const listed = await t.call(
    'GET',
    `/v1/webhook-endpoints/${endpointId}/deliveries?limit=100${status ? `&status=${status}` : ''}`,
    sk,
  );
  expect(listed.status).toBe(200);
  return listed.body.data;
};

const settled = async (endpointId: string, count: number) => {
  await eventually(
    async () => (await deliveries(endpointId)).filter((d) => d.status !== 'pending').length >= count,
    20_000,
    `${count} settled deliveries`,
  );
  return deliveries(endpointId);
};

beforeAll(async () => {
  t = await startTestPlatform();
  sk = (await t.tenant()).secret;
});
afterAll(async () => {
  await t.stop();
  for (const r of receivers) await r.close();
});

describe('retries', () => {
  it('retries after 500s until the endpoint answers 2xx, logging every attempt', async () => {
    const r = await receiver();
    r.answer((_request, count) => (count <= 2 ? 500 : 204));
    const { id, secret } = await endpoint(r.url);
    await category('Retried');
    const [delivery] = await settled(id, 1);
    expect(delivery).toMatchObject({ status: 'succeeded', attempt_count: 3, next_attempt_at: null });
    expect(delivery.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 204]);
    expect(delivery.attempts[0]).toMatchObject({ error: null, response_excerpt: 'status 500' });
    expect(delivery.attempts[0].latency_ms).toEqual(expect.any(Number));
    expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([delivery.event_id]));
    for (const x of r.received) verify(secret, x);
  });

  it('retries after a timeout', async () => {
    const r = await receiver();
    r.answer((_request, count) => (count === 1 ? 'hang' : 200));
    const { id } = await endpoint(r.url);
    await category('Slow');
    const [delivery] = await settled(id, 1);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts[0]).toMatchObject({
      status_code: null,
      error: expect.stringMatching(/timed out/),
    });
    expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(450);
    expect(delivery.attempts[1].status_code).toBe(200);
  });

  it('fails after the last attempt, and replays one delivery', async () => {
    const r = await receiver();
    let status = 503;
    r.answer(() => status);
    const { id } = await endpoint(r.url);
    await category('Failing');
    const [failed] = await settled(id, 1);
    expect(failed).toMatchObject({ status: 'failed', attempt_count: 3 });
    expect(r.received).toHaveLength(3);
    status = 200;
    const replayed = await t.call('POST', `/v1/webhook-deliveries/${failed.id}/replay`, sk);
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ id: failed.id, status: 'pending' });
    await eventually(async () => (await deliveries(id, 'succeeded')).length === 1);
    const [done] = await deliveries(id);
    expect(done.attempts.map((a: any) => a.status_code)).toEqual([503, 503, 503, 200]);
    expect(r.received.at(-1)!.id).toBe(failed.event_id);
  });

  it('replays the failed deliveries of an endpoint since a time', async () => {
    const r = await receiver();
    let status = 500;
    r.answer(() => status);
    const { id } = await endpoint(r.url);
    await category('Before');
    await settled(id, 1);
    const since = new Date().toISOString();
    await category('After 1');
    await category('After 2');
    const all = await settled(id, 3);
    expect(all.every((d) => d.status === 'failed')).toBe(true);
    status = 200;
    const replay = await t.call('POST', `/v1/webhook-endpoints/${id}/replay`, sk, { since });
    expect([replay.status, replay.body]).toEqual([202, { object: 'webhook_replay', replayed: 2 }]);
    await eventually(async () => (await deliveries(id, 'succeeded')).length === 2);
    const [failed] = await deliveries(id, 'failed');
    expect(failed.event_id).toBe(all.at(-1).event_id);
  });

  it('disables an endpoint that answers 410 Gone', async () => {
    const r = await receiver();
    r.answer(() => 410);
    const { id } = await endpoint(r.url);
    await category('Gone');
    const [delivery] = await settled(id, 1);
    expect(delivery).toMatchObject({ status: 'failed', attempt_count: 1 });
    const got = await t.call('GET', `/v1/webhook-endpoints/${id}`, sk);
    expect(got.body).toMatchObject({ status: 'disabled', disabled_reason: expect.stringContaining('410') });
    await eventually(async () => {
      const events = await t.call('GET', '/v1/events?type=webhook.endpoint_disabled', sk);
      return events.body.data.some((e: any) => e.data.endpoint_id === id);
    });
    await category('Not sent');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.received).toHaveLength(1);
  });

  it('keeps delivering to healthy endpoints while dead ones are retried', async () => {
    const healthy = await receiver();
    const hanging = await receiver();
    hanging.answer(() => 'hang');
    const closed = await receiver();
    await closed.close();
    const events = ['category.updated'];
    const good = await endpoint(healthy.url, events);
    const slow = await endpoint(hanging.url, events);
    const refused = await endpoint(closed.url, events);
    const parent = await category('Busy');
    for (let i = 0; i < 12; i += 1) {
      const updated = await t.call('PATCH', `/v1/categories/${parent.id}`, sk, { description: `v${i}` });
      expect(updated.status).toBe(200);
    }
    await eventually(async () => (await deliveries(good.id, 'succeeded')).length === 12, 15_000, 'healthy');
    // The hanging endpoint still has deliveries in its retries when the healthy one has them all.
    expect((await deliveries(slow.id, 'pending')).length).toBeGreaterThan(0);
    await eventually(
      async () => (await deliveries(refused.id, 'failed')).length === 12,
      20_000,
      'refused fail',
    );
    const [attempt] = (await deliveries(refused.id))[0].attempts;
    expect(attempt).toMatchObject({ status_code: null, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
