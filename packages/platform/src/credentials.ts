import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What the platform hands its local operator: the operator key and the demo tenant's keys. Kept in
 * the data directory, readable by its owner only, so `npm start` can show them again.
 */
export interface Credentials {
  operator_key?: string;
  demo?: {
    tenant_id: string;
    name: string;
    secret_key: string;
    publishable_key: string;
    /** The demo account's test tenant and its keys (absent for a demo made before test mode). */
    test_tenant_id?: string;
    test_secret_key?: string;
    test_publishable_key?: string;
    /** How many demo products are in; seeding resumes from here. */
    seeded_products: number;
    seeded: boolean;
    /** Stock is received page by page; this is the last page done. */
    stock_cursor?: string;
    stocked?: boolean;
  };
}

const file = (dataDir: string) => join(dataDir, 'credentials.json');

export const readCredentials = async (dataDir: string): Promise<Credentials> =>
  existsSync(file(dataDir)) ? (JSON.parse(await readFile(file(dataDir), 'utf8')) as Credentials) : {};

export const writeCredentials = async (dataDir: string, credentials: Credentials): Promise<void> => {
  await mkdir(dataDir, { recursive: true });
  const temp = `${file(dataDir)}.tmp`;
  await writeFile(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file(dataDir));
};
