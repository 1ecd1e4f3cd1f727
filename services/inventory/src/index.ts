import type { Clients } from '@bazaar/contracts/clients';
import { periodic, type RunningService, type ServiceDeps, type ServiceModule } from '@bazaar/kit';
import { inventoryRoutes } from './api.ts';
import { createLocations } from './locations.ts';
import { createReservations, SWEEP_BATCH } from './reservations.ts';
import { createStock } from './stock.ts';
import type { InventoryTables } from './store.ts';

export type { InventoryEvents } from './events.ts';

export interface InventoryDeps extends ServiceDeps<InventoryTables, Clients> {
  /** How often expired reservations are looked for. */
  sweepEveryMs?: number;
}

export const DEFAULT_SWEEP_EVERY_MS = 1_000;

const create = ({
  db,
  clients,
  log,
  sweepEveryMs = DEFAULT_SWEEP_EVERY_MS,
}: InventoryDeps): RunningService => {
  const reservations = createReservations(db, log);
  const sweeper = periodic(
    'reservation sweep',
    () => reservations.expireDue(),
    { batch: SWEEP_BATCH, everyMs: sweepEveryMs },
    log,
  );
  return {
    routes: inventoryRoutes(createLocations(db), createStock(db, clients.catalog), reservations),
    start: () => {
      sweeper.start();
      return Promise.resolve();
    },
    stop: () => sweeper.stop(),
  };
};

export const inventoryService: ServiceModule<InventoryTables, Clients> & { create: typeof create } = {
  name: 'inventory',
  migrations: new URL('../migrations/', import.meta.url),
  create,
};
