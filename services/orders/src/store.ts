import type { ColumnType, Generated, Selectable, Transaction } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export interface Address {
  name: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  phone: string;
}

export interface LineQuantity {
  line_id: string;
  quantity: number;
}

export type OrderStatus = 'pending' | 'placed' | 'paid' | 'fulfilled' | 'cancelled' | 'failed';
export type SagaStep =
  'reserve' | 'authorize' | 'place' | 'capture' | 'commit' | 'compensate' | 'done' | 'failed';

export interface OrdersTables {
  orders: {
    id: string;
    tenant_id: string;
    cart_id: string;
    email: string;
    shipping_address: Json<Address>;
    currency: string;
    subtotal: number;
    tax_total: number;
    shipping_total: number;
    discount_total: number;
    total: number;
    amount_refunded: Generated<number>;
    status: OrderStatus;
    payment_status: Generated<string>;
    fulfillment_status: Generated<string>;
    payment_intent_id: string | null;
    failure_code: string | null;
    failure_reason: string | null;
    saga_step: SagaStep;
    saga_lease_until: Date | null;
    saga_attempts: Generated<number>;
    payment_method: ColumnType<{ type: string; card_number: string } | null, string | null, string | null>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  order_lines: {
    id: string;
    tenant_id: string;
    order_id: string;
    position: number;
    variant_id: string;
    product_id: string;
    sku: string;
    name: string;
    unit_amount: number;
    quantity: number;
    fulfilled_quantity: Generated<number>;
    returned_quantity: Generated<number>;
  };
  fulfillments: {
    id: string;
    tenant_id: string;
    order_id: string;
    tracking_number: string;
    carrier: string;
    lines: Json<LineQuantity[]>;
    created_at: Generated<Date>;
  };
  order_refunds: {
    id: string;
    tenant_id: string;
    order_id: string;
    amount: number;
    reason: string;
    created_at: Generated<Date>;
  };
  order_returns: {
    id: string;
    tenant_id: string;
    order_id: string;
    lines: Json<LineQuantity[]>;
    restock: boolean;
    refund_amount: number;
    created_at: Generated<Date>;
  };
}

export type Trx = Transaction<OrdersTables>;
export type OrderRow = Selectable<OrdersTables['orders']>;
export type OrderLineRow = Selectable<OrdersTables['order_lines']>;
export type FulfillmentRow = Selectable<OrdersTables['fulfillments']>;
export type RefundRow = Selectable<OrdersTables['order_refunds']>;
export type ReturnRow = Selectable<OrdersTables['order_returns']>;

/** An order with everything that hangs off it. */
export interface OrderView {
  order: OrderRow;
  lines: OrderLineRow[];
  fulfillments: FulfillmentRow[];
  refunds: RefundRow[];
  returns: ReturnRow[];
}

export const findOrder = (
  trx: Trx,
  tenantId: string,
  id: string,
  lock = false,
): Promise<OrderRow | undefined> => {
  const query = trx.selectFrom('orders').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
};

/** Orders with their lines, fulfilments, refunds and returns: four queries, however many orders. */
export const loadViews = async (trx: Trx, orders: OrderRow[]): Promise<OrderView[]> => {
  if (orders.length === 0) return [];
  const tenantId = orders[0]!.tenant_id;
  const ids = orders.map((o) => o.id);
  const [lines, fulfillments, refunds, returns] = await Promise.all([
    trx
      .selectFrom('order_lines')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('position')
      .execute(),
    trx
      .selectFrom('fulfillments')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('created_at')
      .execute(),
    trx
      .selectFrom('order_refunds')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('created_at')
      .execute(),
    trx
      .selectFrom('order_returns')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('order_id', 'in', ids)
      .orderBy('created_at')
      .execute(),
  ]);
  const of = <T extends { order_id: string }>(rows: T[], id: string) => rows.filter((r) => r.order_id === id);
  return orders.map((order) =>
    viewOf(order, {
      lines: of(lines, order.id),
      fulfillments: of(fulfillments, order.id),
      refunds: of(refunds, order.id),
      returns: of(returns, order.id),
    }),
  );
};

/** An order's view from its parts; a part not given has nothing in it yet (a new order). */
export const viewOf = (order: OrderRow, parts: Partial<Omit<OrderView, 'order'>>): OrderView => ({
  order,
  lines: parts.lines ?? [],
  fulfillments: parts.fulfillments ?? [],
  refunds: parts.refunds ?? [],
  returns: parts.returns ?? [],
});

/** An order's lines, in the cart's order. */
export const findLines = (trx: Trx, tenantId: string, orderId: string): Promise<OrderLineRow[]> =>
  trx
    .selectFrom('order_lines')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('order_id', '=', orderId)
    .orderBy('position')
    .execute();

export const loadView = async (trx: Trx, order: OrderRow): Promise<OrderView> =>
  (await loadViews(trx, [order]))[0]!;

export const listOrders = (
  trx: Trx,
  tenantId: string,
  after: string | undefined,
  limit: number,
  status?: string,
) => {
  let query = trx
    .selectFrom('orders')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  if (status) query = query.where('status', '=', status as OrderRow['status']);
  return query.execute();
};

/** The fields of an order that change after it is created. */
export type OrderChange = Partial<
  Omit<OrderRow, 'id' | 'tenant_id' | 'created_at' | 'shipping_address' | 'payment_method'>
> & {
  payment_method?: null;
};

const orderUpdate = (trx: Trx, tenantId: string, id: string, fields: OrderChange) =>
  trx
    .updateTable('orders')
    .set({ ...fields, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll();

export const updateOrder = (trx: Trx, tenantId: string, id: string, fields: OrderChange) =>
  orderUpdate(trx, tenantId, id, fields).executeTakeFirstOrThrow();

/** Like updateOrder, for an order whose saga has not ended; undefined if it has. */
export const updateOpenOrder = (trx: Trx, tenantId: string, id: string, fields: OrderChange) =>
  orderUpdate(trx, tenantId, id, fields).where('saga_step', 'not in', ['done', 'failed']).executeTakeFirst();
