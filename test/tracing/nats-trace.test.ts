import { trace } from '@opentelemetry/api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  currentEventTrace,
  startTracing,
  type EventDelivery,
  type EventEnvelope,
  type EventTrace,
  type Tracing,
} from '@bazaar/kit';
import { natsHarness, type NatsHarness } from '../bus/nats-harness.ts';
import { anEvent, relay } from '../bus/support.ts';
import { NATS_URL, natsMissing } from '../support/infrastructure.ts';
import { startOtlpReceiver } from './otlp-receiver.ts';

const PRODUCER = 4;
const CONSUMER = 5;
const skip = await natsMissing();

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let tracing: Tracing;
let h: NatsHarness | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = receiver.endpoint;
  process.env.OTEL_BSP_SCHEDULE_DELAY = '100';
  tracing = await startTracing({ serviceName: 'nats-test' });
});
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});
afterAll(async () => {
  await tracing?.shutdown();
  await receiver?.close();
});

const traceIdOf = (traceparent: string | undefined) => traceparent?.split('-')[1];

describe.skipIf(skip)(`NATS bus trace context${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('carries the trace an event was recorded in, as a W3C header, to the handler in a consumer span', async () => {
    h = await natsHarness(NATS_URL);
    const bus = await h.bus();
    const heard: { delivery?: EventDelivery; context?: EventTrace } = {};
    bus.subscribe({
      consumer: 'traced',
      types: ['order.placed'],
      handle: (_event, delivery) => {
        heard.delivery = delivery;
        // What the handler itself records joins the trace too.
        heard.context = currentEventTrace();
        return Promise.resolve();
      },
    });

    // As recordEvents does inside a traced request, then the outbox relay in its own time.
    const { event, request } = trace.getTracer('test').startActiveSpan('request', (span) => {
      const recorded: EventEnvelope = { ...anEvent('order.placed'), trace: currentEventTrace() };
      span.end();
      return { event: recorded, request: span.spanContext() };
    });
    expect(traceIdOf(event.trace?.traceparent)).toBe(request.traceId);
    await relay(bus, [event]);

    await vi.waitFor(() => expect(heard.delivery).toBeDefined(), { timeout: 30_000, interval: 25 });
    const traceparent = heard.delivery!.headers.traceparent;
    expect(traceIdOf(traceparent)).toBe(request.traceId);
    expect(traceIdOf(heard.context?.traceparent)).toBe(request.traceId);

    const spans = await vi.waitFor(
      async () => {
        await tracing.flush();
        const ours = receiver.spans.filter((s) => s.traceId === request.traceId);
        expect(ours.map((s) => s.kind).sort()).toEqual(expect.arrayContaining([PRODUCER, CONSUMER]));
        return ours;
      },
      { timeout: 30_000, interval: 100 },
    );
    const subject = `${h.prefix}.events.orders.order.placed`;
    const sent = spans.find((s) => s.kind === PRODUCER)!;
    const processed = spans.find((s) => s.kind === CONSUMER)!;
    // request -> send (its context is the header) -> process (the handler's context).
    expect(sent).toMatchObject({
      parentSpanId: request.spanId,
      attributes: { 'messaging.system': 'nats', 'messaging.message.id': event.id },
    });
    expect(traceparent).toBe(`00-${request.traceId}-${sent.spanId}-01`);
    expect(processed).toMatchObject({
      parentSpanId: sent.spanId,
      attributes: { 'messaging.consumer.group.name': 'traced', 'bazaar.delivery.attempt': 1 },
    });
    expect(heard.context?.traceparent).toBe(`00-${request.traceId}-${processed.spanId}-01`);
    expect([sent.name, processed.name]).toEqual([`send ${subject}`, `process ${subject}`]);
  });
});
