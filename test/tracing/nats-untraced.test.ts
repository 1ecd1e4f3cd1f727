import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventDelivery, EventEnvelope } from '@bazaar/kit';
import { natsHarness, type NatsHarness } from '../bus/nats-harness.ts';
import { anEvent, relay } from '../bus/support.ts';
import { NATS_URL, natsMissing } from '../support/infrastructure.ts';

const skip = await natsMissing();
let h: NatsHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

// This process never starts tracing, like a relay run without an OTLP endpoint.
describe.skipIf(skip)(`NATS bus without tracing${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('still passes on the trace context an event was recorded in, for consumers that trace', async () => {
    h = await natsHarness(NATS_URL);
    const bus = await h.bus();
    const heard: EventDelivery[] = [];
    bus.subscribe({
      consumer: 'untraced',
      types: ['order.placed'],
      handle: (_event, delivery) => {
        heard.push(delivery!);
        return Promise.resolve();
      },
    });
    const trace = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=x',
    };
    const event: EventEnvelope = { ...anEvent('order.placed'), trace };
    await relay(bus, [event]);
    await vi.waitFor(() => expect(heard).toHaveLength(1), { timeout: 30_000, interval: 25 });
    expect(heard[0]!.headers).toEqual(trace);
  });
});
