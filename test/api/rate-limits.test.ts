import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMemoryBus, openDatabase } from '@bazaar/kit';
import { createGateway, type App } from '@bazaar/gateway';
import { createLimiter, type Limiter } from '../../services/gateway/src/rate-limit/limiter.ts';
import { REDIS_URL, redisMissing } from '../support/infrastructure.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const log = createLogger({ level: 'silent' });
const runPrefix = `bazaar-test:${randomBytes(6).toString('hex')}:`;
const noRedis = await redisMissing();

/** A port nothing listens on: bound, then released. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('rate limits in memory (all-in-one)', () => {
  it('admits the burst at once, then refuses, with fewer requests remaining each time', async () => {
    const limiter = createLimiter({ log });
    expect(limiter.store).toBe('memory');
    // A rate so low nothing refills during the test.
    const limit = { rate: 0.001, burst: 5 };
    const decisions = [];
    for (let i = 0; i < 7; i++) decisions.push(await limiter.take('key_a', limit));
    expect(decisions.map((d) => d!.allowed)).toEqual([true, true, true, true, true, false, false]);
    expect(decisions.slice(0, 5).map((d) => d!.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(decisions[5]!.retryAfterMs).toBeGreaterThan(0);
    // Keys do not share a limit.
    expect((await limiter.take('key_b', limit))!.allowed).toBe(true);
  });
});

describe.skipIf(noRedis)(`rate limits in Redis (${noRedis || REDIS_URL})`, () => {
  const limiters: Limiter[] = [];
  afterAll(() => Promise.all(limiters.map((l) => l.close())));
  const limiter = (prefix = runPrefix) => {
    const made = createLimiter({ redisUrl: REDIS_URL, prefix, log });
    limiters.push(made);
    return made;
  };

  it('shares one limit between two gateways: together they admit the burst, within 10%', async () => {
    const a = limiter();
    const b = limiter();
    const limit = { rate: 0.01, burst: 100 };
    const takes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => Promise.resolve((i % 2 === 0 ? a : b).take('key_shared', limit))),
    );
    const admitted = takes.filter((d) => d?.allowed).length;
    expect(takes.every((d) => d !== undefined)).toBe(true);
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(110);
    expect(a.failOpenCount + b.failOpenCount).toBe(0);
  });

  it('fails open when Redis is unreachable: requests go through, counted', async () => {
    const port = await closedPort();
    const broken = createLimiter({ redisUrl: `redis://127.0.0.1:${port}`, prefix: runPrefix, log });
    limiters.push(broken);
    const decisions = await Promise.all(
      Array.from({ length: 30 }, () => Promise.resolve(broken.take('key_x', { rate: 1, burst: 1 }))),
    );
    expect(decisions.every((d) => d === undefined)).toBe(true);
    expect(broken.failOpenCount).toBe(30);
  });
});

describe.skipIf(noRedis)('rate limits through the API with Redis', () => {
  let t: TestPlatform;
  const gateways: App[] = [];
  let gatewayDb: ReturnType<typeof openDatabase<never>>;

  beforeAll(async () => {
    t = await startTestPlatform();
    const url = new URL(t.platform.postgresUrl);
    url.pathname = `/${t.platform.databases.gateway}`;
    gatewayDb = openDatabase<never>({ url: url.toString(), max: 4 });
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await gatewayDb?.close();
    await t?.stop();
  });

  /** Another gateway replica in front of the same services. */
  const replica = async (redisUrl: string) => {
    const gateway = await createGateway({
      clients: t.platform.clients,
      db: gatewayDb,
      bus: createMemoryBus(log),
      log,
      version: 'test',
      readiness: [],
      redisUrl,
    });
    gateways.push(gateway);
    await gateway.listen({ host: '127.0.0.1', port: 0 });
    const { port } = gateway.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  };

  const get = (base: string, key: string) =>
    fetch(`${base}/v1/products`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => {
      await r.arrayBuffer();
      return r;
    });

  it('enforces one free-plan limit for a key across two gateway replicas', async () => {
    const [one, two] = [await replica(REDIS_URL), await replica(REDIS_URL)];
    const operator = (await t.platform.accounts.createOperatorKey({ name: 'limits' })).value;
    const account = await t.call('POST', '/v1/tenants', operator, { name: 'Shared Limit' });
    await t.call('PATCH', `/v1/tenants/${account.body.id}`, operator, { plan: 'free' });
    const key = account.body.secret_key.secret as string;
    // One request through each replica: both now know the key and its free plan.
    expect((await get(one, key)).headers.get('ratelimit-policy')).toBe('"default";q=20;w=2');
    expect((await get(two, key)).headers.get('ratelimit-policy')).toBe('"default";q=20;w=2');

    const began = performance.now();
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => get(i % 2 ? one : two, key)));
    const seconds = (performance.now() - began) / 1000;
    const admitted = responses.filter((r) => r.status === 200).length;
    // One shared limit admits its burst of 20 (less the two above) plus 10/s refilled while the
    // requests were answered; separate limits would admit twice that (36 + 20/s). Within 10% of the
    // shared limit, which stays below the 100 sent unless answering them took over 7 s:
    expect(admitted).toBeGreaterThanOrEqual(18);
    expect(admitted).toBeLessThanOrEqual(Math.min(99, Math.ceil((20 + 10 * seconds) * 1.1)));
    const refused = responses.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('keeps serving when Redis is unreachable', async () => {
    const broken = await replica(`redis://127.0.0.1:${await closedPort()}`);
    const shop = await t.tenant('Redis Down');
    const responses = await Promise.all(Array.from({ length: 10 }, () => get(broken, shop.secret)));
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    expect(responses[0]!.headers.get('ratelimit-policy')).toBe('"default";q=200;w=2');
    expect(responses[0]!.headers.get('ratelimit')).toBeNull();
    // Counted for the metrics.
    expect(gateways.at(-1)!.rateLimiter.failOpenCount).toBeGreaterThanOrEqual(10);
  });
});
