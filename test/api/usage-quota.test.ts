import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLogger, databaseUrl, ensureDatabase, migrate, openDatabase, type Database } from '@bazaar/kit';
import { gatewayMigrations } from '@bazaar/gateway';
import { createApp } from '../../services/gateway/src/app.ts';
import { createMeter } from '../../services/gateway/src/metering/meter.ts';
import { registerMetering } from '../../services/gateway/src/metering/register.ts';
import { inServiceDatabase } from '../support/database.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

const log = createLogger({ level: 'silent' });
let db: Database<unknown>;

const count = (tenantId: string, status: number, n = 1) => ({
  tenantId,
  keyId: 'key_test',
  endpoint: 'GET /v1/products',
  status,
  day: new Date().toISOString().slice(0, 10),
  count: n,
});

const secondsToNextMonth = () => {
  const now = new Date();
  return (Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - now.getTime()) / 1000;
};

beforeAll(async () => {
  const url = databaseUrl(inject('postgresUrl'), `q${randomBytes(4).toString('hex')}_gateway`);
  await ensureDatabase(url);
  db = openDatabase({ url });
  await migrate(db.pool, { name: 'gateway', migrations: gatewayMigrations }, log);
});
afterAll(() => db.close());

describe('monthly quota, from the metering counters', () => {
  it('adds what this gateway counted to the durable totals, which other gateways see after a flush', async () => {
    const one = createMeter(db, log, { flushEveryMs: 3_600_000 });
    const two = createMeter(db, log, { flushEveryMs: 3_600_000 });
    expect(await one.used('ten_a')).toBe(0);
    expect(await two.used('ten_a')).toBe(0);
    one.record(count('ten_a', 200, 3));
    one.record(count('ten_a', 404));
    // Refused for a limit: metered, but it uses up no quota.
    one.record(count('ten_a', 429, 5));
    expect(await one.used('ten_a')).toBe(4);
    expect(await two.used('ten_a')).toBe(0);
    await one.flush();
    expect(await one.used('ten_a')).toBe(4);
    await two.flush();
    expect(await two.used('ten_a')).toBe(4);
    two.record(count('ten_a', 201));
    expect(await two.used('ten_a')).toBe(5);
    await two.stop();
    await one.flush();
    expect(await one.used('ten_a')).toBe(5);
    expect(await one.used('ten_b')).toBe(0);
    await one.stop();
  });

  it('keeps counts a failed flush could not write, and writes them on the next one', async () => {
    const meter = createMeter(db, log, { flushEveryMs: 3_600_000 });
    meter.record(count('ten_c', 200, 7));
    await db.pool.query('alter table usage_counters rename to usage_counters_away');
    try {
      await expect(meter.flush()).rejects.toThrow();
    } finally {
      await db.pool.query('alter table usage_counters_away rename to usage_counters');
    }
    expect(await meter.used('ten_c')).toBe(7);
    await meter.stop();
    const { rows } = await db.pool.query(
      `select sum(count)::int as n from usage_counters where tenant_id = 'ten_c'`,
    );
    expect(rows[0].n).toBe(7);
  });

  it('answers 429 quota_exceeded with Retry-After to the next UTC month once the quota is used', async () => {
    const app = await createApp({ log, version: 'test', readiness: [] });
    // Stands in for authentication: a key on a plan of three requests a month.
    app.addHook('onRequest', (request, _reply, done) => {
      request.principal = {
        kind: 'secret',
        tenantId: 'ten_tiny',
        keyId: 'key_tiny',
        scopes: ['*'],
        mode: 'live',
        plan: { name: 'tiny', rate: 100, burst: 100, monthlyQuota: 3 },
        apiVersion: null,
      };
      done();
    });
    registerMetering(app, db, log, { flushEveryMs: 50 });
    app.get('/v1/ping', () => ({ ok: true }));
    await app.ready();
    try {
      for (let i = 0; i < 3; i++) expect((await app.inject('/v1/ping')).statusCode).toBe(200);
      const refused = await app.inject('/v1/ping');
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = refused.json();
      expect([problem.code, problem.monthly_quota]).toEqual(['quota_exceeded', 3]);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(Math.abs(retryAfter - secondsToNextMonth())).toBeLessThan(5);
    } finally {
      await app.close();
    }
    const { rows } = await db.pool.query(
      `select status, count::int as n from usage_counters where tenant_id = 'ten_tiny' order by status`,
    );
    expect(rows).toEqual([
      { status: 200, n: 3 },
      { status: 429, n: 1 },
    ]);
  });
});

describe('monthly quota on the platform', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    process.env.GATEWAY_USAGE_FLUSH_MS = '200';
    t = await startTestPlatform();
  });
  afterAll(() => t.stop());

  it('refuses an account over its plan’s quota, counting what other gateways wrote', async () => {
    const created = await t.platform.accounts.createTenant({ name: 'Quota Shop' });
    const shop = { id: created.tenant!.id, secret: created.secretKeyValue };
    const { value: operator } = await t.platform.accounts.createOperatorKey({ name: 'quota test' });
    const moved = await t.call('PATCH', `/v1/tenants/${shop.id}`, operator, { plan: 'free' });
    expect(moved.status).toBe(200);
    expect((await t.call('GET', '/v1/products', shop.secret)).status).toBe(200);
    // As if other gateways had served the rest of the free plan's 100,000 requests this month.
    await inServiceDatabase(
      t.platform,
      'gateway',
      `insert into usage_counters (tenant_id, day, key_id, endpoint, status, count)
       values ($1, (now() at time zone 'utc')::date, 'key_elsewhere', 'GET /v1/products', 200, 99999)`,
      [shop.id],
    );
    const deadline = Date.now() + 20_000;
    let refused;
    for (;;) {
      const response = await t.call('GET', '/v1/products', shop.secret);
      if (response.status === 429 && response.body.code === 'quota_exceeded') {
        refused = response;
        break;
      }
      expect(response.status).toBe(200);
      if (Date.now() > deadline) throw new Error('the quota was never enforced');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.body.monthly_quota).toBe(100_000);
    // Each mode has its own quota: load in test mode never stops the live shop, nor the reverse.
    expect((await t.call('GET', '/v1/products', created.testSecretKeyValue)).status).toBe(200);
  });
});
