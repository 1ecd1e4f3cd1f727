import {
  AppError,
  conflict,
  decodeCursor,
  invalid,
  isId,
  isUniqueViolation,
  newId,
  notFound,
  page,
  recordEvents,
  Violations,
  type Database,
} from '@bazaar/kit';
import { catalogEvent } from './events.ts';
import type { CategoryDoc } from './model.ts';
import { productDoc } from './products.ts';
import { firstFreeSlug, slugify } from './slugs.ts';
import * as store from './store.ts';
import type { CatalogTables, Trx } from './store.ts';
import { checkSlug, LIMITS } from './validation.ts';

type Db = Database<CatalogTables>;

export interface CategoryInput {
  name?: string | undefined;
  slug?: string | undefined;
  /** `null` clears the parent; `undefined` leaves it. */
  parent_id?: string | null | undefined;
  description?: string | undefined;
}

const check = (input: CategoryInput, creating: boolean): void => {
  const v = new Violations();
  if (input.name !== undefined || creating) {
    const name = input.name ?? '';
    if (name.trim().length === 0) v.add('name', 'missing_field', `'name' must not be empty.`);
    if (name.length > LIMITS.name)
      v.add('name', 'too_long', `'name' must be at most ${LIMITS.name} characters.`);
  }
  if (input.slug !== undefined) checkSlug(v, 'slug', input.slug);
  if (input.parent_id && !isId('cat', input.parent_id)) {
    v.add('parent_id', 'invalid_id', `'${input.parent_id}' is not a category id.`);
  }
  if ((input.description ?? '').length > 2000) {
    v.add('description', 'too_long', `'description' must be at most 2000 characters.`);
  }
  v.throwIfAny();
};

const slugConflict = (error: unknown): never => {
  if (isUniqueViolation(error, 'categories_slug_unique')) {
    throw conflict('slug_taken', 'Another category already uses this slug.', 'slug');
  }
  throw error;
};

const requireParent = async (trx: Trx, tenantId: string, parentId: string) => {
  if (!(await store.findCategory(trx, tenantId, parentId))) {
    throw invalid('parent_id', 'unknown_category', `There is no category '${parentId}'.`);
  }
};

export const createCategories = (db: Db) => ({
  create: (tenantId: string, input: CategoryInput): Promise<CategoryDoc> => {
    check(input, true);
    return db
      .tenant(tenantId, async (trx) => {
        if (input.parent_id) await requireParent(trx, tenantId, input.parent_id);
        const name = (input.name ?? '').trim();
        const slug =
          input.slug ??
          firstFreeSlug(slugify(name), await store.takenSlugs(trx, tenantId, 'categories', [slugify(name)]));
        const row = await store.insertCategory(trx, {
          id: newId('cat'),
          tenant_id: tenantId,
          name,
          slug,
          parent_id: input.parent_id ?? null,
          description: input.description ?? '',
        });
        const doc = store.categoryDoc(row);
        await recordEvents(trx, [catalogEvent('category.created', tenantId, doc)]);
        return doc;
      })
      .catch(slugConflict);
  },

  get: async (tenantId: string, idOrSlug: string): Promise<CategoryDoc> => {
    const row = await db.tenant(tenantId, (trx) => store.findCategory(trx, tenantId, idOrSlug));
    if (!row) throw notFound('category', idOrSlug);
    return store.categoryDoc(row);
  },

  list: async (tenantId: string, limit: number, cursor: string) => {
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await db.tenant(tenantId, (trx) => store.listCategories(trx, tenantId, after, limit + 1));
    const result = page(rows, limit);
    return { ...result, items: result.items.map(store.categoryDoc) };
  },

  update: (tenantId: string, idOrSlug: string, input: CategoryInput): Promise<CategoryDoc> => {
    check(input, false);
    return db
      .tenant(tenantId, async (trx) => {
        const current = await store.findCategory(trx, tenantId, idOrSlug);
        if (!current) throw notFound('category', idOrSlug);
        if (input.parent_id) {
          await requireParent(trx, tenantId, input.parent_id);
          if ((await store.categoryAncestors(trx, tenantId, input.parent_id)).includes(current.id)) {
            throw new AppError(
              'category_cycle',
              400,
              'A category cannot be placed under itself or its descendants.',
              [{ field: 'parent_id', code: 'category_cycle', message: 'This parent would make a cycle.' }],
            );
          }
        }
        const row = await store.updateCategory(trx, tenantId, current.id, {
          ...(input.name !== undefined ? { name: input.name.trim() } : {}),
          ...(input.slug !== undefined ? { slug: input.slug } : {}),
          ...(input.parent_id !== undefined ? { parent_id: input.parent_id } : {}),
          ...(input.description !== undefined ? { description: input.description } : {}),
        });
        if (!row) throw notFound('category', idOrSlug);
        const doc = store.categoryDoc(row);
        await recordEvents(trx, [catalogEvent('category.updated', tenantId, doc)]);
        return doc;
      })
      .catch(slugConflict);
  },

  /** Products keep existing and simply leave the category; a category with children must be emptied first. */
  remove: (tenantId: string, idOrSlug: string): Promise<string> =>
    db.tenant(tenantId, async (trx) => {
      const current = await store.findCategory(trx, tenantId, idOrSlug);
      if (!current) throw notFound('category', idOrSlug);
      if (await store.hasChildCategories(trx, tenantId, current.id)) {
        throw new AppError(
          'category_has_children',
          409,
          'Move or delete the subcategories of this category first.',
        );
      }
      const affected = await store.removeCategoryFromProducts(trx, tenantId, current.id);
      const docs = [];
      for (const productId of affected) {
        const row = await store.findProduct(trx, tenantId, productId);
        if (row) docs.push(productDoc(row, await store.findVariants(trx, tenantId, productId)));
      }
      await store.upsertListings(trx, tenantId, docs);
      await store.deleteCategory(trx, tenantId, current.id);
      await recordEvents(trx, [
        catalogEvent('category.deleted', tenantId, { id: current.id }),
        ...docs.map((d) => catalogEvent('product.updated', tenantId, d)),
      ]);
      return current.id;
    }),
});

export type Categories = ReturnType<typeof createCategories>;
