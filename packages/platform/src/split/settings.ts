import { Settings } from '@bazaar/kit';
import { SERVICE_NAMES, type ServiceName } from '../config.ts';

export interface SplitSettings {
  natsUrl: string;
  /** Names the NATS streams and subjects, so several platforms can share one NATS server. */
  natsPrefix: string;
  /** A service process's private API port (HTTP/2: Connect, gRPC, gRPC-Web). */
  rpcPort: number;
  /** A service process's probe and metrics port (HTTP/1.1). */
  opsPort: number;
  /** Each service's replicas: `<SERVICE>_URL`, comma-separated. */
  serviceUrls: Record<Exclude<ServiceName, 'gateway'>, string[]>;
  /** Shared gateway counters (rate limits) across gateway replicas. */
  redisUrl: string | undefined;
  /** Deadline of private API calls that change something, and of those that only read. */
  deadlineMs: number;
  readDeadlineMs: number;
}

export const DEFAULT_RPC_PORT = 50051;

export const loadSplitSettings = (env: Record<string, string | undefined> = process.env): SplitSettings => {
  const s = new Settings(env);
  const urls = (name: string): string[] =>
    (env[`${name.toUpperCase()}_URL`] ?? `http://${name}:${DEFAULT_RPC_PORT}`)
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
  return {
    natsUrl: s.string('NATS_URL', 'nats://127.0.0.1:4222'),
    natsPrefix: s.string('BAZAAR_NATS_PREFIX', 'bazaar'),
    rpcPort: s.int('RPC_PORT', DEFAULT_RPC_PORT, { min: 0, max: 65535 }),
    opsPort: s.int('OPS_PORT', 9090, { min: 0, max: 65535 }),
    serviceUrls: Object.fromEntries(
      SERVICE_NAMES.filter((n) => n !== 'gateway').map((name) => [name, urls(name)]),
    ) as SplitSettings['serviceUrls'],
    redisUrl: s.url('REDIS_URL', ['redis:', 'rediss:']),
    deadlineMs: s.int('RPC_DEADLINE_MS', 15_000, { min: 100, max: 600_000 }),
    readDeadlineMs: s.int('RPC_READ_DEADLINE_MS', 3_000, { min: 50, max: 600_000 }),
  };
};
