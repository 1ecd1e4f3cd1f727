import type { Clients } from '@bazaar/contracts/clients';
import type { Category as CategoryMessage, Product as ProductMessage } from '@bazaar/contracts/catalog';
import { AppError, decodeCursor, encodeCursor, notFound } from '@bazaar/kit';
import type { FastifyRequest } from 'fastify';
import { isStorefront } from '../auth.ts';
import { presentCart, presentCategory, presentLevel, presentOrder, presentProduct } from '../present.ts';
import type { ReadCache } from '../read-cache.ts';
import { CartCreate, Checkout, LineCreate, LineUpdate } from '../schemas/carts.ts';
import { CancelBody } from '../schemas/orders.ts';
import { bodyChecker, given } from './inputs.ts';
import type { RequestState } from './state.ts';

/** The scope each resolver checks: the one its REST route checks. */
export const SCOPES = {
  catalog: 'products:read',
  inventory: 'inventory:read',
  cartsRead: 'carts:read',
  carts: 'carts:write',
  ordersRead: 'orders:read',
  ordersWrite: 'orders:write',
} as const;

export interface Context {
  gql: RequestState;
}

type Args = Record<string, unknown>;
type Resolver = (source: never, args: never, context: Context) => unknown;
export type Resolvers = Record<string, Record<string, Resolver>>;

const MAX_PAGE = 100;

const pageArgs = (args: { first?: number | null; after?: string | null }) => {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    const message = `'first' must be between 1 and ${MAX_PAGE}.`;
    throw new AppError('out_of_range', 400, message, [{ field: 'first', code: 'out_of_range', message }]);
  }
  const after = args.after ?? '';
  // Checked here too, so a malformed cursor costs no internal call.
  if (after !== '') decodeCursor(after);
  return { limit: first, cursor: after };
};

/** A Relay connection over a page of a service's list; edge cursors are the service's own cursors. */
const connection = <T extends { id: string }>(nodes: T[], nextCursor: string) => {
  const last = nodes.at(-1);
  return {
    edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
    nodes,
    page_info: { has_next_page: nextCursor !== '', end_cursor: last ? encodeCursor(last.id) : null },
  };
};

const secretOnly = (request: FastifyRequest, what: string): void => {
  if (request.principal?.kind !== 'secret') {
    throw new AppError(
      'secret_key_required',
      403,
      `Publishable keys cannot ${what}. Use a secret key, from your server.`,
    );
  }
};

type Product = ReturnType<typeof presentProduct>;
type Variant = Product['variants'][number];
type Category = ReturnType<typeof presentCategory>;

const checkCartCreate = bodyChecker<CartCreate>(CartCreate);
const checkLineCreate = bodyChecker<LineCreate>(LineCreate);
const checkLineUpdate = bodyChecker<{ quantity: number }>(LineUpdate);
const checkCheckout = bodyChecker<Checkout>(Checkout);
const checkCancel = bodyChecker<{ reason?: string }>(CancelBody);

interface CheckoutInput {
  email: string;
  shippingAddress: Record<string, string | null | undefined> & { postalCode: string };
  payment: { method: string; cardNumber: string };
}

