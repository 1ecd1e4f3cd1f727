import type { AuthenticateResponse } from '@bazaar/contracts/accounts';

/**
 * Who each recently seen secret belongs to, so most requests need no call to accounts. An entry lives
 * a minute at most (never past its key's expiry) and is dropped at once when its key is revoked (by this gateway, or by an event), or
 * when its account changes plan or pinned version (by an event).
 */
export interface AuthCache {
  get(secret: string): AuthenticateResponse | undefined;
  set(secret: string, result: AuthenticateResponse): void;
  forgetKey(keyId: string): void;
  /** Drops every entry of these tenants' keys. */
  forgetTenants(tenantIds: readonly string[]): void;
}

export const createAuthCache = ({ ttlMs = 60_000, maxEntries = 50_000 } = {}): AuthCache => {
  const entries = new Map<string, { result: AuthenticateResponse; expires: number }>();
  const secretsByKey = new Map<string, string>();
  return {
    get: (secret) => {
      const entry = entries.get(secret);
      if (!entry) return undefined;
      if (entry.expires < Date.now()) {
        entries.delete(secret);
        return undefined;
      }
      return entry.result;
    },
    set: (secret, result) => {
      if (entries.size >= maxEntries) entries.clear();
      // A key that expires sooner is asked about again then, and accounts refuses it.
      const keyExpires = result.key?.expiresAt ? Date.parse(result.key.expiresAt) : Number.POSITIVE_INFINITY;
      entries.set(secret, { result, expires: Math.min(Date.now() + ttlMs, keyExpires) });
      if (result.key) secretsByKey.set(result.key.id, secret);
    },
    forgetKey: (keyId) => {
      const secret = secretsByKey.get(keyId);
      if (secret !== undefined) entries.delete(secret);
      secretsByKey.delete(keyId);
    },
    forgetTenants: (tenantIds) => {
      const tenants = new Set(tenantIds);
      // Plan changes are rare; a scan of at most maxEntries is cheaper than another index.
      for (const [secret, entry] of entries) {
        const key = entry.result.key;
        if (key && tenants.has(key.tenantId)) {
          entries.delete(secret);
          secretsByKey.delete(key.id);
        }
      }
    },
  };
};
