import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSIONS } from '../../services/gateway/src/versions/registry.ts';
import { countCalls, startTestPlatform, type Json, type TestPlatform } from '../support/platform.ts';

const OLD = '2026-06-01';
const CURRENT = '2026-11-01';

let t: TestPlatform;
let shop: { id: string; secret: string; publishable: string };

const call = async (method: string, path: string, version?: string, body?: unknown, key = shop.secret) => {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (version) headers['bazaar-version'] = version;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    version: response.headers.get('bazaar-version'),
    body: (await response.json()) as Json,
  };
};

beforeAll(async () => {
  t = await startTestPlatform();
  shop = await t.tenant('Versioned Shop');
});
afterAll(() => t.stop());

describe('Bazaar-Version', () => {
  it('serves the latest version by default and echoes the version used', async () => {
    const list = await call('GET', '/v1/products');
    expect([list.status, list.version]).toEqual([200, CURRENT]);
    const old = await call('GET', '/v1/products', OLD);
    expect([old.status, old.version]).toEqual([200, OLD]);
    const missing = await call('GET', '/v1/products/nothing-here', OLD);
    expect([missing.status, missing.version]).toEqual([404, OLD]);
  });

  it('2026-06-01 named a product’s status `state`: old bodies are accepted, old answers given', async () => {
    const created = await call('POST', '/v1/products', OLD, {
      name: 'Old Client Tee',
      state: 'active',
      variants: [{ sku: 'OLD-TEE', prices: [{ currency: 'USD', amount: 1500 }] }],
    });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('active');
    expect(created.body).not.toHaveProperty('status');

    const current = await call('GET', `/v1/products/${created.body.id}`);
    expect(current.body.status).toBe('active');
    expect(current.body).not.toHaveProperty('state');

    const patched = await call('PATCH', `/v1/products/${created.body.id}`, OLD, { state: 'archived' });
    expect([patched.status, patched.body.state]).toEqual([200, 'archived']);
    expect((await call('GET', `/v1/products/${created.body.id}`)).body.status).toBe('archived');

    // The list filter was `state` too, and the items in the list carry it.
    const archived = await call('GET', '/v1/products?state=archived', OLD);
    expect(archived.status).toBe(200);
    expect(archived.body.data.map((p: Json) => [p.id, p.state, p.status])).toEqual([
      [created.body.id, 'archived', undefined],
    ]);
    // Asked again, the answer comes from the read cache, and is given in the old version all the same.
    const { calls, restore } = countCalls(t);
    try {
      expect((await call('GET', '/v1/products?state=archived', OLD)).body).toEqual(archived.body);
      expect(calls.filter((c) => c.startsWith('catalog.'))).toEqual([]);
    } finally {
      restore();
    }
    // The current version knows no `state`.
    const refused = await call('GET', '/v1/products?state=archived');
    expect([refused.status, refused.body.code]).toEqual([400, 'unknown_field']);
    const currentList = await call('GET', '/v1/products?status=archived');
    expect(currentList.body.data.map((p: Json) => p.status)).toEqual(['archived']);
  });

  it('names fields in errors as the old version calls them', async () => {
    const bad = await call('POST', '/v1/products', OLD, { name: 'Bad', state: 'sold' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.field)).toEqual(['state']);
    expect(bad.body.detail).toContain(`'state'`);
    const current = await call('POST', '/v1/products', CURRENT, { name: 'Bad', status: 'sold' });
    expect(current.body.errors.map((e: Json) => e.field)).toEqual(['status']);
  });

  it('replays an idempotent request in the version of the caller replaying it', async () => {
    const send = (version: string, body: unknown) =>
      fetch(`${t.url}/v1/products`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${shop.secret}`,
          'content-type': 'application/json',
          'idempotency-key': 'versioned-create',
          'bazaar-version': version,
        },
        body: JSON.stringify(body),
      });
    const first = await send(OLD, { name: 'Replayed', state: 'draft' });
    expect([first.status, ((await first.json()) as Json).state]).toEqual([201, 'draft']);
    const again = await send(CURRENT, { name: 'Replayed', status: 'draft' });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const body = (await again.json()) as Json;
    expect([body.status, body.state]).toEqual(['draft', undefined]);
  });

  it('refuses an unknown version, listing the known ones', async () => {
    for (const version of ['2025-01-01', 'latest']) {
      const refused = await call('GET', '/v1/products', version);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('unknown_api_version');
      expect(refused.body.detail).toContain(`${OLD}, ${CURRENT}`);
      expect(refused.version).toBe(CURRENT);
    }
  });

  it('uses the account’s pinned version when the request names none', async () => {
    const { value: operator } = await t.platform.accounts.createOperatorKey({ name: 'versioning test' });
    const pinned = await call('PATCH', `/v1/tenants/${shop.id}`, undefined, { api_version: OLD }, operator);
    expect(pinned.status).toBe(200);
    const deadline = Date.now() + 10_000;
    let list = await call('GET', '/v1/products?limit=1');
    // The gateway hears of the change through an event.
    while (list.version !== OLD && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      list = await call('GET', '/v1/products?limit=1');
    }
    expect(list.version).toBe(OLD);
    expect(list.body.data[0]).toHaveProperty('state');
    const asked = await call('GET', '/v1/products?limit=1', CURRENT);
    expect(asked.version).toBe(CURRENT);
    expect(asked.body.data[0]).toHaveProperty('status');
  });

  it('keys every transform by a route that exists', () => {
    const endpoints = VERSIONS.flatMap((v) =>
      v.changes.flatMap((c) => [...Object.keys(c.requests ?? {}), ...Object.keys(c.responses ?? {})]),
    );
    expect(endpoints.length).toBeGreaterThan(0);
    for (const endpoint of endpoints) {
      const [method, url] = endpoint.split(' ') as [string, string];
      const route = { method: method as 'GET', url: url.replace(/\{([a-z_]+)\}/g, ':$1') };
      expect(t.platform.gateway.hasRoute(route), endpoint).toBe(true);
    }
  });
});
