import { init, unwrap, type ApiClient, type CallOptions } from '../client.ts';
import { AutoPager } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListOptions = Pick<CallOptions, 'signal'>;

export const productsResource = (api: ApiClient) => ({
  /** Every product, page by page as it is read: `for await (const product of bazaar.products.list())`. */
  list: (query: QueryOf<'listProducts'> = {}, options?: ListOptions) =>
    new AutoPager((q) => unwrap(api.GET('/v1/products', { params: { query: q }, ...init(options) })), query),
  /** By id (`prod_…`) or slug. */
  get: (idOrSlug: string, options?: ListOptions) =>
    unwrap(api.GET('/v1/products/{id}', { params: { path: { id: idOrSlug } }, ...init(options) })),
  create: (body: BodyOf<'createProduct'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/products', { body, ...init(options) })),
  /** Any part of the product; `variants`, when sent, replaces the list. */
  update: (id: string, body: BodyOf<'updateProduct'>, options?: CallOptions) =>
    unwrap(api.PATCH('/v1/products/{id}', { params: { path: { id } }, body, ...init(options) })),
  delete: (id: string, options?: CallOptions) =>
    unwrap(api.DELETE('/v1/products/{id}', { params: { path: { id } }, ...init(options) })),
});

export const categoriesResource = (api: ApiClient) => ({
  list: (query: QueryOf<'listCategories'> = {}, options?: ListOptions) =>
    new AutoPager(
      (q) => unwrap(api.GET('/v1/categories', { params: { query: q }, ...init(options) })),
      query,
    ),
  get: (idOrSlug: string, options?: ListOptions) =>
    unwrap(api.GET('/v1/categories/{id}', { params: { path: { id: idOrSlug } }, ...init(options) })),
  create: (body: BodyOf<'createCategory'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/categories', { body, ...init(options) })),
  update: (id: string, body: BodyOf<'updateCategory'>, options?: CallOptions) =>
    unwrap(api.PATCH('/v1/categories/{id}', { params: { path: { id } }, body, ...init(options) })),
  delete: (id: string, options?: CallOptions) =>
    unwrap(api.DELETE('/v1/categories/{id}', { params: { path: { id } }, ...init(options) })),
});
