import type { Clients } from '@bazaar/contracts/clients';
import { AppError, isUniqueViolation, newId, recordEvents, Violations, type Database } from '@bazaar/kit';
import { orderEvent } from './events.ts';
import { sagaEnded, type Saga } from './saga.ts';
import * as store from './store.ts';
import type { Address, OrderRow, OrdersTables, OrderView } from './store.ts';

type Db = Database<OrdersTables>;

export interface CheckoutInput {
  cartId: string;
  email: string;
  shippingAddress: Address;
  cardNumber: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const checkInput = (input: CheckoutInput) => {
  const v = new Violations();
  if (!EMAIL.test(input.email) || input.email.length > 254) {
    v.add('email', 'invalid_email', 'Give an email address such as ada@example.com.');
  }
  const a = input.shippingAddress;
  for (const field of ['name', 'line1', 'city', 'postal_code', 'country'] as const) {
    if (!a[field].trim())
      v.add(`shipping_address/${field}`, 'missing_field', `'shipping_address/${field}' is required.`);
  }
  if (a.country && !/^[A-Z]{2}$/.test(a.country)) {
    v.add(
      'shipping_address/country',
      'invalid_country',
      'A country is an ISO 3166-1 alpha-2 code such as US or DE.',
    );
  }
  if (!input.cardNumber) v.add('payment/card_number', 'missing_field', "'payment/card_number' is required.");
  v.throwIfAny();
};

/** A failed checkout answers a problem the customer can read, naming the order that records it. */
const explainFailure = ({ order }: OrderView): AppError => {
  const status = order.failure_code === 'out_of_stock' ? 409 : order.payment_status === 'failed' ? 402 : 409;
  return new AppError(
    order.failure_code ?? 'checkout_failed',
    status,
    order.failure_reason ?? 'The checkout failed.',
    [],
    {
      order_id: order.id,
    },
  );
};

export const createCheckout = (db: Db, clients: Clients, saga: Saga, leaseMs: number) => {
  const view = (tenantId: string, id: string) =>
    db.tenant(tenantId, async (trx) => store.loadView(trx, (await store.findOrder(trx, tenantId, id))!));

  /**
   * Turns a cart into an order and runs the saga while the caller waits. A checkout that cannot finish
   * now (a service is down) answers 503 and is finished in the background.
   */
  return async (tenantId: string, input: CheckoutInput): Promise<OrderView> => {
    checkInput(input);
    const { cart, changedLineIds, unavailableLineIds } = await clients.cart.revalidateCart({
      tenantId,
      cartId: input.cartId,
    });
    const current = cart!;
    if (current.lines.length === 0)
      throw new AppError('cart_empty', 409, 'The cart is empty. Add something first.');
    const lineField = (ids: string[], code: string, message: string) =>
      current.lines.flatMap((l, i) => (ids.includes(l.id) ? [{ field: `lines/${i}`, code, message }] : []));
    if (unavailableLineIds.length > 0) {
      throw new AppError(
        'cart_line_unavailable',
        409,
        'Some items in the cart can no longer be bought. Remove them and try again.',
        lineField(unavailableLineIds, 'cart_line_unavailable', 'No longer for sale in this currency.'),
      );
    }
    if (changedLineIds.length > 0) {
      throw new AppError(
        'cart_prices_changed',
        409,
        'Prices changed since these items were added. The cart now shows the current prices; review it and check out again.',
        lineField(changedLineIds, 'price_changed', 'The price or name changed.'),
        { cart_total: Number(current.total) },
      );
    }

    const orderId = newId('ord');
    const created = await db
      .tenant(tenantId, async (trx) => {
        const order = await trx
          .insertInto('orders')
          .values({
            id: orderId,
            tenant_id: tenantId,
            cart_id: current.id,
            email: input.email.trim(),
            shipping_address: JSON.stringify(input.shippingAddress),
            currency: current.currency,
            subtotal: Number(current.subtotal),
            tax_total: Number(current.taxTotal),
            shipping_total: Number(current.shippingTotal),
            discount_total: Number(current.discountTotal),
            total: Number(current.total),
            status: 'pending',
            payment_intent_id: null,
            failure_code: null,
            failure_reason: null,
            saga_step: 'reserve',
            saga_lease_until: new Date(Date.now() + leaseMs),
            payment_method: JSON.stringify({ type: 'card', card_number: input.cardNumber }),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const lines = await trx
          .insertInto('order_lines')
          .values(
            current.lines.map((l, position) => ({
              id: newId('oli'),
              tenant_id: tenantId,
              order_id: orderId,
              position,
              variant_id: l.variantId,
              product_id: l.productId,
              sku: l.sku,
              name: l.name,
              unit_amount: Number(l.unitAmount),
              quantity: Number(l.quantity),
            })),
          )
          .returningAll()
          .execute();
        await recordEvents(trx, [
          orderEvent('order.created', tenantId, {
            id: orderId,
            cart_id: current.id,
            total: order.total,
            currency: order.currency,
          }),
        ]);
        return { order, lines };
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error, 'orders_one_per_cart')) {
          throw new AppError(
            'cart_checked_out',
            409,
            'This cart is already being checked out or was checked out.',
          );
        }
        throw error;
      });

    let ended: OrderRow;
    try {
      ended = await saga.run(created.order, created.lines);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) throw error;
      throw new AppError(
        'checkout_pending',
        503,
        'The checkout could not finish right now and will complete shortly. Look the order up in a moment.',
        [],
        { order_id: orderId, retry_after: 5 },
      );
    }
    // A new order has nothing but its lines; one another process still runs is read as it stands.
    const result: OrderView = sagaEnded(ended)
      ? store.viewOf(ended, { lines: created.lines })
      : await view(tenantId, orderId);
    if (result.order.status === 'failed') throw explainFailure(result);
    return result;
  };
};
