import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createLogger } from '@bazaar/kit';
import { loadConfig, startAllInOne, type Platform } from '@bazaar/platform';

/** Starts the whole platform on databases of its own, and again on the same ones after a stop. */
export const restartablePlatform = async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-restart-'));
  await chmod(dataDir, 0o755);
  const config = {
    ...loadConfig({}),
    port: 0,
    dataDir,
    databaseUrl: inject('postgresUrl'),
    databasePrefix: `t${randomBytes(4).toString('hex')}_`,
  };
  return (): Promise<Platform> => startAllInOne(config, createLogger({ level: 'silent' }));
};

export const call = async (url: string, method: string, path: string, key: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as any };
};
