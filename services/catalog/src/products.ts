import {
  AppError,
  conflict,
  decodeCursor,
  isUniqueViolation,
  newId,
  notFound,
  page,
  recordEvents,
  Violations,
  type Database,
  type NewEvent,
} from '@bazaar/kit';
import { catalogEvent } from './events.ts';
import type {
  ProductDoc,
  ProductFilter,
  ProductInput,
  ProductPatch,
  ProductStatus,
  VariantInput,
} from './model.ts';
import { firstFreeSlug, slugify } from './slugs.ts';
import * as store from './store.ts';
import type { CatalogTables, ProductRow, Trx, VariantRow } from './store.ts';
import { checkProduct } from './validation.ts';

type Db = Database<CatalogTables>;

export const productDoc = (row: ProductRow, variants: VariantRow[]): ProductDoc => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  status: row.status,
  description: row.description,
  category_ids: row.category_ids,
  options: row.options,
  variants: variants.map((v) => ({ id: v.id, sku: v.sku, options: v.options, prices: v.prices })),
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

/**
 * A unique violation that got past the checks below (two writers racing) becomes a 409. Postgres does not
 * name the duplicate value on tables with row-level security, so the checks name the field when they can.
 */
const explainConflict = (error: unknown): never => {
  if (isUniqueViolation(error, store.SKU_CONSTRAINT)) {
    throw conflict('sku_taken', 'A SKU is already used by another variant.');
  }
  if (isUniqueViolation(error, 'products_slug_unique')) {
    throw conflict('slug_taken', 'The slug is already used by another product.');
  }
  throw error;
};

/** SKUs and explicit slugs already used by other products of the tenant, reported by field. */
const checkUnique = async (
  trx: Trx,
  tenantId: string,
  inputs: ProductInput[],
  at: (i: number) => string,
  exceptProductId?: string,
) => {
  const skus = await store.takenSkus(
    trx,
    tenantId,
    inputs.flatMap((p) => p.variants.map((v) => v.sku)),
    exceptProductId,
  );
  const slugs = await store.takenProductSlugs(
    trx,
    tenantId,
    inputs.flatMap((p) => (p.slug === undefined ? [] : [p.slug])),
    exceptProductId,
  );
  const v = new Violations();
  inputs.forEach((p, i) => {
    if (p.slug !== undefined && slugs.has(p.slug)) {
      v.add(`${at(i)}slug`, 'slug_taken', `Slug '${p.slug}' is already used by another product.`);
    }
    p.variants.forEach((variant, j) => {
      if (skus.has(variant.sku)) {
        v.add(
          `${at(i)}variants/${j}/sku`,
          'sku_taken',
          `SKU '${variant.sku}' is already used by another product.`,
        );
      }
    });
  });
  v.throwIfAny(409);
};

const checkCategories = async (
  trx: Trx,
  tenantId: string,
  inputs: ProductInput[],
  at: (i: number) => string,
) => {
  const wanted = [...new Set(inputs.flatMap((p) => p.category_ids))];
  const found = await store.existingCategoryIds(trx, tenantId, wanted);
  const v = new Violations();
  inputs.forEach((p, i) =>
    p.category_ids.forEach((id, j) => {
      if (!found.has(id))
        v.add(`${at(i)}category_ids/${j}`, 'unknown_category', `There is no category '${id}'.`);
    }),
  );
  v.throwIfAny();
};

const variantRows = (tenantId: string, productId: string, variants: VariantInput[]): VariantRow[] =>
  variants.map((v, position) => ({
    id: v.id ?? newId('var'),
    tenant_id: tenantId,
    product_id: productId,
    position,
    sku: v.sku,
    options: v.options,
    prices: v.prices,
  }));

const samePrices = (a: VariantRow['prices'], b: VariantRow['prices']): boolean =>
  JSON.stringify([...a].sort((x, y) => x.currency.localeCompare(y.currency))) ===
  JSON.stringify([...b].sort((x, y) => x.currency.localeCompare(y.currency)));

