import type { Clients } from '@bazaar/contracts/clients';
import { Settings, type ServiceModule } from '@bazaar/kit';
import { ordersRoutes } from './api.ts';
import { createCheckout } from './checkout.ts';
import { faultsFrom } from './faults.ts';
import { createLifecycle } from './lifecycle.ts';
import { createSaga } from './saga.ts';
import type { OrdersTables } from './store.ts';

export type { OrderEvents } from './events.ts';

export const ordersService: ServiceModule<OrdersTables, Clients> = {
  name: 'orders',
  migrations: new URL('../migrations/', import.meta.url),
  create: ({ db, clients, log }) => {
    const settings = new Settings();
    const leaseMs = settings.int('ORDERS_SAGA_LEASE_MS', 30_000, { min: 500, max: 3_600_000 });
    const saga = createSaga(db, clients, faultsFrom(settings.string('BAZAAR_FAULT_INJECTION')), log, {
      leaseMs,
      recoverEveryMs: Math.min(1_000, leaseMs),
    });
    return {
      routes: ordersRoutes(db, createCheckout(db, clients, saga, leaseMs), createLifecycle(db, clients)),
      start: () => Promise.resolve(saga.start()),
      stop: () => saga.stop(),
    };
  },
};
