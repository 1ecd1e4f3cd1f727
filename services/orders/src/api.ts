import { create } from '@bufbuild/protobuf';
import {
  OrderSchema,
  OrdersService,
  type Address as AddressMessage,
  type Order,
} from '@bazaar/contracts/orders';
import { pageSize, decodeCursor, notFound, page, type ConnectRouter, type Database } from '@bazaar/kit';
import type { CheckoutInput } from './checkout.ts';
import type { Lifecycle } from './lifecycle.ts';
import * as store from './store.ts';
import type { Address, OrdersTables, OrderView } from './store.ts';

const lineQuantities = (lines: { line_id: string; quantity: number }[]) =>
  lines.map((l) => ({ lineId: l.line_id, quantity: BigInt(l.quantity) }));

export const orderMessage = ({ order, lines, fulfillments, refunds, returns }: OrderView): Order =>
  create(OrderSchema, {
    id: order.id,
    status: order.status,
    cartId: order.cart_id,
    email: order.email,
    shippingAddress: { ...order.shipping_address, postalCode: order.shipping_address.postal_code },
    currency: order.currency,
    lines: lines.map((l) => ({
      id: l.id,
      variantId: l.variant_id,
      productId: l.product_id,
      sku: l.sku,
      name: l.name,
      unitAmount: BigInt(l.unit_amount),
      quantity: BigInt(l.quantity),
      total: BigInt(l.unit_amount * l.quantity),
      fulfilledQuantity: BigInt(l.fulfilled_quantity),
      returnedQuantity: BigInt(l.returned_quantity),
    })),
    subtotal: BigInt(order.subtotal),
    taxTotal: BigInt(order.tax_total),
    shippingTotal: BigInt(order.shipping_total),
    discountTotal: BigInt(order.discount_total),
    total: BigInt(order.total),
    amountRefunded: BigInt(order.amount_refunded),
    paymentStatus: order.payment_status,
    fulfillmentStatus: order.fulfillment_status,
    paymentIntentId: order.payment_intent_id ?? '',
    failureCode: order.failure_code ?? '',
    failureReason: order.failure_reason ?? '',
    fulfillments: fulfillments.map((f) => ({
      id: f.id,
      trackingNumber: f.tracking_number,
      carrier: f.carrier,
      lines: lineQuantities(f.lines),
      createdAt: f.created_at.toISOString(),
    })),
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: BigInt(r.amount),
      reason: r.reason,
      createdAt: r.created_at.toISOString(),
    })),
    returns: returns.map((r) => ({
      id: r.id,
      lines: lineQuantities(r.lines),
      restock: r.restock,
      refundAmount: BigInt(r.refund_amount),
      createdAt: r.created_at.toISOString(),
    })),
    createdAt: order.created_at.toISOString(),
    updatedAt: order.updated_at.toISOString(),
  });

const address = (a: AddressMessage | undefined): Address => ({
  name: a?.name ?? '',
  line1: a?.line1 ?? '',
  line2: a?.line2 ?? '',
  city: a?.city ?? '',
  region: a?.region ?? '',
  postal_code: a?.postalCode ?? '',
  country: a?.country ?? '',
  phone: a?.phone ?? '',
});

const quantities = (lines: { lineId: string; quantity: bigint }[]) =>
  lines.map((l) => ({ line_id: l.lineId, quantity: Number(l.quantity) }));

/** The private API of orders. */
export const ordersRoutes =
  (
    db: Database<OrdersTables>,
    checkout: (tenantId: string, input: CheckoutInput) => Promise<OrderView>,
    lifecycle: Lifecycle,
  ) =>
  (router: ConnectRouter) =>
    router.service(OrdersService, {
      checkout: async ({ tenantId, cartId, email, shippingAddress, cardNumber }) => ({
        order: orderMessage(
          await checkout(tenantId, { cartId, email, shippingAddress: address(shippingAddress), cardNumber }),
        ),
      }),
      getOrder: async ({ tenantId, orderId }) => {
        const view = await db.tenant(tenantId, async (trx) => {
          const order = await store.findOrder(trx, tenantId, orderId);
          return order ? store.loadView(trx, order) : undefined;
        });
        if (!view) throw notFound('order', orderId);
        return { order: orderMessage(view) };
      },
      listOrders: async ({ tenantId, limit, cursor, status }) => {
        const n = pageSize(limit);
        const views = await db.tenant(tenantId, async (trx) => {
          const rows = await store.listOrders(
            trx,
            tenantId,
            cursor ? decodeCursor(cursor) : undefined,
            n + 1,
            status,
          );
          return store.loadViews(trx, rows);
        });
        const result = page(
          views.map((v) => ({ ...v, id: v.order.id })),
          n,
        );
        return { orders: result.items.map(orderMessage), nextCursor: result.nextCursor };
      },
      cancelOrder: async ({ tenantId, orderId, reason }) => ({
        order: orderMessage(await lifecycle.cancel(tenantId, orderId, reason)),
      }),
      createFulfillment: async ({ tenantId, orderId, lines, trackingNumber, carrier }) => ({
        order: orderMessage(
          await lifecycle.fulfill(tenantId, orderId, quantities(lines), trackingNumber, carrier),
        ),
      }),
      createRefund: async ({ tenantId, orderId, amount, reason, idempotencyKey }) => ({
        order: orderMessage(
          await lifecycle.refund(tenantId, orderId, Number(amount), reason, idempotencyKey),
        ),
      }),
      createReturn: async ({ tenantId, orderId, lines, restock, refundAmount, idempotencyKey }) => ({
        order: orderMessage(
          await lifecycle.returnItems(
            tenantId,
            orderId,
            quantities(lines),
            restock,
            Number(refundAmount),
            idempotencyKey,
          ),
        ),
      }),
    });
