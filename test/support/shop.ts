import { expect } from 'vitest';
import type { Json, Response } from './platform.ts';

type Call = (method: string, path: string, key?: string, body?: unknown) => Promise<Response<Json>>;

export const ADDRESS = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  city: 'London',
  postal_code: 'SW1Y 4JH',
  country: 'GB',
};

export const CARDS = {
  ok: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  timeout: '4000000000000259',
};

/** A location, and products whose variants have `stock` units there; answers the variant ids. */
export const stockedProduct = async (
  call: Call,
  key: string,
  {
    sku,
    stock,
    price = 2500,
    sizes = ['S', 'M'],
  }: { sku: string; stock: number; price?: number; sizes?: string[] },
) => {
  const location =
    (await call('GET', '/v1/locations?limit=1', key)).body.data[0] ??
    (await call('POST', '/v1/locations', key, { name: 'Main warehouse', code: 'MAIN' })).body;
  const product = await call('POST', '/v1/products', key, {
    name: `Tee ${sku}`,
    status: 'active',
    options: [{ name: 'Size', values: sizes }],
    variants: sizes.map((size) => ({
      sku: `${sku}-${size}`,
      options: { Size: size },
      prices: [{ currency: 'USD', amount: price }],
    })),
  });
  expect(product.status).toBe(201);
  const variants: string[] = product.body.variants.map((v: { id: string }) => v.id);
  for (const variant of variants) {
    if (stock > 0) {
      const adjusted = await call('POST', '/v1/stock-adjustments', key, {
        variant_id: variant,
        location_id: location.id,
        delta: stock,
        reason: 'received',
      });
      expect(adjusted.status).toBe(201);
    }
  }
  return { product: product.body, variants, location: location.id as string };
};

export const stockOf = async (call: Call, key: string, variant: string) => {
  const levels = (await call('GET', `/v1/stock-levels?variant_id=${variant}`, key)).body.data as {
    on_hand: number;
    reserved: number;
    available: number;
  }[];
  return levels.reduce(
    (sum, l) => ({
      on_hand: sum.on_hand + l.on_hand,
      reserved: sum.reserved + l.reserved,
      available: sum.available + l.available,
    }),
    { on_hand: 0, reserved: 0, available: 0 },
  );
};

export const cartWith = async (call: Call, key: string, lines: [string, number][], currency = 'USD') => {
  const cart = (await call('POST', '/v1/carts', key, { currency })).body;
  for (const [variant, quantity] of lines) {
    const added = await call('POST', `/v1/carts/${cart.id}/lines`, key, { variant_id: variant, quantity });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
  }
  return cart.id as string;
};

export const checkout = (call: Call, key: string, cartId: string, card = CARDS.ok) =>
  call('POST', `/v1/carts/${cartId}/checkout`, key, {
    email: 'ada@example.com',
    shipping_address: ADDRESS,
    payment: { method: 'card', card_number: card },
  });
