import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type Json, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let operator: string;

beforeAll(async () => {
  t = await startTestPlatform();
  operator = (await t.platform.accounts.createOperatorKey({ name: 'plans' })).value;
});
afterAll(() => t.stop());

const newAccount = async (name: string): Promise<Json> =>
  (await t.call('POST', '/v1/tenants', operator, { name })).body;

describe('plans', () => {
  it('lists the built-in plans to the operator', async () => {
    const plans = await t.call('GET', '/v1/plans', operator);
    expect(plans.status).toBe(200);
    expect(plans.body.data.map((p: { name: string }) => p.name)).toEqual(['free', 'growth', 'scale']);
    expect(plans.body.data[0]).toEqual({
      object: 'plan',
      name: 'free',
      rate: 10,
      burst: 20,
      monthly_quota: 100_000,
    });
    const asTenant = await t.call('GET', '/v1/plans', (await newAccount('Curious')).secret_key.secret);
    expect(asTenant.body.code).toBe('operator_key_required');
  });

  it('refuses an unknown plan and changes nothing', async () => {
    const account = await newAccount('Unknown Plan');
    const refused = await t.call('PATCH', `/v1/tenants/${account.id}`, operator, { plan: 'platinum' });
    expect([refused.status, refused.body.code]).toEqual([400, 'unknown_plan']);
    expect(refused.body.detail).toContain('free, growth, scale');
    expect((await t.call('GET', `/v1/tenants/${account.id}`, operator)).body.plan).toBe('growth');
    const missing = await t.call('PATCH', '/v1/tenants/ten_01jd0m4zq8x9c4c2y3v7w5k6hn', operator, {
      plan: 'free',
    });
    expect(missing.status).toBe(404);
  });

  it('puts an account on free within seconds: 10 a second with bursts of 20, then 429 rate_limited', async () => {
    const account = await newAccount('Free Shop');
    const key = account.secret_key.secret as string;
    // The gateway has this key cached on growth before the change.
    const before = await t.call('GET', '/v1/products', key);
    expect(before.headers.get('ratelimit-policy')).toBe('"default";q=200;w=2');

    const changed = await t.call('PATCH', `/v1/tenants/${account.id}`, operator, { plan: 'free' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ plan: 'free', mode: 'live' });
    // Both modes of the account move together.
    expect((await t.call('GET', `/v1/tenants/${account.test_tenant.id}`, operator)).body.plan).toBe('free');
    await vi.waitFor(
      async () => {
        const now = await t.call('GET', '/v1/products', key);
        expect(now.headers.get('ratelimit-policy')).toBe('"default";q=20;w=2');
      },
      { timeout: 10_000, interval: 200 },
    );

    // A fresh key has its whole burst.
    const fresh = (await t.call('POST', '/v1/api-keys', key, { kind: 'secret' })).body.secret as string;
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => t.call('GET', '/v1/products', fresh)),
    );
    const admitted = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status === 429);
    expect(admitted.length + refused.length).toBe(30);
    expect(admitted.length).toBeGreaterThanOrEqual(20);
    expect(refused.length).toBeGreaterThan(0);
    for (const response of responses) {
      expect(response.headers.get('ratelimit-policy')).toBe('"default";q=20;w=2');
      expect(response.headers.get('ratelimit')).toMatch(/^"default";r=\d+;t=\d+$/);
    }
    const limited = refused[0]!;
    expect(limited.body).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('ratelimit')).toBe(`"default";r=0;t=${retryAfter}`);
    // The remaining count goes down as the burst is used.
    const remaining = admitted.map((r) => Number(/r=(\d+)/.exec(r.headers.get('ratelimit')!)![1]));
    expect(Math.min(...remaining)).toBeLessThanOrEqual(1);
    expect(Math.max(...remaining)).toBeGreaterThanOrEqual(15);

    // Another key of the same account has its own limit.
    expect((await t.call('GET', '/v1/products', account.publishable_key.secret)).status).toBe(200);
  });

  it('does not limit the operator, the docs or the probes', async () => {
    const operatorCall = await t.call('GET', '/v1/tenants', operator);
    expect(operatorCall.headers.get('ratelimit')).toBeNull();
    const health = await t.call('GET', '/healthz');
    expect(health.headers.get('ratelimit-policy')).toBeNull();
  });

  it('pins an account to an API version', async () => {
    const account = await newAccount('Pinned');
    const pinned = await t.call('PATCH', `/v1/tenants/${account.id}`, operator, {
      api_version: '2026-11-01',
    });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ api_version: '2026-11-01', plan: 'growth' });
    const bad = await t.call('PATCH', `/v1/tenants/${account.id}`, operator, { api_version: 'yesterday' });
    expect([bad.status, bad.body.code]).toEqual([400, 'unknown_api_version']);
    const unknown = await t.call('PATCH', `/v1/tenants/${account.id}`, operator, {
      api_version: '2019-01-01',
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_api_version']);
    expect(unknown.body.detail).toContain('2026-11-01');
  });
});
