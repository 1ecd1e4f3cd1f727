import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARDS, cartWith, checkout, stockedProduct, stockOf } from '../support/shop.ts';
import { natsServerMissing } from '../support/nats.ts';
import { startSplit, type SplitPlatform } from '../support/split.ts';
import { startReceiver } from '../webhooks/receiver.ts';
import { stockGrpc } from './grpc.ts';

const skip = natsServerMissing();
if (skip) console.warn(`split topology tests skipped: ${skip}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` passes or time runs out, then fails with its last error. */
const eventually = async (check: () => Promise<void> | void, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
};

// Each step waits on real processes restarting; on a busy 2-core machine that takes a while.
describe.skipIf(skip)('split topology: every service its own process', { timeout: 300_000 }, () => {
  let split: SplitPlatform;

  beforeAll(async () => {
    split = await startSplit('catalog=2,gateway=2');
  }, 360_000);
  afterAll(() => split?.stop(), 60_000);

  const events = async (type: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await split.call(
        'GET',
        `/v1/events?type=${type}&limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        split.secret,
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((e: { data: { id: string } }) => e.data.id));
      cursor = page.body.next_cursor ?? undefined;
    } while (cursor);
    return ids;
  };

  it('lists every service and replica with its pid, port and state', () => {
    const processes = split.ps();
    const names = processes.map((p) => `${p.service}#${p.replica}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'accounts#1',
        'catalog#1',
        'catalog#2',
        'inventory#1',
        'payments#1',
        'cart#1',
        'orders#1',
        'webhooks#1',
        'gateway#1',
        'gateway#2',
      ]),
    );
    for (const p of processes) {
      expect(p.state).toBe('running');
      expect(p.pid).toBeGreaterThan(0);
      expect(p.port).toBeGreaterThan(0);
    }
  });

  it('serves the demo catalog through the gateway replicas', async () => {
    const listed = await split.call('GET', '/v1/products?limit=5', split.publishable);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toHaveLength(5);
    expect(listed.body.data[0].variants[0].available).toBeGreaterThan(0);
  });

  it('serves probes and Prometheus metrics on each process', async () => {
    const webhooks = split.ps().find((p) => p.service === 'webhooks')!;
    const ops = `http://127.0.0.1:${webhooks.ops_port}`;
    expect((await fetch(`${ops}/healthz`)).status).toBe(200);
    const ready = await fetch(`${ops}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { nats: 'ok' } });
    const metrics = await (await fetch(`${ops}/metrics`)).text();
    expect(metrics).toMatch(/bazaar_consumer_pending_events\{consumer="webhooks"\} \d+/);
    expect(metrics).toMatch(/bazaar_outbox_pending_events \d+/);
    expect(metrics).toContain('bazaar_rpc_server_requests_total');
    // Each on its own connection, as separate clients would come: the front door takes turns.
    for (let i = 0; i < 6; i++) {
      await new Promise<void>((resolve, reject) =>
        get(
          `${split.url}/v1/products?limit=${i + 1}`,
          { agent: false, headers: { authorization: `Bearer ${split.publishable}` } },
          (r) => {
            r.resume();
            r.once('end', resolve);
          },
        ).once('error', reject),
      );
    }
    // Both catalog replicas and both gateway replicas have had their share of the work.
    const served = async (port: number, metric: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return [...text.matchAll(new RegExp(`^${metric}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    };
    for (const replica of split.ps().filter((p) => p.service === 'catalog')) {
      expect(await served(replica.ops_port, 'bazaar_rpc_server_requests_total')).toBeGreaterThan(0);
    }
    for (const replica of split.ps().filter((p) => p.service === 'gateway')) {
      expect(await served(replica.port, 'bazaar_http_requests_total')).toBeGreaterThan(0);
    }
    const gateway = await (await fetch(`${split.url}/metrics`)).text();
    expect(gateway).toMatch(
      /bazaar_http_requests_total\{route="\/v1\/products",method="GET",status="2xx"\} \d+/,
    );
  });

  it('answers a stock gRPC client, with health checking and server reflection', async () => {
    const catalog = split.ps().find((p) => p.service === 'catalog')!;
    const grpc = stockGrpc(`127.0.0.1:${catalog.port}`);
    try {
      const listed = await grpc.listProducts({ tenantId: split.tenantId, limit: 3 });
      expect(listed.products).toHaveLength(3);
      expect(listed.products[0].id).toMatch(/^prod_/);
      await expect(
        grpc.getProduct({ tenantId: split.tenantId, idOrSlug: 'no-such-product' }),
      ).rejects.toMatchObject({ code: 5 /* NOT_FOUND */ });
      expect(await grpc.check({ service: '' })).toEqual({ status: 'SERVING' });
      expect(await grpc.check({ service: 'bazaar.catalog.v1.CatalogService' })).toEqual({
        status: 'SERVING',
      });
      expect(await grpc.listServices()).toEqual(
        expect.arrayContaining([
          'bazaar.catalog.v1.CatalogService',
          'grpc.health.v1.Health',
          'grpc.reflection.v1.ServerReflection',
        ]),
      );
    } finally {
      grpc.close();
    }
  });

  it('keeps reads answering while inventory is killed, and loses no acknowledged order', async () => {
    const { variants } = await stockedProduct(split.call, split.secret, { sku: 'KILL-INV', stock: 1000 });
    const placed: string[] = [];
    for (let i = 0; i < 3; i++) {
      const cart = await cartWith(split.call, split.publishable, [[variants[0]!, 1]]);
      const order = await checkout(split.call, split.publishable, cart);
      expect(order.status, JSON.stringify(order.body)).toBe(201);
      placed.push(order.body.id);
    }

    const before = split.pidOf('inventory');
    process.kill(before, 'SIGKILL');
    // Catalog reads do not need inventory to answer. (Whether a read shows availability as unknown
    // depends on the restart's timing and the gateway's cache; the hang test below pins that down.)
    const reads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        split.call('GET', `/v1/products?limit=${i + 1}`, split.publishable),
      ),
    );
    expect(reads.map((r) => r.status)).toEqual(Array(10).fill(200));

    const restarted = await split.waitRunning('inventory');
    expect(restarted.pid).not.toBe(before);
    expect(restarted.restarts).toBeGreaterThanOrEqual(1);

    const cart = await cartWith(split.call, split.publishable, [[variants[0]!, 2]]);
    const after = await checkout(split.call, split.publishable, cart);
    expect(after.status, JSON.stringify(after.body)).toBe(201);
    placed.push(after.body.id);

    for (const id of placed) {
      const order = await split.call('GET', `/v1/orders/${id}`, split.secret);
      expect(order.body.status).toBe('paid');
    }
    expect(await stockOf(split.call, split.secret, variants[0]!)).toMatchObject({
      on_hand: 995,
      reserved: 0,
    });
    // Every order's events reached the webhooks service exactly once.
    await eventually(async () => {
      const ids = (await events('order.placed')).filter((id) => placed.includes(id));
      expect(ids.sort()).toEqual([...placed].sort());
    });
  });

  it('survives kill -9 of orders in the middle of checkouts: every acknowledged order stays, once', async () => {
    const { variants } = await stockedProduct(split.call, split.secret, { sku: 'KILL-ORD', stock: 1000 });
    const carts = await Promise.all(
      Array.from({ length: 8 }, () => cartWith(split.call, split.publishable, [[variants[0]!, 1]])),
    );
    const pid = split.pidOf('orders');
    const attempts = carts.map(async (cart, i) => {
      await sleep(i * 40);
      return checkout(split.call, split.publishable, cart);
    });
    await sleep(120);
    process.kill(pid, 'SIGKILL');
    const answers = await Promise.all(attempts);
    const acknowledged = answers.filter((a) => a.status === 201).map((a) => a.body.id as string);
    // What was not acknowledged is refused with a problem a client can act on, never a hang.
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect([409, 503]).toContain(answer.status);
    }
    await split.waitRunning('orders');
    // A client retries what failed; the saga either finished before the kill or is resumed.
    for (const cart of carts) {
      await eventually(async () => {
        const answer = await checkout(split.call, split.publishable, cart);
        expect([201, 409]).toContain(answer.status);
      });
    }
    for (const id of acknowledged) {
      const order = await split.call('GET', `/v1/orders/${id}`, split.secret);
      expect(order.status).toBe(200);
      expect(order.body.status).toBe('paid');
    }
    await eventually(async () => {
      const paid = (await split.call('GET', '/v1/orders?limit=100', split.secret)).body.data.filter(
        (o: { status: string; lines: { variant_id: string }[] }) =>
          o.status === 'paid' && o.lines.some((l) => l.variant_id === variants[0]),
      );
      expect(paid.length).toBe(carts.length);
      const level = await stockOf(split.call, split.secret, variants[0]!);
      expect(level).toMatchObject({ on_hand: 1000 - carts.length, reserved: 0 });
      const placedEvents = (await events('order.placed')).filter((id) =>
        paid.some((o: { id: string }) => o.id === id),
      );
      expect(placedEvents.length).toBe(carts.length);
      expect(new Set(placedEvents).size).toBe(carts.length);
    }, 180_000);
  });

  it('degrades when inventory hangs: reads mark availability unknown, checkout answers 503 with Retry-After, and all recovers', async () => {
    const { variants } = await stockedProduct(split.call, split.secret, { sku: 'HANG-INV', stock: 10 });
    const cart = await cartWith(split.call, split.publishable, [[variants[0]!, 1]]);
    const pid = split.pidOf('inventory');
    let refused!: Awaited<ReturnType<typeof checkout>>;
    process.kill(pid, 'SIGSTOP');
    try {
      const product = await split.call('GET', `/v1/products?limit=100`, split.publishable);
      expect(product.status).toBe(200);
      expect(product.body.data[0].variants[0].available).toBeNull();
      refused = await checkout(split.call, split.publishable, cart, CARDS.ok);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => {
      const product = await split.call('GET', `/v1/products?limit=99`, split.publishable);
      expect(product.body.data[0].variants[0].available).not.toBeNull();
    });
    // The checkout that could not finish is completed in the background once inventory answers again:
    // the 503 names its order, which the client looks up.
    const pending = refused.body.order_id as string;
    expect(pending).toMatch(/^ord_/);
    await eventually(async () => {
      expect((await split.call('GET', `/v1/orders/${pending}`, split.secret)).body.status).toBe('paid');
    }, 120_000);
    expect(split.pidOf('inventory')).toBe(pid);
  });

  it('spreads requests over two gateway replicas and loses none that a client retries when one is killed', async () => {
    const killed = split.pidOf('gateway', 1);
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        if (i === 10) process.kill(killed, 'SIGKILL');
        await sleep(i * 10);
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await split.call('GET', `/v1/categories?limit=${(i % 20) + 1}`, split.publishable);
            if (r.status < 500 || attempt >= 2) return r.status;
          } catch (error) {
            if (attempt >= 2) throw error;
          }
          await sleep(100);
        }
      }),
    );
    expect(results).toEqual(Array(40).fill(200));
    const back = await split.waitRunning('gateway', 1);
    expect(back.pid).not.toBe(killed);
  });

  it('delivers every event of a burst to a webhook endpoint across kill -9 of the webhooks process', async () => {
    const receiver = await startReceiver();
    try {
      const endpoint = await split.call('POST', '/v1/webhook-endpoints', split.secret, {
        url: receiver.url,
        enabled_events: ['category.created'],
      });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      const pid = split.pidOf('webhooks');
      const made: string[] = [];
      for (let i = 0; i < 60; i++) {
        if (i === 20) process.kill(pid, 'SIGKILL');
        const created = await split.call('POST', '/v1/categories', split.secret, { name: `Burst ${i}` });
        expect(created.status).toBe(201);
        made.push(created.body.id);
      }
      await split.waitRunning('webhooks');
      const webhookIds = () => {
        const byCategory = new Map<string, Set<string>>();
        for (const r of receiver.received) {
          // The body is the event, whose data is the category.
          const id = (JSON.parse(r.body) as { data: { data: { id: string } } }).data.data.id;
          byCategory.set(id, (byCategory.get(id) ?? new Set()).add(r.id));
        }
        return byCategory;
      };
      await eventually(() => {
        const delivered = webhookIds();
        expect(made.filter((id) => !delivered.has(id))).toEqual([]);
      }, 120_000);
      // Redelivered or not, each event has one webhook-id: a receiver that dedupes sees it once.
      for (const id of made) expect(webhookIds().get(id)?.size).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('rides out a NATS restart: events committed while it is down are published once it is back', async () => {
    await split.nats.stop();
    const created = await split.call('POST', '/v1/categories', split.secret, {
      name: 'Made during the outage',
    });
    expect(created.status).toBe(201);
    await sleep(1_000);
    await split.nats.start();
    await eventually(async () => {
      const ids = await events('category.created');
      expect(ids.filter((id) => id === created.body.id)).toHaveLength(1);
    }, 90_000);
  });
});
