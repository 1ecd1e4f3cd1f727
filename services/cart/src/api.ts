import { create } from '@bufbuild/protobuf';
import { CartSchema, CartService, type Cart } from '@bazaar/contracts/cart';
import type { ConnectRouter } from '@bazaar/kit';
import type { Carts, CartView } from './carts.ts';
import { lineTotal } from './totals.ts';

const cartMessage = ({ cart, lines, totals }: CartView): Cart =>
  create(CartSchema, {
    id: cart.id,
    currency: cart.currency,
    status: cart.status,
    lines: lines.map((l) => ({
      id: l.id,
      variantId: l.variant_id,
      productId: l.product_id,
      sku: l.sku,
      name: l.name,
      unitAmount: BigInt(l.unit_amount),
      quantity: BigInt(l.quantity),
      total: BigInt(lineTotal(l)),
    })),
    subtotal: BigInt(totals.subtotal),
    taxTotal: BigInt(totals.tax_total),
    shippingTotal: BigInt(totals.shipping_total),
    discountTotal: BigInt(totals.discount_total),
    total: BigInt(totals.total),
    orderId: cart.order_id ?? '',
    createdAt: cart.created_at.toISOString(),
    updatedAt: cart.updated_at.toISOString(),
    expiresAt: cart.expires_at.toISOString(),
  });

/** The private API of cart. */
export const cartRoutes = (carts: Carts) => (router: ConnectRouter) =>
  router.service(CartService, {
    createCart: async ({ tenantId, currency }) => ({
      cart: cartMessage(await carts.create(tenantId, currency)),
    }),
    getCart: async ({ tenantId, cartId }) => ({ cart: cartMessage(await carts.get(tenantId, cartId)) }),
    addLine: async ({ tenantId, cartId, variantId, quantity }) => ({
      cart: cartMessage(await carts.addLine(tenantId, cartId, variantId, Number(quantity))),
    }),
    updateLine: async ({ tenantId, cartId, lineId, quantity }) => ({
      cart: cartMessage(await carts.updateLine(tenantId, cartId, lineId, Number(quantity))),
    }),
    removeLine: async ({ tenantId, cartId, lineId }) => ({
      cart: cartMessage(await carts.removeLine(tenantId, cartId, lineId)),
    }),
    revalidateCart: async ({ tenantId, cartId }) => {
      const { view, changed, unavailable } = await carts.revalidate(tenantId, cartId);
      return { cart: cartMessage(view), changedLineIds: changed, unavailableLineIds: unavailable };
    },
    markCheckedOut: async ({ tenantId, cartId, orderId }) => {
      await carts.markCheckedOut(tenantId, cartId, orderId);
      return {};
    },
  });
