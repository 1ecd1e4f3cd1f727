import type { AddressInfo } from 'node:net';
import { createClients, type Clients } from '@bazaar/contracts/clients';
import { createGateway, startLoadingApiReference, type App } from '@bazaar/gateway';
import {
  createMemoryBus,
  createOutboxRelay,
  deferredTransport,
  inMemoryTransport,
  reportParkedEvents,
  type Database,
  type Logger,
  type OutboxRelay,
  type RunningService,
} from '@bazaar/kit';
import type { PlatformConfig } from './config.ts';
import { openServiceDatabase, startPostgres } from './databases.ts';
import { DATABASES, SERVICES } from './services.ts';
import { VERSION } from './version.ts';

export interface Platform {
  /** The gateway's base URL. */
  url: string;
  gateway: App;
  clients: Clients;
  accounts: Clients['accounts'];
  catalog: Clients['catalog'];
  inventory: Clients['inventory'];
  relays: OutboxRelay[];
  postgresUrl: string;
  /** Shuts the embedded PostgreSQL down without waiting, for an exit that cannot wait. */
  killPostgres(): void;
  /** Each service's database name. */
  databases: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Every service in this process: one database each, one in-memory bus fed by their outboxes, calls
 * between them through Connect in memory, and the gateway listening for the public API.
 */
export const startAllInOne = async (
  config: PlatformConfig,
  log: Logger,
  {
    relayEvents = true,
  }: {
    /**
     * Off for a command run beside a running platform: that platform's relays publish what this one
     * writes to its own bus, where its consumers (caches, webhooks) hear it; relays here would take
     * the events to a bus only this process hears.
     */
    relayEvents?: boolean;
  } = {},
): Promise<Platform> => {
  startLoadingApiReference();
  const postgres = await startPostgres(config, log);
  const databases: Database<unknown>[] = [];
  const relays: OutboxRelay[] = [];
  const running: RunningService[] = [];
  const stopReports: (() => void)[] = [];
  const names: Record<string, string> = {};
  let gateway: App | undefined;

  const stop = async () => {
    if (gateway) {
      // Drain in-flight requests, but not forever: clients that keep their connections busy are cut off.
      const closing = gateway.close();
      const cutoff = setTimeout(() => gateway?.server.closeAllConnections(), 10_000);
      await closing;
      clearTimeout(cutoff);
    }
    for (const service of [...running].reverse()) await service.stop?.();
    for (const relay of relays) await relay.stop();
    for (const stopReport of stopReports) stopReport();
    for (const db of databases) await db.close();
    await postgres.stop();
  };

  try {
    const bus = createMemoryBus(log);
    const rpc = deferredTransport();
    const clients = createClients(rpc.transport);
    const logs = DATABASES.map((spec) => log.child({ service: spec.name }));
    // Opened and migrated side by side: a start is mostly waiting on PostgreSQL here.
    const opened = await Promise.allSettled(
      DATABASES.map((spec, index) => openServiceDatabase(postgres.url, config, spec as never, logs[index]!)),
    );
    for (const result of opened) if (result.status === 'fulfilled') databases.push(result.value);
    for (const result of opened) if (result.status === 'rejected') throw result.reason;
    for (const [index, spec] of DATABASES.entries()) names[spec.name] = databases[index]!.name;
    const gatewayDb = databases.at(-1)!;
    const gatewayLog = logs.at(-1)!;
    for (const [index, module] of SERVICES.entries()) {
      const serviceLog = logs[index]!;
      const db = databases[index]!;
      running.push(module.create({ db, bus, log: serviceLog, clients }));
      if (relayEvents) {
        relays.push(createOutboxRelay(db, bus, module.name, serviceLog));
        stopReports.push(reportParkedEvents(db, module.name));
      }
    }
    rpc.connect(
      inMemoryTransport((router) => {
        for (const service of running) service.routes(router);
      }, log),
    );

    for (const service of running) await service.start?.();
    for (const relay of relays) await relay.start();

    gateway = await createGateway({
      clients,
      db: gatewayDb,
      bus,
      log: gatewayLog,
      version: VERSION,
      readiness: databases.map((db) => ({ name: `database:${db.name}`, check: () => db.ping() })),
    });
    await gateway.listen({ host: config.host, port: config.port });
    const address = gateway.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    return {
      url: `http://${host}:${address.port}`,
      gateway,
      clients,
      accounts: clients.accounts,
      catalog: clients.catalog,
      inventory: clients.inventory,
      relays,
      postgresUrl: postgres.url,
      killPostgres: () => postgres.kill(),
      databases: names,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
};
