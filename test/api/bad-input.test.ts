import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;

const valid = {
  name: 'Canvas Tote',
  options: [{ name: 'Color', values: ['Sand'] }],
  variants: [{ sku: 'TOTE-SAND', options: { Color: 'Sand' }, prices: [{ currency: 'USD', amount: 2900 }] }],
};

const productCount = async () =>
  (await t.call('GET', '/v1/products?limit=100', key)).body.data.length as number;

beforeAll(async () => {
  t = await startTestPlatform();
  key = (await t.tenant()).secret;
  expect((await t.call('POST', '/v1/products', key, valid)).status).toBe(201);
});
afterAll(() => t.stop());

/** Each bad request gets its own code, names the field, and writes nothing. */
const rejects = async (body: unknown, status: number, code: string, field?: string) => {
  const before = await productCount();
  const response = await t.call('POST', '/v1/products', key, body);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ status, code, request_id: response.headers.get('x-request-id') });
  expect(response.body.type).toContain(code);
  expect(typeof response.body.detail).toBe('string');
  if (field) expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
  expect(await productCount()).toBe(before);
};

const variant = (patch: Record<string, unknown>) => ({ ...valid.variants[0], sku: 'OTHER-SKU', ...patch });

describe('bad input is refused with its own code and changes nothing', () => {
  it('malformed JSON', () => rejects('{"name": "x",', 400, 'malformed_json'));
  it('an unknown field', () => rejects({ ...valid, colour: 'red' }, 400, 'unknown_field', 'colour'));
  it('a mistyped field', () => rejects({ ...valid, name: 42 }, 400, 'invalid_type', 'name'));
  it('a missing field', () => rejects({ description: 'no name' }, 400, 'missing_field', 'name'));
  it('an over-long string', () => rejects({ ...valid, name: 'x'.repeat(201) }, 400, 'too_long', 'name'));
  it('a negative price', () =>
    rejects(
      { ...valid, variants: [variant({ prices: [{ currency: 'USD', amount: -1 }] })] },
      400,
      'invalid_amount',
      'variants/0/prices/0/amount',
    ));
  it('a fractional price', () =>
    rejects(
      { ...valid, variants: [variant({ prices: [{ currency: 'USD', amount: 19.99 }] })] },
      400,
      'invalid_amount',
      'variants/0/prices/0/amount',
    ));
  it('an unknown currency', () =>
    rejects(
      { ...valid, variants: [variant({ prices: [{ currency: 'ABC', amount: 100 }] })] },
      400,
      'unknown_currency',
      'variants/0/prices/0/currency',
    ));
  it('a lowercase currency', () =>
    rejects(
      { ...valid, variants: [variant({ prices: [{ currency: 'usd', amount: 100 }] })] },
      400,
      'unknown_currency',
      'variants/0/prices/0/currency',
    ));
  it('a duplicate slug', () =>
    rejects({ ...valid, slug: 'canvas-tote', variants: [] }, 409, 'slug_taken', 'slug'));
  it('a duplicate SKU in the tenant', () =>
    rejects({ ...valid, name: 'Other Tote' }, 409, 'sku_taken', 'variants/0/sku'));
  it('a duplicate SKU within the product', () =>
    rejects(
      {
        ...valid,
        options: [{ name: 'Color', values: ['Sand', 'Ink'] }],
        variants: [variant({}), variant({ options: { Color: 'Ink' } })],
      },
      400,
      'duplicate',
      'variants/1/sku',
    ));
  it('a variant value the option does not have', () =>
    rejects(
      { ...valid, variants: [variant({ options: { Color: 'Pink' } })] },
      400,
      'unknown_option_value',
      'variants/0/options/Color',
    ));
  it('an unknown category', () =>
    rejects(
      { ...valid, variants: [], category_ids: ['cat_01jd0m4zq8x9c4c2y3v7w5k6hn'] },
      400,
      'unknown_category',
      'category_ids/0',
    ));
  it('an invalid status', () => rejects({ ...valid, status: 'live' }, 400, 'invalid_value', 'status'));
  it('an active product without variants', () =>
    rejects({ name: 'Empty', status: 'active' }, 400, 'variant_required', 'variants'));

  it('an out-of-range limit and a malformed cursor', async () => {
    const limit = await t.call('GET', '/v1/products?limit=0', key);
    expect(limit.status).toBe(400);
    expect(limit.body.code).toBe('out_of_range');
    expect(limit.body.errors[0].field).toBe('limit');
    const cursor = await t.call('GET', '/v1/products?cursor=not-a-cursor', key);
    expect(cursor.status).toBe(400);
    expect(cursor.body.code).toBe('invalid_cursor');
  });

  it('a PATCH that breaks a rule changes nothing', async () => {
    const { body: product } = await t.call('GET', '/v1/products/canvas-tote', key);
    const response = await t.call('PATCH', `/v1/products/${product.id}`, key, {
      name: 'Renamed',
      variants: [variant({ prices: [{ currency: 'ZZZ', amount: 1 }] })],
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('unknown_currency');
    expect((await t.call('GET', `/v1/products/${product.id}`, key)).body).toEqual(product);
  });

  it('an unknown route answers a problem too', async () => {
    const response = await t.call('GET', '/v1/nothing-here', key);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('route_not_found');
  });
});
