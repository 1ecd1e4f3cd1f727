import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@bazaar/kit';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let a: { id: string; secret: string; publishable: string };
let b: { id: string; secret: string; publishable: string };
let productOfA: { id: string; slug: string };

beforeAll(async () => {
  t = await startTestPlatform();
  a = await t.tenant('Shop A');
  b = await t.tenant('Shop B');
  productOfA = (
    await t.call('POST', '/v1/products', a.secret, { name: 'Secret Recipe Sauce', status: 'draft' })
  ).body;
});
afterAll(() => t.stop());

describe('tenancy', () => {
  it("gives another tenant's key 404 for every kind of access, never the data", async () => {
    for (const [method, path, body] of [
      ['GET', `/v1/products/${productOfA.id}`],
      ['GET', `/v1/products/${productOfA.slug}`],
      ['PATCH', `/v1/products/${productOfA.id}`, { name: 'Stolen' }],
      ['DELETE', `/v1/products/${productOfA.id}`],
    ] as const) {
      const response = await t.call(method, path, b.secret, body);
      expect(response.status).toBe(404);
      expect(JSON.stringify(response.body)).not.toContain('Secret Recipe');
    }
    expect((await t.call('GET', '/v1/products', b.secret)).body.data).toEqual([]);
    expect((await t.call('GET', `/v1/products/${productOfA.id}`, a.secret)).body.name).toBe(
      'Secret Recipe Sauce',
    );
  });

  it('keeps slugs and SKUs unique per tenant only', async () => {
    const same = await t.call('POST', '/v1/products', b.secret, { name: 'Secret Recipe Sauce' });
    expect(same.status).toBe(201);
    expect(same.body.slug).toBe(productOfA.slug);
  });

  it('hides other tenants rows in the database itself, even from a query without a tenant filter', async () => {
    const catalogUrl = new URL(t.platform.postgresUrl);
    catalogUrl.pathname = `/${t.platform.databases.catalog}`;
    const db = openDatabase<Record<string, never>>({ url: catalogUrl.toString(), max: 1 });
    try {
      const seenByB = await db.tenant(b.id, (trx) =>
        sql<{ tenant_id: string }>`select tenant_id from products`.execute(trx),
      );
      expect(seenByB.rows.length).toBeGreaterThan(0);
      expect(new Set(seenByB.rows.map((r) => r.tenant_id))).toEqual(new Set([b.id]));
      const inserted = db.tenant(b.id, (trx) =>
        sql`insert into products (id, tenant_id, name, slug, status) values ('prod_x', ${a.id}, 'x', 'x', 'draft')`.execute(
          trx,
        ),
      );
      await expect(inserted).rejects.toThrow(/row-level security/);
    } finally {
      await db.close();
    }
  });
});

