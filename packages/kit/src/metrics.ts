import { Code, ConnectError, type Interceptor } from '@connectrpc/connect';
import client from 'prom-client';

/** The process's Prometheus metrics, served at /metrics by every service process and the gateway. */
export const metrics = new client.Registry();
client.collectDefaultMetrics({ register: metrics, prefix: 'bazaar_' });

/** Latencies of a call or a request, 1 ms to 10 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

const rpcRequests = new client.Counter({
  name: 'bazaar_rpc_server_requests_total',
  help: 'Private API calls handled, by method and result code.',
  labelNames: ['service', 'method', 'code'] as const,
  registers: [metrics],
});

const rpcDuration = new client.Histogram({
  name: 'bazaar_rpc_server_duration_seconds',
  help: 'Time to handle a private API call.',
  labelNames: ['service', 'method'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metrics],
});

const codeName = (error: unknown): string => Code[ConnectError.from(error).code].toLowerCase();

/** Counts and times every private API call a process serves. */
export const rpcMetricsInterceptor: Interceptor = (next) => async (request) => {
  const labels = { service: request.service.typeName, method: request.method.name };
  const stop = rpcDuration.startTimer(labels);
  try {
    const response = await next(request);
    rpcRequests.inc({ ...labels, code: 'ok' });
    return response;
  } catch (error) {
    rpcRequests.inc({ ...labels, code: codeName(error) });
    throw error;
  } finally {
    stop();
  }
};

const httpRequests = new client.Counter({
  name: 'bazaar_http_requests_total',
  help: 'Public API requests, by route, method and status class.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [metrics],
});

const httpDuration = new client.Histogram({
  name: 'bazaar_http_request_duration_seconds',
  help: 'Time to answer a public API request.',
  labelNames: ['route', 'method'] as const,
  buckets: LATENCY_BUCKETS,
  registers: [metrics],
});

/** Records one public API request; `route` is the pattern (e.g. /v1/products/:id), never the raw URL. */
export const recordHttpRequest = (route: string, method: string, status: number, seconds: number): void => {
  httpRequests.inc({ route, method, status: `${Math.floor(status / 100)}xx` });
  httpDuration.observe({ route, method }, seconds);
};

/** A gauge read when scraped, e.g. the outbox's unpublished events. */
export const observedGauge = (name: string, help: string, read: () => Promise<number>): void => {
  if (metrics.getSingleMetric(name)) metrics.removeSingleMetric(name);
  new client.Gauge({
    name,
    help,
    registers: [metrics],
    async collect() {
      this.set(await read().catch(() => Number.NaN));
    },
  });
};

/**
 * A gauge with one label whose values are read when scraped, each with the reader registered for it;
 * registering answers the function that takes the reader away again.
 */
const readAtScrape = (name: string, help: string, label: string) => {
  const readers = new Map<string, () => Promise<number>>();
  new client.Gauge({
    name,
    help,
    labelNames: [label],
    registers: [metrics],
    async collect() {
      this.reset();
      for (const [value, read] of readers) this.set({ [label]: value }, await read().catch(() => Number.NaN));
    },
  });
  return (value: string, read: () => Promise<number>): (() => void) => {
    readers.set(value, read);
    return () => {
      if (readers.get(value) === read) readers.delete(value);
    };
  };
};

/**
 * Reports a consumer's backlog at every scrape, read with `read` (from the broker), until the returned
 * function is called (when its subscription stops).
 */
export const consumerLag = readAtScrape(
  'bazaar_consumer_pending_events',
  'Events on the bus that a consumer has not yet handled.',
  'consumer',
);

/** Reports the events a service's relay parked because a consumer kept failing on them (all-in-one). */
export const parkedEvents = readAtScrape(
  'bazaar_parked_events',
  'Events parked in a service’s dead_letters table because a consumer kept failing on them.',
  'service',
);
