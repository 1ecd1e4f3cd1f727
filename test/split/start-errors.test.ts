import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runBazaar } from '../support/process.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'bazaar-split-errors-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

it('says plainly that split needs NATS, and exits, when none is reachable', async () => {
  const run = runBazaar(['start', '--topology', 'split'], {
    BAZAAR_DATA_DIR: dataDir,
    NATS_URL: 'nats://127.0.0.1:1',
  });
  expect(await run.exited).toBe(1);
  expect(run.output()).toContain('Cannot reach NATS at nats://127.0.0.1:1');
  expect(run.output()).toContain('nats-server -js');
});

it('refuses a malformed --replicas list, naming the services', async () => {
  const run = runBazaar(['start', '--topology', 'split', '--replicas', 'catalog=two'], {
    BAZAAR_DATA_DIR: dataDir,
  });
  expect(await run.exited).toBe(1);
  expect(run.output()).toContain('--replicas takes service=count pairs');
  expect(run.output()).toContain('Services: accounts, catalog');
});

it('refuses --replicas without the split topology', async () => {
  const run = runBazaar(['start', '--replicas', 'catalog=2'], { BAZAAR_DATA_DIR: dataDir });
  expect(await run.exited).toBe(2);
  expect(run.output()).toContain('--replicas needs --topology split');
});
