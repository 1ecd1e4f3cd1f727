import pg from 'pg';
import type { Platform } from '@bazaar/platform';

/** Runs SQL directly in one service's database, as its owner: for tests that must see or bend what the API hides. */
export const inServiceDatabase = async <T extends pg.QueryResultRow>(
  platform: Platform,
  service: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> => {
  const url = new URL(platform.postgresUrl);
  url.pathname = `/${platform.databases[service]}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
};
