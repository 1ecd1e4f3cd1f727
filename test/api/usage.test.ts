import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type Json, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let shop: { id: string; secret: string; publishable: string };
let other: { id: string; secret: string; publishable: string };

const get = (path: string, key: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });

/** Reads usage until `done` holds: counters reach the database within a flush interval. */
const usageUntil = async (path: string, key: string, done: (body: Json) => boolean): Promise<Json> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { status, body } = await t.call('GET', path, key);
    expect(status).toBe(200);
    if (done(body)) return body;
    if (Date.now() > deadline)
      throw new Error(`usage never showed what was expected: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const row = (body: Json, match: Record<string, string>) =>
  (body.data as Json[]).find((r) => Object.entries(match).every(([k, v]) => r[k] === v));

beforeAll(async () => {
  process.env.GATEWAY_USAGE_FLUSH_MS = '200';
  t = await startTestPlatform();
  shop = await t.tenant('Metered Shop');
  other = await t.tenant('Other Shop');
});
afterAll(() => t.stop());

describe('usage', () => {
  it('counts requests per endpoint (the route, not the URL) and status class; a 404 is a 4xx', async () => {
    const created = await t.call('POST', '/v1/products', shop.secret, { name: 'Counted' });
    expect(created.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await t.call('GET', '/v1/products', shop.secret)).status).toBe(200);
    expect((await t.call('GET', `/v1/products/${created.body.id}`, shop.publishable)).status).toBe(404);
    expect((await t.call('GET', '/v1/products/no-such-product', shop.secret)).status).toBe(404);
    expect((await t.call('GET', `/v1/products/${created.body.id}`, shop.secret)).status).toBe(200);

    const expected = [
      ['GET /v1/products', '2xx', 3],
      ['POST /v1/products', '2xx', 1],
      ['GET /v1/products/{id}', '2xx', 1],
      ['GET /v1/products/{id}', '4xx', 2],
    ] as const;
    const counted = (b: Json) =>
      expected.map(([endpoint, status_class]) => row(b, { endpoint, status_class })?.requests ?? 0);
    const body = await usageUntil(
      '/v1/usage?group_by=endpoint,status_class',
      shop.secret,
      (b: Json) => counted(b).join() === expected.map((e) => e[2]).join(),
    );
    expect(body.object).toBe('usage');
    expect(body.group_by).toEqual(['endpoint', 'status_class']);
    expect(counted(body)).toEqual([3, 1, 1, 2]);
    expect(body.total).toBe((body.data as Json[]).reduce((sum, r) => sum + r.requests, 0));
    expect(JSON.stringify(body)).not.toContain(created.body.id);
  });

  it('counts GraphQL requests as one endpoint', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    const body = await usageUntil('/v1/usage?group_by=endpoint', other.secret, (b: Json) =>
      Boolean(row(b, { endpoint: 'POST /graphql' })),
    );
    expect(row(body, { endpoint: 'POST /graphql' })?.requests).toBe(1);
  });

  it('groups by day (the default) and by key', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await t.call('GET', '/v1/usage', shop.secret);
    expect(byDay.body.group_by).toEqual(['day']);
    expect(byDay.body.from).toBe(`${today.slice(0, 7)}-01`);
    expect(byDay.body.data.map((r: Json) => r.day)).toEqual([today]);
    expect(byDay.body.data[0].requests).toBe(byDay.body.total);

    const byKey = await t.call('GET', '/v1/usage?group_by=key', shop.secret);
    expect(byKey.body.data).toHaveLength(2);
    for (const r of byKey.body.data) expect(r.key_id).toMatch(/^key_/);

    const none = await t.call('GET', `/v1/usage?group_by=&from=${today}&to=${today}`, shop.secret);
    expect(none.body.data).toEqual([]);
    expect(none.body.total).toBeGreaterThan(5);

    const earlier = await t.call('GET', '/v1/usage?from=2026-01-01&to=2026-01-31', shop.secret);
    expect([earlier.body.total, earlier.body.data]).toEqual([0, []]);
  });

  it('exports CSV for billing, with the same filters', async () => {
    const response = await get('/v1/usage.csv?group_by=endpoint,status_class', shop.secret);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="usage-.*\.csv"/);
    const lines = (await response.text()).split('\r\n');
    expect(lines[0]).toBe('endpoint,status_class,requests');
    expect(lines).toContain('GET /v1/products,2xx,3');
    expect(lines).toContain('GET /v1/products/{id},4xx,2');
    expect(lines.at(-1)).toBe('');

    const negotiated = await get('/v1/usage?group_by=day', shop.secret, { accept: 'text/csv' });
    expect(negotiated.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await negotiated.text()).split('\r\n')[0]).toBe('day,requests');
  });

  it('refuses bad dates and groupings with field errors', async () => {
    const bad = await t.call('GET', '/v1/usage?from=2026-02-30&to=yesterday&group_by=day,hour', shop.secret);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: Json) => [e.field, e.code])).toEqual([
      ['from', 'invalid_date'],
      ['to', 'invalid_date'],
      ['group_by', 'invalid_group_by'],
    ]);
    const backwards = await t.call('GET', '/v1/usage?from=2026-11-20&to=2026-11-01', shop.secret);
    expect([backwards.status, backwards.body.code, backwards.body.errors[0].field]).toEqual([
      400,
      'invalid_range',
      'to',
    ]);
    const long = await t.call('GET', '/v1/usage?from=2024-01-01&to=2026-01-01', shop.secret);
    expect([long.status, long.body.code]).toEqual([400, 'range_too_long']);
    const unknown = await t.call('GET', '/v1/usage?month=11', shop.secret);
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_field']);
  });

  it('shows a tenant only its own usage; the operator reads any tenant’s', async () => {
    expect((await t.call('GET', '/v1/products', other.secret)).status).toBe(200);
    const mine = await usageUntil('/v1/usage?group_by=endpoint', other.secret, (b: Json) =>
      Boolean(row(b, { endpoint: 'GET /v1/products' })),
    );
    expect(row(mine, { endpoint: 'GET /v1/products' })?.requests).toBe(1);
    expect(row(mine, { endpoint: 'POST /v1/products' })).toBeUndefined();
    expect(row(mine, { endpoint: 'GET /v1/products/{id}' })).toBeUndefined();
    expect(mine.tenant_id).toBe(other.id);

    expect((await t.call('GET', '/v1/usage', shop.publishable)).status).toBe(403);
    expect((await t.call('GET', `/v1/tenants/${shop.id}/usage`, other.secret)).status).toBe(403);

    const { value: operator } = await t.platform.accounts.createOperatorKey({ name: 'usage test' });
    const theirs = await t.call(
      'GET',
      `/v1/tenants/${shop.id}/usage?group_by=endpoint,status_class`,
      operator,
    );
    expect(theirs.status).toBe(200);
    expect(theirs.body.tenant_id).toBe(shop.id);
    expect(row(theirs.body, { endpoint: 'GET /v1/products', status_class: '2xx' })?.requests).toBe(3);
    const csv = await get(`/v1/tenants/${shop.id}/usage.csv?group_by=`, operator);
    expect((await csv.text()).split('\r\n')[0]).toBe('requests');
    const missing = await t.call('GET', '/v1/tenants/ten_00000000000000000000000000/usage', operator);
    expect([missing.status, missing.body.code]).toEqual([404, 'tenant_not_found']);
    // The operator's own requests are no tenant's usage.
    const after = await t.call('GET', `/v1/tenants/${shop.id}/usage?group_by=key`, operator);
    expect(after.body.data).toHaveLength(2);
  });

  it('needs the usage:read scope', async () => {
    const restricted = async (scopes: string[]) =>
      (await t.call('POST', '/v1/api-keys', shop.secret, { kind: 'restricted', scopes })).body
        .secret as string;
    const catalogOnly = await restricted(['products:read']);
    for (const path of ['/v1/usage', '/v1/usage.csv']) {
      const refused = await t.call('GET', path, catalogOnly);
      expect([refused.status, refused.body.code, refused.body.required_scope]).toEqual([
        403,
        'insufficient_scope',
        'usage:read',
      ]);
    }
    const billing = await restricted(['usage:read']);
    expect((await t.call('GET', '/v1/usage', billing)).status).toBe(200);
  });
});
