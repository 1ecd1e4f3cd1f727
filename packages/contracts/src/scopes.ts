/**
 * Every scope an API key may carry: accounts checks them when a key is made, the gateway when a route
 * is called. `X:write` also grants `X:read`; `*` grants everything the key's kind allows. Categories
 * are part of the catalog: `products:*` covers them.
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
] as const;

export type Scope = (typeof SCOPES)[number];

/** Every scope at once: what a secret key carries. */
export const ALL_SCOPES = '*';
