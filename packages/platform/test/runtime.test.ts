import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startedAt } from '../src/processes.ts';
import { findRunning } from '../src/runtime.ts';

// runtime.json names the platform running on a data directory by its pid and when it started: after a
// reboot or a container restart the pid may belong to another process, even another node.

let dataDir: string;
let other: ChildProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bazaar-runtime-'));
  other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
  await new Promise((resolve) => other.once('spawn', resolve));
});
afterAll(async () => {
  other.kill();
  await rm(dataDir, { recursive: true, force: true });
});

const written = (info: Record<string, unknown>) =>
  writeFile(
    join(dataDir, 'runtime.json'),
    JSON.stringify({ postgres_url: 'postgres://x', gateway_url: 'http://127.0.0.1:1', ...info }),
  );

it('finds the process that wrote the file while it runs', async () => {
  await written({ pid: other.pid, started: startedAt(other.pid!) });
  expect(findRunning(dataDir)?.pid).toBe(other.pid);
});

it('ignores a file whose pid went to another process since', async () => {
  const started = startedAt(other.pid!)!;
  await written({ pid: other.pid, started: String(Number(started) - 100) });
  expect(findRunning(dataDir)).toBeUndefined();
});

it('ignores a file whose process is gone', async () => {
  const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => gone.once('exit', resolve));
  await written({ pid: gone.pid, started: '1' });
  expect(findRunning(dataDir)).toBeUndefined();
});
