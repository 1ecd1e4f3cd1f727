import { databaseUrl, ensureDatabase, migrate, openDatabase, type Database, type Logger } from '@bazaar/kit';
import type { PlatformConfig, ServiceName } from './config.ts';
import { startEmbeddedPostgres, type RunningPostgres } from './postgres.ts';

export interface ServiceDatabaseSpec {
  name: ServiceName;
  migrations: URL;
}

/** The PostgreSQL to use: the configured server, or the embedded one. */
export const startPostgres = async (config: PlatformConfig, log: Logger): Promise<RunningPostgres> =>
  config.databaseUrl
    ? { url: config.databaseUrl, stop: () => Promise.resolve(), kill: () => undefined }
    : startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, log);

/** Each service's own database, created if missing and migrated. */
export const openServiceDatabase = async <DB>(
  serverUrl: string,
  config: PlatformConfig,
  spec: ServiceDatabaseSpec,
  log: Logger,
): Promise<Database<DB>> => {
  const url =
    config.serviceDatabaseUrls[spec.name] ?? databaseUrl(serverUrl, `${config.databasePrefix}${spec.name}`);
  await ensureDatabase(url);
  const db = openDatabase<DB>({ url, max: 10 });
  try {
    await migrate(db.pool, spec, log);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
};