export const createResolvers = (clients: Clients, reads: ReadCache): Resolvers => {
  const { catalog, inventory, cart, orders } = clients;
  /** As REST: a caller reads its own writes, so a change drops the tenant's cached reads. */
  const changed = <T>(state: RequestState, result: T): T => {
    reads.forget(state.tenantId());
    return result;
  };

  const getProduct = async (state: RequestState, idOrSlug: string): Promise<ProductMessage> => {
    const { product } = await catalog.getProduct({ tenantId: state.tenantId(), idOrSlug });
    if (!product || (isStorefront(state.request) && product.status !== 'active')) {
      throw notFound('product', idOrSlug);
    }
    return product;
  };

  const categoriesOf = async (state: RequestState, ids: string[]): Promise<Category[]> =>
    (await state.categories.loadMany(ids))
      .filter((c): c is CategoryMessage => c !== null && !(c instanceof Error))
      .map(presentCategory);

  return {
    Query: {
      products: async (_: never, args: Args, { gql }: Context) => {
        gql.require(SCOPES.catalog);
        const { limit, cursor } = pageArgs(args);
        const result = await catalog.listProducts({
          tenantId: gql.tenantId(),
          limit,
          cursor,
          categoryId: (args.categoryId as string | null) ?? undefined,
          status: isStorefront(gql.request) ? 'active' : ((args.status as string | null) ?? undefined),
          updatedSince: (args.updatedSince as string | null) ?? undefined,
        });
        return connection(result.products.map(presentProduct), result.nextCursor);
      },
      product: async (_: never, args: { id: string }, { gql }: Context) => {
        gql.require(SCOPES.catalog);
        return presentProduct(await getProduct(gql, args.id));
      },
      categories: async (_: never, args: Args, { gql }: Context) => {
        gql.require(SCOPES.catalog);
        const { limit, cursor } = pageArgs(args);
        const result = await catalog.listCategories({ tenantId: gql.tenantId(), limit, cursor });
        return connection(result.categories.map(presentCategory), result.nextCursor);
      },
      category: async (_: never, args: { id: string }, { gql }: Context) => {
        gql.require(SCOPES.catalog);
        const { category } = await catalog.getCategory({ tenantId: gql.tenantId(), idOrSlug: args.id });
        return category ? presentCategory(category) : null;
      },
      stockLevels: async (
        _: never,
        args: { variantIds: string[]; locationId?: string | null },
        { gql }: Context,
      ) => {
        gql.require(SCOPES.inventory);
        if (args.variantIds.length < 1 || args.variantIds.length > MAX_PAGE) {
          const message = `'variantIds' must have 1 to ${MAX_PAGE} items.`;
          throw new AppError('out_of_range', 400, message, [
            { field: 'variantIds', code: 'out_of_range', message },
          ]);
        }
        const { levels } = await inventory.listStockLevels({
          tenantId: gql.tenantId(),
          variantIds: args.variantIds,
          locationId: args.locationId ?? undefined,
        });
        return levels.map(presentLevel);
      },
      cart: async (_: never, args: { id: string }, { gql }: Context) => {
        gql.require(SCOPES.cartsRead);
        return presentCart((await cart.getCart({ tenantId: gql.tenantId(), cartId: args.id })).cart);
      },
      orders: async (_: never, args: Args, { gql }: Context) => {
        secretOnly(gql.request, 'read orders');
        gql.require(SCOPES.ordersRead);
        const { limit, cursor } = pageArgs(args);
        const result = await orders.listOrders({
          tenantId: gql.tenantId(),
          limit,
          cursor,
          status: (args.status as string | null) ?? undefined,
        });
        return connection(result.orders.map(presentOrder), result.nextCursor);
      },
      order: async (_: never, args: { id: string }, { gql }: Context) => {
        secretOnly(gql.request, 'read orders');
        gql.require(SCOPES.ordersRead);
        return presentOrder((await orders.getOrder({ tenantId: gql.tenantId(), orderId: args.id })).order);
      },
    },
    Mutation: {
      createCart: async (_: never, args: { currency: string }, { gql }: Context) => {
        gql.require(SCOPES.carts);
        const body = checkCartCreate({ currency: args.currency });
        const created = await cart.createCart({ tenantId: gql.tenantId(), currency: body.currency });
        return changed(gql, presentCart(created.cart));
      },
      addCartLine: async (
        _: never,
        args: { cartId: string; variantId: string; quantity: number },
        { gql }: Context,
      ) => {
        gql.require(SCOPES.carts);
        const body = checkLineCreate({ variant_id: args.variantId, quantity: args.quantity });
        const updated = await cart.addLine({
          tenantId: gql.tenantId(),
          cartId: args.cartId,
          variantId: body.variant_id,
          quantity: BigInt(body.quantity),
        });
        return changed(gql, presentCart(updated.cart));
      },
      updateCartLine: async (
        _: never,
        args: { cartId: string; lineId: string; quantity: number },
        { gql }: Context,
      ) => {
        gql.require(SCOPES.carts);
        const body = checkLineUpdate({ quantity: args.quantity });
        const updated = await cart.updateLine({
          tenantId: gql.tenantId(),
          cartId: args.cartId,
          lineId: args.lineId,
          quantity: BigInt(body.quantity),
        });
        return changed(gql, presentCart(updated.cart));
      },
      removeCartLine: async (_: never, args: { cartId: string; lineId: string }, { gql }: Context) => {
        gql.require(SCOPES.carts);
        const updated = await cart.removeLine({
          tenantId: gql.tenantId(),
          cartId: args.cartId,
          lineId: args.lineId,
        });
        return changed(gql, presentCart(updated.cart));
      },
      checkout: async (_: never, args: { cartId: string; input: CheckoutInput }, { gql }: Context) => {
        gql.require(SCOPES.carts);
        const { postalCode, ...address } = args.input.shippingAddress;
        const body = checkCheckout({
          email: args.input.email,
          shipping_address: given({ ...address, postal_code: postalCode }),
          payment: { method: args.input.payment.method, card_number: args.input.payment.cardNumber },
        });
        const placed = await orders.checkout({
          tenantId: gql.tenantId(),
          cartId: args.cartId,
          email: body.email,
          shippingAddress: { ...body.shipping_address, postalCode: body.shipping_address.postal_code },
          cardNumber: body.payment.card_number,
        });
        return changed(gql, presentOrder(placed.order));
      },
      cancelOrder: async (_: never, args: { id: string; reason?: string | null }, { gql }: Context) => {
        secretOnly(gql.request, 'cancel orders');
        gql.require(SCOPES.ordersWrite);
        const body = checkCancel(given({ reason: args.reason }));
        const cancelled = await orders.cancelOrder({
          tenantId: gql.tenantId(),
          orderId: args.id,
          reason: body.reason ?? '',
        });
        return changed(gql, presentOrder(cancelled.order));
      },
    },
    Product: {
      categories: (product: Product, _: never, { gql }: Context) => categoriesOf(gql, product.category_ids),
    },
    Variant: {
      options: (variant: Variant) =>
        Object.entries(variant.options).map(([name, value]) => ({ name, value })),
      available: (variant: Variant, _: never, { gql }: Context) => gql.availability.load(variant.id),
    },
    Category: {
      parent: async (category: Category, _: never, { gql }: Context) => {
        if (!category.parent_id) return null;
        const parent = await gql.categories.load(category.parent_id);
        return parent ? presentCategory(parent) : null;
      },
    },
  };
};
