import { sql, type ColumnType, type Generated, type Selectable, type Transaction } from 'kysely';
import type { CategoryDoc, Price, ProductDoc, ProductFilter, ProductOption, ProductStatus } from './model.ts';

type Json<T> = ColumnType<T, string, string>;

export interface CatalogTables {
  categories: {
    id: string;
    tenant_id: string;
    name: string;
    slug: string;
    parent_id: string | null;
    description: string;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  products: {
    id: string;
    tenant_id: string;
    name: string;
    slug: string;
    status: ProductStatus;
    description: string;
    category_ids: string[];
    options: Json<ProductOption[]>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  variants: {
    id: string;
    tenant_id: string;
    product_id: string;
    position: number;
    sku: string;
    options: Json<Record<string, string>>;
    prices: Json<Price[]>;
  };
  product_listings: {
    id: string;
    tenant_id: string;
    slug: string;
    status: string;
    category_ids: string[];
    updated_at: Date;
    doc: Json<ProductDoc>;
  };
}

export type Trx = Transaction<CatalogTables>;
export type ProductRow = Selectable<CatalogTables['products']>;
export type VariantRow = Selectable<CatalogTables['variants']>;
export type CategoryRow = Selectable<CatalogTables['categories']>;

export const SKU_CONSTRAINT = 'variants_sku_unique';

const byIdOrSlug = (idOrSlug: string) => (idOrSlug.includes('_') ? ('id' as const) : ('slug' as const));

// Products

export const insertProducts = async (
  trx: Trx,
  rows: Omit<ProductRow, 'options'>[],
  options: ProductOption[][],
) => {
  if (rows.length === 0) return;
  await trx
    .insertInto('products')
    .values(rows.map((row, i) => ({ ...row, options: JSON.stringify(options[i]) })))
    .execute();
};

export const updateProduct = async (
  trx: Trx,
  tenantId: string,
  id: string,
  fields: Partial<Omit<ProductRow, 'id' | 'tenant_id' | 'created_at' | 'options'>> & {
    options?: ProductOption[];
  },
): Promise<ProductRow | undefined> => {
  const { options, ...rest } = fields;
  return trx
    .updateTable('products')
    .set({ ...rest, ...(options ? { options: JSON.stringify(options) } : {}) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
};

export const findProduct = (trx: Trx, tenantId: string, idOrSlug: string): Promise<ProductRow | undefined> =>
  trx
    .selectFrom('products')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(byIdOrSlug(idOrSlug), '=', idOrSlug)
    .executeTakeFirst();

export const deleteProduct = async (trx: Trx, tenantId: string, id: string): Promise<boolean> => {
  const result = await trx
    .deleteFrom('products')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
};

/** Slugs already used that equal one of `bases` or extend it with a number (`base-2`). */
export const takenSlugs = async (
  trx: Trx,
  tenantId: string,
  table: 'products' | 'categories',
  bases: string[],
): Promise<Set<string>> => {
  if (bases.length === 0) return new Set();
  const rows = await trx
    .selectFrom(table)
    .select('slug')
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb('slug', 'in', bases),
        eb('slug', 'like', sql<string>`any(${bases.map((b) => `${b}-%`)}::text[])`),
      ]),
    )
    .execute();
  return new Set(rows.map((r) => r.slug));
};

export const takenProductSlugs = async (
  trx: Trx,
  tenantId: string,
  slugs: string[],
  exceptProductId?: string,
) => {
  if (slugs.length === 0) return new Set<string>();
  let query = trx
    .selectFrom('products')
    .select('slug')
    .where('tenant_id', '=', tenantId)
    .where('slug', 'in', slugs);
  if (exceptProductId) query = query.where('id', '!=', exceptProductId);
  return new Set((await query.execute()).map((r) => r.slug));
};

// Variants

export const takenSkus = async (trx: Trx, tenantId: string, skus: string[], exceptProductId?: string) => {
  if (skus.length === 0) return new Set<string>();
  let query = trx
    .selectFrom('variants')
    .select('sku')
    .where('tenant_id', '=', tenantId)
    .where('sku', 'in', skus);
  if (exceptProductId) query = query.where('product_id', '!=', exceptProductId);
  return new Set((await query.execute()).map((r) => r.sku));
};

export const findVariants = (trx: Trx, tenantId: string, productId: string): Promise<VariantRow[]> =>
  trx
    .selectFrom('variants')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('product_id', '=', productId)
    .orderBy('position')
    .execute();

export const insertVariants = async (trx: Trx, rows: VariantRow[]): Promise<void> => {
  if (rows.length === 0) return;
  await trx
    .insertInto('variants')
    .values(rows.map((r) => ({ ...r, options: JSON.stringify(r.options), prices: JSON.stringify(r.prices) })))
    .execute();
};

export interface SellableVariantRow extends VariantRow {
  product_name: string;
  product_status: ProductStatus;
}

export const findSellableVariants = (
  trx: Trx,
  tenantId: string,
  ids: string[],
): Promise<SellableVariantRow[]> =>
  ids.length === 0
    ? Promise.resolve([])
    : trx
        .selectFrom('variants as v')
        .innerJoin('products as p', 'p.id', 'v.product_id')
        .selectAll('v')
        .select(['p.name as product_name', 'p.status as product_status'])
        .where('v.tenant_id', '=', tenantId)
        .where('v.id', 'in', ids)
        .execute();

export const replaceVariant = async (trx: Trx, row: VariantRow): Promise<void> => {
  await trx
    .updateTable('variants')
    .set({
      position: row.position,
      sku: row.sku,
      options: JSON.stringify(row.options),
      prices: JSON.stringify(row.prices),
    })
    .where('tenant_id', '=', row.tenant_id)
    .where('id', '=', row.id)
    .execute();
};

export const deleteVariantsExcept = async (trx: Trx, tenantId: string, productId: string, keep: string[]) => {
  let query = trx
    .deleteFrom('variants')
    .where('tenant_id', '=', tenantId)
    .where('product_id', '=', productId);
  if (keep.length > 0) query = query.where('id', 'not in', keep);
  await query.execute();
};

// The read model

export const upsertListings = async (trx: Trx, tenantId: string, docs: ProductDoc[]): Promise<void> => {
  if (docs.length === 0) return;
  await trx
    .insertInto('product_listings')
    .values(
      docs.map((d) => ({
        id: d.id,
        tenant_id: tenantId,
        slug: d.slug,
        status: d.status,
        category_ids: d.category_ids,
        updated_at: new Date(d.updated_at),
        doc: JSON.stringify(d),
      })),
    )
    .onConflict((oc) =>
      oc.column('id').doUpdateSet((eb) => ({
        slug: eb.ref('excluded.slug'),
        status: eb.ref('excluded.status'),
        category_ids: eb.ref('excluded.category_ids'),
        updated_at: eb.ref('excluded.updated_at'),
        doc: eb.ref('excluded.doc'),
      })),
    )
    .execute();
};

export const findListing = async (
  trx: Trx,
  tenantId: string,
  idOrSlug: string,
): Promise<ProductDoc | undefined> => {
  const row = await trx
    .selectFrom('product_listings')
    .select('doc')
    .where('tenant_id', '=', tenantId)
    .where(byIdOrSlug(idOrSlug), '=', idOrSlug)
    .executeTakeFirst();
  return row?.doc;
};

export const listListings = async (
  trx: Trx,
  tenantId: string,
  filter: ProductFilter,
  after: string | undefined,
  limit: number,
): Promise<ProductDoc[]> => {
  let query = trx
    .selectFrom('product_listings')
    .select('doc')
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.categoryId)
    query = query.where('category_ids', '@>', sql<string[]>`array[${filter.categoryId}]::text[]`);
  if (filter.updatedSince) query = query.where('updated_at', '>=', new Date(filter.updatedSince));
  return (await query.execute()).map((r) => r.doc);
};

