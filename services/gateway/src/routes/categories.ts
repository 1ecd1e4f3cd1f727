import type { CatalogService } from '@bazaar/contracts/catalog';
import type { Client } from '@bazaar/kit';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { list, presentCategory } from '../present.ts';
import type { ReadCache } from '../read-cache.ts';
import { cachedRead } from '../reads.ts';
import { Category, CategoryCreate, CategoryList, CategoryUpdate } from '../schemas/categories.ts';
import { errorResponses, IdOrSlugParams, PageQuery } from '../schemas/common.ts';

type Catalog = Client<typeof CatalogService>;

const Deleted = Type.Object({
  id: Type.String(),
  object: Type.Literal('category'),
  deleted: Type.Literal(true),
});
const tags = ['Categories'];

export const categoryRoutes = (app: App, catalog: Catalog, cache: ReadCache): void => {
  app.get(
    '/v1/categories',
    {
      config: { access: 'storefront', scope: 'products:read' },
      schema: {
        tags,
        operationId: 'listCategories',
        summary: 'List categories',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: CategoryList, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      return cachedRead(request, reply, cache, async () => {
        const result = await catalog.listCategories({
          tenantId: tenantOf(request),
          limit: request.query.limit ?? 20,
          cursor: request.query.cursor ?? '',
        });
        return { payload: list(result.categories.map(presentCategory), result.nextCursor), complete: true };
      });
    },
  );

  app.get(
    '/v1/categories/:id',
    {
      config: { access: 'storefront', scope: 'products:read' },
      schema: {
        tags,
        operationId: 'getCategory',
        summary: 'Get a category',
        description: 'By id (`cat_…`) or by slug.',
        params: IdOrSlugParams('category'),
        response: { 200: Category, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      return cachedRead(request, reply, cache, async () => {
        const { category } = await catalog.getCategory({
          tenantId: tenantOf(request),
          idOrSlug: request.params.id,
        });
        return { payload: presentCategory(category!), complete: true };
      });
    },
  );

  app.post(
    '/v1/categories',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'createCategory',
        summary: 'Create a category',
        body: CategoryCreate,
        response: { 201: Category, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { category } = await catalog.createCategory({
        tenantId: tenantOf(request),
        name: b.name,
        slug: b.slug,
        parentId: b.parent_id ?? undefined,
        description: b.description ?? '',
      });
      return reply.code(201).send(presentCategory(category!));
    },
  );

  app.patch(
    '/v1/categories/:id',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'updateCategory',
        summary: 'Update a category',
        description: 'Send any part of the category; `parent_id: null` moves it to the top.',
        params: IdOrSlugParams('category'),
        body: CategoryUpdate,
        response: { 200: Category, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const b = request.body;
      const { category } = await catalog.updateCategory({
        tenantId: tenantOf(request),
        categoryId: request.params.id,
        name: b.name,
        slug: b.slug,
        setParentId: b.parent_id !== undefined,
        parentId: b.parent_id ?? undefined,
        description: b.description,
      });
      return presentCategory(category!);
    },
  );

  app.delete(
    '/v1/categories/:id',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'deleteCategory',
        summary: 'Delete a category',
        description:
          'Its products stay and leave the category. A category with subcategories cannot be deleted.',
        params: IdOrSlugParams('category'),
        response: { 200: Deleted, ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { categoryId } = await catalog.deleteCategory({
        tenantId: tenantOf(request),
        categoryId: request.params.id,
      });
      return { id: categoryId, object: 'category' as const, deleted: true as const };
    },
  );
};
