// Webhook endpoints here point at loopback; the sandbox resolves no public names.
process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BazaarError,
  createBazaar,
  InvalidRequestError,
  NotFoundError,
  PaymentError,
  type Bazaar,
  type Product,
} from '@bazaar/sdk';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { ADDRESS, CARDS } from '../support/shop.ts';

let test: TestPlatform;
let secret: Bazaar;
let storefront: Bazaar;

beforeAll(async () => {
  test = await startTestPlatform();
  const tenant = await test.tenant('SDK Shop');
  secret = createBazaar({ apiKey: tenant.secret, baseUrl: test.url });
  storefront = createBazaar({ apiKey: tenant.publishable, baseUrl: `${test.url}/v1` });
});
afterAll(() => test?.stop());

const shirt = (sku: string, amount = 4900) => ({
  name: `Shirt ${sku}`,
  status: 'active' as const,
  options: [{ name: 'Size', values: ['S', 'M'] }],
  variants: ['S', 'M'].map((size) => ({
    sku: `${sku}-${size}`,
    options: { Size: size },
    prices: [{ currency: 'USD', amount }],
  })),
});

describe('the SDK against a running platform', () => {
  it('creates products and lists them all, following next_cursor across pages', async () => {
    const created: Product[] = [];
    for (let i = 0; i < 7; i++) created.push(await secret.products.create(shirt(`PAGE${i}`)));
    expect(created[0]!.id).toMatch(/^prod_/);

    const listed: string[] = [];
    for await (const product of secret.products.list({ limit: 3 })) listed.push(product.id);
    expect(listed).toEqual(created.map((p) => p.id));

    const sizes: number[] = [];
    for await (const page of secret.products.list({ limit: 3 }).pages()) sizes.push(page.data.length);
    expect(sizes).toEqual([3, 3, 1]);

    expect(await secret.products.list({ limit: 2 }).toArray(5)).toHaveLength(5);
    const first = await secret.products.list({ limit: 2 }).firstPage();
    expect(first).toMatchObject({ object: 'list', has_more: true });
  });

  it('gets and updates a product, and answers NotFoundError for one that does not exist', async () => {
    const product = await secret.products.create(shirt('GET'));
    expect((await secret.products.get(product.slug)).id).toBe(product.id);
    const updated = await secret.products.update(product.id, { name: 'Renamed shirt' });
    expect(updated.name).toBe('Renamed shirt');

    const missing = await secret.products.get('prod_00000000000000000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'product_not_found' });
  });

  it('checks out a cart through the SDK, and a declined card is a PaymentError', async () => {
    const product = await secret.products.create(shirt('CHK', 2500));
    const location = await secret.locations.create({ name: 'Main warehouse', code: 'MAIN' });
    for (const variant of product.variants) {
      await secret.stock.adjust({
        variant_id: variant.id,
        location_id: location.id,
        delta: 5,
        reason: 'received',
      });
    }
    const variant = product.variants[0]!.id;

    const cart = await storefront.carts.create({ currency: 'USD' });
    await storefront.carts.addLine(cart.id, { variant_id: variant, quantity: 2 });
    const order = await storefront.carts.checkout(cart.id, {
      email: 'ada@example.com',
      shipping_address: ADDRESS,
      payment: { method: 'card', card_number: CARDS.ok },
    });
    expect(order).toMatchObject({ status: 'paid', total: 5000 });
    expect((await secret.orders.get(order.id)).status).toBe('paid');
    const orders = await secret.orders.list().toArray();
    expect(orders.map((o) => o.id)).toContain(order.id);
    expect((await secret.stock.levels({ variant_id: [variant] }))[0]).toMatchObject({ on_hand: 3 });

    const second = await storefront.carts.create({ currency: 'USD' });
    await storefront.carts.addLine(second.id, { variant_id: variant, quantity: 1 });
    const declined = await storefront.carts
      .checkout(second.id, {
        email: 'ada@example.com',
        shipping_address: ADDRESS,
        payment: { method: 'card', card_number: CARDS.declined },
      })
      .catch((e: unknown) => e);
    expect(declined).toBeInstanceOf(PaymentError);
    expect(declined).toMatchObject({ status: 402, code: 'card_declined' });
    expect((declined as PaymentError).problem?.order_id).toMatch(/^ord_/);
  });

  it('throws a typed error carrying every field error for bad input, and changes nothing', async () => {
    const before = (await secret.products.list({ limit: 100 }).toArray()).length;
    const error = await secret.products
      .create({
        name: 'Broken',
        options: [{ name: 'Size', values: ['S'] }],
        variants: [{ sku: 'BROKEN-S', options: { Size: 'S' }, prices: [{ currency: 'USD', amount: -5 }] }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toBeInstanceOf(BazaarError);
    const invalid = error as InvalidRequestError;
    expect(invalid.status).toBe(400);
    expect(invalid.errors).toContainEqual(
      expect.objectContaining({ field: 'variants/0/prices/0/amount', code: invalid.code }),
    );
    expect(invalid.problem).toMatchObject({ status: 400, request_id: invalid.requestId });
    expect(invalid.message).toBe(invalid.detail);
    expect((await secret.products.list({ limit: 100 }).toArray()).length).toBe(before);
  });

  it('covers categories, webhook endpoints and the event log', async () => {
    const parent = await secret.categories.create({ name: 'Clothing' });
    const child = await secret.categories.create({ name: 'Shirts', parent_id: parent.id });
    expect((await secret.categories.list().toArray()).map((c) => c.id)).toEqual(
      expect.arrayContaining([parent.id, child.id]),
    );

    const endpoint = await secret.webhookEndpoints.create({
      url: 'http://127.0.0.1:9/hooks',
      enabled_events: ['order.paid'],
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect((await secret.webhookEndpoints.list().toArray()).map((e) => e.id)).toContain(endpoint.id);
    // A write without a body: no Content-Type is sent, so the API does not read an empty JSON body.
    await secret.webhookEndpoints.test(endpoint.id);
    await secret.webhookEndpoints.delete(endpoint.id);
    await expect(secret.webhookEndpoints.get(endpoint.id)).rejects.toBeInstanceOf(NotFoundError);

    await expect
      .poll(async () => (await secret.events.list({ type: ['category.created'] }).toArray()).length)
      .toBeGreaterThanOrEqual(2);
  });
});
