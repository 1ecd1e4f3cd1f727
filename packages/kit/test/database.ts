import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { databaseUrl, ensureDatabase, openDatabase, type Database } from '../src/index.ts';

/** A new, empty database on the test run's PostgreSQL. */
export const freshDatabase = async <DB = Record<string, never>>(max = 5): Promise<Database<DB>> => {
  const url = databaseUrl(inject('postgresUrl'), `kit_${randomBytes(5).toString('hex')}`);
  await ensureDatabase(url);
  return openDatabase<DB>({ url, max });
};
