import { resolve } from 'node:path';
import { Settings } from '@bazaar/kit';

export const SERVICE_NAMES = [
  'accounts',
  'catalog',
  'inventory',
  'payments',
  'cart',
  'orders',
  'webhooks',
  'gateway',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface PlatformConfig {
  host: string;
  port: number;
  dataDir: string;
  /** A PostgreSQL server to use instead of the embedded one. */
  databaseUrl: string | undefined;
  /** Per-service database URLs that override the one made from `databaseUrl`. */
  serviceDatabaseUrls: Partial<Record<ServiceName, string>>;
  databasePrefix: string;
  embeddedPostgresPort: number;
  logLevel: string;
  prettyLogs: boolean;
  seed: boolean;
  demoProducts: number;
}

/** Reads the platform's settings from the environment; a bad one throws a ConfigError naming it. */
export const loadConfig = (env: Record<string, string | undefined> = process.env): PlatformConfig => {
  const s = new Settings(env);
  const postgres = ['postgres:', 'postgresql:'];
  return {
    host: s.string('HOST', '127.0.0.1'),
    port: s.int('PORT', 8080, { min: 0, max: 65535 }),
    dataDir: resolve(s.string('BAZAAR_DATA_DIR', '.bazaar')),
    databaseUrl: s.url('DATABASE_URL', postgres),
    serviceDatabaseUrls: Object.fromEntries(
      SERVICE_NAMES.flatMap((name) => {
        const url = s.url(`${name.toUpperCase()}_DATABASE_URL`, postgres);
        return url ? [[name, url] as const] : [];
      }),
    ),
    databasePrefix: s.string('BAZAAR_DB_PREFIX', 'bazaar_'),
    embeddedPostgresPort: s.int('BAZAAR_PG_PORT', 5488, { min: 1, max: 65535 }),
    logLevel: s.oneOf('LOG_LEVEL', 'info', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']),
    prettyLogs:
      s.oneOf('LOG_FORMAT', process.stdout.isTTY ? 'pretty' : 'json', ['pretty', 'json']) === 'pretty',
    seed: s.bool('BAZAAR_SEED', true),
    demoProducts: s.int('BAZAAR_DEMO_PRODUCTS', 1000, { min: 0, max: 100_000 }),
  };
};
