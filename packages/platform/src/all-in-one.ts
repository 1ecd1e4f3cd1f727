import type { AddressInfo } from 'node:net';
import { AccountsService } from '@bazaar/contracts/accounts';
import { CatalogService } from '@bazaar/contracts/catalog';
import { accountsService } from '@bazaar/accounts';
import { catalogService } from '@bazaar/catalog';
import { createGateway, type App } from '@bazaar/gateway';
import {
  createMemoryBus,
  createOutboxRelay,
  inMemoryTransport,
  serviceClient,
  type Client,
  type Database,
  type Logger,
  type OutboxRelay,
  type RunningService,
  type ServiceModule,
} from '@bazaar/kit';
import type { PlatformConfig } from './config.ts';
import { openServiceDatabase, startPostgres } from './databases.ts';
import { VERSION } from './version.ts';

// Each service is typed by its own tables; the runtime handles them all alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModule = ServiceModule<any>;
const MODULES: AnyModule[] = [accountsService, catalogService];

export interface Platform {
  /** The gateway's base URL. */
  url: string;
  gateway: App;
  accounts: Client<typeof AccountsService>;
  catalog: Client<typeof CatalogService>;
  relays: OutboxRelay[];
  postgresUrl: string;
  /** Each service's database name. */
  databases: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Every service in this process: one database each, one in-memory bus fed by their outboxes, calls
 * between them through Connect in memory, and the gateway listening for the public API.
 */
export const startAllInOne = async (config: PlatformConfig, log: Logger): Promise<Platform> => {
  const postgres = await startPostgres(config, log);
  const databases: Database<unknown>[] = [];
  const relays: OutboxRelay[] = [];
  const running: RunningService[] = [];
  const names: Record<string, string> = {};
  let gateway: App | undefined;

  const stop = async () => {
    await gateway?.close();
    for (const relay of relays) await relay.stop();
    for (const service of running) await service.stop?.();
    for (const db of databases) await db.close();
    await postgres.stop();
  };

  try {
    const bus = createMemoryBus(log);
    for (const module of MODULES) {
      const serviceLog = log.child({ service: module.name });
      const db = await openServiceDatabase(postgres.url, config, module as never, serviceLog);
      databases.push(db);
      names[module.name] = db.name;
      running.push(module.create({ db, bus, log: serviceLog }));
      relays.push(createOutboxRelay(db.pool, bus, module.name, serviceLog));
    }
    const transport = inMemoryTransport((router) => {
      for (const service of running) service.routes(router);
    }, log);
    const accounts = serviceClient(AccountsService, transport);
    const catalog = serviceClient(CatalogService, transport);

    for (const service of running) await service.start?.();
    for (const relay of relays) await relay.start();

    gateway = await createGateway({
      accounts,
      catalog,
      log: log.child({ service: 'gateway' }),
      version: VERSION,
      readiness: databases.map((db) => ({ name: `database:${db.name}`, check: () => db.ping() })),
    });
    await gateway.listen({ host: config.host, port: config.port });
    const address = gateway.server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    return {
      url: `http://${host}:${address.port}`,
      gateway,
      accounts,
      catalog,
      relays,
      postgresUrl: postgres.url,
      databases: names,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
};
