import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './global-setup.ts';
import { reachable } from './infrastructure.ts';

export const NATS_SERVER = process.env.NATS_SERVER_PATH ?? '/usr/sbin/nats-server';

/**
 * The split topology's tests run their own NATS server, so they can stop and restart it without
 * disturbing anything else. Without the binary they are skipped with the reason, except in CI.
 */
export const natsServerMissing = (): string | false =>
  existsSync(NATS_SERVER) || process.env.CI === 'true'
    ? false
    : `no nats-server at ${NATS_SERVER}: install it (apt-get install nats-server) or set NATS_SERVER_PATH`;

export interface PrivateNats {
  url: string;
  /** Kills the server (SIGKILL); its data stays for the next start. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  dispose(): Promise<void>;
}

/** Waits until something answers at `url`. */
const waitUntilReachable = async (url: string, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await reachable(url))) {
    if (Date.now() > deadline) throw new Error(`nothing answers at ${url}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** A NATS server with JetStream of the test's own, on a free port, its data kept across restarts. */
export const startPrivateNats = async (): Promise<PrivateNats> => {
  const port = await freePort();
  const url = `nats://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'bazaar-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
      stdio: 'ignore',
    });
    await waitUntilReachable(url);
  };
  await start();
  const stop = async () => {
    const current = child;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
};
