import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const BAZAAR = fileURLToPath(new URL('../../platform/bin/bazaar.js', import.meta.url));

/** The OpenAPI document as `bazaar openapi` prints it: from the route schemas, no database needed. */
export const currentOpenApiDocument = async (): Promise<Record<string, unknown>> => {
  const { stdout } = await promisify(execFile)(process.execPath, [BAZAAR, 'openapi'], {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
};
