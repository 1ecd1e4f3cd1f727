import type { EventBus } from './bus.ts';
import type { Database } from './db.ts';
import type { Logger } from './log.ts';
import type { ConnectRouter } from './rpc.ts';

export interface ServiceDeps<DB, Clients = unknown> {
  db: Database<DB>;
  bus: EventBus;
  log: Logger;
  /** Clients of the other services' private APIs. */
  clients: Clients;
}

/** What a service is once built: its private API and what it runs in the background. */
export interface RunningService {
  routes(router: ConnectRouter): void;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/**
 * A service as the runtime sees it. It is handed a database, a bus and a logger, and never learns
 * which topology it runs in.
 */
export interface ServiceModule<DB, Clients = unknown> {
  name: string;
  migrations: URL;
  create(deps: ServiceDeps<DB, Clients>): RunningService;
}
