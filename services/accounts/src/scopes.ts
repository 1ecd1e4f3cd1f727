import { ALL_SCOPES, SCOPES } from '@bazaar/contracts/scopes';
import { AppError } from '@bazaar/kit';

/** What a key may be given: any scope, or all of them. */
export const KEY_SCOPES = [...SCOPES, ALL_SCOPES] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** What a publishable key may do: read the catalog and stock, drive carts through checkout. */
export const STOREFRONT_SCOPES: KeyScope[] = ['products:read', 'inventory:read', 'carts:read', 'carts:write'];

const known = new Set<string>(KEY_SCOPES);

/** The scopes of a restricted key: known names, at least one, each once. */
export const checkScopes = (scopes: readonly string[]): KeyScope[] => {
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
      `Unknown scope ${unknown.map((s) => `'${s}'`).join(', ')}. Scopes are: ${KEY_SCOPES.join(', ')}.`,
      unknown.map((s) => ({
        field: `scopes/${scopes.indexOf(s)}`,
        code: 'unknown_scope',
        message: `'${s}' is not a scope.`,
      })),
    );
  }
  return [...new Set(scopes)] as KeyScope[];
};
