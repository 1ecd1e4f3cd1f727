/**
 * Serialized public responses, per tenant, dropped when an event says the tenant's data changed.
 * A generation number per tenant keeps a response computed before a change from being stored after it.
 */
export interface ReadCache {
  get(tenantId: string, key: string): CachedAnswer | undefined;
  /** The tenant's generation now: pass it to `set` after computing the response. */
  generation(tenantId: string): number;
  set(tenantId: string, key: string, answer: CachedAnswer, generation: number): void;
  forget(tenantId: string): void;
}

export interface CachedAnswer {
  /** The bytes sent: kept encoded, so a hit neither measures nor encodes a string again. */
  body: Buffer;
  /** Scopes a key must hold to be given it, when not every key reading the route may (GraphQL). */
  scopes?: readonly string[];
}

/**
 * An answer to keep: its bytes in a buffer of their own (`Buffer.from` would slice a shared 8 KB pool
 * block for a small answer, and the cache would keep the whole block alive).
 */
export const cachedAnswer = (text: string, scopes?: readonly string[]): CachedAnswer => {
  const body = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  body.write(text);
  return scopes ? { body, scopes } : { body };
};

interface TenantEntries {
  generation: number;
  entries: Map<string, { answer: CachedAnswer; expires: number }>;
}

export const createReadCache = ({ maxPerTenant = 5_000, ttlMs = 60_000 } = {}): ReadCache => {
  const tenants = new Map<string, TenantEntries>();
  const of = (tenantId: string): TenantEntries => {
    let tenant = tenants.get(tenantId);
    if (!tenant) {
      tenant = { generation: 0, entries: new Map() };
      tenants.set(tenantId, tenant);
    }
    return tenant;
  };
  return {
    get: (tenantId, key) => {
      const entry = tenants.get(tenantId)?.entries.get(key);
      if (!entry) return undefined;
      if (entry.expires < Date.now()) {
        tenants.get(tenantId)?.entries.delete(key);
        return undefined;
      }
      return entry.answer;
    },
    generation: (tenantId) => of(tenantId).generation,
    set: (tenantId, key, answer, generation) => {
      const tenant = of(tenantId);
      if (tenant.generation !== generation) return;
      if (tenant.entries.size >= maxPerTenant) {
        const oldest = tenant.entries.keys().next().value;
        if (oldest !== undefined) tenant.entries.delete(oldest);
      }
      tenant.entries.set(key, { answer, expires: Date.now() + ttlMs });
    },
    forget: (tenantId) => {
      const tenant = of(tenantId);
      tenant.generation += 1;
      tenant.entries.clear();
    },
  };
};
