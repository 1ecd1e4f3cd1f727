import { createClients } from '@bazaar/contracts/clients';
import { createGateway } from '@bazaar/gateway';
import {
  createLogger,
  createMemoryBus,
  inMemoryTransport,
  startTracing,
  stopOnSignals,
  type Database,
  type Logger,
} from '@bazaar/kit';
import { startAllInOne, type Platform } from '../all-in-one.ts';
import { loadConfig, SERVICE_NAMES, type PlatformConfig } from '../config.ts';
import { openServiceDatabase, startPostgres } from '../databases.ts';
import { ensureOperatorKey } from '../operator.ts';
import { announceRunning, clearRunning, findRunning } from '../runtime.ts';
import { ensureDemoTenant } from '../seed/seed.ts';
import { DATABASES } from '../services.ts';
import { VERSION } from '../version.ts';
import { banner } from './banner.ts';

const out = (line = '') => process.stdout.write(`${line}\n`);

const explain = (error: unknown, config: PlatformConfig): Error => {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE') return new Error(`Port ${config.port} is in use. Set PORT to a free port.`);
  if (e.code === 'ECONNREFUSED' && config.databaseUrl) {
    return new Error(`Cannot reach the PostgreSQL server of DATABASE_URL (${e.message}). Is it running?`);
  }
  return error as Error;
};

/** Commands other than `start` use the running platform's PostgreSQL if there is one, else their own. */
const withPlatform = async <T>(
  work: (platform: Platform, config: PlatformConfig) => Promise<T>,
): Promise<T> => {
  const base = loadConfig();
  const running = findRunning(base.dataDir);
  const config: PlatformConfig = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    ...(running ? { databaseUrl: running.postgres_url } : {}),
  };
  const log = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', pretty: config.prettyLogs });
  const platform = await startAllInOne(config, log, { relayEvents: !running }).catch((error: unknown) => {
    throw explain(error, config);
  });
  try {
    return await work(platform, config);
  } finally {
    await platform.stop();
  }
};

export const startCommand = async (): Promise<number> => {
  const config = loadConfig();
  const log: Logger = createLogger({ level: config.logLevel, pretty: config.prettyLogs });
  const running = findRunning(config.dataDir);
  if (running) {
    throw new Error(
      `Bazaar is already running on ${config.dataDir} (pid ${running.pid}, ${running.gateway_url}). Stop it first, or set BAZAAR_DATA_DIR to another directory.`,
    );
  }
  const tracing = await startTracing({ serviceName: 'bazaar', serviceVersion: VERSION });
  // Signals are handled from the first moment: a Ctrl-C during start-up waits for it, then stops.
  const starting = startAllInOne(config, log);
  const started: { platform?: Platform } = {};
  const stop = async () => {
    const platform = await starting.catch(() => undefined);
    await platform?.stop();
    await clearRunning(config.dataDir);
    await tracing.shutdown();
  };
  stopOnSignals(stop, log, () => started.platform?.killPostgres());
  const platform = await starting.catch((error: unknown) => {
    throw explain(error, config);
  });
  started.platform = platform;
  try {
    await announceRunning(config.dataDir, { postgres_url: platform.postgresUrl, gateway_url: platform.url });
    const operator = await ensureOperatorKey(platform.accounts, config.dataDir);
    const demo = config.seed
      ? await ensureDemoTenant(platform, config.dataDir, config.demoProducts, (line) => out(line))
      : undefined;
    banner({ topology: 'all-in-one', url: platform.url, config, operator, demo });
  } catch (error) {
    await stop();
    throw error;
  }
  // Runs until a signal stops it.
  return new Promise<number>(() => undefined);
};

export const migrateCommand = async (service?: string): Promise<number> => {
  const config = loadConfig();
  const modules = DATABASES.filter((m) => service === undefined || m.name === service);
  if (modules.length === 0)
    throw new Error(`Unknown service '${service}'. Services: ${SERVICE_NAMES.join(', ')}.`);
  const running = findRunning(config.dataDir);
  const log = createLogger({ level: config.logLevel, pretty: config.prettyLogs });
  const postgres = await startPostgres(
    running ? { ...config, databaseUrl: running.postgres_url } : config,
    log,
  );
  try {
    for (const module of modules) {
      const db = await openServiceDatabase(
        postgres.url,
        config,
        module as never,
        log.child({ service: module.name }),
      );
      await db.close();
      out(`${module.name}: up to date`);
    }
  } finally {
    await postgres.stop();
  }
  return 0;
};

export const seedCommand = async (products: string | undefined): Promise<number> =>
  withPlatform(async (platform, config) => {
    const count = products === undefined ? config.demoProducts : Number(products);
    if (!Number.isInteger(count) || count < 0)
      throw new Error(`--products takes a whole number, got '${products}'.`);
    const demo = await ensureDemoTenant(platform, config.dataDir, count, (line) => out(line));
    out(`Demo tenant: ${demo.name} (${demo.tenant_id})`);
    out(`  secret key:       ${demo.secret_key}`);
    out(`  publishable key:  ${demo.publishable_key}`);
    return 0;
  });

export const tenantsCreateCommand = async (name: string): Promise<number> =>
  withPlatform(async (platform) => {
    const created = await platform.accounts.createTenant({ name });
    out(`Tenant: ${created.tenant!.name} (${created.tenant!.id})`);
    out(`  secret key:       ${created.secretKeyValue}`);
    out(`  publishable key:  ${created.publishableKeyValue}`);
    out('Keep these keys: they are not shown again.');
    return 0;
  });

/** The OpenAPI document, from the route schemas alone: no database is needed. */
export const openapiCommand = async (): Promise<number> => {
  const log = createLogger({ level: 'silent' });
  const gateway = await createGateway({
    clients: createClients(inMemoryTransport(() => undefined, log)),
    bus: createMemoryBus(log),
    // Only the routes are read: nothing is called.
    db: undefined as unknown as Database<never>,
    log,
    version: VERSION,
    readiness: [],
  });
  out(JSON.stringify(gateway.swagger(), null, 2));
  await gateway.close();
  return 0;
};
