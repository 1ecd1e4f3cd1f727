import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { eventually, startReceiver, verify, type Receiver } from './receiver.ts';

process.env.BAZAAR_WEBHOOKS_ALLOW_PRIVATE = '1';
process.env.WEBHOOKS_RETRY_SCHEDULE = '0,0.2,0.2';

let t: TestPlatform;
let sk: string;
const receivers: Receiver[] = [];

const receiver = async () => {
  const r = await startReceiver();
  receivers.push(r);
  return r;
};

const endpoint = async (url: string, enabled_events?: string[], key = sk) => {
  const created = await t.call('POST', '/v1/webhook-endpoints', key, {
    url,
    enabled_events,
    description: 'test',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
};

const category = async (name: string) => {
  const created = await t.call('POST', '/v1/categories', sk, { name });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
};

const eventsOf = async (type: string, key = sk) => {
  const listed = await t.call('GET', `/v1/events?type=${type}&limit=100`, key);
  expect(listed.status).toBe(200);
  return listed.body.data as { id: string; type: string; data: any }[];
};

beforeAll(async () => {
  t = await startTestPlatform();
  sk = (await t.tenant()).secret;
});
afterAll(async () => {
  await t.stop();
  for (const r of receivers) await r.close();
});

describe('webhook deliveries', () => {
  it('delivers every event to every subscribed endpoint, signed per Standard Webhooks', async () => {
    const all = await receiver();
    const products = await receiver();
    const allEndpoint = await endpoint(all.url);
    expect(allEndpoint).toMatchObject({
      object: 'webhook_endpoint',
      enabled_events: ['*'],
      status: 'enabled',
    });
    expect(allEndpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const productEndpoint = await endpoint(products.url, ['product.created']);

    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const product = await t.call('POST', '/v1/products', sk, {
        name: `Hook ${i}`,
        status: 'active',
        variants: [{ sku: `HOOK-${i}`, prices: [{ currency: 'USD', amount: 100 }] }],
      });
      expect(product.status, JSON.stringify(product.body)).toBe(201);
      created.push(product.body.id);
      await category(`Hook cat ${i}`);
    }
    // The log fills as the outboxes are relayed, just after each change commits.
    await eventually(async () => (await eventsOf('product.created')).length === 5);
    await eventually(async () => (await eventsOf('category.created')).length === 5);
    const productEvents = await eventsOf('product.created');
    const categoryEvents = await eventsOf('category.created');
    expect(productEvents.map((e) => e.data.id).sort()).toEqual([...created].sort());
    expect(categoryEvents).toHaveLength(5);

    const wanted = [...productEvents, ...categoryEvents].map((e) => e.id);
    await eventually(() => wanted.every((id) => all.ids().has(id)), 15_000, 'all events at the * endpoint');
    await eventually(
      () => productEvents.every((e) => products.ids().has(e.id)),
      15_000,
      'product events at the product endpoint',
    );
    // The product endpoint hears nothing it did not ask for.
    expect([...products.ids()].sort()).toEqual(productEvents.map((e) => e.id).sort());

    for (const r of all.received) {
      const body = verify(allEndpoint.secret, r);
      expect(r.headers['content-type']).toBe('application/json');
      expect(body).toMatchObject({ type: expect.any(String), timestamp: expect.any(String) });
      expect(body.data).toMatchObject({ id: r.headers['webhook-id'], object: 'event', type: body.type });
    }
    for (const r of products.received) verify(productEndpoint.secret, r);
    const one = all.received.find((r) => r.id === productEvents[0]!.id)!;
    const payload = JSON.parse(one.body);
    expect(payload.data.data).toEqual(productEvents[0]!.data);
    const fetched = await t.call('GET', `/v1/events/${productEvents[0]!.id}`, sk);
    expect(fetched.body).toEqual({ ...productEvents[0], object: 'event' });

    // A tampered body, another secret, or an old timestamp fail verification.
    expect(() => verify(allEndpoint.secret, { ...one, body: one.body.replace('Hook', 'Hack') })).toThrow();
    expect(() => verify(productEndpoint.secret, one)).toThrow();
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect(() =>
      verify(allEndpoint.secret, { ...one, headers: { ...one.headers, 'webhook-timestamp': old } }),
    ).toThrow();

    const deliveries = await t.call(
      'GET',
      `/v1/webhook-endpoints/${productEndpoint.id}/deliveries?limit=2`,
      sk,
    );
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.has_more).toBe(true);
    expect(deliveries.body.data[0]).toMatchObject({ object: 'webhook_delivery', status: 'succeeded' });
    expect(deliveries.body.data[0].attempts[0]).toMatchObject({
      status_code: 200,
      error: null,
      response_excerpt: 'status 200',
    });
    const next = await t.call(
      'GET',
      `/v1/webhook-endpoints/${productEndpoint.id}/deliveries?limit=100&cursor=${deliveries.body.next_cursor}`,
      sk,
    );
    expect(next.body.data).toHaveLength(3);
  });

  it('signs with both secrets while a rotated one overlaps', async () => {
    const r = await receiver();
    const created = await endpoint(r.url, ['category.created']);
    const rotated = await t.call('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`, sk, {
      expires_in_seconds: 3600,
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previous_secret_expires_at).toEqual(expect.any(String));
    await category('Rotated');
    await eventually(() => r.received.length >= 1);
    const delivery = r.received[0]!;
    expect(delivery.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    verify(created.secret, delivery);
    verify(rotated.body.secret, delivery);

    // Without an overlap left, only the new secret signs.
    const again = await t.call('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`, sk, {
      expires_in_seconds: 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await category('Rotated again');
    await eventually(() => r.received.length >= 2);
    const later = r.received[1]!;
    expect(later.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    verify(again.body.secret, later);
    expect(() => verify(rotated.body.secret, later)).toThrow();
  });

  it('sends a test event to one endpoint only', async () => {
    const target = await receiver();
    const other = await receiver();
    const created = await endpoint(target.url);
    await endpoint(other.url);
    const sent = await t.call('POST', `/v1/webhook-endpoints/${created.id}/test`, sk);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({ event_type: 'webhook.test', status: 'pending' });
    await eventually(() => target.ids().has(sent.body.event_id));
    expect(
      verify(
        created.secret,
        target.received.find((r) => r.id === sent.body.event_id)!,
      ),
    ).toMatchObject({
      type: 'webhook.test',
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(other.ids().has(sent.body.event_id)).toBe(false);
  });

  it('keeps an event log, filtered by type and time, newest first', async () => {
    const before = new Date().toISOString();
    for (const name of ['Log A', 'Log B', 'Log C']) await category(name);
    await eventually(async () => (await eventsOf('category.created')).some((e) => e.data.name === 'Log C'));
    const after = new Date().toISOString();
    const since = await t.call(
      'GET',
      `/v1/events?type=category.created&created_gte=${before}&created_lte=${after}`,
      sk,
    );
    expect(since.status).toBe(200);
    expect(since.body.data.map((e: any) => e.data.name)).toEqual(['Log C', 'Log B', 'Log A']);

    const first = await t.call('GET', `/v1/events?limit=2&type=category.created&type=product.created`, sk);
    expect(first.body).toMatchObject({ object: 'list', has_more: true });
    const seen = new Set<string>(first.body.data.map((e: any) => e.id));
    let cursor = first.body.next_cursor;
    while (cursor) {
      const page = await t.call(
        'GET',
        `/v1/events?limit=2&type=category.created&type=product.created&cursor=${cursor}`,
        sk,
      );
      for (const e of page.body.data) {
        expect(seen.has(e.id)).toBe(false);
        expect(['category.created', 'product.created']).toContain(e.type);
        seen.add(e.id);
      }
      cursor = page.body.next_cursor;
    }
    const total = (await eventsOf('category.created')).length + (await eventsOf('product.created')).length;
    expect(seen.size).toBe(total);

    const none = await t.call('GET', `/v1/events?created_gte=${after}&type=category.created`, sk);
    expect(none.body.data).toEqual([]);
    expect((await t.call('GET', '/v1/events?created_gte=yesterday', sk)).body.code).toBe('invalid_value');
    expect((await t.call('GET', '/v1/events?cursor=nope', sk)).body.code).toBe('invalid_cursor');
  });

  it('updates, disables and deletes endpoints', async () => {
    const r = await receiver();
    const created = await endpoint(r.url, ['category.created']);
    const patched = await t.call('PATCH', `/v1/webhook-endpoints/${created.id}`, sk, {
      description: 'changed',
      enabled_events: ['category.updated', 'category.deleted'],
      status: 'disabled',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      description: 'changed',
      enabled_events: ['category.updated', 'category.deleted'],
      status: 'disabled',
      disabled_reason: expect.any(String),
    });
    expect(patched.body.secret).toBeUndefined();
    const listed = await t.call('GET', '/v1/webhook-endpoints?limit=100', sk);
    expect(listed.body.data.map((e: any) => e.id)).toContain(created.id);
    const enabled = await t.call('PATCH', `/v1/webhook-endpoints/${created.id}`, sk, { status: 'enabled' });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabled_reason: null });
    const deleted = await t.call('DELETE', `/v1/webhook-endpoints/${created.id}`, sk);
    expect(deleted.status).toBe(200);
    expect((await t.call('GET', `/v1/webhook-endpoints/${created.id}`, sk)).status).toBe(404);
  });

  it('refuses bad input, each with its code', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'not a url' }, 'invalid_url'],
      [{ url: 'ftp://example.com/hook' }, 'invalid_url'],
      [{ url: 'https://user:pw@example.com/hook' }, 'invalid_url'],
      [{ url: 'https://no-such-host.invalid/hook' }, 'invalid_url'],
      [{ url: 'http://127.0.0.1/hook', enabled_events: ['order.shipped'] }, 'unknown_event_type'],
      [{ url: 'http://127.0.0.1/hook', enabled_events: ['*', 'order.paid'] }, 'invalid_value'],
      [{ url: 'http://127.0.0.1/hook', enabled_events: [] }, 'too_few'],
      [{ url: 'http://127.0.0.1/hook', extra: 1 }, 'unknown_field'],
      [{}, 'missing_field'],
      [{ url: 42 }, 'invalid_type'],
      [{ url: 'http://127.0.0.1/hook', description: 'x'.repeat(501) }, 'too_long'],
    ];
    for (const [body, code] of cases) {
      const response = await t.call('POST', '/v1/webhook-endpoints', sk, body);
      expect([response.status, response.body.code], JSON.stringify(body)).toEqual([400, code]);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const created = await endpoint('http://127.0.0.1:9/hook', ['order.paid']);
    const patch = await t.call('PATCH', `/v1/webhook-endpoints/${created.id}`, sk, {
      enabled_events: ['nope'],
    });
    expect([patch.status, patch.body.code]).toEqual([400, 'unknown_event_type']);
    const status = await t.call('PATCH', `/v1/webhook-endpoints/${created.id}`, sk, { status: 'paused' });
    expect(status.body.code).toBe('invalid_value');
    const replay = await t.call('POST', `/v1/webhook-endpoints/${created.id}/replay`, sk, {
      since: 'monday',
    });
    expect(replay.body.code).toBe('invalid_value');
    const rotate = await t.call('POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`, sk, {
      expires_in_seconds: 0,
    });
    expect(rotate.body.code).toBe('out_of_range');
    const deliveries = await t.call('GET', `/v1/webhook-endpoints/${created.id}/deliveries?status=lost`, sk);
    expect(deliveries.body.code).toBe('invalid_value');
  });

  it('hides one tenant’s endpoints, deliveries and events from another', async () => {
    const r = await receiver();
    const created = await endpoint(r.url, ['category.created']);
    await category('Private to the first tenant');
    await eventually(() => r.received.length >= 1);
    const [event] = await eventsOf('category.created');
    const { delivery_id } = {
      delivery_id: (await t.call('GET', `/v1/webhook-endpoints/${created.id}/deliveries`, sk)).body.data[0]
        .id,
    };

    const other = (await t.tenant('Other Shop')).secret;
    for (const [method, path] of [
      ['GET', `/v1/webhook-endpoints/${created.id}`],
      ['PATCH', `/v1/webhook-endpoints/${created.id}`],
      ['DELETE', `/v1/webhook-endpoints/${created.id}`],
      ['POST', `/v1/webhook-endpoints/${created.id}/rotate-secret`],
      ['POST', `/v1/webhook-endpoints/${created.id}/test`],
      ['GET', `/v1/webhook-endpoints/${created.id}/deliveries`],
      ['POST', `/v1/webhook-deliveries/${delivery_id}/replay`],
      ['GET', `/v1/events/${event!.id}`],
    ] as const) {
      const body = method === 'PATCH' ? { description: 'x' } : method === 'POST' ? {} : undefined;
      const response = await t.call(method, path, other, body);
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const replayed = await t.call('POST', `/v1/webhook-endpoints/${created.id}/replay`, other, {
      since: new Date(0).toISOString(),
    });
    expect(replayed.status).toBe(404);
    expect((await t.call('GET', '/v1/webhook-endpoints', other)).body.data).toEqual([]);
    expect((await eventsOf('category.created', other)).length).toBe(0);
    const pk = await t.call('GET', '/v1/events', (await t.tenant('Third')).publishable);
    expect(pk.status).toBe(403);
  });
});
