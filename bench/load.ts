import autocannon, { type Options, type Result } from 'autocannon';
import { send, type RequestSpec } from './api.ts';
import { sampleRss } from './memory.ts';
import type { Load } from './scenarios.ts';

/** Drives load with autocannon, in this process, and measures what the server did with it. */

export interface LoadSettings {
  connections: number;
  /** Seconds measured. */
  duration: number;
  /** Seconds of load before, not measured. */
  warmup: number;
}

export interface Measurement {
  requests_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /** Non-2xx answers plus socket errors (timeouts included). */
  errors: number;
  non_2xx: number;
  socket_errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
  requests: number;
  duration_s: number;
  /** Peak of the summed RSS of the server's processes, sampled every 200 ms while measuring. */
  peak_rss_bytes: number;
  /**
   * When one request is a sequence of calls (see sequence.ts): what one is, what the latencies are of,
   * and the calls/s. requests_per_s then counts sequences whose last call succeeded.
   */
  sequence?: { unit: string; calls: number; timed: string; calls_per_s: number };
  /**
   * webhook-fanout (see fanout.ts): requests_per_s then counts deliveries to the healthy receivers, and
   * p50/p99 are the lag from each event's commit to its first arrival at a receiver.
   */
  fanout?: {
    unit: string;
    events: number;
    /** While they were published, from the first call to the last answer. */
    events_per_s: number;
    healthy_receivers: number;
    /** Healthy receivers × events. */
    expected: number;
    /** Distinct (receiver, webhook-id) arrivals of the events published. */
    deliveries: number;
    missing: number;
    /** Arrivals of a webhook-id the receiver already had. */
    duplicates: number;
    max_lag_ms: number;
    /** Attempts the dead receiver (accepts, never answers) saw. */
    dead_attempts: number;
  };
}

/** The p-th percentile of `sorted`, nearest rank. */
export const percentile = (sorted: number[], p: number) =>
  Math.round((sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0) * 100) / 100;

export const fire = (options: Options, signal: AbortSignal, onSecond: (requests: number) => void) =>
  new Promise<Result>((resolve, reject) => {
    const stop = () => instance.stop();
    const instance = autocannon(options, (error, result) => {
      signal.removeEventListener('abort', stop);
      if (error) reject(error);
      else resolve(result);
    });
    instance.on('tick', (tick: { counter: number }) => onSecond(tick.counter));
    signal.addEventListener('abort', stop, { once: true });
  });

/** What autocannon counted besides rates and latencies. */
export const outcomes = (result: Result) => ({
  errors: result.non2xx + result.errors,
  non_2xx: result.non2xx,
  socket_errors: result.errors,
  timeouts: result.timeouts,
  status_codes: Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
  ),
  requests: result.requests.total,
});

/** Sends each of `requests` once, `connections` at a time. */
const prime = async (
  name: string,
  url: string,
  requests: RequestSpec[],
  connections: number,
  signal: AbortSignal,
  status: (text: string) => void,
) => {
  let next = 0;
  let sent = 0;
  const worker = async () => {
    while (next < requests.length) {
      await send(url, requests[next++]!, signal);
      if (++sent % 100 === 0) status(`${name}: priming, ${sent}/${requests.length} distinct requests`);
    }
  };
  status(`${name}: priming, each of ${requests.length} distinct requests once…`);
  await Promise.all(Array.from({ length: Math.min(connections, requests.length) }, worker));
};

/**
 * Primes (each distinct request once, when the load has a fixed set), warms up, then measures; `pids`
 * are the server processes whose memory is sampled.
 */
export const measure = async (
  name: string,
  url: string,
  load: Load,
  settings: LoadSettings,
  pids: number[],
  signal: AbortSignal,
  status: (text: string) => void,
): Promise<Measurement> => {
  const options = (duration: number): Options => ({
    url,
    connections: settings.connections,
    duration,
    headers: load.headers,
    requests: load.requests,
  });
  const progress = (phase: string, total: number) => {
    let second = 0;
    status(`${name}: ${phase}…`);
    return (requests: number) => {
      // autocannon ticks once more, with nothing, as it stops.
      if (++second <= total) status(`${name}: ${phase}, ${second}/${total} s, ${requests} req/s`);
    };
  };

  if (load.distinct) await prime(name, url, load.distinct, settings.connections, signal, status);
  if (settings.warmup > 0)
    await fire(options(settings.warmup), signal, progress('warming up', settings.warmup));
  signal.throwIfAborted();
  const memory = sampleRss(pids);
  load.sequence?.reset();
  const result = await fire(options(settings.duration), signal, progress('measuring', settings.duration));
  const peak = memory.stop();
  signal.throwIfAborted();

  let counted = {
    requests_per_s: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
  };
  if (load.sequence) {
    const { passes, latencies } = load.sequence.tally();
    const sorted = latencies.toSorted((a, b) => a - b);
    counted = {
      requests_per_s: result.duration ? passes / result.duration : 0,
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
    };
  }

  return {
    ...counted,
    ...outcomes(result),
    duration_s: result.duration,
    peak_rss_bytes: peak,
    ...(load.sequence && {
      sequence: {
        unit: load.sequence.unit,
        calls: load.sequence.calls,
        timed: load.sequence.timed,
        calls_per_s: result.requests.average,
      },
    }),
  };
};
