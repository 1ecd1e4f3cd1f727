import { create } from '@bufbuild/protobuf';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { ProductPatchSchema, type CatalogService, type ProductInputSchema } from '@bazaar/contracts/catalog';
import { notFound, type Client } from '@bazaar/kit';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { isStorefront, tenantOf } from '../auth.ts';
import { list, presentProduct } from '../present.ts';
import { errorResponses, IdOrSlugParams } from '../schemas/common.ts';
import { Product, ProductCreate, ProductList, ProductListQuery, ProductUpdate } from '../schemas/products.ts';

type Catalog = Client<typeof CatalogService>;
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

export const productRoutes = (app: App, catalog: Catalog): void => {
  app.get(
    '/v1/products',
    {
      config: { access: 'storefront' },
      schema: {
        tags,
        operationId: 'listProducts',
        summary: 'List products',
        description: 'Newest last. Publishable keys see active products only.',
        querystring: ProductListQuery,
        response: { 200: ProductList, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await catalog.listProducts({
        tenantId: tenantOf(request),
        limit: q.limit ?? 20,
        cursor: q.cursor ?? '',
        categoryId: q.category_id,
        status: isStorefront(request) ? 'active' : q.status,
        updatedSince: q.updated_since,
      });
      return list(result.products.map(presentProduct), result.nextCursor);
    },
  );

  app.get(
    '/v1/products/:id',
    {
      config: { access: 'storefront' },
      schema: {
        tags,
        operationId: 'getProduct',
        summary: 'Get a product',
        description: 'By id (`prod_…`) or by slug.',
        params: IdOrSlugParams('product'),
        response: { 200: Product, ...errorResponses(401, 404) },
      },
    },
    async (request) => {
      const { product } = await catalog.getProduct({
        tenantId: tenantOf(request),
        idOrSlug: request.params.id,
      });
      if (!product || (isStorefront(request) && product.status !== 'active'))
        throw notFound('product', request.params.id);
      return presentProduct(product);
    },
  );

  app.post(
    '/v1/products',
    {
      schema: {
        tags,
        operationId: 'createProduct',
        summary: 'Create a product',
        body: ProductCreate,
        response: { 201: Product, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { product } = await catalog.createProduct({
        tenantId: tenantOf(request),
        product: productInput(request.body),
      });
      return reply.code(201).send(presentProduct(product!));
    },
  );

  app.patch(
    '/v1/products/:id',
    {
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
      const { product } = await catalog.updateProduct({
        tenantId: tenantOf(request),
        productId: request.params.id,
        patch,
      });
      return presentProduct(product!);
    },
  );

  app.delete(
    '/v1/products/:id',
    {
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
