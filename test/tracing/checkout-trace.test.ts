import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTracing, type Tracing } from '@bazaar/kit';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { cartWith, checkout, stockedProduct } from '../support/shop.ts';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
let t: TestPlatform;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // What an operator sets: the standard variables, read when tracing starts.
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = receiver.endpoint;
  process.env.OTEL_SERVICE_NAME = 'bazaar-under-test';
  process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=test';
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  tracing = await startTracing({ serviceName: 'bazaar' });
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
  await tracing?.shutdown();
  await receiver?.close();
});

/** Waits until the spans exported so far satisfy `check`. */
const eventually = <T>(check: () => T) =>
  vi.waitFor(
    async () => {
      await tracing.flush();
      return check();
    },
    { timeout: 30_000, interval: 100 },
  );

const rpcSpans = (spans: ReceivedSpan[], kind: number, service: string) =>
  spans.filter(
    (s) => s.kind === kind && String(s.attributes['rpc.service']).startsWith(`bazaar.${service}.`),
  );

describe('tracing', () => {
  it('is on: spans go to the configured OTLP endpoint, named as the environment says', () => {
    expect(tracing.enabled).toBe(true);
  });

  it('follows a checkout from the gateway through every service it calls and into the events it caused', async () => {
    const tenant = await t.tenant();
    const { variants } = await stockedProduct(t.call, tenant.secret, { sku: 'TRACE', stock: 5 });
    const cartId = await cartWith(t.call, tenant.publishable, [[variants[0]!, 1]]);
    const placed = await checkout(t.call, tenant.publishable, cartId);
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);

    const root = await eventually(() => {
      const span = receiver.spans.find(
        (s) =>
          s.name === 'POST /v1/carts/:id/checkout' &&
          s.attributes['url.path'] === `/v1/carts/${cartId}/checkout`,
      );
      expect(span).toBeDefined();
      return span!;
    });
    expect(root).toMatchObject({
      kind: SERVER,
      service: 'bazaar-under-test',
      resource: { 'service.namespace': 'bazaar', 'deployment.environment.name': 'test' },
      parentSpanId: undefined,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/carts/:id/checkout',
        'http.response.status_code': 201,
      },
    });

    // The webhooks service logs order.placed from its inbox: a consumer span in the same trace.
    const consumed = await eventually(() => {
      const span = receiver.spans.find(
        (s) =>
          s.traceId === root.traceId &&
          s.kind === CONSUMER &&
          s.name === 'process order.placed' &&
          s.attributes['messaging.consumer.group.name'] === 'webhooks',
      );
      expect(span).toBeDefined();
      return span!;
    });

    const trace = receiver.spans.filter((s) => s.traceId === root.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    // One tree: every span but the request's has its parent in the same trace.
    for (const span of trace) {
      if (span === root) continue;
      expect(byId.has(span.parentSpanId!), `parent of ${span.name}`).toBe(true);
    }
    // Each service the checkout needs answered a call of this trace, each call a child of its client span.
    for (const service of ['cart', 'orders', 'inventory', 'payments']) {
      const served = rpcSpans(trace, SERVER, service);
      expect(served.length, `server spans of ${service}`).toBeGreaterThan(0);
      for (const span of served) {
        const caller = byId.get(span.parentSpanId!)!;
        expect(caller).toMatchObject({
          kind: CLIENT,
          name: span.name,
          attributes: { 'rpc.system': 'connect_rpc', 'rpc.method': span.attributes['rpc.method'] },
        });
      }
    }
    // The gateway hands the checkout to orders: a direct child of the request's span.
    expect(rpcSpans(trace, CLIENT, 'orders').find((s) => s.parentSpanId === root.spanId)).toMatchObject({
      name: 'bazaar.orders.v1.OrdersService/Checkout',
    });
    // The event was recorded while orders served a call of this trace: the consumer span descends from it.
    const ancestors: ReceivedSpan[] = [];
    for (let span = byId.get(consumed.parentSpanId!); span; span = byId.get(span.parentSpanId ?? '')) {
      ancestors.push(span);
    }
    expect(ancestors.at(-1)).toBe(root);
    expect(
      ancestors.some(
        (s) => s.kind === SERVER && s.attributes['rpc.service'] === 'bazaar.orders.v1.OrdersService',
      ),
    ).toBe(true);
    expect(consumed.attributes).toMatchObject({
      'messaging.system': 'memory',
      'messaging.operation.type': 'process',
      'bazaar.event.type': 'order.placed',
      'bazaar.event.source': 'orders',
      'bazaar.tenant_id': tenant.id,
    });
  });

  it('continues the trace a caller sends in traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentId = '00f067aa0ba902b7';
    const tenant = await t.tenant();
    const response = await fetch(`${t.url}/v1/products?limit=1`, {
      headers: { authorization: `Bearer ${tenant.publishable}`, traceparent: `00-${traceId}-${parentId}-01` },
    });
    expect(response.status).toBe(200);
    const span = await eventually(() => {
      const found = receiver.spans.find(
        (s) => s.traceId === traceId && s.kind === SERVER && s.name === 'GET /v1/products',
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(span.parentSpanId).toBe(parentId);
    expect(span.attributes['http.response.status_code']).toBe(200);
    // The catalog read the gateway made for it is in the caller's trace too.
    await eventually(() =>
      expect(
        rpcSpans(
          receiver.spans.filter((s) => s.traceId === traceId),
          SERVER,
          'catalog',
        ).length,
      ).toBeGreaterThan(0),
    );
  });
});
