import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Clients } from '@bazaar/contracts/clients';
import { ProductPatchSchema, type ProductInputSchema } from '@bazaar/contracts/catalog';
import { notFound } from '@bazaar/kit';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { isStorefront, tenantOf } from '../auth.ts';
import { list, presentProduct } from '../present.ts';
import type { ReadCache } from '../read-cache.ts';
import { cachedRead, withAvailability } from '../reads.ts';
import { errorResponses, IdOrSlugParams } from '../schemas/common.ts';
import { Product, ProductCreate, ProductList, ProductListQuery, ProductUpdate } from '../schemas/products.ts';

type VariantBody = NonNullable<ProductCreate['variants']>[number];

const variantInput = (v: VariantBody) => ({
  id: v.id,
  sku: v.sku,
  options: v.options ?? {},
  prices: (v.prices ?? []).map((p) => ({ currency: p.currency, amount: BigInt(p.amount) })),
});

const productInput = (b: ProductCreate): MessageInitShape<typeof ProductInputSchema> => ({
  name: b.name,
  slug: b.slug,
  status: b.status,
  description: b.description ?? '',
  categoryIds: b.category_ids ?? [],
  options: b.options ?? [],
  variants: (b.variants ?? []).map(variantInput),
});

const Deleted = Type.Object({
  id: Type.String(),
  object: Type.Literal('product'),
  deleted: Type.Literal(true),
});
const tags = ['Products'];

export const productRoutes = (app: App, { catalog, inventory }: Clients, cache: ReadCache): void => {
  const present = async (tenantId: string, products: Parameters<typeof presentProduct>[0][]) =>
    withAvailability(inventory, tenantId, products.map(presentProduct));

  app.get(
    '/v1/products',
    {
      config: { access: 'storefront', scope: 'products:read' },
      schema: {
        tags,
        operationId: 'listProducts',
        summary: 'List products',
        description: 'Newest last. Publishable keys see active products only.',
        querystring: ProductListQuery,
        response: { 200: ProductList, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      return cachedRead(request, reply, cache, async () => {
        const q = request.query;
        const tenantId = tenantOf(request);
        const result = await catalog.listProducts({
          tenantId,
          limit: q.limit ?? 20,
          cursor: q.cursor ?? '',
          categoryId: q.category_id,
          status: isStorefront(request) ? 'active' : q.status,
          updatedSince: q.updated_since,
        });
        const { products, complete } = await present(tenantId, result.products);
        return { payload: list(products, result.nextCursor), complete };
      });
    },
  );

  app.get(
    '/v1/products/:id',
    {
      config: { access: 'storefront', scope: 'products:read' },
      schema: {
        tags,
        operationId: 'getProduct',
        summary: 'Get a product',
        description: 'By id (`prod_…`) or by slug.',
        params: IdOrSlugParams('product'),
        response: { 200: Product, ...errorResponses(401, 404) },
      },
    },
    async (request, reply) => {
      return cachedRead(request, reply, cache, async () => {
        const tenantId = tenantOf(request);
        const { product } = await catalog.getProduct({ tenantId, idOrSlug: request.params.id });
        if (!product || (isStorefront(request) && product.status !== 'active')) {
          throw notFound('product', request.params.id);
        }
        const { products, complete } = await present(tenantId, [product]);
        return { payload: products[0], complete };
      });
    },
  );

  app.post(
    '/v1/products',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'createProduct',
        summary: 'Create a product',
        body: ProductCreate,
        response: { 201: Product, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const { product } = await catalog.createProduct({ tenantId, product: productInput(request.body) });
      return reply.code(201).send((await present(tenantId, [product!])).products[0]!);
    },
  );

  app.patch(
    '/v1/products/:id',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'updateProduct',
        summary: 'Update a product',
        description: 'Send any part of the product. `variants`, when sent, replaces the list.',
        params: IdOrSlugParams('product'),
        body: ProductUpdate,
        response: { 200: Product, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const b = request.body;
      const patch = create(ProductPatchSchema, {
        name: b.name,
        slug: b.slug,
        status: b.status,
        description: b.description,
        setCategoryIds: b.category_ids !== undefined,
        categoryIds: b.category_ids ?? [],
        setOptions: b.options !== undefined,
        options: b.options ?? [],
        setVariants: b.variants !== undefined,
        variants: (b.variants ?? []).map(variantInput),
      });
      const tenantId = tenantOf(request);
      const { product } = await catalog.updateProduct({ tenantId, productId: request.params.id, patch });
      return (await present(tenantId, [product!])).products[0]!;
    },
  );

  app.delete(
    '/v1/products/:id',
    {
      config: { scope: 'products:write' },
      schema: {
        tags,
        operationId: 'deleteProduct',
        summary: 'Delete a product',
        params: IdOrSlugParams('product'),
        response: { 200: Deleted, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { productId } = await catalog.deleteProduct({
        tenantId: tenantOf(request),
        productId: request.params.id,
      });
      return { id: productId, object: 'product' as const, deleted: true as const };
    },
  );
};
