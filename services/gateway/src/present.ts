import type { ApiKey as ApiKeyMessage, Tenant as TenantMessage } from '@bazaar/contracts/accounts';
import type { Cart as CartMessage } from '@bazaar/contracts/cart';
import type { Category as CategoryMessage, Product as ProductMessage } from '@bazaar/contracts/catalog';
import type { StockLevel as StockLevelMessage } from '@bazaar/contracts/inventory';
import type { Order as OrderMessage } from '@bazaar/contracts/orders';

/** Private API messages → the public JSON documents. */

export const presentProduct = (p: ProductMessage) => ({
  id: p.id,
  object: 'product' as const,
  name: p.name,
  slug: p.slug,
  status: p.status,
  description: p.description,
  category_ids: p.categoryIds,
  options: p.options.map((o) => ({ name: o.name, values: o.values })),
  variants: p.variants.map((v) => ({
    id: v.id,
    sku: v.sku,
    options: v.options,
    prices: v.prices.map((price) => ({ currency: price.currency, amount: Number(price.amount) })),
  })),
  created_at: p.createdAt,
  updated_at: p.updatedAt,
});

export const presentLevel = (l: StockLevelMessage | undefined) => ({
  object: 'stock_level' as const,
  variant_id: l?.variantId ?? '',
  location_id: l?.locationId ?? '',
  on_hand: Number(l?.onHand ?? 0n),
  reserved: Number(l?.reserved ?? 0n),
  available: Number(l?.available ?? 0n),
  updated_at: l?.updatedAt ?? '',
});

export const presentCategory = (c: CategoryMessage) => ({
  id: c.id,
  object: 'category' as const,
  name: c.name,
  slug: c.slug,
  parent_id: c.parentId ?? null,
  description: c.description,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
});

export const presentApiKey = (k: ApiKeyMessage | undefined, secret?: string) => ({
  id: k?.id ?? '',
  object: 'api_key' as const,
  kind: k?.kind ?? '',
  name: k?.name ?? '',
  mode: k?.prefix.includes('_test_') ? ('test' as const) : ('live' as const),
  prefix: k?.prefix ?? '',
  scopes: k?.scopes ?? [],
  created_at: k?.createdAt ?? '',
  last_used_at: k?.lastUsedAt ?? null,
  revoked_at: k?.revokedAt ?? null,
  expires_at: k?.expiresAt ?? null,
  ...(secret ? { secret } : {}),
});

export const presentTenant = (t: TenantMessage | undefined) => ({
  id: t?.id ?? '',
  object: 'tenant' as const,
  name: t?.name ?? '',
  created_at: t?.createdAt ?? '',
});

export const list = <T>(data: T[], nextCursor: string) => ({
  object: 'list' as const,
  data,
  has_more: nextCursor !== '',
  next_cursor: nextCursor || null,
});

const nullIfEmpty = (value: string) => (value === '' ? null : value);

/** A line of a cart or an order: what was bought, at what price. */
const presentLine = (l: {
  id: string;
  variantId: string;
  productId: string;
  sku: string;
  name: string;
  unitAmount: bigint;
  quantity: bigint;
  total: bigint;
}) => ({
  id: l.id,
  variant_id: l.variantId,
  product_id: l.productId,
  sku: l.sku,
  name: l.name,
  unit_amount: Number(l.unitAmount),
  quantity: Number(l.quantity),
  total: Number(l.total),
});

export const presentCart = (c: CartMessage | undefined) => ({
  id: c?.id ?? '',
  object: 'cart' as const,
  currency: c?.currency ?? '',
  status: c?.status ?? '',
  lines: (c?.lines ?? []).map(presentLine),
  subtotal: Number(c?.subtotal ?? 0n),
  tax_total: Number(c?.taxTotal ?? 0n),
  shipping_total: Number(c?.shippingTotal ?? 0n),
  discount_total: Number(c?.discountTotal ?? 0n),
  total: Number(c?.total ?? 0n),
  order_id: nullIfEmpty(c?.orderId ?? ''),
  created_at: c?.createdAt ?? '',
  updated_at: c?.updatedAt ?? '',
  expires_at: c?.expiresAt ?? '',
});

const lineQuantities = (lines: { lineId: string; quantity: bigint }[]) =>
  lines.map((l) => ({ line_id: l.lineId, quantity: Number(l.quantity) }));

export const presentOrder = (o: OrderMessage | undefined) => {
  const a = o?.shippingAddress;
  return {
    id: o?.id ?? '',
    object: 'order' as const,
    status: o?.status ?? '',
    cart_id: o?.cartId ?? '',
    email: o?.email ?? '',
    shipping_address: {
      name: a?.name ?? '',
      line1: a?.line1 ?? '',
      line2: a?.line2 ?? '',
      city: a?.city ?? '',
      region: a?.region ?? '',
      postal_code: a?.postalCode ?? '',
      country: a?.country ?? '',
      phone: a?.phone ?? '',
    },
    currency: o?.currency ?? '',
    lines: (o?.lines ?? []).map((l) => ({
      ...presentLine(l),
      fulfilled_quantity: Number(l.fulfilledQuantity),
      returned_quantity: Number(l.returnedQuantity),
    })),
    subtotal: Number(o?.subtotal ?? 0n),
    tax_total: Number(o?.taxTotal ?? 0n),
    shipping_total: Number(o?.shippingTotal ?? 0n),
    discount_total: Number(o?.discountTotal ?? 0n),
    total: Number(o?.total ?? 0n),
    amount_refunded: Number(o?.amountRefunded ?? 0n),
    payment_status: o?.paymentStatus ?? '',
    fulfillment_status: o?.fulfillmentStatus ?? '',
    payment_intent_id: nullIfEmpty(o?.paymentIntentId ?? ''),
    failure_code: nullIfEmpty(o?.failureCode ?? ''),
    failure_reason: nullIfEmpty(o?.failureReason ?? ''),
    fulfillments: (o?.fulfillments ?? []).map((f) => ({
      id: f.id,
      tracking_number: f.trackingNumber,
      carrier: f.carrier,
      lines: lineQuantities(f.lines),
      created_at: f.createdAt,
    })),
    refunds: (o?.refunds ?? []).map((r) => ({
      id: r.id,
      amount: Number(r.amount),
      reason: r.reason,
      created_at: r.createdAt,
    })),
    returns: (o?.returns ?? []).map((r) => ({
      id: r.id,
      lines: lineQuantities(r.lines),
      restock: r.restock,
      refund_amount: Number(r.refundAmount),
      created_at: r.createdAt,
    })),
    created_at: o?.createdAt ?? '',
    updated_at: o?.updatedAt ?? '',
  };
};
