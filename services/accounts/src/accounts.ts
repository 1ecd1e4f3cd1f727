import {
  AppError,
  decodeCursor,
  eventMaker,
  invalid,
  newId,
  notFound,
  page,
  recordEvent,
  type Database,
} from '@bazaar/kit';
import type { AccountsEvents } from './events.ts';
import { displayPrefix, hashSecret, isWellFormedSecret, newSecret } from './secrets.ts';
import * as store from './store.ts';
import type { AccountsTables, ApiKeyRow, TenantRow, Trx } from './store.ts';

type Db = Database<AccountsTables>;
type KeyKind = ApiKeyRow['kind'];

const event = eventMaker<AccountsEvents>();

const SCOPES: Record<KeyKind, string[]> = { secret: ['*'], publishable: ['storefront'] };
const KEY_KINDS: readonly string[] = ['secret', 'publishable'];
const TOUCH_EVERY_MS = 60_000;

const issueKey = async (trx: Trx, tenantId: string, kind: KeyKind, name: string) => {
  const value = newSecret(kind === 'secret' ? 'sk' : 'pk');
  const key = await store.insertApiKey(trx, {
    id: newId('key'),
    tenant_id: tenantId,
    kind,
    name,
    prefix: displayPrefix(value),
    hash: hashSecret(value),
    scopes: SCOPES[kind],
  });
  await recordEvent(trx, event('api_key.created', tenantId, { id: key.id, kind }));
  return { key, value };
};

const checkName = (name: string, field = 'name'): string => {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid(field, 'missing_field', `'${field}' must not be empty.`);
  if (trimmed.length > 200) throw invalid(field, 'too_long', `'${field}' must be at most 200 characters.`);
  return trimmed;
};

export const createAccounts = (db: Db) => ({
  /** A tenant with its first secret and publishable keys, shown once. */
  createTenant: (name: string) =>
    db.system(async (trx) => {
      const tenant = await store.insertTenant(trx, newId('ten'), checkName(name));
      await recordEvent(trx, event('tenant.created', tenant.id, { id: tenant.id, name: tenant.name }));
      const secret = await issueKey(trx, tenant.id, 'secret', 'Default secret key');
      const publishable = await issueKey(trx, tenant.id, 'publishable', 'Default publishable key');
      return { tenant, secret, publishable };
    }),

  getTenant: async (id: string): Promise<TenantRow> => {
    const tenant = await db.system((trx) => store.findTenant(trx, id));
    if (!tenant) throw notFound('tenant', id);
    return tenant;
  },

  listTenants: async (limit: number, cursor: string) => {
    const rows = await db.system((trx) =>
      store.listTenants(trx, cursor ? decodeCursor(cursor) : undefined, limit + 1),
    );
    return page(rows, limit);
  },

  createApiKey: (tenantId: string, kind: string, name: string) => {
    if (!KEY_KINDS.includes(kind)) {
      throw invalid('kind', 'invalid_value', `'kind' must be 'secret' or 'publishable'.`);
    }
    const keyName = checkName(name || `${kind} key`);
    return db.tenant(tenantId, (trx) => issueKey(trx, tenantId, kind as KeyKind, keyName));
  },

  listApiKeys: async (tenantId: string, limit: number, cursor: string) => {
    const rows = await db.tenant(tenantId, (trx) =>
      store.listApiKeys(trx, tenantId, cursor ? decodeCursor(cursor) : undefined, limit + 1),
    );
    return page(rows, limit);
  },

  revokeApiKey: (tenantId: string, id: string) =>
    db.tenant(tenantId, async (trx) => {
      const key = await store.revokeApiKey(trx, tenantId, id);
      if (!key) throw notFound('api_key', id);
      await recordEvent(trx, event('api_key.revoked', tenantId, { id: key.id, kind: key.kind }));
      return key;
    }),

  /** Who presents this secret. Unknown and revoked secrets are refused with distinct codes. */
  authenticate: async (secret: string) => {
    if (!isWellFormedSecret(secret)) {
      throw new AppError('invalid_api_key', 401, 'The API key is malformed. Keys look like sk_… or pk_….');
    }
    const hash = hashSecret(secret);
    return db.system(async (trx) => {
      if (secret.startsWith('op_')) {
        const operator = await store.findOperatorKeyByHash(trx, hash);
        if (!operator || operator.revoked_at)
          throw new AppError('invalid_api_key', 401, 'Unknown operator key.');
        return { principal: 'operator' as const, key: undefined };
      }
      const key = await store.findApiKeyByHash(trx, hash);
      if (!key) throw new AppError('invalid_api_key', 401, 'Unknown API key.');
      if (key.revoked_at) throw new AppError('api_key_revoked', 401, 'This API key has been revoked.');
      if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > TOUCH_EVERY_MS) {
        await store.touchApiKey(trx, key.id);
      }
      return { principal: 'api_key' as const, key };
    });
  },

  createOperatorKey: (name: string) =>
    db.system(async (trx) => {
      const value = newSecret('op');
      const key = await store.insertOperatorKey(trx, {
        id: newId('opk'),
        name: checkName(name),
        prefix: displayPrefix(value),
        hash: hashSecret(value),
      });
      return { id: key.id, value };
    }),
});

export type Accounts = ReturnType<typeof createAccounts>;
