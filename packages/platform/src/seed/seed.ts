import type { AccountsService } from '@bazaar/contracts/accounts';
import type { CatalogService } from '@bazaar/contracts/catalog';
import type { InventoryService } from '@bazaar/contracts/inventory';
import { AppError, type Client } from '@bazaar/kit';
import { readCredentials, writeCredentials, type Credentials } from '../credentials.ts';
import { demoCategories, demoProducts } from './demo-catalog.ts';

export interface SeedClients {
  accounts: Client<typeof AccountsService>;
  catalog: Client<typeof CatalogService>;
  inventory: Client<typeof InventoryService>;
}

const BATCH = 250;

/** Creates the demo categories that are missing and answers slug → id for all of them. */
const seedCategories = async (catalog: SeedClients['catalog'], tenantId: string) => {
  const ids = new Map<string, string>();
  for (const category of demoCategories()) {
    const existing = await catalog
      .getCategory({ tenantId, idOrSlug: category.slug })
      .catch((error: unknown) => {
        if (error instanceof AppError && error.status === 404) return undefined;
        throw error;
      });
    const created =
      existing ??
      (await catalog.createCategory({
        tenantId,
        name: category.name,
        slug: category.slug,
        parentId: category.parent ? ids.get(category.parent) : undefined,
      }));
    ids.set(category.slug, created.category!.id);
  }
  return ids;
};

/** Imports demo products `from`..`to` in batches, calling `progress` after each. */
export const seedCatalog = async (
  catalog: SeedClients['catalog'],
  tenantId: string,
  from: number,
  to: number,
  progress: (done: number) => Promise<void> | void,
): Promise<void> => {
  const categories = await seedCategories(catalog, tenantId);
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(to, start + BATCH);
    const products = [...demoProducts(start, end)].map((p) => ({
      name: p.name,
      status: p.status,
      description: p.description,
      categoryIds: p.categorySlugs.map((s) => categories.get(s)!),
      options: p.options,
      variants: p.variants.map((v) => ({
        sku: v.sku,
        options: v.options,
        prices: v.prices.map((price) => ({ currency: price.currency, amount: BigInt(price.amount) })),
      })),
    }));
    await catalog.importProducts({ tenantId, products });
    await progress(end);
  }
};

export const DEMO_STOCK_PER_VARIANT = 100;
export const DEMO_PLAN = 'scale';

/** Receives `perVariant` units of every variant into the tenant's main warehouse, a page of products at a time. */
export const seedStock = async (
  clients: SeedClients,
  tenantId: string,
  perVariant: number,
  from: string,
  progress: (cursor: string) => Promise<void> | void,
): Promise<void> => {
  const { locations } = await clients.inventory.listLocations({ tenantId, limit: 100 });
  const location =
    locations.find((l) => l.code === 'MAIN') ??
    (await clients.inventory.createLocation({ tenantId, name: 'Main warehouse', code: 'MAIN' })).location!;
  let cursor = from;
  do {
    const page = await clients.catalog.listProducts({ tenantId, limit: 100, cursor });
    const lines = page.products.flatMap((p) =>
      p.variants.map((v) => ({ variantId: v.id, quantity: BigInt(perVariant) })),
    );
    if (lines.length > 0) {
      await clients.inventory.receiveStock({
        tenantId,
        locationId: location.id,
        lines,
        note: 'Opening stock',
        actor: 'seed',
      });
    }
    cursor = page.nextCursor;
    if (cursor) await progress(cursor);
  } while (cursor);
};

/**
 * Makes sure the demo tenant exists with its full catalog. Safe to run again: it resumes a seeding
 * that was interrupted and does nothing once the catalog is complete.
 */
export const ensureDemoTenant = async (
  clients: SeedClients,
  dataDir: string,
  productCount: number,
  report: (message: string) => void,
): Promise<NonNullable<Credentials['demo']>> => {
  const credentials = await readCredentials(dataDir);
  let demo = credentials.demo;
  let plan: string | undefined;
  if (demo) {
    const existing = await clients.accounts.getTenant({ tenantId: demo.tenant_id }).then(
      ({ tenant }) => tenant,
      () => undefined,
    );
    if (!existing) demo = undefined;
    plan = existing?.plan;
  }
  if (!demo) {
    const created = await clients.accounts.createTenant({ name: 'Demo Store' });
    demo = {
      tenant_id: created.tenant!.id,
      name: created.tenant!.name,
      secret_key: created.secretKeyValue,
      publishable_key: created.publishableKeyValue,
      test_tenant_id: created.testTenant?.id,
      test_secret_key: created.testSecretKeyValue,
      test_publishable_key: created.testPublishableKeyValue,
      seeded_products: 0,
      seeded: false,
    };
    await writeCredentials(dataDir, { ...credentials, demo });
  }
  // The demo is for trying the platform out and for the benchmarks: the largest plan.
  if (plan !== DEMO_PLAN) await clients.accounts.updateTenant({ tenantId: demo.tenant_id, plan: DEMO_PLAN });
  if (!demo.seeded) {
    const current = demo;
    report(`Seeding the demo catalog: ${productCount} products…`);
    await seedCatalog(
      clients.catalog,
      current.tenant_id,
      current.seeded_products,
      productCount,
      async (done) => {
        current.seeded_products = done;
        await writeCredentials(dataDir, { ...(await readCredentials(dataDir)), demo: current });
        report(`  ${done}/${productCount} products`);
      },
    );
    current.seeded = true;
    await writeCredentials(dataDir, { ...(await readCredentials(dataDir)), demo: current });
  }
  if (!demo.stocked) {
    const current = demo;
    report(`Receiving ${DEMO_STOCK_PER_VARIANT} units of every demo variant into the main warehouse…`);
    await seedStock(
      clients,
      current.tenant_id,
      DEMO_STOCK_PER_VARIANT,
      current.stock_cursor ?? '',
      async (cursor) => {
        current.stock_cursor = cursor;
        await writeCredentials(dataDir, { ...(await readCredentials(dataDir)), demo: current });
      },
    );
    current.stocked = true;
    await writeCredentials(dataDir, { ...(await readCredentials(dataDir)), demo: current });
  }
  return demo;
};
