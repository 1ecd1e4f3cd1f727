import { execFile } from 'node:child_process';
import { readFile, stat, utimes } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BAZAAR = fileURLToPath(new URL('../../packages/platform/bin/bazaar.js', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../packages/platform/dist/bazaar.js', import.meta.url));
const SOURCE = fileURLToPath(new URL('../../packages/platform/src/version.ts', import.meta.url));
const { version } = JSON.parse(
  await readFile(new URL('../../packages/platform/package.json', import.meta.url), 'utf8'),
) as { version: string };

const bazaar = async (env: Record<string, string> = {}) =>
  (await run(process.execPath, [BAZAAR, '--version'], { env: { ...process.env, ...env } })).stdout.trim();

describe('the compiled bazaar command', () => {
  it('is rebuilt when a source is newer than it, and runs', async () => {
    expect(await bazaar()).toBe(version);
    const built = (await stat(COMPILED)).mtimeMs;
    // A source edited after the build (its content unchanged here).
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = new Date();
    await utimes(SOURCE, now, now);
    expect(await bazaar()).toBe(version);
    expect((await stat(COMPILED)).mtimeMs).toBeGreaterThan(built);
    const compiled = await readFile(COMPILED, 'utf8');
    // Our sources are in it, each still finding files beside it; third-party packages are not.
    const accounts = pathToFileURL(
      fileURLToPath(new URL('../../services/accounts/src/index.ts', import.meta.url)),
    );
    expect(compiled).toContain(`new URL("../migrations/", "${accounts.href}")`);
    expect(compiled).toMatch(/from "fastify"/);
  });

  it('runs the sources through tsx when asked to', async () => {
    expect(await bazaar({ BAZAAR_RUN_SOURCES: '1' })).toBe(version);
  });
});
