import { createConnection } from 'node:net';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether something accepts a connection at `url`'s host and port within a second. */
export const reachable = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const socket = createConnection({ host: hostname, port: Number(port) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });

/**
 * Tests of the split topology need a real NATS (and Redis for shared limits). Without one they are
 * skipped with the reason, except in CI, where .ci/run starts them and a missing server is a failure:
 * the test then runs and fails on the connection.
 */
const missing = async (name: string, url: string, variable: string): Promise<string | false> =>
  process.env.CI === 'true' || (await reachable(url))
    ? false
    : `no ${name} at ${url}: start one, or set ${variable}`;

export const natsMissing = (): Promise<string | false> => missing('NATS server', NATS_URL, 'NATS_URL');
export const redisMissing = (): Promise<string | false> => missing('Redis server', REDIS_URL, 'REDIS_URL');
