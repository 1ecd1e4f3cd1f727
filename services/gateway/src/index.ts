import type { Clients } from '@bazaar/contracts/clients';
import type { Database, EventBus, HealthCheck, Logger } from '@bazaar/kit';
import { createApp, type App } from './app.ts';
import { createAuthCache } from './auth-cache.ts';
import { authenticate, isMutation, tenantOf } from './auth.ts';
import { registerIdempotency, type IdempotencyTables } from './idempotency.ts';
import { apiKeyRoutes, tenantRoutes } from './routes/accounts.ts';
import { cartRoutes } from './routes/carts.ts';
import { categoryRoutes } from './routes/categories.ts';
import { eventRoutes } from './routes/events.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { productRoutes } from './routes/products.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { createReadCache } from './read-cache.ts';

export interface GatewayDeps {
  clients: Clients;
  /** The gateway's own database: idempotency keys. */
  db: Database<IdempotencyTables>;
  /** Events that tell the gateway's caches what changed. */
  bus: EventBus;
  log: Logger;
  version: string;
  readiness: readonly HealthCheck[];
}

/** Where the gateway's own tables are defined. */
export const gatewayMigrations = new URL('../migrations/', import.meta.url);

/** The public edge: REST under /v1, the OpenAPI document, the API reference and health. */
/** Events after which a tenant's cached reads may be wrong. */
const CHANGES = [
  'product.created',
  'product.updated',
  'product.deleted',
  'price.changed',
  'category.created',
  'category.updated',
  'category.deleted',
  'stock.changed',
];

export const createGateway = async ({ clients, db, bus, ...deps }: GatewayDeps): Promise<App> => {
  const app = await createApp(deps);
  const auth = createAuthCache();
  const reads = createReadCache();
  // Each gateway process keeps its own caches, so each one hears every event.
  const consumer = `gateway-cache-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  bus.subscribe({
    consumer,
    types: CHANGES,
    handle: (event) => {
      if (event.tenant_id) reads.forget(event.tenant_id);
      return Promise.resolve();
    },
  });
  bus.subscribe({
    consumer: `${consumer}-keys`,
    types: ['api_key.revoked'],
    handle: (event) => {
      auth.forgetKey((event.data as { id: string }).id);
      return Promise.resolve();
    },
  });
  app.addHook('onRequest', authenticate(clients.accounts, auth));
  // A caller reads its own writes: what it changed is dropped from the cache before it hears back.
  app.addHook('onSend', async (request, reply, payload) => {
    if (
      isMutation(request) &&
      reply.statusCode < 400 &&
      request.principal &&
      request.principal.kind !== 'operator'
    ) {
      reads.forget(tenantOf(request));
    }
    return payload;
  });
  const stopIdempotency = registerIdempotency(app, db);
  app.addHook('onClose', stopIdempotency);
  productRoutes(app, clients, reads);
  categoryRoutes(app, clients.catalog, reads);
  inventoryRoutes(app, clients);
  cartRoutes(app, clients);
  orderRoutes(app, clients);
  paymentRoutes(app, clients);
  webhookRoutes(app, clients);
  eventRoutes(app, clients);
  apiKeyRoutes(app, clients.accounts, auth);
  tenantRoutes(app, clients.accounts);
  await app.ready();
  return app;
};

export type { App };
