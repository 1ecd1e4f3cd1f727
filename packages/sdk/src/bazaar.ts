import { createApiClient, type ApiClient, type BazaarOptions } from './client.ts';
import { categoriesResource, productsResource } from './resources/catalog.ts';
import { cartsResource } from './resources/carts.ts';
import { locationsResource, stockResource } from './resources/inventory.ts';
import { ordersResource } from './resources/orders.ts';
import { eventsResource, webhookEndpointsResource } from './resources/webhooks.ts';

/**
 * A Bazaar API client. Resource methods answer the resource or throw a BazaarError; `api` is the typed
 * openapi-fetch client for every path (it answers `{ data, error, response }` rather than throwing).
 * Both retry 429, 5xx and network errors and put an Idempotency-Key on every write.
 */
export const createBazaar = (options: BazaarOptions) => {
  const api: ApiClient = createApiClient(options);
  return {
    api,
    products: productsResource(api),
    categories: categoriesResource(api),
    locations: locationsResource(api),
    stock: stockResource(api),
    carts: cartsResource(api),
    orders: ordersResource(api),
    webhookEndpoints: webhookEndpointsResource(api),
    events: eventsResource(api),
  };
};

export type Bazaar = ReturnType<typeof createBazaar>;
