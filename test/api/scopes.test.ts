import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDeclaredScopes } from '../../services/gateway/src/scopes.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let shop: { id: string; secret: string; publishable: string };

beforeAll(async () => {
  t = await startTestPlatform();
  shop = await t.tenant('Scoped Shop');
});
afterAll(() => t.stop());

const restricted = async (scopes: string[]) => {
  const created = await t.call('POST', '/v1/api-keys', shop.secret, {
    kind: 'restricted',
    name: 'CI',
    scopes,
  });
  expect(created.status).toBe(201);
  return created.body as { id: string; secret: string; scopes: string[]; prefix: string; kind: string };
};

describe('scopes', () => {
  it('lets a restricted key do what its scopes allow and refuses the rest, naming the missing scope', async () => {
    const key = await restricted(['products:read', 'orders:read']);
    expect(key.secret).toMatch(/^rk_live_[A-Za-z0-9]{32}$/);
    expect(key).toMatchObject({ kind: 'restricted', scopes: ['products:read', 'orders:read'] });

    expect((await t.call('GET', '/v1/products', key.secret)).status).toBe(200);
    expect((await t.call('GET', '/v1/orders', key.secret)).status).toBe(200);

    for (const [method, path, body, scope] of [
      ['POST', '/v1/products', { name: 'Nope' }, 'products:write'],
      ['GET', '/v1/webhook-endpoints', undefined, 'webhooks:read'],
      ['GET', '/v1/stock-levels', undefined, 'inventory:read'],
      ['GET', '/v1/api-keys', undefined, 'keys:read'],
      ['POST', '/v1/api-keys', { kind: 'secret' }, 'keys:write'],
    ] as const) {
      const refused = await t.call(method, path, key.secret, body);
      expect([refused.status, refused.body.code], `${method} ${path}`).toEqual([403, 'insufficient_scope']);
      expect(refused.body.required_scope).toBe(scope);
      expect(refused.body.detail).toContain(scope);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    // Nothing was created by the refused write.
    expect((await t.call('GET', '/v1/products', shop.secret)).body.data).toEqual([]);
  });

  it('counts a write scope as its read scope too, and categories as part of the catalog', async () => {
    const key = await restricted(['products:write']);
    const product = await t.call('POST', '/v1/products', key.secret, { name: 'Scoped Tee' });
    expect(product.status).toBe(201);
    expect((await t.call('GET', `/v1/products/${product.body.id}`, key.secret)).status).toBe(200);
    expect((await t.call('POST', '/v1/categories', key.secret, { name: 'Tees' })).status).toBe(201);
    expect((await t.call('GET', '/v1/orders', key.secret)).body.code).toBe('insufficient_scope');
  });

  it('refuses unknown scopes, restricted keys without scopes and scopes on other kinds, each with its code', async () => {
    const unknown = await t.call('POST', '/v1/api-keys', shop.secret, {
      kind: 'restricted',
      scopes: ['products:read', 'products:delete'],
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_scope']);
    expect(unknown.body.detail).toContain('products:delete');
    expect(unknown.body.errors[0]).toMatchObject({ field: 'scopes/1', code: 'unknown_scope' });

    const none = await t.call('POST', '/v1/api-keys', shop.secret, { kind: 'restricted', scopes: [] });
    expect([none.status, none.body.code]).toEqual([400, 'missing_field']);

    const onSecret = await t.call('POST', '/v1/api-keys', shop.secret, {
      kind: 'secret',
      scopes: ['products:read'],
    });
    expect([onSecret.status, onSecret.body.code]).toEqual([400, 'scopes_not_allowed']);
  });

  it('gives secret keys every scope and publishable keys the storefront ones', async () => {
    const listed = await t.call('GET', '/v1/api-keys?limit=100', shop.secret);
    const secret = listed.body.data.find((k: { kind: string }) => k.kind === 'secret');
    const publishable = listed.body.data.find((k: { kind: string }) => k.kind === 'publishable');
    expect(secret.scopes).toEqual(['*']);
    expect(publishable.scopes).toEqual(['products:read', 'inventory:read', 'carts:read', 'carts:write']);
    expect((await t.call('GET', '/v1/categories', shop.publishable)).status).toBe(200);
    expect((await t.call('POST', '/v1/carts', shop.publishable, { currency: 'USD' })).status).toBe(201);
  });

  it('lets a restricted key with every cart scope drive carts but not read orders', async () => {
    const key = await restricted(['carts:write']);
    const cart = await t.call('POST', '/v1/carts', key.secret, { currency: 'USD' });
    expect(cart.status).toBe(201);
    expect((await t.call('GET', `/v1/carts/${cart.body.id}`, key.secret)).status).toBe(200);
    expect((await t.call('GET', '/v1/orders', key.secret)).body.required_scope).toBe('orders:read');
  });

  it('makes a /v1 route that names no scope a startup error', () => {
    const app = Fastify();
    requireDeclaredScopes(app);
    expect(() => app.get('/v1/things', () => 'ok')).toThrow(/GET \/v1\/things names no known scope/);
    expect(() => app.get('/v1/typo', { config: { scope: 'thing:read' as never } }, () => 'ok')).toThrow(
      /names no known scope/,
    );
    expect(() => app.get('/v1/fine', { config: { scope: 'products:read' } }, () => 'ok')).not.toThrow();
    expect(() => app.get('/v1/admin', { config: { access: 'operator' } }, () => 'ok')).not.toThrow();
    expect(() => app.get('/healthz', () => 'ok')).not.toThrow();
  });
});
