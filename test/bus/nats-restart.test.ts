import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsHarness, type NatsHarness } from './nats-harness.ts';
import { anEvent, eventually, listener, relay } from './support.ts';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const missing = existsSync(NATS_SERVER)
  ? false
  : `no nats-server binary at ${NATS_SERVER}: set NATS_SERVER_BIN`;
if (missing) console.warn(`skipping the NATS restart test: ${missing}`);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const listening = (port: number) =>
  new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });

/** A NATS of this test's own, on a free port with its own store, which it may stop and start. */
const privateNats = async () => {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'bazaar-nats-'));
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: 'ignore',
    });
    await eventually(() => listening(port));
  };
  const stop = async () => {
    const running = server;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
};

describe.skipIf(missing)('NATS bus across a NATS restart', () => {
  let nats: Awaited<ReturnType<typeof privateNats>>;
  let h: NatsHarness;
  beforeAll(async () => {
    nats = await privateNats();
    await nats.start();
    h = await natsHarness(nats.url);
  });
  afterAll(async () => {
    await h?.cleanup();
    await nats?.dispose();
  });

  it('refuses to publish while NATS is down, and delivers again once it is back', async () => {
    const publisher = await h.bus({ publishTimeoutMs: 2_000 });
    const consumer = await h.bus();
    const heard = listener();
    consumer.subscribe({ consumer: 'survivor', types: ['order.placed'], handle: heard.handle });
    const before = anEvent('order.placed');
    await relay(publisher, [before]);
    await eventually(() => expect(heard.ids()).toEqual([before.id]));

    await nats.stop();
    const during = anEvent('order.placed');
    // The outbox keeps what the bus refuses.
    await expect(publisher.publish([during])).rejects.toThrow();

    await nats.start();
    const after = anEvent('order.placed');
    await relay(publisher, [during, after]);
    await eventually(() => expect(heard.ids().sort()).toEqual([before.id, during.id, after.id].sort()));
  });
});
