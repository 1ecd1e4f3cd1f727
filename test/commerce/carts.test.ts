import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inServiceDatabase } from '../support/database.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { stockedProduct } from '../support/shop.ts';

let t: TestPlatform;
let sk: string;
let pk: string;
let variants: string[];

beforeAll(async () => {
  t = await startTestPlatform();
  const tenant = await t.tenant();
  sk = tenant.secret;
  pk = tenant.publishable;
  ({ variants } = await stockedProduct(t.call, sk, { sku: 'CART', stock: 5, price: 1250 }));
});
afterAll(() => t.stop());

describe('carts', () => {
  it('add, change and remove lines with totals that are the sum of the lines', async () => {
    const created = await t.call('POST', '/v1/carts', pk, { currency: 'USD' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      object: 'cart',
      currency: 'USD',
      status: 'active',
      lines: [],
      total: 0,
    });
    const id = created.body.id;

    await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: variants[0], quantity: 2 });
    const cart = (await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: variants[1], quantity: 1 }))
      .body;
    expect(cart.lines).toHaveLength(2);
    expect(cart.lines[0]).toMatchObject({
      variant_id: variants[0],
      name: 'Tee CART — S',
      unit_amount: 1250,
      quantity: 2,
      total: 2500,
    });
    expect(cart.subtotal).toBe(3750);
    expect(cart.total).toBe(cart.lines.reduce((sum: number, l: { total: number }) => sum + l.total, 0));

    const more = (await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: variants[0], quantity: 1 }))
      .body;
    expect(more.lines).toHaveLength(2);
    expect(more.lines[0].quantity).toBe(3);

    const changed = (await t.call('PATCH', `/v1/carts/${id}/lines/${cart.lines[1].id}`, pk, { quantity: 4 }))
      .body;
    expect(changed.total).toBe(3 * 1250 + 4 * 1250);
    const removed = (await t.call('DELETE', `/v1/carts/${id}/lines/${cart.lines[0].id}`, pk)).body;
    expect(removed.lines.map((l: { variant_id: string }) => l.variant_id)).toEqual([variants[1]]);
    expect((await t.call('GET', `/v1/carts/${id}`, pk)).body).toEqual(removed);
  });

  it('refuses bad lines with their own codes and changes nothing', async () => {
    const id = (await t.call('POST', '/v1/carts', pk, { currency: 'USD' })).body.id;
    const cases: [unknown, number, string][] = [
      [{ variant_id: 'var_01jd0m4zq8x9c4c2y3v7w5k6hn', quantity: 1 }, 400, 'unknown_variant'],
      [{ variant_id: variants[0], quantity: 0 }, 400, 'out_of_range'],
      [{ variant_id: variants[0], quantity: -2 }, 400, 'out_of_range'],
      [{ variant_id: variants[0], quantity: 1.5 }, 400, 'invalid_type'],
      [{ variant_id: variants[0], quantity: 6 }, 409, 'insufficient_stock'],
    ];
    for (const [body, status, code] of cases) {
      const response = await t.call('POST', `/v1/carts/${id}/lines`, pk, body);
      expect([response.status, response.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await t.call('GET', `/v1/carts/${id}`, pk)).body.lines).toEqual([]);
  });

  it('refuses a variant with no price in the cart currency, and an unknown currency', async () => {
    const eur = (await t.call('POST', '/v1/carts', pk, { currency: 'EUR' })).body.id;
    const response = await t.call('POST', `/v1/carts/${eur}/lines`, pk, {
      variant_id: variants[0],
      quantity: 1,
    });
    expect([response.status, response.body.code]).toEqual([422, 'no_price_in_currency']);
    const bad = await t.call('POST', '/v1/carts', pk, { currency: 'XYZ' });
    expect([bad.status, bad.body.code]).toEqual([400, 'unknown_currency']);
  });

  it('refuses a product that is not for sale', async () => {
    const { product, variants: draft } = await stockedProduct(t.call, sk, { sku: 'DRAFT', stock: 3 });
    await t.call('PATCH', `/v1/products/${product.id}`, sk, { status: 'draft' });
    const id = (await t.call('POST', '/v1/carts', pk, { currency: 'USD' })).body.id;
    const response = await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: draft[0], quantity: 1 });
    expect([response.status, response.body.code]).toEqual([409, 'variant_unavailable']);
  });

  it("is invisible to another tenant's keys", async () => {
    const id = (await t.call('POST', '/v1/carts', pk, { currency: 'USD' })).body.id;
    const other = await t.tenant('Other');
    expect((await t.call('GET', `/v1/carts/${id}`, other.publishable)).status).toBe(404);
    expect(
      (await t.call('POST', `/v1/carts/${id}/lines`, other.secret, { variant_id: variants[0], quantity: 1 }))
        .status,
    ).toBe(404);
  });

  it('expires when abandoned: it can be read but no longer changed or checked out', async () => {
    const id = (await t.call('POST', '/v1/carts', pk, { currency: 'USD' })).body.id;
    await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: variants[0], quantity: 1 });
    await inServiceDatabase(
      t.platform,
      'cart',
      `update carts set expires_at = now() - interval '1 minute' where id = $1`,
      [id],
    );
    expect((await t.call('GET', `/v1/carts/${id}`, pk)).body.status).toBe('expired');
    const add = await t.call('POST', `/v1/carts/${id}/lines`, pk, { variant_id: variants[0], quantity: 1 });
    expect([add.status, add.body.code]).toEqual([409, 'cart_expired']);
    const checkout = await t.call('POST', `/v1/carts/${id}/checkout`, pk, {
      email: 'ada@example.com',
      shipping_address: { name: 'A', line1: 'B', city: 'C', postal_code: 'D', country: 'GB' },
      payment: { method: 'card', card_number: '4242424242424242' },
    });
    expect([checkout.status, checkout.body.code]).toEqual([409, 'cart_expired']);
  });
});
