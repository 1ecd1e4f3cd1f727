import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@bazaar/kit';
import { postgresIds, startEmbeddedPostgres, type RunningPostgres } from '../src/postgres.ts';
import { portPicker } from '../src/split/ports.ts';

const log = createLogger({ level: 'silent' });

const answers = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0]?.one;
  } finally {
    await client.end();
  }
};

describe('the embedded PostgreSQL', () => {
  let dataDir: string;
  let port: number;
  let running: RunningPostgres | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bazaar-pg-'));
    // Run as root, PostgreSQL runs as its own user, which must reach the directory.
    await chmod(dataDir, 0o755);
    port = await portPicker()();
  });
  afterAll(async () => {
    await running?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is reached over a Unix socket in its data directory', async () => {
    running = await startEmbeddedPostgres(dataDir, port, log);
    expect(new URL(running.url).searchParams.get('host')).toBe(join(dataDir, 'pg'));
    expect(await answers(running.url)).toBe(1);
    await running.stop();
    running = undefined;
  });

  it('starts after a crash left lock files naming a process that is alive but not its server', async () => {
    running = await startEmbeddedPostgres(dataDir, port, log);
    await running.stop();
    running = undefined;
    // After a reboot or a container restart, the pids a killed server wrote down are reused, here by
    // a process of the server's own user (the one whose pids it cannot tell from its own).
    const other = spawn('sleep', ['60'], { ...(await postgresIds()), stdio: 'ignore' });
    try {
      const pg = join(dataDir, 'pg');
      await writeFile(join(pg, 'postmaster.pid'), `${other.pid}\n${pg}\n`);
      await writeFile(join(pg, `.s.PGSQL.${port}.lock`), `${other.pid}\n${pg}\n`);
      running = await startEmbeddedPostgres(dataDir, port, log);
      expect(await answers(running.url)).toBe(1);
      expect(new URL(running.url).searchParams.get('host')).toBe(pg);
      await running.stop();
      running = undefined;
    } finally {
      other.kill();
    }
  });

  it('uses TCP alone when no socket can be made in its data directory', async () => {
    // Something in the socket's place, as a mount that cannot hold sockets refuses one.
    await mkdir(join(dataDir, 'pg', `.s.PGSQL.${port}`));
    running = await startEmbeddedPostgres(dataDir, port, log);
    expect(new URL(running.url).searchParams.get('host')).toBeNull();
    expect(await answers(running.url)).toBe(1);
  });
});
