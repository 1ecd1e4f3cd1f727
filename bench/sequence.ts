import { performance } from 'node:perf_hooks';
import type { Request } from 'autocannon';

/**
 * A scenario whose one "request" is several calls, each using what the earlier ones answered (a cart
 * id, say). autocannon loops every connection over the calls in order and hands each answer to the
 * call's `onResponse`, with a context it starts afresh for every pass; it counts and times each call
 * on its own. This counts passes whose last call succeeded, and times a chosen part of the pass.
 */

/** What the calls of one pass keep for the later ones, e.g. the cart id. */
export type Context = Record<string, unknown>;

export interface Step {
  /** The path and JSON body of its POST, made from what earlier calls kept. */
  post: (context: Context) => { path: string; body: unknown; headers?: Record<string, string> };
  /** Sees its answer, whatever the status; keeps what later calls need. Must not throw. */
  answered?: (status: number, body: string, context: Context) => void;
}

export interface Sequence {
  /** autocannon's request sequence. */
  requests: Request[];
  /** What one counted request is, e.g. "create + add line". */
  unit: string;
  /** Calls in one. */
  calls: number;
  /** What the latencies are of, e.g. "the pair". */
  timed: string;
  /** Counts afresh: before each phase (warm-up, measurement). */
  reset: () => void;
  /** Since the reset: passes whose last call answered 2xx, and the latencies (ms) of what is timed. */
  tally: () => { passes: number; latencies: number[] };
}

/** Context keys of this module: the index of the pass's last call that answered 2xx, and when timing began. */
const DONE = '_sequence_done';
const STARTED = '_sequence_started';

/**
 * `steps` as one request, counted as `unit`. Times the pass from the start of step `from` to the
 * answer of step `to` (default: all of it), described by `timed`. A call whose predecessor failed,
 * timed out or was cut off is not sent: the pass starts over.
 */
export const sequence = (
  steps: Step[],
  {
    unit,
    timed,
    from = 0,
    to = steps.length - 1,
  }: { unit: string; timed: string; from?: number; to?: number },
): Sequence => {
  let passes = 0;
  let latencies: number[] = [];
  const last = steps.length - 1;
  const requests = steps.map((step, index): Request => ({
    method: 'POST',
    setupRequest: (request, context) => {
      // Returning nothing makes autocannon start the pass over (not allowed for the first call).
      if (index > 0 && context[DONE] !== index - 1) return undefined;
      const { path, body, headers } = step.post(context);
      if (index === from) context[STARTED] = performance.now();
      return {
        ...request,
        path,
        body: JSON.stringify(body),
        headers: { ...request.headers, 'content-type': 'application/json', ...headers },
      };
    },
    onResponse: (status, body, context) => {
      const now = performance.now();
      step.answered?.(status, body, context);
      if (status < 200 || status >= 300) return;
      context[DONE] = index;
      if (index === to) latencies.push(now - (context[STARTED] as number));
      if (index === last) passes++;
    },
  }));
  return {
    requests,
    unit,
    calls: steps.length,
    timed,
    reset: () => {
      passes = 0;
      latencies = [];
    },
    tally: () => ({ passes, latencies }),
  };
};

/** The `id` of a JSON answer, if it has one. */
export const idOf = (body: string): string | undefined => {
  try {
    const id = (JSON.parse(body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};
