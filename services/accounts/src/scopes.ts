import { AppError } from '@bazaar/kit';

/**
 * Every scope a key may carry. `X:write` also grants `X:read`; `*` grants everything the key's kind
 * allows. Categories are part of the catalog: `products:*` covers them. The gateway keeps the same
 * list for its routes (services/gateway/src/scopes.ts).
 */
export const SCOPES = [
  'products:read',
  'products:write',
  'inventory:read',
  'inventory:write',
  'carts:read',
  'carts:write',
  'orders:read',
  'orders:write',
  'payments:read',
  'webhooks:read',
  'webhooks:write',
  'events:read',
  'keys:read',
  'keys:write',
  'usage:read',
  '*',
] as const;

export type Scope = (typeof SCOPES)[number];

/** What a publishable key may do: read the catalog and stock, drive carts through checkout. */
export const STOREFRONT_SCOPES: Scope[] = ['products:read', 'inventory:read', 'carts:read', 'carts:write'];

const known = new Set<string>(SCOPES);

/** The scopes of a restricted key: known names, at least one, each once. */
export const checkScopes = (scopes: readonly string[]): Scope[] => {
  if (scopes.length === 0) {
    throw new AppError('missing_field', 400, `A restricted key needs 'scopes': at least one scope.`, [
      { field: 'scopes', code: 'missing_field', message: `'scopes' must name at least one scope.` },
    ]);
  }
  const unknown = scopes.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new AppError(
      'unknown_scope',
      400,
      `Unknown scope ${unknown.map((s) => `'${s}'`).join(', ')}. Scopes are: ${SCOPES.join(', ')}.`,
      unknown.map((s) => ({
        field: `scopes/${scopes.indexOf(s)}`,
        code: 'unknown_scope',
        message: `'${s}' is not a scope.`,
      })),
    );
  }
  return [...new Set(scopes)] as Scope[];
};
