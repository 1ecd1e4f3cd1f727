import type { AddressInfo } from 'node:net';
import { createGateway, gatewayMigrations, startLoadingApiReference } from '@bazaar/gateway';
import {
  connectNatsBus,
  createLogger,
  createOutboxRelay,
  observedGauge,
  startTracing,
  stopOnSignals,
  type EventBus,
  type Logger,
} from '@bazaar/kit';
import { loadConfig, SERVICE_NAMES, type PlatformConfig, type ServiceName } from '../config.ts';
import { openServiceDatabase } from '../databases.ts';
import { SERVICES } from '../services.ts';
import { VERSION } from '../version.ts';
import { networkClients } from './clients.ts';
import { serveOps } from './ops-server.ts';
import { serveRpc } from './rpc-server.ts';
import { loadSplitSettings, type SplitSettings } from './settings.ts';

const serverUrl = (config: PlatformConfig, name: ServiceName): string => {
  const url = config.databaseUrl ?? config.serviceDatabaseUrls[name];
  if (!url) {
    throw new Error(
      `Set DATABASE_URL (or ${name.toUpperCase()}_DATABASE_URL): a ${name} process needs a PostgreSQL server.`,
    );
  }
  return url;
};

const connectBus = (settings: SplitSettings, name: string, log: Logger): Promise<EventBus> =>
  connectNatsBus({ url: settings.natsUrl, prefix: settings.natsPrefix, service: name, log });

/** One service in this process: its database, its outbox relay to NATS, its private API and probes. */
const serveService = async (
  name: Exclude<ServiceName, 'gateway'>,
  log: Logger,
): Promise<() => Promise<void>> => {
  const config = loadConfig();
  const settings = loadSplitSettings();
  const module = SERVICES.find((s) => s.name === name)!;
  const db = await openServiceDatabase(serverUrl(config, name), config, module as never, log);
  const bus = await connectBus(settings, name, log).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const running = module.create({ db, bus, log, clients: networkClients(settings, log) });
  const relay = createOutboxRelay(db, bus, name, log);
  observedGauge(
    'bazaar_outbox_pending_events',
    'Committed events not yet published to the bus.',
    async () => {
      const { rows } = await db.pool.query<{ n: string }>(
        'select count(*) as n from outbox where published_at is null',
      );
      return Number(rows[0]?.n ?? 0);
    },
  );
  await running.start?.();
  await relay.start();
  const readiness = [
    { name: `database:${db.name}`, check: () => db.ping() },
    { name: 'nats', check: () => bus.ping?.() ?? Promise.resolve() },
  ];
  const rpc = await serveRpc({
    routes: (router) => running.routes(router),
    host: config.host,
    port: settings.rpcPort,
    log,
    ready: async () => {
      try {
        await db.ping();
        return true;
      } catch {
        return false;
      }
    },
  });
  const ops = await serveOps({ host: config.host, port: settings.opsPort, service: name, readiness });
  log.info({ rpc_port: rpc.port, ops_port: ops.port, pid: process.pid }, `${name} ready`);
  return async () => {
    await rpc.close();
    await running.stop?.();
    await relay.stop();
    await bus.close();
    await db.close();
    await ops.close();
  };
};

/** The public edge in this process, calling the services over the network. */
const serveGateway = async (log: Logger): Promise<() => Promise<void>> => {
  const config = loadConfig();
  const settings = loadSplitSettings();
  startLoadingApiReference();
  const db = await openServiceDatabase(
    serverUrl(config, 'gateway'),
    config,
    { name: 'gateway', migrations: gatewayMigrations },
    log,
  );
  const bus = await connectBus(settings, 'gateway', log).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const gateway = await createGateway({
    clients: networkClients(settings, log),
    db,
    bus,
    log,
    version: VERSION,
    readiness: [
      { name: `database:${db.name}`, check: () => db.ping() },
      { name: 'nats', check: () => bus.ping?.() ?? Promise.resolve() },
    ],
  });
  await gateway.listen({ host: config.host, port: config.port });
  const { port } = gateway.server.address() as AddressInfo;
  log.info({ port, pid: process.pid }, 'gateway ready');
  return async () => {
    const closing = gateway.close();
    const cutoff = setTimeout(() => gateway.server.closeAllConnections(), 10_000);
    await closing;
    clearTimeout(cutoff);
    await bus.close();
    await db.close();
  };
};

/** `bazaar serve <service>`: one service as its own process, as the split topology runs it. */
export const serveCommand = async (name: string | undefined): Promise<number> => {
  if (!name || !(SERVICE_NAMES as readonly string[]).includes(name)) {
    process.stderr.write(`Usage: bazaar serve <${SERVICE_NAMES.join('|')}>\n`);
    return 2;
  }
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel, pretty: config.prettyLogs }).child({
    service: name,
    replica: process.env.BAZAAR_REPLICA ?? '0',
  });
  const service = name as ServiceName;
  const tracing = await startTracing({ serviceName: service, serviceVersion: VERSION });
  const starting = service === 'gateway' ? serveGateway(log) : serveService(service, log);
  stopOnSignals(async () => {
    const stop = await starting.catch(() => undefined);
    await stop?.();
    await tracing.shutdown();
  }, log);
  await starting;
  return new Promise<number>(() => undefined);
};
