import { init, unwrap, type ApiClient, type CallOptions } from '../client.ts';
import { AutoPager } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListOptions = Pick<CallOptions, 'signal'>;

export const locationsResource = (api: ApiClient) => ({
  list: (query: QueryOf<'listLocations'> = {}, options?: ListOptions) =>
    new AutoPager((q) => unwrap(api.GET('/v1/locations', { params: { query: q }, ...init(options) })), query),
  create: (body: BodyOf<'createLocation'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/locations', { body, ...init(options) })),
});

export const stockResource = (api: ApiClient) => ({
  /** The stock of a variant at each location. */
  levels: async (query: QueryOf<'listStockLevels'>, options?: ListOptions) =>
    (await unwrap(api.GET('/v1/stock-levels', { params: { query }, ...init(options) }))).data,
  /** The stock ledger. */
  adjustments: (query: QueryOf<'listStockAdjustments'> = {}, options?: ListOptions) =>
    new AutoPager(
      (q) => unwrap(api.GET('/v1/stock-adjustments', { params: { query: q }, ...init(options) })),
      query,
    ),
  /** Receives, counts or writes off stock: a signed `delta` at a location. */
  adjust: (body: BodyOf<'createStockAdjustment'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/stock-adjustments', { body, ...init(options) })),
});
