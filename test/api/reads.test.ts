import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { stockedProduct } from '../support/shop.ts';

let t: TestPlatform;
let tenant: { id: string; secret: string; publishable: string };

const eventually = async (check: () => Promise<void>, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
};

beforeAll(async () => {
  t = await startTestPlatform();
  tenant = await t.tenant();
});
afterAll(() => t.stop());

describe('catalog reads', () => {
  it('show how many units of each variant are available, and follow stock changes', async () => {
    const { product, variants, location } = await stockedProduct(t.call, tenant.secret, {
      sku: 'AV',
      stock: 7,
    });
    const read = async () => (await t.call('GET', `/v1/products/${product.id}`, tenant.publishable)).body;
    expect((await read()).variants.map((v: { available: number }) => v.available)).toEqual([7, 7]);
    const listed = (await t.call('GET', '/v1/products', tenant.publishable)).body.data[0];
    expect(listed.variants[0].available).toBe(7);

    await t.call('POST', '/v1/stock-adjustments', tenant.secret, {
      variant_id: variants[0],
      location_id: location,
      delta: -3,
      reason: 'corrected',
    });
    expect((await read()).variants[0].available).toBe(4);
  });

  it('follow changes made behind the gateway, through the events they publish', async () => {
    const { product } = await stockedProduct(t.call, tenant.secret, { sku: 'EV', stock: 1 });
    expect((await t.call('GET', `/v1/products/${product.id}`, tenant.publishable)).body.name).toBe('Tee EV');
    await t.platform.catalog.updateProduct({
      tenantId: tenant.id,
      productId: product.id,
      patch: { name: 'Tee EV, renamed' },
    });
    await eventually(async () => {
      expect((await t.call('GET', `/v1/products/${product.id}`, tenant.publishable)).body.name).toBe(
        'Tee EV, renamed',
      );
    });
  });

  it('refuse a key revoked behind the gateway as soon as its event arrives', async () => {
    const created = await t.call('POST', '/v1/api-keys', tenant.secret, { kind: 'secret' });
    expect((await t.call('GET', '/v1/products', created.body.secret)).status).toBe(200);
    await t.platform.accounts.revokeApiKey({ tenantId: tenant.id, keyId: created.body.id });
    await eventually(async () => {
      expect((await t.call('GET', '/v1/products', created.body.secret)).status).toBe(401);
    });
  });
});
