import { init, unwrap, type ApiClient, type CallOptions } from '../client.ts';
import type { BodyOf } from '../types.ts';

export const cartsResource = (api: ApiClient) => ({
  create: (body: BodyOf<'createCart'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/carts', { body, ...init(options) })),
  get: (id: string, options?: Pick<CallOptions, 'signal'>) =>
    unwrap(api.GET('/v1/carts/{id}', { params: { path: { id } }, ...init(options) })),
  /** Answers the cart with the line added. */
  addLine: (cartId: string, body: BodyOf<'addCartLine'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/carts/{id}/lines', { params: { path: { id: cartId } }, body, ...init(options) })),
  updateLine: (cartId: string, lineId: string, body: BodyOf<'updateCartLine'>, options?: CallOptions) =>
    unwrap(
      api.PATCH('/v1/carts/{id}/lines/{line_id}', {
        params: { path: { id: cartId, line_id: lineId } },
        body,
        ...init(options),
      }),
    ),
  removeLine: (cartId: string, lineId: string, options?: CallOptions) =>
    unwrap(
      api.DELETE('/v1/carts/{id}/lines/{line_id}', {
        params: { path: { id: cartId, line_id: lineId } },
        ...init(options),
      }),
    ),
  /**
   * Places and pays the order; answers it. A failed payment throws a PaymentError whose `detail` a
   * customer can read; a checkout the API finishes in the background throws a ServerError
   * `checkout_pending` with the `order_id` in its problem.
   */
  checkout: (cartId: string, body: BodyOf<'checkoutCart'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/carts/{id}/checkout', { params: { path: { id: cartId } }, body, ...init(options) })),
});
