import type { Clients } from '@bazaar/contracts/clients';
import { AppError, invalid, newId, notFound, recordEvents, type Database } from '@bazaar/kit';
import { orderEvent } from './events.ts';
import * as store from './store.ts';
import type { LineQuantity, OrderLineRow, OrderRow, OrdersTables, OrderView, Trx } from './store.ts';

type Db = Database<OrdersTables>;

const conflict = (code: string, message: string) => new AppError(code, 409, message);

/** Checks requested line quantities against what is left for each line; `left` says what is left. */
const checkLines = (
  lines: OrderLineRow[],
  requested: LineQuantity[],
  left: (line: OrderLineRow) => number,
  code: string,
  what: string,
): Map<string, number> => {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const wanted = new Map<string, number>();
  requested.forEach((r, i) => {
    const line = byId.get(r.line_id);
    if (!line) throw invalid(`lines/${i}/line_id`, 'unknown_line', `This order has no line '${r.line_id}'.`);
    if (!Number.isInteger(r.quantity) || r.quantity < 1) {
      throw invalid(`lines/${i}/quantity`, 'invalid_quantity', 'A quantity is a whole number of at least 1.');
    }
    const total = (wanted.get(line.id) ?? 0) + r.quantity;
    if (total > left(line)) {
      throw new AppError(code, 409, `Only ${left(line)} of '${line.name}' can be ${what}.`, [
        { field: `lines/${i}/quantity`, code, message: `At most ${left(line)}.` },
      ]);
    }
    wanted.set(line.id, total);
  });
  return wanted;
};

const captured = (order: OrderRow) =>
  order.payment_status === 'captured' || order.payment_status.includes('refund') ? order.total : 0;

