/**
 * GCRA (the generic cell rate algorithm): one number per key, the theoretical arrival time (TAT) of
 * the next request. A key may make `burst` requests at once and then `rate` per second; a request is
 * admitted when, counting it, the TAT stays within `burst` emission intervals of now.
 */

/** What the limiter decided for one request. Times are in milliseconds. */
export interface Decision {
  allowed: boolean;
  /** Requests that may follow at once. */
  remaining: number;
  /** Until the key's whole burst is available again. */
  resetMs: number;
  /** Until a refused request would be admitted; 0 when admitted. */
  retryAfterMs: number;
}

export interface Limit {
  /** Requests per second. */
  rate: number;
  burst: number;
}

/** The emission interval and the burst tolerance of a limit, in milliseconds. */
export const intervals = ({ rate, burst }: Limit) => {
  const interval = 1000 / rate;
  return { interval, tolerance: interval * burst };
};

/**
 * A decision from `ahead`, how far the TAT would be ahead of now counting this request (both
 * stores compute it: memory here, Redis in its script).
 */
export const decide = (limit: Limit, ahead: number): Decision => {
  const { interval, tolerance } = intervals(limit);
  if (ahead > tolerance) {
    return { allowed: false, remaining: 0, resetMs: ahead - interval, retryAfterMs: ahead - tolerance };
  }
  // The epsilon keeps floating-point dust from costing a whole request.
  const remaining = Math.max(0, Math.floor((tolerance - ahead) / interval + 1e-9));
  return { allowed: true, remaining, resetMs: ahead, retryAfterMs: 0 };
};

/** One step of GCRA: the decision and the TAT to keep (unchanged when refused). */
export const gcra = (limit: Limit, tat: number | undefined, now: number) => {
  const { interval, tolerance } = intervals(limit);
  const base = Math.max(tat ?? now, now);
  const ahead = base + interval - now;
  const decision = decide(limit, ahead);
  return { decision, tat: ahead > tolerance ? base : base + interval };
};
