import type { Clients } from '@bazaar/contracts/clients';
import type { SellableVariant } from '@bazaar/contracts/catalog';
import {
  AppError,
  invalid,
  isCurrency,
  newId,
  notFound,
  recordEvents,
  type Database,
  type NewEvent,
} from '@bazaar/kit';
import { cartEvent } from './events.ts';
import * as store from './store.ts';
import type { CartRow, CartTables, LineRow, Trx } from './store.ts';
import { totalsOf, type Totals } from './totals.ts';

type Db = Database<CartTables>;

export interface CartView {
  cart: CartRow;
  lines: LineRow[];
  totals: Totals;
}

/** An untouched cart is abandoned after this long. */
export const CART_TTL_MS = 7 * 24 * 3_600_000;
export const MAX_QUANTITY = 999;

const lineName = (variant: SellableVariant): string => {
  const values = Object.values(variant.options);
  return values.length > 0 ? `${variant.productName} — ${values.join(' / ')}` : variant.productName;
};

const priceIn = (variant: SellableVariant, currency: string): number | undefined => {
  const price = variant.prices.find((p) => p.currency === currency);
  return price === undefined ? undefined : Number(price.amount);
};

const checkQuantity = (quantity: number, field = 'quantity') => {
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
    throw invalid(field, 'invalid_quantity', `'${field}' must be a whole number from 1 to ${MAX_QUANTITY}.`);
  }
};

