import { create } from '@bufbuild/protobuf';
import {
  CatalogService,
  CategorySchema,
  ProductSchema,
  type Category,
  type Product,
  type ProductInput as ProductInputMessage,
  type VariantInput as VariantInputMessage,
} from '@bazaar/contracts/catalog';
import { pageSize, type ConnectRouter } from '@bazaar/kit';
import type { Categories } from './categories.ts';
import type { CategoryDoc, ProductDoc, ProductInput, VariantInput } from './model.ts';
import type { Products } from './products.ts';

export const productMessage = (doc: ProductDoc): Product =>
  create(ProductSchema, {
    ...doc,
    description: doc.description,
    categoryIds: doc.category_ids,
    variants: doc.variants.map((v) => ({
      ...v,
      prices: v.prices.map((p) => ({ ...p, amount: BigInt(p.amount) })),
    })),
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  });

const categoryMessage = (doc: CategoryDoc): Category =>
  create(CategorySchema, {
    ...doc,
    parentId: doc.parent_id ?? undefined,
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  });

const variantInput = (v: VariantInputMessage): VariantInput => ({
  id: v.id,
  sku: v.sku,
  options: { ...v.options },
  prices: v.prices.map((p) => ({ currency: p.currency, amount: Number(p.amount) })),
});

const productInput = (m: ProductInputMessage | undefined): ProductInput => ({
  name: m?.name ?? '',
  slug: m?.slug,
  status: m?.status,
  description: m?.description ?? '',
  category_ids: m?.categoryIds ?? [],
  options: (m?.options ?? []).map((o) => ({ name: o.name, values: o.values })),
  variants: (m?.variants ?? []).map(variantInput),
});

/** The private API of catalog. */
export const catalogRoutes = (products: Products, categories: Categories) => (router: ConnectRouter) =>
  router.service(CatalogService, {
    createProduct: async ({ tenantId, product }) => ({
      product: productMessage(await products.create(tenantId, productInput(product))),
    }),
    getProduct: async ({ tenantId, idOrSlug }) => ({
      product: productMessage(await products.get(tenantId, idOrSlug)),
    }),
    updateProduct: async ({ tenantId, productId, patch }) => {
      const doc = await products.update(tenantId, productId, {
        name: patch?.name,
        slug: patch?.slug,
        status: patch?.status,
        description: patch?.description,
        category_ids: patch?.setCategoryIds ? patch.categoryIds : undefined,
        options: patch?.setOptions
          ? patch.options.map((o) => ({ name: o.name, values: o.values }))
          : undefined,
        variants: patch?.setVariants ? patch.variants.map(variantInput) : undefined,
      });
      return { product: productMessage(doc) };
    },
    deleteProduct: async ({ tenantId, productId }) => ({
      productId: await products.remove(tenantId, productId),
    }),
    listProducts: async ({ tenantId, limit, cursor, categoryId, status, updatedSince }) => {
      const result = await products.list(
        tenantId,
        { categoryId, status, updatedSince },
        pageSize(limit),
        cursor,
      );
      return { products: result.items.map(productMessage), nextCursor: result.nextCursor };
    },
    getVariants: async ({ tenantId, variantIds }) => ({
      variants: (await products.sellableVariants(tenantId, variantIds)).map((v) => ({
        id: v.id,
        productId: v.product_id,
        productName: v.product_name,
        productStatus: v.product_status,
        sku: v.sku,
        options: v.options,
        prices: v.prices.map((p) => ({ currency: p.currency, amount: BigInt(p.amount) })),
      })),
    }),
    importProducts: async ({ tenantId, products: inputs }) => ({
      created: await products.importMany(tenantId, inputs.map(productInput)),
    }),
    createCategory: async ({ tenantId, name, slug, parentId, description }) => ({
      category: categoryMessage(
        await categories.create(tenantId, { name, slug, parent_id: parentId, description }),
      ),
    }),
    getCategory: async ({ tenantId, idOrSlug }) => ({
      category: categoryMessage(await categories.get(tenantId, idOrSlug)),
    }),
    updateCategory: async ({ tenantId, categoryId, name, slug, setParentId, parentId, description }) => ({
      category: categoryMessage(
        await categories.update(tenantId, categoryId, {
          name,
          slug,
          parent_id: setParentId ? (parentId ?? null) : undefined,
          description,
        }),
      ),
    }),
    deleteCategory: async ({ tenantId, categoryId }) => ({
      categoryId: await categories.remove(tenantId, categoryId),
    }),
    listCategories: async ({ tenantId, limit, cursor }) => {
      const result = await categories.list(tenantId, pageSize(limit), cursor);
      return { categories: result.items.map(categoryMessage), nextCursor: result.nextCursor };
    },
  });
