import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;
let storefront: string;

const shirt = (sku = 'TEE-1', extra: Record<string, unknown> = {}) => ({
  name: 'Linen Shirt',
  status: 'active',
  description: 'Breathes in summer.',
  options: [{ name: 'Size', values: ['S', 'M'] }],
  variants: [
    {
      sku: `${sku}-S`,
      options: { Size: 'S' },
      prices: [
        { currency: 'USD', amount: 4900 },
        { currency: 'EUR', amount: 4500 },
      ],
    },
    { sku: `${sku}-M`, options: { Size: 'M' }, prices: [{ currency: 'USD', amount: 4900 }] },
  ],
  ...extra,
});

beforeAll(async () => {
  t = await startTestPlatform();
  const tenant = await t.tenant();
  key = tenant.secret;
  storefront = tenant.publishable;
});
afterAll(() => t.stop());

describe('products', () => {
  it('creates a product and reads it back by id and by slug', async () => {
    const created = await t.call('POST', '/v1/products', key, shirt('CR'));
    expect(created.status).toBe(201);
    const product = created.body;
    expect(product).toMatchObject({
      object: 'product',
      name: 'Linen Shirt',
      slug: 'linen-shirt',
      status: 'active',
      category_ids: [],
      options: [{ name: 'Size', values: ['S', 'M'] }],
    });
    expect(product.id).toMatch(/^prod_[0-9a-z]{26}$/);
    expect(product.variants[0]).toMatchObject({
      sku: 'CR-S',
      options: { Size: 'S' },
      prices: [
        { currency: 'USD', amount: 4900 },
        { currency: 'EUR', amount: 4500 },
      ],
    });
    expect(product.variants[0].id).toMatch(/^var_/);
    expect(Date.parse(product.created_at)).not.toBeNaN();

    expect((await t.call('GET', `/v1/products/${product.id}`, key)).body).toEqual(product);
    expect((await t.call('GET', `/v1/products/${product.slug}`, key)).body).toEqual(product);
  });

  it('makes a free slug from the name when two products share a name', async () => {
    const a = await t.call('POST', '/v1/products', key, { name: 'Wool Scarf' });
    const b = await t.call('POST', '/v1/products', key, { name: 'Wool Scarf' });
    expect(a.body.slug).toBe('wool-scarf');
    expect(b.body.slug).toBe('wool-scarf-2');
    expect(a.body.status).toBe('draft');
  });

  it('updates any part, keeping variants that are named by id', async () => {
    const { body: product } = await t.call('POST', '/v1/products', key, shirt('UP'));
    const [small] = product.variants;
    const patched = await t.call('PATCH', `/v1/products/${product.id}`, key, {
      name: 'Linen Shirt II',
      variants: [
        { id: small.id, sku: 'UP-S', options: { Size: 'S' }, prices: [{ currency: 'USD', amount: 5200 }] },
        { sku: 'UP-M2', options: { Size: 'M' }, prices: [{ currency: 'USD', amount: 5200 }] },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('Linen Shirt II');
    expect(patched.body.slug).toBe(product.slug);
    expect(patched.body.variants.map((v: { id: string }) => v.id)[0]).toBe(small.id);
    expect(patched.body.variants[1].id).not.toBe(product.variants[1].id);
    expect(patched.body.variants[0].prices).toEqual([{ currency: 'USD', amount: 5200 }]);
    expect(Date.parse(patched.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(product.updated_at));
    expect((await t.call('GET', `/v1/products/${product.id}`, key)).body).toEqual(patched.body);
  });

  it('deletes a product', async () => {
    const { body: product } = await t.call('POST', '/v1/products', key, { name: 'Doomed' });
    const deleted = await t.call('DELETE', `/v1/products/${product.id}`, key);
    expect(deleted.body).toEqual({ id: product.id, object: 'product', deleted: true });
    const gone = await t.call('GET', `/v1/products/${product.id}`, key);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('product_not_found');
    expect((await t.call('DELETE', `/v1/products/${product.id}`, key)).status).toBe(404);
  });
});

describe('listing products', () => {
  let category: string;
  const ids: string[] = [];

  beforeAll(async () => {
    const tenant = await t.tenant('Lister');
    key = tenant.secret;
    storefront = tenant.publishable;
    category = (await t.call('POST', '/v1/categories', key, { name: 'Shirts' })).body.id;
    for (let i = 0; i < 7; i++) {
      const { body } = await t.call(
        'POST',
        '/v1/products',
        key,
        shirt(`L${i}`, {
          name: `Shirt ${i}`,
          status: i === 6 ? 'draft' : 'active',
          category_ids: i < 3 ? [category] : [],
        }),
      );
      ids.push(body.id);
    }
  });

  it('pages with a cursor until has_more is false, in creation order', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let pages = 0; pages < 10; pages++) {
      const page = await t.call('GET', `/v1/products?limit=3${cursor ? `&cursor=${cursor}` : ''}`, key);
      expect(page.status).toBe(200);
      expect(page.body.object).toBe('list');
      seen.push(...page.body.data.map((p: { id: string }) => p.id));
      if (!page.body.has_more) {
        expect(page.body.next_cursor).toBeNull();
        break;
      }
      cursor = page.body.next_cursor;
    }
    expect(seen).toEqual(ids);
  });

  it('filters by category, status and update time', async () => {
    const inCategory = await t.call('GET', `/v1/products?category_id=${category}`, key);
    expect(inCategory.body.data.map((p: { id: string }) => p.id)).toEqual(ids.slice(0, 3));
    const drafts = await t.call('GET', '/v1/products?status=draft', key);
    expect(drafts.body.data.map((p: { id: string }) => p.id)).toEqual([ids[6]]);
    const future = await t.call(
      'GET',
      `/v1/products?updated_since=${new Date(Date.now() + 60_000).toISOString()}`,
      key,
    );
    expect(future.body.data).toEqual([]);
    const past = await t.call('GET', '/v1/products?updated_since=2000-01-01T00:00:00Z&limit=100', key);
    expect(past.body.data).toHaveLength(7);
  });

  it('shows publishable keys active products only', async () => {
    const list = await t.call('GET', '/v1/products?limit=100', storefront);
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual(ids.slice(0, 6));
    expect((await t.call('GET', `/v1/products/${ids[6]}`, storefront)).status).toBe(404);
    expect((await t.call('GET', `/v1/products/${ids[0]}`, storefront)).status).toBe(200);
  });
});
