import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createLogger } from '@bazaar/kit';
import { loadConfig, startAllInOne, type Platform, type PlatformConfig } from '@bazaar/platform';

export interface Response<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export type Json = any;

export interface TestPlatform {
  platform: Platform;
  url: string;
  /** Calls the public API with `key` (or none). */
  call: (method: string, path: string, key?: string, body?: unknown) => Promise<Response<Json>>;
  /** A fresh tenant with its keys. */
  tenant: (name?: string) => Promise<{ id: string; secret: string; publishable: string }>;
  stop: () => Promise<void>;
  /** Stops the platform and starts it again on the same databases, as a new start of the same data. */
  restart: () => Promise<TestPlatform>;
}

/** The whole platform, all-in-one, on the test run's PostgreSQL with databases of its own. */
export const startTestPlatform = async (): Promise<TestPlatform> => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-platform-'));
  await chmod(dataDir, 0o755);
  return startOn({
    ...loadConfig({}),
    port: 0,
    dataDir,
    databaseUrl: inject('postgresUrl'),
    databasePrefix: `t${randomBytes(4).toString('hex')}_`,
  });
};

const startOn = async (config: PlatformConfig): Promise<TestPlatform> => {
  const platform = await startAllInOne(config, createLogger({ level: 'silent' }));
  const call = async (method: string, path: string, key?: string, body?: unknown) => {
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  return {
    platform,
    url: platform.url,
    call,
    tenant: async (name = 'Test Shop') => {
      const created = await platform.accounts.createTenant({ name });
      return {
        id: created.tenant!.id,
        secret: created.secretKeyValue,
        publishable: created.publishableKeyValue,
      };
    },
    stop: () => platform.stop(),
    restart: async () => {
      await platform.stop();
      return startOn(config);
    },
  };
};

/** Counts the internal calls made through the platform's clients until `restore` is called. */
export const countCalls = (t: TestPlatform) => {
  const calls: string[] = [];
  const clients = t.platform.clients as unknown as Record<
    string,
    Record<string, (...a: unknown[]) => unknown>
  >;
  const undo: (() => void)[] = [];
  for (const [service, client] of Object.entries(clients)) {
    for (const [method, call] of Object.entries(client)) {
      client[method] = (...args: unknown[]) => {
        calls.push(`${service}.${method}`);
        return call(...args);
      };
      undo.push(() => (client[method] = call));
    }
  }
  return { calls, restore: () => undo.forEach((u) => u()) };
};
