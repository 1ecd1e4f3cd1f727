import type { Logger } from '@bazaar/kit';
import type { Decision, Limit } from './gcra.ts';
import { createMemoryStore } from './memory.ts';
import { createRedisStore } from './redis.ts';

export interface Limiter {
  readonly store: 'memory' | 'redis';
  /**
   * Counts one request of `key`; undefined when the store failed and the request goes through. The
   * memory store answers synchronously, Redis with a promise.
   */
  take(key: string, limit: Limit): Decision | undefined | Promise<Decision | undefined>;
  /** Requests served without a decision because Redis failed (for the metrics). */
  readonly failOpenCount: number;
  close(): Promise<void>;
}

export interface LimiterOptions {
  /** Share the limits through this Redis; without it they live in this process. */
  redisUrl?: string;
  prefix?: string;
  log: Logger;
  timeoutMs?: number;
}

const WARN_EVERY_MS = 10_000;

/**
 * Per-key limits. With Redis, every gateway replica enforces one limit; when Redis is unreachable or
 * errs, requests are served (fail open), counted and warned about at most every ten seconds: a broken
 * Redis must never take the whole API down.
 */
export const createLimiter = ({
  redisUrl,
  prefix = 'bazaar:ratelimit:',
  log,
  timeoutMs,
}: LimiterOptions): Limiter => {
  if (!redisUrl) {
    const memory = createMemoryStore();
    return {
      store: 'memory',
      take: (key, limit) => memory.take(key, limit),
      failOpenCount: 0,
      close: () => Promise.resolve(),
    };
  }
  let failOpen = 0;
  let suppressed = 0;
  let lastWarning = -Infinity;
  const warn = (error: Error) => {
    const now = Date.now();
    if (now - lastWarning < WARN_EVERY_MS) {
      suppressed++;
      return;
    }
    log.warn(
      { err: error.message, suppressed, failOpenCount: failOpen },
      'rate limits: Redis failed; serving requests without a limit',
    );
    lastWarning = now;
    suppressed = 0;
  };
  const redis = createRedisStore({ url: redisUrl, prefix, timeoutMs, onError: warn });
  return {
    store: 'redis',
    take: async (key, limit) => {
      try {
        return await redis.take(key, limit);
      } catch (error) {
        failOpen++;
        warn(error as Error);
        return undefined;
      }
    },
    get failOpenCount() {
      return failOpen;
    },
    close: () => redis.close(),
  };
};
