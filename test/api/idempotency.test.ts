import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

let t: TestPlatform;
let key: string;

const post = async (path: string, body: unknown, idempotencyKey: string) => {
  const response = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as any };
};

beforeAll(async () => {
  t = await startTestPlatform();
  key = (await t.tenant()).secret;
});
afterAll(() => t.stop());

describe('Idempotency-Key', () => {
  it('replays the first response to a repeat, marked as a replay', async () => {
    const first = await post('/v1/products', { name: 'Once' }, 'key-1');
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const second = await post('/v1/products', { name: 'Once' }, 'key-1');
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const all = (await t.call('GET', '/v1/products?limit=100', key)).body.data;
    expect(all.filter((p: { name: string }) => p.name === 'Once')).toHaveLength(1);
  });

  it('replays errors too, and refuses the key for a different request', async () => {
    const bad = await post('/v1/products', { name: 'Dup', slug: 'dup' }, 'key-2');
    expect(bad.status).toBe(201);
    const conflict = await post('/v1/products', { name: 'Dup', slug: 'dup' }, 'key-3');
    expect(conflict.status).toBe(409);
    expect((await post('/v1/products', { name: 'Dup', slug: 'dup' }, 'key-3')).body).toEqual(conflict.body);

    const reused = await post('/v1/products', { name: 'Something else' }, 'key-1');
    expect([reused.status, reused.body.code]).toEqual([422, 'idempotency_key_reused']);
  });

  it('runs two concurrent requests with one key once', async () => {
    const [a, b] = await Promise.all([
      post('/v1/categories', { name: 'Concurrent' }, 'key-4'),
      post('/v1/categories', { name: 'Concurrent' }, 'key-4'),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).toBe(b.body.id);
    const categories = (await t.call('GET', '/v1/categories?limit=100', key)).body.data;
    expect(categories.filter((c: { name: string }) => c.name === 'Concurrent')).toHaveLength(1);
  });

  it('keeps keys per tenant, and refuses a malformed key', async () => {
    const other = await t.tenant('Other');
    const theirs = await fetch(`${t.url}/v1/products`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${other.secret}`,
        'content-type': 'application/json',
        'idempotency-key': 'key-1',
      },
      body: JSON.stringify({ name: 'Theirs' }),
    });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    const malformed = await post('/v1/products', { name: 'x' }, 'x'.repeat(300));
    expect([malformed.status, malformed.body.code]).toEqual([400, 'invalid_idempotency_key']);
  });
});
