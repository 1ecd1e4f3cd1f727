import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBazaar, ConnectionError, RateLimitError, ServerError } from '@bazaar/sdk';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LATEST_VERSION } from '../../services/gateway/src/versions/registry.ts';
import { startFlakyProxy, type Behaviour } from './flaky-proxy.ts';

let test: TestPlatform;
let key: string;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  test = await startTestPlatform();
  key = (await test.tenant('Retry Shop')).secret;
});
afterAll(async () => {
  for (const stop of stops) await stop();
  await test?.stop();
});

const FORWARD: Behaviour = { kind: 'forward' };

/** The SDK behind a proxy that misbehaves as `plan` says. */
const behind = async (plan: Parameters<typeof startFlakyProxy>[1], maxRetries = 2) => {
  const proxy = await startFlakyProxy(test.url, plan);
  stops.push(proxy.stop);
  return { proxy, bazaar: createBazaar({ apiKey: key, baseUrl: proxy.url, maxRetries }) };
};

const product = (name: string) => ({
  name,
  variants: [{ sku: name.toUpperCase().replaceAll(' ', '-'), prices: [{ currency: 'USD', amount: 1000 }] }],
});

const productsNamed = async (name: string) =>
  (await test.call('GET', '/v1/products?limit=100', key)).body.data.filter(
    (p: { name: string }) => p.name === name,
  );

describe('SDK retries', () => {
  it('retries a write whose answer was lost with the same Idempotency-Key, so it is done once', async () => {
    const { proxy, bazaar } = await behind((attempt, i) =>
      i === 0 && attempt.method === 'POST' ? { kind: 'lose', status: 503 } : FORWARD,
    );
    const created = await bazaar.products.create(product('Lost answer'));

    expect(proxy.attempts).toHaveLength(2);
    const [first, second] = proxy.attempts.map((a) => a.headers['idempotency-key']);
    expect(first).toMatch(/^sdk_/);
    expect(second).toBe(first);
    expect(await productsNamed('Lost answer')).toEqual([expect.objectContaining({ id: created.id })]);
  });

  it('retries after a dropped connection, keeping the key the caller gave', async () => {
    const { proxy, bazaar } = await behind((_attempt, i) => (i === 0 ? { kind: 'drop' } : FORWARD));
    const created = await bazaar.products.create(product('Dropped'), { idempotencyKey: 'create-dropped-1' });

    expect(proxy.attempts.map((a) => a.headers['idempotency-key'])).toEqual([
      'create-dropped-1',
      'create-dropped-1',
    ]);
    expect(await productsNamed('Dropped')).toEqual([expect.objectContaining({ id: created.id })]);
  });

  it('retries a 503 that never reached the platform, and gives up with a ServerError after maxRetries', async () => {
    const unavailable: Behaviour = {
      kind: 'answer',
      status: 503,
      body: { code: 'service_unavailable', status: 503, detail: 'Down for a moment.' },
    };
    const once = await behind((_a, i) => (i === 0 ? unavailable : FORWARD));
    await once.bazaar.products.create(product('Once unavailable'));
    expect(once.proxy.attempts).toHaveLength(2);
    expect(await productsNamed('Once unavailable')).toHaveLength(1);

    const always = await behind(() => unavailable, 1);
    const error = await always.bazaar.products
      .list()
      .firstPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', detail: 'Down for a moment.' });
    expect(always.proxy.attempts).toHaveLength(2);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const { proxy, bazaar } = await behind((_a, i) =>
      i === 0
        ? {
            kind: 'answer',
            status: 429,
            headers: { 'retry-after': '1' },
            body: { code: 'rate_limited', status: 429, detail: 'Slow down.' },
          }
        : FORWARD,
    );
    const page = await bazaar.products.list({ limit: 1 }).firstPage();

    expect(page.object).toBe('list');
    expect(proxy.attempts).toHaveLength(2);
    expect(proxy.attempts[1]!.at - proxy.attempts[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('answers a RateLimitError with retryAfter once the retries are spent', async () => {
    const { proxy, bazaar } = await behind(
      () => ({
        kind: 'answer',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { code: 'rate_limited', status: 429, detail: 'Slow down.' },
      }),
      1,
    );
    const error = await bazaar.products.get('anything').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 1 });
    expect(proxy.attempts).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than maxRetryAfter (a spent monthly quota)', async () => {
    const proxy = await startFlakyProxy(test.url, () => ({
      kind: 'answer',
      status: 429,
      headers: { 'retry-after': '86400' },
      body: { code: 'quota_exceeded', status: 429, detail: 'The monthly quota is spent.' },
    }));
    stops.push(proxy.stop);
    const bazaar = createBazaar({ apiKey: key, baseUrl: proxy.url });
    const error = await bazaar.products
      .list()
      .firstPage()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'quota_exceeded', retryAfter: 86400 });
    expect(proxy.attempts).toHaveLength(1);
  });

  it('answers a ConnectionError when nothing listens', async () => {
    const proxy = await startFlakyProxy(test.url, () => FORWARD);
    await proxy.stop();
    const bazaar = createBazaar({ apiKey: key, baseUrl: proxy.url, maxRetries: 1 });
    const error = await bazaar.products
      .list()
      .firstPage()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ status: 0, code: 'connection_error' });
  });

  it('sends the pinned Bazaar-Version, which the gateway accepts', async () => {
    // Pin the version the gateway says it speaks.
    const probe = await fetch(`${test.url}/v1/products?limit=1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const version = probe.headers.get('bazaar-version');
    expect(version).toBe(LATEST_VERSION);
    const proxy = await startFlakyProxy(test.url, () => FORWARD);
    stops.push(proxy.stop);
    const bazaar = createBazaar({ apiKey: key, baseUrl: proxy.url, apiVersion: LATEST_VERSION });

    expect((await bazaar.products.list({ limit: 1 }).firstPage()).object).toBe('list');
    expect(proxy.attempts[0]!.headers['bazaar-version']).toBe(version);
  });
});
