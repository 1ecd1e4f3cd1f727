import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cartWith, checkout, stockedProduct } from '../support/shop.ts';
import { natsServerMissing } from '../support/nats.ts';
import { startSplit, type SplitPlatform } from '../support/split.ts';
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.ts';

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const skip = natsServerMissing();

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let split: SplitPlatform | undefined;

// Every process of the split topology exports to the test's collector, configured as an operator would.
describe.skipIf(skip)(
  `tracing across processes${skip ? ` (skipped: ${skip})` : ''}`,
  { timeout: 300_000 },
  () => {
    beforeAll(async () => {
      receiver = await startOtlpReceiver();
      process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = receiver.endpoint;
      process.env.OTEL_BSP_SCHEDULE_DELAY = '200';
      delete process.env.OTEL_SERVICE_NAME;
      split = await startSplit('gateway=1');
    }, 360_000);
    afterAll(async () => {
      await split?.stop();
      await receiver?.close();
    }, 60_000);

    it('follows a checkout over HTTP/2 and NATS: one trace, each span from the process that did the work', async () => {
      const s = split!;
      const { variants } = await stockedProduct(s.call, s.secret, { sku: 'SPLIT-TRACE', stock: 3 });
      const cartId = await cartWith(s.call, s.publishable, [[variants[0]!, 1]]);
      const placed = await checkout(s.call, s.publishable, cartId);
      expect(placed.status, JSON.stringify(placed.body)).toBe(201);

      const wait = <T>(find: () => T | undefined) =>
        vi.waitFor(
          () => {
            const found = find();
            expect(found).toBeDefined();
            return found!;
          },
          { timeout: 60_000, interval: 250 },
        );
      const root = await wait(() =>
        receiver.spans.find(
          (x) => x.kind === SERVER && x.attributes['url.path'] === `/v1/carts/${cartId}/checkout`,
        ),
      );
      expect(root).toMatchObject({ service: 'gateway', name: 'POST /v1/carts/:id/checkout' });
      const inTrace = () => receiver.spans.filter((x) => x.traceId === root.traceId);
      const consumed = await wait(() =>
        inTrace().find(
          (x) =>
            x.kind === CONSUMER &&
            x.service === 'webhooks' &&
            x.attributes['bazaar.event.type'] === 'order.placed',
        ),
      );

      const spans = inTrace();
      const byId = new Map(spans.map((x) => [x.spanId, x]));
      for (const service of ['orders', 'cart', 'inventory', 'payments']) {
        const served = spans.filter((x) => x.kind === SERVER && x.service === service);
        expect(served.length, `server spans of ${service}`).toBeGreaterThan(0);
        for (const span of served) {
          // Each call's server span is the child of the caller's client span, in another process.
          const caller = byId.get(span.parentSpanId!);
          expect(caller).toMatchObject({ kind: CLIENT, name: span.name });
          expect(caller!.service).not.toBe(service);
        }
      }
      // The event went through NATS: consumed in webhooks as a child of the send in orders.
      const sent = byId.get(consumed.parentSpanId!) as ReceivedSpan;
      expect(sent).toMatchObject({
        kind: PRODUCER,
        service: 'orders',
        attributes: { 'messaging.system': 'nats' },
      });
      expect(consumed.attributes['messaging.system']).toBe('nats');
      let top = sent;
      while (top.parentSpanId && byId.has(top.parentSpanId)) top = byId.get(top.parentSpanId)!;
      expect(top).toBe(root);
    });
  },
);
