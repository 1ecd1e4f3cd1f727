import type { ApiKey as ApiKeyMessage, Tenant as TenantMessage } from '@bazaar/contracts/accounts';
import type { Category as CategoryMessage, Product as ProductMessage } from '@bazaar/contracts/catalog';

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
  prefix: k?.prefix ?? '',
  scopes: k?.scopes ?? [],
  created_at: k?.createdAt ?? '',
  last_used_at: k?.lastUsedAt ?? null,
  revoked_at: k?.revokedAt ?? null,
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
