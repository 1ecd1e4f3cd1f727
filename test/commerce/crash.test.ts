import { readFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/global-setup.ts';
import type { Json, Response } from '../support/platform.ts';
import { runBazaar, type Run } from '../support/process.ts';
import { cartWith, checkout, stockedProduct, stockOf } from '../support/shop.ts';

/**
 * The platform is killed (SIGKILL, as a crash would) at each step of the checkout saga, then started
 * again: every order must reach a terminal state, no stock may be leaked, no payment captured twice.
 */
const POINTS = [
  'reserve:after',
  'authorize:before',
  'authorize:after',
  'place:after',
  'capture:before',
  'capture:after',
  'commit:after',
];

describe('a crash at any step of checkout', () => {
  let env: Record<string, string>;
  let base: string;
  let run: Run | undefined;
  let key: string;

  const call = async (method: string, path: string, k?: string, body?: unknown): Promise<Response<Json>> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(k ? { authorization: `Bearer ${k}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };

  const start = async (fault?: string) => {
    run = runBazaar(['start'], { ...env, ...(fault ? { BAZAAR_FAULT_INJECTION: `${fault}:kill` } : {}) });
    await run.waitFor(/Press Ctrl-C to stop/);
  };

  const stop = async () => {
    if (run && run.child.exitCode === null && run.child.signalCode === null) {
      run.child.kill('SIGINT');
      await run.exited;
    }
  };

  beforeAll(async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-crash-'));
    await chmod(dataDir, 0o755);
    const port = await freePort();
    env = {
      BAZAAR_DATA_DIR: dataDir,
      PORT: String(port),
      BAZAAR_PG_PORT: String(await freePort()),
      BAZAAR_SEED: 'false',
      ORDERS_SAGA_LEASE_MS: '1000',
    };
    base = `http://127.0.0.1:${port}`;
    await start();
    const operator = (
      JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as { operator_key: string }
    ).operator_key;
    key = (await call('POST', '/v1/tenants', operator, { name: 'Crashy' })).body.secret_key.secret;
    await stop();
  });
  afterAll(stop);

  for (const point of POINTS) {
    it(`loses nothing when the process dies at ${point}`, async () => {
      await start(point);
      const { variants } = await stockedProduct(call, key, {
        sku: point.replace(':', '-').toUpperCase(),
        stock: 4,
        sizes: ['ONE'],
      });
      const cartId = await cartWith(call, key, [[variants[0]!, 3]]);
      await expect(checkout(call, key, cartId)).rejects.toThrow();
      expect(await run!.exited).toBeNull();
      expect(run!.child.signalCode).toBe('SIGKILL');

      await start();
      let order: Json;
      const deadline = Date.now() + 20_000;
      for (;;) {
        order = (await call('GET', '/v1/orders?limit=100', key)).body.data.find(
          (o: Json) => o.cart_id === cartId,
        );
        if (order && ['paid', 'failed'].includes(order.status)) break;
        if (Date.now() > deadline) throw new Error(`order did not finish: ${JSON.stringify(order)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const stock = await stockOf(call, key, variants[0]!);
      if (order.status === 'paid') {
        expect(stock).toEqual({ on_hand: 1, reserved: 0, available: 1 });
        const intent = (await call('GET', `/v1/payment-intents/${order.payment_intent_id}`, key)).body;
        expect(intent).toMatchObject({ status: 'captured', amount_captured: order.total });
        expect((await call('GET', `/v1/carts/${cartId}`, key)).body.status).toBe('checked_out');
      } else {
        expect(stock).toEqual({ on_hand: 4, reserved: 0, available: 4 });
        if (order.payment_intent_id) {
          const intent = (await call('GET', `/v1/payment-intents/${order.payment_intent_id}`, key)).body;
          expect(intent.amount_captured).toBe(0);
        }
      }
      // Points after the payment was authorized must complete the order, not abandon it.
      if (!point.startsWith('reserve') && point !== 'authorize:before') expect(order.status).toBe('paid');
      await stop();
    });
  }

  it('captured each payment once, whatever was retried', async () => {
    await start();
    const runtime = JSON.parse(readFileSync(join(env.BAZAAR_DATA_DIR!, 'runtime.json'), 'utf8')) as {
      postgres_url: string;
    };
    const url = new URL(runtime.postgres_url);
    url.pathname = '/bazaar_payments';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const captures = await client.query<{ intent: string; n: number }>(
      `select payment_intent_id as intent, count(*)::int as n from payment_operations
        where kind = 'capture' and outcome = 'succeeded' group by 1 having count(*) > 1`,
    );
    await client.end();
    expect(captures.rows).toEqual([]);
    await stop();
  });
});
