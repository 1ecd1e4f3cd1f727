import autocannon, { type Options, type Result } from 'autocannon';
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
}

const fire = (options: Options, signal: AbortSignal, onSecond: (requests: number) => void) =>
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

/** Warms up, then measures; `pids` are the server processes whose memory is sampled. */
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

  if (settings.warmup > 0)
    await fire(options(settings.warmup), signal, progress('warming up', settings.warmup));
  signal.throwIfAborted();
  const memory = sampleRss(pids);
  const result = await fire(options(settings.duration), signal, progress('measuring', settings.duration));
  const peak = memory.stop();
  signal.throwIfAborted();

  return {
    requests_per_s: result.requests.average,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.non2xx + result.errors,
    non_2xx: result.non2xx,
    socket_errors: result.errors,
    timeouts: result.timeouts,
    status_codes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]),
    ),
    requests: result.requests.total,
    duration_s: result.duration,
    peak_rss_bytes: peak,
  };
};
