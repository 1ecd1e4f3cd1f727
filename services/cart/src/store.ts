import { sendLater } from '@bazaar/kit';
import type { Generated, Selectable, Transaction } from 'kysely';

export interface CartTables {
  carts: {
    id: string;
    tenant_id: string;
    currency: string;
    status: 'active' | 'checked_out' | 'expired';
    order_id: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
    expires_at: Date;
  };
  cart_lines: {
    id: string;
    tenant_id: string;
    cart_id: string;
    variant_id: string;
    product_id: string;
    sku: string;
    name: string;
    unit_amount: number;
    quantity: number;
    created_at: Generated<Date>;
  };
}

export type Trx = Transaction<CartTables>;
export type CartRow = Selectable<CartTables['carts']>;
export type LineRow = Selectable<CartTables['cart_lines']>;

export const insertCart = (
  trx: Trx,
  row: Omit<CartRow, 'created_at' | 'updated_at' | 'status' | 'order_id'>,
) =>
  trx
    .insertInto('carts')
    .values({ ...row, status: 'active', order_id: null })
    .returningAll()
    .executeTakeFirstOrThrow();

/** The cart, locked for the rest of the transaction so concurrent line changes apply one after another. */
export const lockCart = (trx: Trx, tenantId: string, id: string): Promise<CartRow | undefined> =>
  trx
    .selectFrom('carts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();

export const findCart = (trx: Trx, tenantId: string, id: string): Promise<CartRow | undefined> =>
  trx
    .selectFrom('carts')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();

export const findLines = (trx: Trx, tenantId: string, cartId: string): Promise<LineRow[]> =>
  trx
    .selectFrom('cart_lines')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('cart_id', '=', cartId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

type CartChange = Partial<Pick<CartRow, 'status' | 'order_id' | 'updated_at' | 'expires_at'>>;

const cartUpdate = (trx: Trx, tenantId: string, id: string, fields: CartChange) =>
  trx.updateTable('carts').set(fields).where('tenant_id', '=', tenantId).where('id', '=', id).returningAll();

export const updateCart = (trx: Trx, tenantId: string, id: string, fields: CartChange) =>
  cartUpdate(trx, tenantId, id, fields).executeTakeFirstOrThrow();

/**
 * Changes an active, unexpired cart and locks it for the rest of the transaction, in one statement;
 * undefined if the cart is missing or not active.
 */
export const updateActiveCart = (
  trx: Trx,
  tenantId: string,
  id: string,
  now: Date,
  fields: CartChange,
): Promise<CartRow | undefined> =>
  cartUpdate(trx, tenantId, id, fields)
    .where('status', '=', 'active')
    .where('expires_at', '>=', now)
    .executeTakeFirst();

export const insertLine = (trx: Trx, row: Omit<LineRow, 'created_at'>): Promise<LineRow> =>
  trx.insertInto('cart_lines').values(row).returningAll().executeTakeFirstOrThrow();

/** Sent with the transaction's next statement, like deleteLine. */
export const updateLine = (
  trx: Trx,
  tenantId: string,
  id: string,
  fields: Partial<Pick<LineRow, 'quantity' | 'unit_amount' | 'name' | 'sku'>>,
): Promise<void> =>
  sendLater(
    trx,
    trx.updateTable('cart_lines').set(fields).where('tenant_id', '=', tenantId).where('id', '=', id),
  );

export const deleteLine = (trx: Trx, tenantId: string, id: string): Promise<void> =>
  sendLater(trx, trx.deleteFrom('cart_lines').where('tenant_id', '=', tenantId).where('id', '=', id));
