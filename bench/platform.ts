import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from '../packages/platform/bin/node-flags.js';

/** The platform under test, run as a user runs it: `bazaar start` in a child process. */

const BAZAAR = fileURLToPath(new URL('../packages/platform/bin/bazaar.js', import.meta.url));
const READY = 'Press Ctrl-C to stop.';
const TAIL_LINES = 30;

export interface PlatformOptions {
  dataDir: string;
  port: number;
  pgPort: number;
  products: number;
  topology: 'all-in-one' | 'split';
  /** Where the platform's process writes a CPU profile when it stops, if anywhere. */
  cpuProf?: string;
  /** Everything the platform prints is appended here. */
  logFile: string;
  onSeedProgress?: (done: number, total: number) => void;
}

export interface Ready {
  url: string;
  /** The platform's Node process (from runtime.json). */
  pid: number;
  secretKey: string;
  publishableKey: string;
  /** From spawn until the ready line. */
  startMs: number;
}

export interface Platform {
  ready: Promise<Ready>;
  /** Stops it with SIGINT, as Ctrl-C does, and waits for it to exit. Safe to call again. */
  stop: () => Promise<void>;
  /** Why it stopped, when it stopped without being asked to. */
  died: () => string | undefined;
}

/** The environment minus settings of ours that would change what runs (another database, say). */
const inheritedEnv = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !name.startsWith('BAZAAR_') &&
        !name.startsWith('WEBHOOKS_') &&
        !name.endsWith('DATABASE_URL') &&
        name !== 'HOST',
    ),
  );

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A platform killed before it could stop leaves its PostgreSQL running (it runs in its own process
 * group); stop that one too, so the data directory can be removed.
 */
const stopLeftoverPostgres = async (dataDir: string) => {
  const lock = await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number(lock.split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
};

export const startPlatform = (options: PlatformOptions): Platform => {
  const began = performance.now();
  const args = options.topology === 'split' ? ['start', '--topology', 'split'] : ['start'];
  const profile = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProf}`] : [];
  const child = spawn(process.execPath, [...NODE_FLAGS, ...profile, BAZAAR, ...args], {
    env: {
      ...inheritedEnv(),
      BAZAAR_DATA_DIR: options.dataDir,
      HOST: '127.0.0.1',
      PORT: String(options.port),
      BAZAAR_PG_PORT: String(options.pgPort),
      BAZAAR_DEMO_PRODUCTS: String(options.products),
      // webhook-fanout's receivers listen on 127.0.0.1 over plain http, refused without it.
      BAZAAR_WEBHOOKS_ALLOW_PRIVATE: '1',
      // Its own streams on a shared NATS server, named after the data directory's random part.
      BAZAAR_NATS_PREFIX: `bench_${options.dataDir.replace(/[^A-Za-z0-9]/g, '').slice(-12)}`,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a Ctrl-C in the terminal reaches only the runner, which then stops the
    // platform with one SIGINT (a second one would make it exit without stopping PostgreSQL).
    detached: true,
  });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let exit: string | undefined;
  let stopping: Promise<void> | undefined;
  // 'close' comes after the last output; 'error' alone when it could not be started.
  const exited = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve((exit = error.message)));
    child.once('close', (code, signal) =>
      resolve((exit = signal ? `killed by ${signal}` : `exit code ${code}`)),
    );
  });
  const done = exited.then(() => new Promise<void>((resolve) => log.end(resolve)));

  const tail: string[] = [];
  const lastOutput = () =>
    `Its last output:\n  ${tail.join('\n  ')}\nAll of it is in ${options.logFile}; ` +
    `PostgreSQL's log is ${join(options.dataDir, 'postgres.log')}.`;
  let secretKey = '';
  let publishableKey = '';
  const ready = new Promise<Ready>((resolve, reject) => {
    const onLine = (line: string) => {
      log.write(`${line}\n`);
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      const seeded = /^\s*(\d+)\/(\d+) products/.exec(line);
      if (seeded) options.onSeedProgress?.(Number(seeded[1]), Number(seeded[2]));
      secretKey = /secret key:\s+(sk_\S+)/.exec(line)?.[1] ?? secretKey;
      publishableKey = /publishable key:\s+(pk_\S+)/.exec(line)?.[1] ?? publishableKey;
      if (line.trim() !== READY) return;
      const startMs = performance.now() - began;
      if (!secretKey || !publishableKey) {
        reject(
          new Error(
            `The platform did not print the demo tenant's keys. Its output is in ${options.logFile}.`,
          ),
        );
        return;
      }
      readFile(join(options.dataDir, 'runtime.json'), 'utf8')
        .then((text) => (JSON.parse(text) as { pid: number }).pid)
        .catch(() => child.pid ?? 0)
        .then((pid) =>
          resolve({ url: `http://127.0.0.1:${options.port}`, pid, secretKey, publishableKey, startMs }),
        )
        .catch(reject);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    void exited.then((how) =>
      reject(new Error(`The platform stopped (${how}) before it was ready. ${lastOutput()}`)),
    );
  });
  ready.catch(() => undefined); // the caller gets the rejection from `ready`; stop() must not throw it

  const stop = () =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGINT');
        const slow = setTimeout(
          () =>
            process.stdout.write(
              `\nThe platform (pid ${child.pid}) is still stopping; waiting. Ctrl-C again quits without waiting.\n`,
            ),
          30_000,
        );
        await done;
        clearTimeout(slow);
      } else {
        await done;
      }
      await stopLeftoverPostgres(options.dataDir);
    })());

  const died = () =>
    exit !== undefined && !stopping
      ? `The platform stopped (${exit}) while it was measured. ${lastOutput()}`
      : undefined;

  return { ready, stop, died };
};
