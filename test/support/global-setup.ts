import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '@bazaar/kit';
import { portPicker, startEmbeddedPostgres } from '@bazaar/platform';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * A port for a server a test starts in another process, free now. Not from `listen(0)`: a port of the
 * ephemeral range may be taken by some outgoing connection before the server binds it.
 */
export const freePort = portPicker();

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
