import type { AccountsService } from '@bazaar/contracts/accounts';
import type { CatalogService } from '@bazaar/contracts/catalog';
import type { Client, HealthCheck, Logger } from '@bazaar/kit';
import { createApp, type App } from './app.ts';
import { authenticate } from './auth.ts';
import { apiKeyRoutes, tenantRoutes } from './routes/accounts.ts';
import { categoryRoutes } from './routes/categories.ts';
import { productRoutes } from './routes/products.ts';

export interface GatewayDeps {
  accounts: Client<typeof AccountsService>;
  catalog: Client<typeof CatalogService>;
  log: Logger;
  version: string;
  readiness: readonly HealthCheck[];
}

/** The public edge: REST under /v1, the OpenAPI document, the API reference and health. */
export const createGateway = async (deps: GatewayDeps): Promise<App> => {
  const app = await createApp(deps);
  app.addHook('onRequest', authenticate(deps.accounts));
  productRoutes(app, deps.catalog);
  categoryRoutes(app, deps.catalog);
  apiKeyRoutes(app, deps.accounts);
  tenantRoutes(app, deps.accounts);
  await app.ready();
  return app;
};

export type { App };
