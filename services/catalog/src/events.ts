import { eventMaker } from '@bazaar/kit';
import type { CategoryDoc, Price, ProductDoc } from './model.ts';

/** The events catalog publishes, with their data. */
export interface CatalogEvents {
  'product.created': ProductDoc;
  'product.updated': ProductDoc;
  'product.deleted': { id: string };
  'price.changed': { product_id: string; variant_id: string; sku: string; prices: Price[] };
  'category.created': CategoryDoc;
  'category.updated': CategoryDoc;
  'category.deleted': { id: string };
}

export const catalogEvent = eventMaker<CatalogEvents>();