export const createLifecycle = (db: Db, clients: Clients) => {
  /** Loads the order with its lines, locked, inside a transaction; 404 for another tenant's or a missing one. */
  const locked = async (trx: Trx, tenantId: string, id: string): Promise<OrderView> => {
    const order = await store.findOrder(trx, tenantId, id, true);
    if (!order) throw notFound('order', id);
    return store.loadView(trx, order);
  };

  const requireSettled = (order: OrderRow) => {
    if (order.status === 'pending')
      throw conflict('order_processing', 'The checkout of this order is still running.');
    if (order.status === 'failed')
      throw conflict('order_failed', 'This order failed at checkout; there is nothing to change.');
    if (order.status === 'cancelled') throw conflict('order_cancelled', 'This order was cancelled.');
    if (order.status === 'placed')
      throw conflict('order_processing', 'The payment of this order is still being completed.');
  };

  const paymentStatusAfterRefund = (order: OrderRow, refunded: number) =>
    refunded >= order.total ? 'refunded' : refunded > 0 ? 'partially_refunded' : order.payment_status;

  const refund = async (order: OrderRow, amount: number, reason: string, key: string) => {
    if (!Number.isInteger(amount) || amount < 1)
      throw invalid('amount', 'invalid_amount', 'A refund is a whole number of minor units, at least 1.');
    if (amount > captured(order) - order.amount_refunded) {
      throw new AppError(
        'refund_exceeds_captured',
        409,
        `At most ${captured(order) - order.amount_refunded} can still be refunded.`,
        [
          {
            field: 'amount',
            code: 'refund_exceeds_captured',
            message: 'More than was captured and not yet refunded.',
          },
        ],
      );
    }
    await clients.payments.refund({
      tenantId: order.tenant_id,
      paymentIntentId: order.payment_intent_id!,
      amount: BigInt(amount),
      reason,
      idempotencyKey: key,
    });
  };

  return {
    /** Cancels an order that has not shipped: refunds what was paid and puts the stock back. */
    cancel: async (tenantId: string, id: string, reason: string): Promise<OrderView> => {
      const { order, lines } = await db.tenant(tenantId, (trx) => locked(trx, tenantId, id));
      requireSettled(order);
      if (order.fulfillment_status !== 'unfulfilled') {
        throw conflict('order_fulfilled', 'Part of this order has shipped; return it instead of cancelling.');
      }
      const remaining = captured(order) - order.amount_refunded;
      if (remaining > 0) await refund(order, remaining, reason || 'cancelled', `cancel:${order.id}`);
      await clients.inventory.restock({
        tenantId,
        reference: order.id,
        lines: lines
          .map((l) => ({ variantId: l.variant_id, quantity: BigInt(l.quantity - l.returned_quantity) }))
          .filter((l) => l.quantity > 0n),
        reason: 'returned',
        idempotencyKey: `cancel:${order.id}`,
      });
      return db.tenant(tenantId, async (trx) => {
        const current = await locked(trx, tenantId, id);
        if (current.order.status === 'cancelled') return current;
        const refundId = remaining > 0 ? newId('ref') : undefined;
        if (refundId) {
          await trx
            .insertInto('order_refunds')
            .values({
              id: refundId,
              tenant_id: tenantId,
              order_id: id,
              amount: remaining,
              reason: reason || 'cancelled',
            })
            .execute();
        }
        const refunded = order.amount_refunded + remaining;
        const updated = await store.updateOrder(trx, tenantId, id, {
          status: 'cancelled',
          amount_refunded: refunded,
          payment_status: paymentStatusAfterRefund(order, refunded),
        });
        await recordEvents(trx, [
          orderEvent('order.cancelled', tenantId, { id, reason, amount_refunded: refunded }),
        ]);
        return store.loadView(trx, updated);
      });
    },

    /** Records a shipment of some or (with no lines) all of what is not yet shipped. */
    fulfill: (
      tenantId: string,
      id: string,
      requested: LineQuantity[],
      trackingNumber: string,
      carrier: string,
    ) =>
      db.tenant(tenantId, async (trx) => {
        const { order, lines } = await locked(trx, tenantId, id);
        requireSettled(order);
        const left = (l: OrderLineRow) => l.quantity - l.fulfilled_quantity;
        const wanted =
          requested.length > 0
            ? checkLines(lines, requested, left, 'fulfillment_exceeds_ordered', 'fulfilled')
            : new Map(lines.filter((l) => left(l) > 0).map((l) => [l.id, left(l)]));
        if (wanted.size === 0)
          throw conflict('order_fulfilled', 'Everything in this order has already shipped.');
        for (const [lineId, quantity] of wanted) {
          await trx
            .updateTable('order_lines')
            .set((eb) => ({ fulfilled_quantity: eb('fulfilled_quantity', '+', quantity) }))
            .where('tenant_id', '=', tenantId)
            .where('id', '=', lineId)
            .execute();
        }
        const fulfillmentId = newId('ful');
        await trx
          .insertInto('fulfillments')
          .values({
            id: fulfillmentId,
            tenant_id: tenantId,
            order_id: id,
            tracking_number: trackingNumber,
            carrier,
            lines: JSON.stringify([...wanted].map(([line_id, quantity]) => ({ line_id, quantity }))),
          })
          .execute();
        const all = lines.every((l) => l.fulfilled_quantity + (wanted.get(l.id) ?? 0) === l.quantity);
        const fulfillmentStatus = all ? 'fulfilled' : 'partially_fulfilled';
        const updated = await store.updateOrder(trx, tenantId, id, {
          fulfillment_status: fulfillmentStatus,
          ...(all ? { status: 'fulfilled' as const } : {}),
        });
        await recordEvents(trx, [
          orderEvent('order.fulfilled', tenantId, {
            id,
            fulfillment_id: fulfillmentId,
            fulfillment_status: fulfillmentStatus,
          }),
        ]);
        return store.loadView(trx, updated);
      }),

    /** Refunds part of what was paid; never more than was captured. */
    refund: async (
      tenantId: string,
      id: string,
      amount: number,
      reason: string,
      key: string,
    ): Promise<OrderView> => {
      const { order } = await db.tenant(tenantId, (trx) => locked(trx, tenantId, id));
      requireSettled(order);
      await refund(order, amount, reason, `refund:${key}`);
      return db.tenant(tenantId, async (trx) => {
        const current = await locked(trx, tenantId, id);
        const refundId = newId('ref');
        await trx
          .insertInto('order_refunds')
          .values({ id: refundId, tenant_id: tenantId, order_id: id, amount, reason })
          .execute();
        const refunded = current.order.amount_refunded + amount;
        const updated = await store.updateOrder(trx, tenantId, id, {
          amount_refunded: refunded,
          payment_status: paymentStatusAfterRefund(current.order, refunded),
        });
        await recordEvents(trx, [
          orderEvent('order.refunded', tenantId, {
            id,
            refund_id: refundId,
            amount,
            amount_refunded: refunded,
          }),
        ]);
        return store.loadView(trx, updated);
      });
    },

    /** Takes shipped items back: restocks them if asked and refunds the amount given, if any. */
    returnItems: async (
      tenantId: string,
      id: string,
      requested: LineQuantity[],
      restock: boolean,
      refundAmount: number,
      key: string,
    ): Promise<OrderView> => {
      if (requested.length === 0)
        throw invalid('lines', 'missing_field', 'Name the lines and quantities that came back.');
      const { order, lines } = await db.tenant(tenantId, (trx) => locked(trx, tenantId, id));
      requireSettled(order);
      const wanted = checkLines(
        lines,
        requested,
        (l) => l.fulfilled_quantity - l.returned_quantity,
        'return_exceeds_fulfilled',
        'returned',
      );
      if (refundAmount > 0) await refund(order, refundAmount, 'return', `return:${key}`);
      if (restock) {
        const byId = new Map(lines.map((l) => [l.id, l]));
        await clients.inventory.restock({
          tenantId,
          reference: id,
          lines: [...wanted].map(([lineId, quantity]) => ({
            variantId: byId.get(lineId)!.variant_id,
            quantity: BigInt(quantity),
          })),
          reason: 'returned',
          idempotencyKey: `return:${key}`,
        });
      }
      return db.tenant(tenantId, async (trx) => {
        const current = await locked(trx, tenantId, id);
        for (const [lineId, quantity] of wanted) {
          await trx
            .updateTable('order_lines')
            .set((eb) => ({ returned_quantity: eb('returned_quantity', '+', quantity) }))
            .where('tenant_id', '=', tenantId)
            .where('id', '=', lineId)
            .execute();
        }
        const returnId = newId('ret');
        await trx
          .insertInto('order_returns')
          .values({
            id: returnId,
            tenant_id: tenantId,
            order_id: id,
            lines: JSON.stringify([...wanted].map(([line_id, quantity]) => ({ line_id, quantity }))),
            restock,
            refund_amount: refundAmount,
          })
          .execute();
        let updated = current.order;
        if (refundAmount > 0) {
          await trx
            .insertInto('order_refunds')
            .values({
              id: newId('ref'),
              tenant_id: tenantId,
              order_id: id,
              amount: refundAmount,
              reason: 'return',
            })
            .execute();
          const refunded = current.order.amount_refunded + refundAmount;
          updated = await store.updateOrder(trx, tenantId, id, {
            amount_refunded: refunded,
            payment_status: paymentStatusAfterRefund(current.order, refunded),
          });
        }
        await recordEvents(trx, [
          orderEvent('order.returned', tenantId, {
            id,
            return_id: returnId,
            restock,
            refund_amount: refundAmount,
          }),
        ]);
        return store.loadView(trx, updated);
      });
    },
  };
};

export type Lifecycle = ReturnType<typeof createLifecycle>;
