import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;

beforeAll(async () => {
  t = await startTestPlatform();
  key = (await t.tenant()).secret;
});
afterAll(() => t.stop());

describe('categories', () => {
  it('nest, read by id or slug, and update', async () => {
    const apparel = (await t.call('POST', '/v1/categories', key, { name: 'Apparel' })).body;
    expect(apparel).toMatchObject({ object: 'category', name: 'Apparel', slug: 'apparel', parent_id: null });
    const shirts = await t.call('POST', '/v1/categories', key, { name: 'Shirts', parent_id: apparel.id });
    expect(shirts.status).toBe(201);
    expect(shirts.body.parent_id).toBe(apparel.id);
    expect((await t.call('GET', '/v1/categories/shirts', key)).body.id).toBe(shirts.body.id);

    const moved = await t.call('PATCH', `/v1/categories/${shirts.body.id}`, key, {
      parent_id: null,
      name: 'Tops',
    });
    expect(moved.body).toMatchObject({ name: 'Tops', slug: 'shirts', parent_id: null });
  });

  it('refuses a cycle, an unknown parent and a taken slug', async () => {
    const outer = (await t.call('POST', '/v1/categories', key, { name: 'Outer' })).body;
    const inner = (await t.call('POST', '/v1/categories', key, { name: 'Inner', parent_id: outer.id })).body;
    const cycle = await t.call('PATCH', `/v1/categories/${outer.id}`, key, { parent_id: inner.id });
    expect([cycle.status, cycle.body.code]).toEqual([400, 'category_cycle']);
    const unknown = await t.call('POST', '/v1/categories', key, {
      name: 'X',
      parent_id: 'cat_01jd0m4zq8x9c4c2y3v7w5k6hn',
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_category']);
    const taken = await t.call('POST', '/v1/categories', key, { name: 'Other', slug: 'outer' });
    expect([taken.status, taken.body.code]).toEqual([409, 'slug_taken']);
  });

  it('when deleted, lets its products stay and leave it; refuses while it has subcategories', async () => {
    const parent = (await t.call('POST', '/v1/categories', key, { name: 'Seasonal' })).body;
    const child = (await t.call('POST', '/v1/categories', key, { name: 'Winter', parent_id: parent.id }))
      .body;
    const product = (
      await t.call('POST', '/v1/products', key, { name: 'Mittens', category_ids: [child.id, parent.id] })
    ).body;

    const refused = await t.call('DELETE', `/v1/categories/${parent.id}`, key);
    expect([refused.status, refused.body.code]).toEqual([409, 'category_has_children']);

    expect((await t.call('DELETE', `/v1/categories/${child.id}`, key)).body).toEqual({
      id: child.id,
      object: 'category',
      deleted: true,
    });
    expect((await t.call('GET', `/v1/products/${product.id}`, key)).body.category_ids).toEqual([parent.id]);
    const listed = await t.call('GET', `/v1/products?category_id=${child.id}`, key);
    expect(listed.body.data).toEqual([]);
  });

  it('lists with a cursor', async () => {
    const first = await t.call('GET', '/v1/categories?limit=2', key);
    expect(first.body.has_more).toBe(true);
    const second = await t.call('GET', `/v1/categories?limit=2&cursor=${first.body.next_cursor}`, key);
    expect(second.body.data[0].id > first.body.data[1].id).toBe(true);
  });
});

describe('the edge', () => {
  it('answers every response with a request id, echoing a sane one the caller sent', async () => {
    const response = await fetch(`${t.url}/v1/products`, {
      headers: { authorization: `Bearer ${key}`, 'x-request-id': 'trace-abc.123' },
    });
    expect(response.headers.get('x-request-id')).toBe('trace-abc.123');
    const problem = await fetch(`${t.url}/v1/products`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    const id = problem.headers.get('x-request-id');
    expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(((await problem.json()) as { request_id: string }).request_id).toBe(id);
  });

  it('reports health and readiness', async () => {
    expect((await t.call('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await t.call('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks)).toHaveLength(Object.keys(t.platform.databases).length);
    expect(new Set(Object.values(ready.body.checks))).toEqual(new Set(['ok']));
  });
});
