import { afterEach, describe, expect, it } from 'vitest';
import { startTracing } from '@bazaar/kit';

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

describe('startTracing', () => {
  it('exports nothing unless an OTLP endpoint is configured', async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    const tracing = await startTracing({ serviceName: 'test' });
    expect(tracing.enabled).toBe(false);
    await tracing.shutdown();
  });

  it('honours OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none', async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
    process.env.OTEL_SDK_DISABLED = 'true';
    expect((await startTracing({ serviceName: 'test' })).enabled).toBe(false);
    delete process.env.OTEL_SDK_DISABLED;
    process.env.OTEL_TRACES_EXPORTER = 'none';
    expect((await startTracing({ serviceName: 'test' })).enabled).toBe(false);
    delete process.env.OTEL_TRACES_EXPORTER;
    const tracing = await startTracing({ serviceName: 'test' });
    expect(tracing.enabled).toBe(true);
    await tracing.shutdown();
  });
});