export const createCarts = (db: Db, clients: Pick<Clients, 'catalog' | 'inventory'>) => {
  const view = async (trx: Trx, tenantId: string, cart: CartRow): Promise<CartView> => {
    const lines = await store.findLines(trx, tenantId, cart.id);
    return { cart, lines, totals: totalsOf(lines) };
  };

  /** The cart, with an abandoned one marked expired as it is read. */
  const load = async (trx: Trx, tenantId: string, id: string, lock: boolean): Promise<CartRow> => {
    const cart = await (lock ? store.lockCart(trx, tenantId, id) : store.findCart(trx, tenantId, id));
    if (!cart) throw notFound('cart', id);
    if (cart.status === 'active' && cart.expires_at.getTime() < Date.now()) {
      return lock
        ? store.updateCart(trx, tenantId, id, { status: 'expired' })
        : { ...cart, status: 'expired' };
    }
    return cart;
  };

  const requireActive = (cart: CartRow) => {
    if (cart.status === 'checked_out') {
      throw new AppError('cart_checked_out', 409, 'This cart has been checked out. Start a new cart.');
    }
    if (cart.status === 'expired') {
      throw new AppError(
        'cart_expired',
        409,
        'This cart expired after a week without changes. Start a new cart.',
      );
    }
  };

  /** The variant, if it is for sale. */
  const sellable = async (tenantId: string, variantId: string) => {
    const { variants } = await clients.catalog.getVariants({ tenantId, variantIds: [variantId] });
    const variant = variants[0];
    if (!variant) throw invalid('variant_id', 'unknown_variant', `There is no variant '${variantId}'.`);
    if (variant.productStatus !== 'active') {
      throw new AppError('variant_unavailable', 409, `'${variant.productName}' is not for sale.`, [
        { field: 'variant_id', code: 'variant_unavailable', message: 'The product is not active.' },
      ]);
    }
    return variant;
  };

  /** Its price in the cart's currency. */
  const priceFor = (variant: SellableVariant, currency: string): number => {
    const amount = priceIn(variant, currency);
    if (amount === undefined) {
      throw new AppError(
        'no_price_in_currency',
        422,
        `'${variant.productName}' has no price in ${currency}, the cart's currency.`,
        [{ field: 'variant_id', code: 'no_price_in_currency', message: `No ${currency} price.` }],
      );
    }
    return amount;
  };

  const requireStock = async (tenantId: string, variantId: string, quantity: number) => {
    const { availability } = await clients.inventory.getAvailability({ tenantId, variantIds: [variantId] });
    const available = Number(availability[0]?.available ?? 0n);
    if (quantity > available) {
      throw new AppError('insufficient_stock', 409, `Only ${available} of this item are available.`, [
        { field: 'quantity', code: 'insufficient_stock', message: `${available} available.` },
      ]);
    }
  };

  /**
   * The cart, locked for a change to its lines, its expiry pushed on (undone with the change if that
   * fails). A cart that is not active is refused as it stands.
   */
  const openForChange = async (trx: Trx, tenantId: string, id: string): Promise<CartRow> => {
    const now = new Date();
    const cart = await store.updateActiveCart(trx, tenantId, id, now, {
      updated_at: now,
      expires_at: new Date(now.getTime() + CART_TTL_MS),
    });
    if (cart) return cart;
    const found = await load(trx, tenantId, id, true);
    requireActive(found);
    return found;
  };

  /** Announces a change to the cart's lines, which are now `lines`. */
  const announceChange = async (
    trx: Trx,
    tenantId: string,
    cart: CartRow,
    lines: LineRow[],
    extra: NewEvent[] = [],
  ): Promise<CartView> => {
    const result = { cart, lines, totals: totalsOf(lines) };
    await recordEvents(trx, [
      ...extra,
      cartEvent('cart.updated', tenantId, {
        id: cart.id,
        currency: cart.currency,
        subtotal: result.totals.subtotal,
        total: result.totals.total,
        line_count: lines.length,
      }),
    ]);
    return result;
  };

  return {
    create: (tenantId: string, currency: string): Promise<CartView> => {
      if (!isCurrency(currency)) {
        throw invalid('currency', 'unknown_currency', `'${currency}' is not an ISO 4217 currency code.`);
      }
      return db.tenant(tenantId, async (trx) => {
        const cart = await store.insertCart(trx, {
          id: newId('cart'),
          tenant_id: tenantId,
          currency,
          expires_at: new Date(Date.now() + CART_TTL_MS),
        });
        await recordEvents(trx, [cartEvent('cart.created', tenantId, { id: cart.id, currency })]);
        return { cart, lines: [], totals: totalsOf([]) };
      });
    },

    get: (tenantId: string, id: string): Promise<CartView> =>
      db.tenant(tenantId, async (trx) => view(trx, tenantId, await load(trx, tenantId, id, false))),

    /** Adds a variant, or more of one already in the cart, at its current price. */
    addLine: async (
      tenantId: string,
      cartId: string,
      variantId: string,
      quantity: number,
    ): Promise<CartView> => {
      checkQuantity(quantity);
      // Asked before the cart is locked, so the lock is not held across a call to catalog. A cart that
      // is not there (another tenant's) is still the first thing refused.
      const variant = await sellable(tenantId, variantId).catch(async (error: unknown) => {
        await db.tenant(tenantId, (trx) => load(trx, tenantId, cartId, false));
        throw error;
      });
      return db.tenant(tenantId, async (trx) => {
        const cart = await openForChange(trx, tenantId, cartId);
        const amount = priceFor(variant, cart.currency);
        const lines = await store.findLines(trx, tenantId, cart.id);
        const existing = lines.find((l) => l.variant_id === variantId);
        const total = (existing?.quantity ?? 0) + quantity;
        checkQuantity(total);
        await requireStock(tenantId, variantId, total);
        if (existing) {
          const fields = { quantity: total, unit_amount: amount, name: lineName(variant) };
          await store.updateLine(trx, tenantId, existing.id, fields);
          return announceChange(
            trx,
            tenantId,
            cart,
            lines.map((l) => (l === existing ? { ...l, ...fields } : l)),
          );
        }
        const line = await store.insertLine(trx, {
          id: newId('line'),
          tenant_id: tenantId,
          cart_id: cart.id,
          variant_id: variant.id,
          product_id: variant.productId,
          sku: variant.sku,
          name: lineName(variant),
          unit_amount: amount,
          quantity,
        });
        return announceChange(trx, tenantId, cart, [...lines, line]);
      });
    },

    updateLine: (tenantId: string, cartId: string, lineId: string, quantity: number): Promise<CartView> => {
      checkQuantity(quantity);
      return db.tenant(tenantId, async (trx) => {
        const cart = await openForChange(trx, tenantId, cartId);
        const lines = await store.findLines(trx, tenantId, cart.id);
        const line = lines.find((l) => l.id === lineId);
        if (!line) throw notFound('cart_line', lineId);
        if (quantity > line.quantity) await requireStock(tenantId, line.variant_id, quantity);
        await store.updateLine(trx, tenantId, line.id, { quantity });
        return announceChange(
          trx,
          tenantId,
          cart,
          lines.map((l) => (l === line ? { ...l, quantity } : l)),
        );
      });
    },

    removeLine: (tenantId: string, cartId: string, lineId: string): Promise<CartView> =>
      db.tenant(tenantId, async (trx) => {
        const cart = await openForChange(trx, tenantId, cartId);
        const lines = await store.findLines(trx, tenantId, cart.id);
        const line = lines.find((l) => l.id === lineId);
        if (!line) throw notFound('cart_line', lineId);
        await store.deleteLine(trx, tenantId, line.id);
        return announceChange(
          trx,
          tenantId,
          cart,
          lines.filter((l) => l !== line),
        );
      }),

    /** Brings every line to the catalog's current name and price; says which changed and which can no longer be sold. */
    revalidate: async (tenantId: string, cartId: string) => {
      const before = await db.tenant(tenantId, async (trx) =>
        view(trx, tenantId, await load(trx, tenantId, cartId, false)),
      );
      requireActive(before.cart);
      const { variants } = await clients.catalog.getVariants({
        tenantId,
        variantIds: before.lines.map((l) => l.variant_id),
      });
      const byId = new Map(variants.map((v) => [v.id, v]));
      const changed: string[] = [];
      const unavailable: string[] = [];
      const updates: { line: LineRow; unit_amount: number; name: string }[] = [];
      for (const line of before.lines) {
        const variant = byId.get(line.variant_id);
        const amount =
          variant && variant.productStatus === 'active' ? priceIn(variant, before.cart.currency) : undefined;
        if (!variant || amount === undefined) {
          unavailable.push(line.id);
        } else if (amount !== line.unit_amount || lineName(variant) !== line.name) {
          changed.push(line.id);
          updates.push({ line, unit_amount: amount, name: lineName(variant) });
        }
      }
      if (updates.length === 0) return { view: before, changed, unavailable };
      const after = await db.tenant(tenantId, async (trx) => {
        const cart = await openForChange(trx, tenantId, cartId);
        const lines = await store.findLines(trx, tenantId, cart.id);
        for (const u of updates)
          await store.updateLine(trx, tenantId, u.line.id, { unit_amount: u.unit_amount, name: u.name });
        const byLine = new Map(updates.map((u) => [u.line.id, u]));
        return announceChange(
          trx,
          tenantId,
          cart,
          lines.map((l) => {
            const u = byLine.get(l.id);
            return u ? { ...l, unit_amount: u.unit_amount, name: u.name } : l;
          }),
        );
      });
      return { view: after, changed, unavailable };
    },

    /** Closes the cart for `orderId`; again for the same order, changes nothing. */
    markCheckedOut: (tenantId: string, cartId: string, orderId: string): Promise<void> =>
      db.tenant(tenantId, async (trx) => {
        const now = new Date();
        const cart = await store.updateActiveCart(trx, tenantId, cartId, now, {
          status: 'checked_out',
          order_id: orderId,
        });
        if (!cart) {
          const found = await load(trx, tenantId, cartId, true);
          if (found.status === 'checked_out' && found.order_id === orderId) return;
          requireActive(found);
          await store.updateCart(trx, tenantId, cartId, { status: 'checked_out', order_id: orderId });
        }
        await recordEvents(trx, [cartEvent('cart.checked_out', tenantId, { id: cartId, order_id: orderId })]);
      }),
  };
};

export type Carts = ReturnType<typeof createCarts>;
