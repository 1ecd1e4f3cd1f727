import { init, unwrap, type ApiClient, type CallOptions } from '../client.ts';
import { AutoPager } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

export const ordersResource = (api: ApiClient) => ({
  list: (query: QueryOf<'listOrders'> = {}, options?: Pick<CallOptions, 'signal'>) =>
    new AutoPager((q) => unwrap(api.GET('/v1/orders', { params: { query: q }, ...init(options) })), query),
  get: (id: string, options?: Pick<CallOptions, 'signal'>) =>
    unwrap(api.GET('/v1/orders/{id}', { params: { path: { id } }, ...init(options) })),
  /** Before shipping: refunds what was captured and restocks. */
  cancel: (id: string, body: BodyOf<'cancelOrder'> = {}, options?: CallOptions) =>
    unwrap(api.POST('/v1/orders/{id}/cancel', { params: { path: { id } }, body, ...init(options) })),
  fulfill: (id: string, body: BodyOf<'createFulfillment'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/orders/{id}/fulfillments', { params: { path: { id } }, body, ...init(options) })),
  refund: (id: string, body: BodyOf<'createRefund'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/orders/{id}/refunds', { params: { path: { id } }, body, ...init(options) })),
  return: (id: string, body: BodyOf<'createReturn'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/orders/{id}/returns', { params: { path: { id } }, body, ...init(options) })),
});
