import type { Clients } from '@bazaar/contracts/clients';
import type { Database, HealthCheck, Logger } from '@bazaar/kit';
import { createApp, type App } from './app.ts';
import { authenticate } from './auth.ts';
import { registerIdempotency, type IdempotencyTables } from './idempotency.ts';
import { apiKeyRoutes, tenantRoutes } from './routes/accounts.ts';
import { cartRoutes } from './routes/carts.ts';
import { categoryRoutes } from './routes/categories.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { productRoutes } from './routes/products.ts';

export interface GatewayDeps {
  clients: Clients;
  /** The gateway's own database: idempotency keys. */
  db: Database<IdempotencyTables>;
  log: Logger;
  version: string;
  readiness: readonly HealthCheck[];
}

/** Where the gateway's own tables are defined. */
export const gatewayMigrations = new URL('../migrations/', import.meta.url);

/** The public edge: REST under /v1, the OpenAPI document, the API reference and health. */
export const createGateway = async ({ clients, db, ...deps }: GatewayDeps): Promise<App> => {
  const app = await createApp(deps);
  app.addHook('onRequest', authenticate(clients.accounts));
  const stopIdempotency = registerIdempotency(app, db);
  app.addHook('onClose', stopIdempotency);
  productRoutes(app, clients.catalog);
  categoryRoutes(app, clients.catalog);
  inventoryRoutes(app, clients);
  cartRoutes(app, clients);
  orderRoutes(app, clients);
  paymentRoutes(app, clients);
  apiKeyRoutes(app, clients.accounts);
  tenantRoutes(app, clients.accounts);
  await app.ready();
  return app;
};

export type { App };
