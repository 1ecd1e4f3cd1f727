import type { ServiceModule } from '@bazaar/kit';
import { catalogRoutes } from './api.ts';
import { createCategories } from './categories.ts';
import { createProducts } from './products.ts';
import type { CatalogTables } from './store.ts';

export type { CatalogEvents } from './events.ts';

export const catalogService: ServiceModule<CatalogTables> = {
  name: 'catalog',
  migrations: new URL('../migrations/', import.meta.url),
  create: ({ db }) => ({ routes: catalogRoutes(createProducts(db), createCategories(db)) }),
};
