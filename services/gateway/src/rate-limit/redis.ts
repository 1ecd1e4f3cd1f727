import { Redis } from 'ioredis';
import { decide, intervals, type Decision, type Limit } from './gcra.ts';

/**
 * GCRA in one atomic script, on Redis's clock, so every gateway replica shares one limit per key
 * whatever their clocks say. Answers how far the TAT is ahead of now counting this request; the TAT
 * moves only when the request is admitted.
 */
const SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = now
local stored = redis.call('GET', KEYS[1])
if stored then
  tat = math.max(tonumber(stored), now)
end
local ahead = tat + interval - now
if ahead <= tolerance then
  redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(ahead) + 1)
end
return tostring(ahead)
`;

export interface RedisStoreOptions {
  url: string;
  /** Prepended to every key, so several platforms (or test runs) can share one Redis. */
  prefix: string;
  /** A command slower than this fails (and the request is served). */
  timeoutMs?: number;
  onError: (error: Error) => void;
}

type Scripted = Redis & {
  gcra(key: string, interval: string, tolerance: string): Promise<string>;
};

export const createRedisStore = ({ url, prefix, timeoutMs = 500, onError }: RedisStoreOptions) => {
  const redis = new Redis(url, {
    // Fail at once while disconnected instead of queueing: the caller fails open.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 5_000),
  }) as Scripted;
  redis.defineCommand('gcra', { numberOfKeys: 1, lua: SCRIPT });
  redis.on('error', onError);
  // Requests wait for the first connection attempt (and only for it) instead of failing open while a
  // healthy Redis is still being dialled.
  const firstAttempt = new Promise<void>((resolve) => {
    redis.once('ready', resolve);
    redis.once('error', () => resolve());
    redis.once('end', resolve);
  });
  return {
    take: async (key: string, limit: Limit): Promise<Decision> => {
      if (redis.status !== 'ready') await firstAttempt;
      const { interval, tolerance } = intervals(limit);
      const ahead = Number(await redis.gcra(`${prefix}${key}`, String(interval), String(tolerance)));
      return decide(limit, ahead);
    },
    close: async () => {
      redis.disconnect();
      return Promise.resolve();
    },
  };
};
