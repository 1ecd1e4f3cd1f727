import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inServiceDatabase } from '../support/database.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { CARDS, cartWith, checkout, stockedProduct, stockOf } from '../support/shop.ts';

let t: TestPlatform;
let sk: string;
let pk: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const tenant = await t.tenant();
  sk = tenant.secret;
  pk = tenant.publishable;
});
afterAll(() => t.stop());

describe('checkout', () => {
  it('places a paid order: stock taken, payment captured, cart closed', async () => {
    const { variants } = await stockedProduct(t.call, sk, { sku: 'OK', stock: 10, price: 1999 });
    const cartId = await cartWith(t.call, pk, [
      [variants[0]!, 2],
      [variants[1]!, 1],
    ]);
    const response = await checkout(t.call, pk, cartId);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    const order = response.body;
    expect(order).toMatchObject({
      object: 'order',
      status: 'paid',
      payment_status: 'captured',
      fulfillment_status: 'unfulfilled',
      currency: 'USD',
      subtotal: 5997,
      total: 5997,
      email: 'ada@example.com',
      failure_code: null,
    });
    expect(order.total).toBe(order.lines.reduce((sum: number, l: { total: number }) => sum + l.total, 0));

    expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 8, reserved: 0, available: 8 });
    expect(await stockOf(t.call, sk, variants[1]!)).toEqual({ on_hand: 9, reserved: 0, available: 9 });
    const intent = (await t.call('GET', `/v1/payment-intents/${order.payment_intent_id}`, sk)).body;
    expect(intent).toMatchObject({
      status: 'captured',
      amount: 5997,
      amount_captured: 5997,
      currency: 'USD',
    });
    expect((await t.call('GET', `/v1/carts/${cartId}`, pk)).body).toMatchObject({
      status: 'checked_out',
      order_id: order.id,
    });
    expect((await t.call('GET', `/v1/orders/${order.id}`, sk)).body).toEqual(order);

    const again = await checkout(t.call, pk, cartId);
    expect([again.status, again.body.code]).toEqual([409, 'cart_checked_out']);

    // Every change announced itself through the services' outboxes.
    await Promise.all(t.platform.relays.map((relay) => relay.flush()));
    const orderEvents = await inServiceDatabase<{ type: string }>(
      t.platform,
      'orders',
      `select type from outbox where data->>'id' = $1 order by seq`,
      [order.id],
    );
    expect(orderEvents.map((e) => e.type)).toEqual(['order.created', 'order.placed', 'order.paid']);
    const paymentEvents = await inServiceDatabase<{ type: string }>(
      t.platform,
      'payments',
      `select type from outbox order by seq`,
    );
    expect(paymentEvents.map((e) => e.type)).toEqual(
      expect.arrayContaining(['payment.authorized', 'payment.captured']),
    );
    const cartEvents = await inServiceDatabase<{ type: string }>(
      t.platform,
      'cart',
      `select type from outbox where data->>'id' = $1 and type = 'cart.checked_out'`,
      [cartId],
    );
    expect(cartEvents).toHaveLength(1);
  });

  it('places no order for a declined card and releases its stock', async () => {
    const { variants } = await stockedProduct(t.call, sk, { sku: 'DECL', stock: 3 });
    const cartId = await cartWith(t.call, pk, [[variants[0]!, 2]]);
    for (const [card, code] of [
      [CARDS.declined, 'card_declined'],
      [CARDS.insufficientFunds, 'insufficient_funds'],
    ] as const) {
      const response = await checkout(t.call, pk, cartId, card);
      expect([response.status, response.body.code]).toEqual([402, code]);
      expect(response.body.detail.length).toBeGreaterThan(10);
      const order = (await t.call('GET', `/v1/orders/${response.body.order_id}`, sk)).body;
      expect(order).toMatchObject({ status: 'failed', failure_code: code, payment_status: 'failed' });
      expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 3, reserved: 0, available: 3 });
    }
    // The cart is still open: the customer can pay with another card.
    expect((await checkout(t.call, pk, cartId)).body.status).toBe('paid');
    expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 1, reserved: 0, available: 1 });
  });

  it('refuses an empty cart, and a cart whose prices changed until it is reviewed', async () => {
    const empty = (await t.call('POST', '/v1/carts', pk, { currency: 'USD' })).body.id;
    const response = await checkout(t.call, pk, empty);
    expect([response.status, response.body.code]).toEqual([409, 'cart_empty']);

    const { product, variants } = await stockedProduct(t.call, sk, { sku: 'PRICE', stock: 3, price: 1000 });
    const cartId = await cartWith(t.call, pk, [[variants[0]!, 1]]);
    await t.call('PATCH', `/v1/products/${product.id}`, sk, {
      variants: product.variants.map((v: { id: string; sku: string; options: object }) => ({
        id: v.id,
        sku: v.sku,
        options: v.options,
        prices: [{ currency: 'USD', amount: 1200 }],
      })),
    });
    const changed = await checkout(t.call, pk, cartId);
    expect([changed.status, changed.body.code]).toEqual([409, 'cart_prices_changed']);
    expect((await t.call('GET', `/v1/carts/${cartId}`, pk)).body.total).toBe(1200);
    const placed = await checkout(t.call, pk, cartId);
    expect([placed.status, placed.body.total]).toEqual([201, 1200]);
  });

  it('validates the customer details with field paths', async () => {
    const { variants } = await stockedProduct(t.call, sk, { sku: 'VAL', stock: 1 });
    const cartId = await cartWith(t.call, pk, [[variants[0]!, 1]]);
    const response = await t.call('POST', `/v1/carts/${cartId}/checkout`, pk, {
      email: 'not-an-email',
      shipping_address: { name: 'A', line1: 'B', city: 'C', postal_code: 'D', country: 'gb' },
      payment: { method: 'card', card_number: '4242424242424242' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'email',
      'shipping_address/country',
    ]);
    expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 1, reserved: 0, available: 1 });
  });

  it('sells exactly the units there are when checkouts race for the last ones', async () => {
    const { variants } = await stockedProduct(t.call, sk, { sku: 'RACE', stock: 30, sizes: ['ONE'] });
    const carts = [];
    for (let i = 0; i < 40; i++) carts.push(await cartWith(t.call, pk, [[variants[0]!, 1]]));
    // Someone buys most of the stock after the carts were filled.
    await t.call('POST', '/v1/stock-adjustments', sk, {
      variant_id: variants[0],
      location_id: (await t.call('GET', '/v1/locations', sk)).body.data[0].id,
      delta: -25,
      reason: 'corrected',
    });
    const results = await Promise.all(carts.map((id) => checkout(t.call, pk, id)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(
      Array(35).fill('out_of_stock'),
    );
    expect(await stockOf(t.call, sk, variants[0]!)).toEqual({ on_hand: 0, reserved: 0, available: 0 });
    const failed = results.find((r) => r.status === 409)!.body;
    expect(failed.detail).toContain('Tee RACE');
    const orders = (await t.call('GET', '/v1/orders?status=paid&limit=100', sk)).body.data;
    expect(
      orders.filter((o: { lines: { variant_id: string }[] }) => o.lines[0]!.variant_id === variants[0]),
    ).toHaveLength(5);
  });
});
