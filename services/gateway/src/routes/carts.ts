import type { Clients } from '@bazaar/contracts/clients';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { presentCart, presentOrder } from '../present.ts';
import { CartCreate, CartLineParams, Checkout, LineCreate, LineUpdate } from '../schemas/carts.ts';
import { errorResponses, IdParams } from '../schemas/common.ts';

const tags = ['Carts'];
const CartRef = { $ref: 'Cart#' };
const OrderRef = { $ref: 'Order#' };

/** Carts and checkout. Storefronts drive them with publishable keys. */
export const cartRoutes = (app: App, { cart, orders }: Clients): void => {
  const config = { access: 'storefront' as const, scope: 'carts:write' as const };
  const readConfig = { access: 'storefront' as const, scope: 'carts:read' as const };

  app.post(
    '/v1/carts',
    {
      config,
      schema: {
        tags,
        operationId: 'createCart',
        summary: 'Create a cart',
        body: CartCreate,
        response: { 201: CartRef, ...errorResponses(400, 401) },
      },
    },
    async (request, reply) => {
      const created = await cart.createCart({ tenantId: tenantOf(request), currency: request.body.currency });
      return reply.code(201).send(presentCart(created.cart));
    },
  );

  app.get(
    '/v1/carts/:id',
    {
      config: readConfig,
      schema: {
        tags,
        operationId: 'getCart',
        summary: 'Get a cart',
        params: IdParams('cart'),
        response: { 200: CartRef, ...errorResponses(401, 404) },
      },
    },
    async (request) =>
      presentCart((await cart.getCart({ tenantId: tenantOf(request), cartId: request.params.id })).cart),
  );

  app.post(
    '/v1/carts/:id/lines',
    {
      config,
      schema: {
        tags,
        operationId: 'addCartLine',
        summary: 'Add an item',
        description:
          'Adds a variant at its current price, or more of one already in the cart. Checks the stock.',
        params: IdParams('cart'),
        body: LineCreate,
        response: { 201: CartRef, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      const updated = await cart.addLine({
        tenantId: tenantOf(request),
        cartId: request.params.id,
        variantId: request.body.variant_id,
        quantity: BigInt(request.body.quantity),
      });
      return reply.code(201).send(presentCart(updated.cart));
    },
  );

  app.patch(
    '/v1/carts/:id/lines/:line_id',
    {
      config,
      schema: {
        tags,
        operationId: 'updateCartLine',
        summary: 'Change a quantity',
        params: CartLineParams,
        body: LineUpdate,
        response: { 200: CartRef, ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) =>
      presentCart(
        (
          await cart.updateLine({
            tenantId: tenantOf(request),
            cartId: request.params.id,
            lineId: request.params.line_id,
            quantity: BigInt(request.body.quantity),
          })
        ).cart,
      ),
  );

  app.delete(
    '/v1/carts/:id/lines/:line_id',
    {
      config,
      schema: {
        tags,
        operationId: 'removeCartLine',
        summary: 'Remove an item',
        params: CartLineParams,
        response: { 200: CartRef, ...errorResponses(401, 404, 409) },
      },
    },
    async (request) =>
      presentCart(
        (
          await cart.removeLine({
            tenantId: tenantOf(request),
            cartId: request.params.id,
            lineId: request.params.line_id,
          })
        ).cart,
      ),
  );

  app.post(
    '/v1/carts/:id/checkout',
    {
      config,
      schema: {
        tags,
        operationId: 'checkoutCart',
        summary: 'Check out',
        description:
          'Reserves the stock, authorizes and captures the payment and places the order, or fails with a problem a ' +
          'customer can read (402 for a payment that failed, 409 for stock that ran out or prices that changed). ' +
          'Nothing is left behind by a failure: stock is released and authorizations voided.',
        params: IdParams('cart'),
        body: Checkout,
        response: { 201: OrderRef, ...errorResponses(400, 401, 402, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const placed = await orders.checkout({
        tenantId: tenantOf(request),
        cartId: request.params.id,
        email: b.email,
        shippingAddress: { ...b.shipping_address, postalCode: b.shipping_address.postal_code },
        cardNumber: b.payment.card_number,
      });
      return reply.code(201).send(presentOrder(placed.order));
    },
  );
};
