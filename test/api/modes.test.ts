import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inServiceDatabase } from '../support/database.ts';
import { startTestPlatform, type Json, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let operator: string;
let account: Json;

beforeAll(async () => {
  t = await startTestPlatform();
  operator = (await t.platform.accounts.createOperatorKey({ name: 'modes' })).value;
  const created = await t.call('POST', '/v1/tenants', operator, { name: 'Two Modes' });
  expect(created.status).toBe(201);
  account = created.body;
});
afterAll(() => t?.stop());

describe('test and live modes', () => {
  it('creates an account as a live and a test tenant, each with keys that say their mode', () => {
    expect(account).toMatchObject({ object: 'tenant', mode: 'live', account_id: account.id, plan: 'growth' });
    expect(account.secret_key.secret).toMatch(/^sk_live_[A-Za-z0-9]{32}$/);
    expect(account.publishable_key.secret).toMatch(/^pk_live_[A-Za-z0-9]{32}$/);
    expect(account.test_tenant.id).not.toBe(account.id);
    expect(account.test_tenant_id).toBe(account.test_tenant.id);
    expect(account.test_tenant.secret_key.secret).toMatch(/^sk_test_[A-Za-z0-9]{32}$/);
    expect(account.test_tenant.publishable_key.secret).toMatch(/^pk_test_[A-Za-z0-9]{32}$/);
    expect(account.test_tenant.secret_key.prefix).toBe(account.test_tenant.secret_key.secret.slice(0, 14));
  });

  it('keeps test data out of live and live data out of test', async () => {
    const live = account.secret_key.secret as string;
    const test = account.test_tenant.secret_key.secret as string;
    const inTest = await t.call('POST', '/v1/products', test, { name: 'Test Widget' });
    const inLive = await t.call('POST', '/v1/products', live, { name: 'Live Widget' });
    expect([inTest.status, inLive.status]).toEqual([201, 201]);

    const seenByLive = await t.call('GET', '/v1/products', live);
    expect(seenByLive.body.data.map((p: { name: string }) => p.name)).toEqual(['Live Widget']);
    const seenByTest = await t.call('GET', '/v1/products', test);
    expect(seenByTest.body.data.map((p: { name: string }) => p.name)).toEqual(['Test Widget']);
    // Ids from the other mode are simply not found.
    expect((await t.call('GET', `/v1/products/${inTest.body.id}`, live)).status).toBe(404);
    expect((await t.call('PATCH', `/v1/products/${inLive.body.id}`, test, { name: 'X' })).status).toBe(404);
    expect((await t.call('POST', '/v1/categories', test, { name: 'Test Aisle' })).status).toBe(201);
    const testStorefront = await t.call('GET', '/v1/categories', account.test_tenant.publishable_key.secret);
    expect(testStorefront.body.data.map((c: { name: string }) => c.name)).toEqual(['Test Aisle']);
    const liveStorefront = await t.call('GET', '/v1/categories', account.publishable_key.secret);
    expect(liveStorefront.body.data).toEqual([]);
  });

  it('issues keys in the mode of the key that asks, and lists only that mode’s keys', async () => {
    const test = account.test_tenant.secret_key.secret as string;
    const created = await t.call('POST', '/v1/api-keys', test, { kind: 'secret', name: 'Test CI' });
    expect(created.body.secret).toMatch(/^sk_test_/);
    const restricted = await t.call('POST', '/v1/api-keys', test, {
      kind: 'restricted',
      scopes: ['orders:read'],
    });
    expect(restricted.body.secret).toMatch(/^rk_test_/);
    const listed = await t.call('GET', '/v1/api-keys?limit=100', test);
    expect(listed.body.data.every((k: { prefix: string }) => /^(sk|rk|pk)_test_/.test(k.prefix))).toBe(true);
    // A live key cannot revoke a test key: it is another tenant's.
    const revoke = await t.call('DELETE', `/v1/api-keys/${created.body.id}`, account.secret_key.secret);
    expect(revoke.status).toBe(404);
  });

  it('refuses a key whose mode was altered', async () => {
    const live = account.secret_key.secret as string;
    const altered = live.replace('sk_live_', 'sk_test_');
    const refused = await t.call('GET', '/v1/products', altered);
    expect([refused.status, refused.body.code]).toEqual([401, 'invalid_api_key']);
  });

  it('shows the operator both tenants of an account', async () => {
    const live = await t.call('GET', `/v1/tenants/${account.id}`, operator);
    expect(live.body).toMatchObject({ mode: 'live', test_tenant_id: account.test_tenant.id });
    const test = await t.call('GET', `/v1/tenants/${account.test_tenant.id}`, operator);
    expect(test.body).toMatchObject({ mode: 'test', account_id: account.id, name: 'Two Modes' });
    const listed = await t.call('GET', '/v1/tenants?limit=100', operator);
    const ids = listed.body.data.map((x: { id: string }) => x.id);
    expect(ids).toContain(account.id);
    expect(ids).not.toContain(account.test_tenant.id);
  });

  it('lets a live key create test keys, never a test key live ones', async () => {
    const live = account.secret_key.secret as string;
    const created = await t.call('POST', '/v1/api-keys', live, { kind: 'secret', mode: 'test', name: 'CI' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ mode: 'test' });
    expect(created.body.secret).toMatch(/^sk_test_/);
    // The key acts for the account's test tenant: it sees test data only.
    const seen = await t.call('GET', '/v1/products', created.body.secret);
    expect(seen.body.data.map((p: { name: string }) => p.name)).toEqual(['Test Widget']);

    const test = account.test_tenant.secret_key.secret as string;
    const refused = await t.call('POST', '/v1/api-keys', test, { kind: 'secret', mode: 'live' });
    expect([refused.status, refused.body.code]).toEqual([403, 'live_key_required']);
    const bad = await t.call('POST', '/v1/api-keys', live, { kind: 'secret', mode: 'staging' });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_value']);
  });

  it('opens a test tenant at the next start for an account made before test mode', async () => {
    const older = await t.call('POST', '/v1/tenants', operator, { name: 'Older Shop' });
    // As the account looked before test mode: a live tenant alone.
    const testTenant0 = [older.body.test_tenant.id];
    await inServiceDatabase(t.platform, 'accounts', 'delete from api_keys where tenant_id = $1', testTenant0);
    await inServiceDatabase(t.platform, 'accounts', 'delete from tenants where id = $1', testTenant0);
    const before = await t.call('GET', `/v1/tenants/${older.body.id}`, operator);
    expect(before.body.test_tenant_id).toBeNull();

    t = await t.restart();
    const after = await t.call('GET', `/v1/tenants/${older.body.id}`, operator);
    expect(after.body.test_tenant_id).toMatch(/^ten_/);
    const testTenant = await t.call('GET', `/v1/tenants/${after.body.test_tenant_id}`, operator);
    expect(testTenant.body).toMatchObject({ mode: 'test', account_id: older.body.id, name: 'Older Shop' });

    // Its live key issues its first test keys; their data stays apart from live.
    const live = older.body.secret_key.secret as string;
    const testKey = await t.call('POST', '/v1/api-keys', live, { kind: 'secret', mode: 'test' });
    expect(testKey.body.secret).toMatch(/^sk_test_/);
    expect((await t.call('POST', '/v1/products', testKey.body.secret, { name: 'Trial' })).status).toBe(201);
    expect((await t.call('GET', '/v1/products', live)).body.data).toEqual([]);
  });
});