export const createProducts = (db: Db) => {
  /** Inserts validated products: rows, variants, the read model and one event each, in the caller's transaction. */
  const insertAll = async (trx: Trx, tenantId: string, inputs: ProductInput[], at: (i: number) => string) => {
    await checkCategories(trx, tenantId, inputs, at);
    await checkUnique(trx, tenantId, inputs, at);
    const bases = inputs.map((p) => p.slug ?? slugify(p.name));
    const taken = await store.takenSlugs(trx, tenantId, 'products', [
      ...new Set(bases.filter((_, i) => inputs[i]?.slug === undefined)),
    ]);
    const now = new Date();
    const rows: ProductRow[] = inputs.map((p, i) => {
      const slug = p.slug ?? firstFreeSlug(bases[i] ?? 'item', taken);
      taken.add(slug);
      return {
        id: newId('prod'),
        tenant_id: tenantId,
        name: p.name.trim(),
        slug,
        status: (p.status ?? 'draft') as ProductStatus,
        description: p.description,
        category_ids: [...new Set(p.category_ids)],
        options: p.options,
        created_at: now,
        updated_at: now,
      };
    });
    const variants = rows.map((row, i) => variantRows(tenantId, row.id, inputs[i]?.variants ?? []));
    await store.insertProducts(
      trx,
      rows.map(({ options: _, ...row }) => row),
      rows.map((r) => r.options),
    );
    await store.insertVariants(trx, variants.flat());
    const docs = rows.map((row, i) => productDoc(row, variants[i] ?? []));
    await store.upsertListings(trx, tenantId, docs);
    await recordEvents(
      trx,
      docs.map((d) => catalogEvent('product.created', tenantId, d)),
    );
    return docs;
  };

  const validate = (inputs: ProductInput[], at: (i: number) => string) => {
    const v = new Violations();
    inputs.forEach((p, i) => checkProduct(v, p, at(i)));
    v.throwIfAny();
  };

  const single = () => '';

  return {
    create: async (tenantId: string, input: ProductInput): Promise<ProductDoc> => {
      validate([input], single);
      const docs = await db
        .tenant(tenantId, (trx) => insertAll(trx, tenantId, [input], single))
        .catch(explainConflict);
      return docs[0] as ProductDoc;
    },

    /** All or nothing: one bad product rejects the batch, with field paths that say which. */
    importMany: async (tenantId: string, inputs: ProductInput[]): Promise<number> => {
      const at = (i: number) => `products/${i}/`;
      if (inputs.length > 1000)
        throw new AppError('too_many', 400, 'Import at most 1,000 products at a time.');
      validate(inputs, at);
      const docs = await db
        .tenant(tenantId, (trx) => insertAll(trx, tenantId, inputs, at))
        .catch(explainConflict);
      return docs.length;
    },

    get: async (tenantId: string, idOrSlug: string): Promise<ProductDoc> => {
      const doc = await db.tenant(tenantId, (trx) => store.findListing(trx, tenantId, idOrSlug));
      if (!doc) throw notFound('product', idOrSlug);
      return doc;
    },

    /** Variants with their product's name and status, for selling them. Unknown ids are left out. */
    sellableVariants: (tenantId: string, ids: string[]) =>
      db.tenantRead(tenantId, (trx) =>
        store.findSellableVariants(trx, tenantId, [...new Set(ids)].slice(0, 500)),
      ),

    list: async (tenantId: string, filter: ProductFilter, limit: number, cursor: string) => {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const docs = await db.tenant(tenantId, (trx) =>
        store.listListings(trx, tenantId, filter, after, limit + 1),
      );
      return page(docs, limit);
    },

    update: async (tenantId: string, idOrSlug: string, patch: ProductPatch): Promise<ProductDoc> => {
      return db
        .tenant(tenantId, async (trx) => {
          const row = await store.findProduct(trx, tenantId, idOrSlug);
          if (!row) throw notFound('product', idOrSlug);
          const current = await store.findVariants(trx, tenantId, row.id);
          const input: ProductInput = {
            name: patch.name ?? row.name,
            slug: patch.slug ?? row.slug,
            status: patch.status ?? row.status,
            description: patch.description ?? row.description,
            category_ids: patch.category_ids ?? row.category_ids,
            options: patch.options ?? row.options,
            variants:
              patch.variants ??
              current.map((v) => ({ id: v.id, sku: v.sku, options: v.options, prices: v.prices })),
          };
          validate([input], single);
          if (patch.category_ids) await checkCategories(trx, tenantId, [input], single);
          await checkUnique(trx, tenantId, [{ ...input, slug: patch.slug }], single, row.id);

          const known = new Map(current.map((v) => [v.id, v]));
          const v = new Violations();
          input.variants.forEach((variant, i) => {
            if (variant.id !== undefined && !known.has(variant.id)) {
              v.add(`variants/${i}/id`, 'unknown_variant', `This product has no variant '${variant.id}'.`);
            }
          });
          v.throwIfAny();

          const updated = await store.updateProduct(trx, tenantId, row.id, {
            name: input.name.trim(),
            slug: input.slug ?? row.slug,
            status: input.status as ProductStatus,
            description: input.description,
            category_ids: [...new Set(input.category_ids)],
            options: input.options,
            updated_at: new Date(),
          });
          if (!updated) throw notFound('product', idOrSlug);

          const events: NewEvent[] = [];
          let variants = current;
          if (patch.variants) {
            variants = variantRows(tenantId, row.id, patch.variants);
            await store.deleteVariantsExcept(
              trx,
              tenantId,
              row.id,
              variants.filter((x) => known.has(x.id)).map((x) => x.id),
            );
            for (const variant of variants) {
              const before = known.get(variant.id);
              if (before) await store.replaceVariant(trx, variant);
              if (before && !samePrices(before.prices, variant.prices)) {
                events.push(
                  catalogEvent('price.changed', tenantId, {
                    product_id: row.id,
                    variant_id: variant.id,
                    sku: variant.sku,
                    prices: variant.prices,
                  }),
                );
              }
            }
            await store.insertVariants(
              trx,
              variants.filter((x) => !known.has(x.id)),
            );
          }
          const doc = productDoc(updated, variants);
          await store.upsertListings(trx, tenantId, [doc]);
          await recordEvents(trx, [catalogEvent('product.updated', tenantId, doc), ...events]);
          return doc;
        })
        .catch(explainConflict);
    },

    remove: (tenantId: string, idOrSlug: string): Promise<string> =>
      db.tenant(tenantId, async (trx) => {
        const row = await store.findProduct(trx, tenantId, idOrSlug);
        if (!row || !(await store.deleteProduct(trx, tenantId, row.id))) throw notFound('product', idOrSlug);
        await recordEvents(trx, [catalogEvent('product.deleted', tenantId, { id: row.id })]);
        return row.id;
      }),
  };
};

export type Products = ReturnType<typeof createProducts>;
