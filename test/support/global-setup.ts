import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '@bazaar/kit';
import { startEmbeddedPostgres } from '@bazaar/platform';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

export const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** One real PostgreSQL (the embedded one, as users get it) for the whole run; each test makes its own databases. */
export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(join(tmpdir(), 'bazaar-test-'));
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres(dataDir, await freePort(), createLogger({ level: 'warn' }));
  project.provide('postgresUrl', postgres.url);
  return async () => {
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