describe('API keys', () => {
  it('shows a new key once, then lists it by prefix with its last use', async () => {
    const created = await t.call('POST', '/v1/api-keys', a.secret, { kind: 'secret', name: 'CI' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^sk_live_[A-Za-z0-9]{32}$/);
    expect(created.body.prefix).toBe(created.body.secret.slice(0, 14));

    expect((await t.call('GET', '/v1/products', created.body.secret)).status).toBe(200);
    const listed = await t.call('GET', '/v1/api-keys?limit=100', a.secret);
    const entry = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(entry).toMatchObject({
      object: 'api_key',
      kind: 'secret',
      name: 'CI',
      prefix: created.body.prefix,
    });
    expect(entry.secret).toBeUndefined();
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(entry.last_used_at).not.toBeNull();
    // Only this tenant's keys.
    expect(listed.body.data.every((k: { prefix: string }) => !b.secret.startsWith(k.prefix))).toBe(true);
  });

  it('refuses a revoked key at once', async () => {
    const created = await t.call('POST', '/v1/api-keys', a.secret, { kind: 'secret' });
    expect((await t.call('GET', '/v1/products', created.body.secret)).status).toBe(200);
    const revoked = await t.call('DELETE', `/v1/api-keys/${created.body.id}`, a.secret);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).not.toBeNull();
    const refused = await t.call('GET', '/v1/products', created.body.secret);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('api_key_revoked');
  });

  it('refuses a key from its expiry on, even one this gateway has just seen', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const created = await t.call('POST', '/v1/api-keys', a.secret, { kind: 'secret', expires_at: expiresAt });
    expect(created.status).toBe(201);
    expect(created.body.expires_at).toBe(expiresAt);
    expect((await t.call('GET', '/v1/products', created.body.secret)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    const refused = await t.call('GET', '/v1/products', created.body.secret);
    expect([refused.status, refused.body.code]).toEqual([401, 'api_key_expired']);
    const listed = await t.call('GET', '/v1/api-keys?limit=100', a.secret);
    const shown = listed.body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(shown.expires_at).toBe(expiresAt);

    const past = await t.call('POST', '/v1/api-keys', a.secret, {
      kind: 'secret',
      expires_at: '2020-01-01T00:00:00Z',
    });
    expect([past.status, past.body.code]).toEqual([400, 'out_of_range']);
    const garbled = await t.call('POST', '/v1/api-keys', a.secret, { kind: 'secret', expires_at: 'soon' });
    expect(garbled.status).toBe(400);
    expect(garbled.body.errors[0].field).toBe('expires_at');
  });

  it("cannot revoke another tenant's key", async () => {
    const ofB = await t.call('POST', '/v1/api-keys', b.secret, { kind: 'publishable' });
    expect((await t.call('DELETE', `/v1/api-keys/${ofB.body.id}`, a.secret)).status).toBe(404);
    expect((await t.call('GET', '/v1/products', ofB.body.secret)).status).toBe(200);
  });

  it('refuses missing, malformed and unknown keys with distinct codes', async () => {
    const missing = await t.call('GET', '/v1/products');
    expect([missing.status, missing.body.code]).toEqual([401, 'missing_api_key']);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const malformed = await t.call('GET', '/v1/products', 'not-a-key');
    expect([malformed.status, malformed.body.code]).toEqual([401, 'invalid_api_key']);
    const unknown = await t.call('GET', '/v1/products', `sk_${'A'.repeat(32)}`);
    expect([unknown.status, unknown.body.code]).toEqual([401, 'invalid_api_key']);
  });

  it('lets a publishable key read the catalog and nothing else', async () => {
    expect((await t.call('GET', '/v1/products', a.publishable)).status).toBe(200);
    expect((await t.call('GET', '/v1/categories', a.publishable)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/v1/products', { name: 'Nope' }],
      ['PATCH', `/v1/products/${productOfA.id}`, { name: 'Nope' }],
      ['DELETE', `/v1/products/${productOfA.id}`],
      ['POST', '/v1/categories', { name: 'Nope' }],
      ['GET', '/v1/api-keys'],
      ['POST', '/v1/api-keys', { kind: 'secret' }],
    ] as const) {
      const response = await t.call(method, path, a.publishable, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.code).toBe('publishable_key_read_only');
    }
  });
});

describe('tenants (operator)', () => {
  it('lets only the operator key create tenants, which come with working keys', async () => {
    const { value: operatorKey } = await t.platform.accounts.createOperatorKey({ name: 'test' });
    const refused = await t.call('POST', '/v1/tenants', a.secret, { name: 'Sneaky' });
    expect([refused.status, refused.body.code]).toEqual([403, 'operator_key_required']);

    const created = await t.call('POST', '/v1/tenants', operatorKey, { name: 'New Merchant' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ object: 'tenant', name: 'New Merchant' });
    expect(created.body.secret_key.secret).toMatch(/^sk_live_/);
    expect(created.body.publishable_key.secret).toMatch(/^pk_live_/);
    expect((await t.call('GET', '/v1/products', created.body.secret_key.secret)).body.data).toEqual([]);
    expect((await t.call('GET', `/v1/tenants/${created.body.id}`, operatorKey)).body.name).toBe(
      'New Merchant',
    );

    const asTenant = await t.call('GET', '/v1/products', operatorKey);
    expect([asTenant.status, asTenant.body.code]).toEqual([403, 'tenant_key_required']);
  });
});
