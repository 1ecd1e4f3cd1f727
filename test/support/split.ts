import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { freePort } from './global-setup.ts';
import { startPrivateNats, type PrivateNats } from './nats.ts';
import type { Json, Response } from './platform.ts';
import { BAZAAR, runBazaar, type Run } from './process.ts';

export interface ProcessRow {
  service: string;
  replica: number;
  pid: number | null;
  port: number;
  ops_port: number;
  state: string;
  restarts: number;
}

export interface SplitPlatform {
  url: string;
  run: Run;
  nats: PrivateNats;
  tenantId: string;
  secret: string;
  publishable: string;
  call: (method: string, path: string, key?: string, body?: unknown) => Promise<Response<Json>>;
  /** `bazaar ps --json`, as a user runs it. */
  ps(): ProcessRow[];
  pidOf(service: string, replica?: number): number;
  /** Resolves once the replica runs again under a new pid (or the same state, `restarts` higher). */
  waitRunning(service: string, replica?: number, timeoutMs?: number): Promise<ProcessRow>;
  stop(): Promise<void>;
}

/** `bazaar start --topology split` as a user runs it, on the test run's PostgreSQL and its own NATS. */
export const startSplit = async (replicas: string): Promise<SplitPlatform> => {
  const nats = await startPrivateNats();
  const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-split-'));
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const env = {
    BAZAAR_DATA_DIR: dataDir,
    DATABASE_URL: inject('postgresUrl'),
    BAZAAR_DB_PREFIX: `s${randomBytes(4).toString('hex')}_`,
    NATS_URL: nats.url,
    PORT: String(port),
    BAZAAR_DEMO_PRODUCTS: '10',
    LOG_LEVEL: 'warn',
    // A checkout cut off by a killed orders process is resumed after its lease: shorter than the
    // default so the tests need not wait half a minute.
    ORDERS_SAGA_LEASE_MS: '5000',
    // Webhook receivers in the tests listen on 127.0.0.1 over plain HTTP.
    BAZAAR_WEBHOOKS_ALLOW_PRIVATE: '1',
    WEBHOOKS_RETRY_SCHEDULE: '0,0.2,0.2,0.5,1',
  };
  const run = runBazaar(['start', '--topology', 'split', '--replicas', replicas], env);
  await run.waitFor(/is running \(split\)/, 300_000);
  const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as {
    demo: { tenant_id: string; secret_key: string; publishable_key: string };
  };
  const url = `http://127.0.0.1:${port}`;
  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  const ps = (): ProcessRow[] => {
    const result = spawnSync(process.execPath, [BAZAAR, 'ps', '--json'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`bazaar ps failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as ProcessRow[];
  };
  const row = (service: string, replica = 1) => {
    const found = ps().find((p) => p.service === service && p.replica === replica);
    if (!found) throw new Error(`no ${service}#${replica} in bazaar ps`);
    return found;
  };
  return {
    url,
    run,
    nats,
    tenantId: credentials.demo.tenant_id,
    secret: credentials.demo.secret_key,
    publishable: credentials.demo.publishable_key,
    call,
    ps,
    pidOf: (service, replica = 1) => {
      const pid = row(service, replica).pid;
      if (pid === null) throw new Error(`${service}#${replica} has no process`);
      return pid;
    },
    waitRunning: async (service, replica = 1, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const current = row(service, replica);
        if (current.state === 'running') return current;
        if (Date.now() > deadline) throw new Error(`${service}#${replica} is ${current.state}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    stop: async () => {
      run.child.kill('SIGTERM');
      await run.exited;
      await nats.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