// Categories

export const existingCategoryIds = async (
  trx: Trx,
  tenantId: string,
  ids: string[],
): Promise<Set<string>> => {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .selectFrom('categories')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
  return new Set(rows.map((r) => r.id));
};

export const insertCategory = (trx: Trx, row: Omit<CategoryRow, 'created_at' | 'updated_at'>) =>
  trx.insertInto('categories').values(row).returningAll().executeTakeFirstOrThrow();

export const findCategory = (
  trx: Trx,
  tenantId: string,
  idOrSlug: string,
): Promise<CategoryRow | undefined> =>
  trx
    .selectFrom('categories')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(byIdOrSlug(idOrSlug), '=', idOrSlug)
    .executeTakeFirst();

export const updateCategory = (
  trx: Trx,
  tenantId: string,
  id: string,
  fields: Partial<Pick<CategoryRow, 'name' | 'slug' | 'parent_id' | 'description'>>,
) =>
  trx
    .updateTable('categories')
    .set({ ...fields, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();

export const categoryAncestors = async (trx: Trx, tenantId: string, id: string): Promise<string[]> => {
  const rows = await sql<{ id: string }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from categories where tenant_id = ${tenantId} and id = ${id}
      union all
      select c.id, c.parent_id from categories c join up on c.id = up.parent_id where c.tenant_id = ${tenantId}
    ) select id from up`.execute(trx);
  return rows.rows.map((r) => r.id);
};

export const hasChildCategories = async (trx: Trx, tenantId: string, id: string): Promise<boolean> =>
  (await trx
    .selectFrom('categories')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('parent_id', '=', id)
    .limit(1)
    .executeTakeFirst()) !== undefined;

/** Takes a deleted category out of every product and listing that named it. */
export const removeCategoryFromProducts = async (
  trx: Trx,
  tenantId: string,
  id: string,
): Promise<string[]> => {
  const changed = await trx
    .updateTable('products')
    .set({ category_ids: sql`array_remove(category_ids, ${id})`, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('category_ids', '@>', sql<string[]>`array[${id}]::text[]`)
    .returning('id')
    .execute();
  return changed.map((r) => r.id);
};

export const deleteCategory = async (trx: Trx, tenantId: string, id: string): Promise<boolean> => {
  const result = await trx
    .deleteFrom('categories')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
};

export const listCategories = (trx: Trx, tenantId: string, after: string | undefined, limit: number) => {
  let query = trx
    .selectFrom('categories')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

export const categoryDoc = (row: CategoryRow): CategoryDoc => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  parent_id: row.parent_id,
  description: row.description,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});
