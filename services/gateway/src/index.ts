import type { Clients } from '@bazaar/contracts/clients';
import { Settings, type Database, type EventBus, type HealthCheck, type Logger } from '@bazaar/kit';
import { createApp, type App } from './app.ts';
import { createAuthCache } from './auth-cache.ts';
import { authenticate, isMutation, tenantOf } from './auth.ts';
import { runHook } from './hook.ts';
import { registerIdempotency, type IdempotencyTables } from './idempotency.ts';
import { apiKeyRoutes, planRoutes, tenantRoutes } from './routes/accounts.ts';
import { cartRoutes } from './routes/carts.ts';
import { categoryRoutes } from './routes/categories.ts';
import { eventRoutes } from './routes/events.ts';
import { inventoryRoutes } from './routes/inventory.ts';
import { orderRoutes } from './routes/orders.ts';
import { paymentRoutes } from './routes/payments.ts';
import { productRoutes } from './routes/products.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { createReadCache } from './read-cache.ts';
import { registerMetering } from './metering/register.ts';
import { usageRoutes } from './routes/usage.ts';
import { registerVersioning } from './versions/register.ts';
import { registerRateLimits } from './rate-limit/hook.ts';
import { createLimiter, type Limiter } from './rate-limit/limiter.ts';
import { requireDeclaredScopes } from './scopes.ts';
import { GRAPHQL_PATH, registerGraphql } from './graphql/index.ts';

export interface GatewayDeps {
  clients: Clients;
  /** The gateway's own database: idempotency keys and usage counters. */
  db: Database<IdempotencyTables>;
  /** Events that tell the gateway's caches what changed. */
  bus: EventBus;
  log: Logger;
  version: string;
  readiness: readonly HealthCheck[];
  /** Where rate limits are shared between gateway replicas; default REDIS_URL, else in this process. */
  redisUrl?: string;
  /** Or a limiter made by the caller (tests). */
  limiter?: Limiter;
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

export const createGateway = async ({
  clients,
  db,
  bus,
  redisUrl,
  limiter,
  ...deps
}: GatewayDeps): Promise<App> => {
  const app = await createApp(deps);
  requireDeclaredScopes(app);
  const auth = createAuthCache();
  const reads = createReadCache();
  // Each gateway process keeps its own caches, so each one hears every event.
  const consumer = `gateway-cache-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  bus.subscribe({
    durable: false,
    consumer,
    types: CHANGES,
    handle: (event) => {
      if (event.tenant_id) reads.forget(event.tenant_id);
      return Promise.resolve();
    },
  });
  bus.subscribe({
    durable: false,
    consumer: `${consumer}-tenants`,
    types: ['tenant.updated'],
    handle: (event) => {
      auth.forgetTenants((event.data as { tenant_ids: string[] }).tenant_ids);
      return Promise.resolve();
    },
  });
  bus.subscribe({
    durable: false,
    consumer: `${consumer}-keys`,
    types: ['api_key.revoked'],
    handle: (event) => {
      auth.forgetKey((event.data as { id: string }).id);
      return Promise.resolve();
    },
  });
  const authenticated = authenticate(clients.accounts, auth);
  app.addHook('onRequest', (request, reply, done) => runHook(() => authenticated(request, reply), done));
  registerRateLimits(
    app,
    limiter ??
      createLimiter({
        redisUrl: redisUrl ?? new Settings(process.env).url('REDIS_URL', ['redis:', 'rediss:']),
        log: deps.log,
      }),
  );
  // After authentication and rate limits: reads the principal's plan; a refused quota is metered too.
  registerMetering(app, db, deps.log);
  // A caller reads its own writes: what it changed is dropped from the cache before it hears back.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (
      isMutation(request) &&
      // A GraphQL POST may be a query; its mutations drop the cache themselves.
      request.routeOptions.url !== GRAPHQL_PATH &&
      reply.statusCode < 400 &&
      request.principal &&
      request.principal.kind !== 'operator'
    ) {
      reads.forget(tenantOf(request));
    }
    done(null, payload);
  });
  const stopIdempotency = registerIdempotency(app, db);
  app.addHook('onClose', stopIdempotency);
  // After idempotency: replays are kept in the current shape and rewritten for each caller's version.
  registerVersioning(app);
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
  planRoutes(app, clients.accounts);
  usageRoutes(app, db, clients.accounts);
  await registerGraphql(app, clients, reads);
  await app.ready();
  return app;
};

export type { App };
export { startLoadingApiReference } from './app.ts';
export { graphqlSchemaSDL } from './graphql/index.ts';
