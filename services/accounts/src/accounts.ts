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
import { DEFAULT_PLAN, findPlan, PLANS, planOrFree } from './plans.ts';
import { checkScopes, STOREFRONT_SCOPES } from './scopes.ts';
import {
  displayPrefix,
  hashSecret,
  isWellFormedSecret,
  modeOfSecret,
  newKeySecret,
  newOperatorSecret,
  type KeyPrefix,
  type Mode,
} from './secrets.ts';
import * as store from './store.ts';
import type { AccountsTables, ApiKeyRow, TenantRow, Trx } from './store.ts';

type Db = Database<AccountsTables>;
type KeyKind = ApiKeyRow['kind'];

const event = eventMaker<AccountsEvents>();

const KEY_PREFIX: Record<KeyKind, KeyPrefix> = { secret: 'sk', restricted: 'rk', publishable: 'pk' };
const KEY_KINDS: readonly string[] = Object.keys(KEY_PREFIX);
const TOUCH_EVERY_MS = 60_000;
const VERSION = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const issueKey = async (
  trx: Trx,
  tenant: TenantRow,
  kind: KeyKind,
  name: string,
  scopes: string[],
  expiresAt?: Date,
) => {
  const value = newKeySecret(KEY_PREFIX[kind], tenant.mode);
  const key = await store.insertApiKey(trx, {
    id: newId('key'),
    tenant_id: tenant.id,
    kind,
    name,
    prefix: displayPrefix(value),
    hash: hashSecret(value),
    scopes,
    ...(expiresAt ? { expires_at: expiresAt } : {}),
  });
  await recordEvent(trx, event('api_key.created', tenant.id, { id: key.id, kind }));
  return { key, value };
};

const scopesOf = (kind: KeyKind, requested: readonly string[]): string[] => {
  if (kind === 'restricted') return checkScopes(requested);
  if (requested.length > 0) {
    throw invalid(
      'scopes',
      'scopes_not_allowed',
      `Only restricted keys take 'scopes': create one with "kind": "restricted".`,
    );
  }
  return kind === 'secret' ? ['*'] : STOREFRONT_SCOPES;
};

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

const checkExpiry = (value: string | undefined): Date | undefined => {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!RFC3339.test(value) || Number.isNaN(at.getTime())) {
    throw invalid('expires_at', 'invalid_value', `'expires_at' must be a time like 2026-12-31T23:59:59Z.`);
  }
  if (at.getTime() <= Date.now()) {
    throw invalid('expires_at', 'out_of_range', `'expires_at' must be in the future.`);
  }
  return at;
};

const keyExpired = (at: Date) =>
  new AppError('api_key_expired', 401, `This API key expired at ${at.toISOString()}; create a new one.`);

const checkName = (name: string, field = 'name'): string => {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw invalid(field, 'missing_field', `'${field}' must not be empty.`);
  if (trimmed.length > 200) throw invalid(field, 'too_long', `'${field}' must be at most 200 characters.`);
  return trimmed;
};

/** A mode's tenant with its first secret and publishable keys. */
const openMode = async (trx: Trx, name: string, mode: Mode, accountId: string) => {
  const tenant = await store.insertTenant(trx, {
    id: mode === 'live' ? accountId : newId('ten'),
    name,
    mode,
    account_id: accountId,
    plan: DEFAULT_PLAN,
  });
  await recordEvent(
    trx,
    event('tenant.created', tenant.id, { id: tenant.id, name: tenant.name, mode, account_id: accountId }),
  );
  const secret = await issueKey(trx, tenant, 'secret', 'Default secret key', ['*']);
  const publishable = await issueKey(
    trx,
    tenant,
    'publishable',
    'Default publishable key',
    STOREFRONT_SCOPES,
  );
  return { tenant, secret, publishable };
};

export const createAccounts = (db: Db) => ({
  /** An account: its live and its test tenant, each with its first secret and publishable keys, shown once. */
  createTenant: (name: string) =>
    db.system(async (trx) => {
      const checked = checkName(name);
      const live = await openMode(trx, checked, 'live', newId('ten'));
      const test = await openMode(trx, checked, 'test', live.tenant.id);
      return { ...live, test };
    }),

  /** The operator moves an account to another plan or pins its API version; both modes change together. */
  updateTenant: (id: string, changes: { plan?: string; apiVersion?: string }) =>
    db.system(async (trx) => {
      const tenants = await store.findAccountTenants(trx, id);
      const live = tenants[0];
      if (!live) throw notFound('tenant', id);
      const set: { plan?: string; api_version?: string } = {};
      if (changes.plan !== undefined) set.plan = findPlan(changes.plan).name;
      if (changes.apiVersion !== undefined) {
        if (!VERSION.test(changes.apiVersion)) {
          throw invalid('api_version', 'invalid_value', `'api_version' must be a date: YYYY-MM-DD.`);
        }
        set.api_version = changes.apiVersion;
      }
      if (Object.keys(set).length > 0) {
        await store.updateAccount(trx, live.account_id, set);
        await recordEvent(
          trx,
          event('tenant.updated', live.id, {
            id: live.id,
            tenant_ids: tenants.map((t) => t.id),
            plan: set.plan ?? live.plan,
            api_version: set.api_version ?? live.api_version,
          }),
        );
      }
      const tenant = await store.findTenant(trx, id);
      return { tenant: tenant!, testTenantId: tenants.find((t) => t.mode === 'test')?.id };
    }),

  /**
   * Opens a test tenant, without keys, for every account that has none: accounts made before test
   * mode existed. Their live keys then issue test keys (`createApiKey` with mode 'test').
   */
  openMissingTestTenants: () =>
    db.system(async (trx) => {
      const opened: string[] = [];
      for (const live of await store.liveTenantsWithoutTest(trx)) {
        const test = await store.insertTenantIfMissing(trx, {
          id: newId('ten'),
          name: live.name,
          mode: 'test',
          account_id: live.account_id,
          plan: live.plan,
          api_version: live.api_version,
        });
        if (!test) continue;
        await recordEvent(
          trx,
          event('tenant.created', test.id, {
            id: test.id,
            name: test.name,
            mode: 'test',
            account_id: test.account_id,
          }),
        );
        opened.push(test.id);
      }
      return opened;
    }),

  listPlans: () => PLANS,

  getTenant: async (id: string) => {
    const tenants = await db.system((trx) => store.findAccountTenants(trx, id));
    const tenant = tenants.find((t) => t.id === id);
    if (!tenant) throw notFound('tenant', id);
    return { tenant, testTenantId: tenants.find((t) => t.mode === 'test')?.id };
  },

  listTenants: async (limit: number, cursor: string) =>
    db.system(async (trx) => {
      const result = page(
        await store.listTenants(trx, cursor ? decodeCursor(cursor) : undefined, limit + 1),
        limit,
      );
      const tests = await store.testTenantsOf(
        trx,
        result.items.map((t) => t.id),
      );
      return { ...result, testTenants: tests };
    }),

  /**
   * A key of `tenantId`'s tenant or, with `mode` 'test' from a live tenant, of its account's test
   * tenant: so accounts made before they had test tenants can get test keys. Never live from test.
   */
  createApiKey: async (
    tenantId: string,
    kind: string,
    name: string,
    scopes: readonly string[] = [],
    mode?: string,
    expiresAt?: string,
  ) => {
    if (!KEY_KINDS.includes(kind)) {
      throw invalid('kind', 'invalid_value', `'kind' must be 'secret', 'restricted' or 'publishable'.`);
    }
    if (mode !== undefined && mode !== 'live' && mode !== 'test') {
      throw invalid('mode', 'invalid_value', `'mode' must be 'live' or 'test'.`);
    }
    const keyScopes = scopesOf(kind as KeyKind, scopes);
    const keyName = checkName(name || `${kind} key`);
    const expiry = checkExpiry(expiresAt);
    const tenants = await db.system((trx) => store.findAccountTenants(trx, tenantId));
    const own = tenants.find((t) => t.id === tenantId);
    if (!own) throw notFound('tenant', tenantId);
    const target = tenants.find((t) => t.mode === (mode ?? own.mode));
    if (own.mode === 'test' && mode === 'live') {
      throw new AppError(
        'live_key_required',
        403,
        'A test key cannot create live keys: use a live secret key.',
      );
    }
    if (!target) throw notFound('tenant', `${own.account_id} (${mode} mode)`);
    return db.tenant(target.id, (trx) => issueKey(trx, target, kind as KeyKind, keyName, keyScopes, expiry));
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
      throw new AppError(
        'invalid_api_key',
        401,
        'The API key is malformed. Keys look like sk_live_…, sk_test_…, rk_live_… or pk_live_….',
      );
    }
    const hash = hashSecret(secret);
    return db.system(async (trx) => {
      if (secret.startsWith('op_')) {
        const operator = await store.findOperatorKeyByHash(trx, hash);
        if (!operator || operator.revoked_at)
          throw new AppError('invalid_api_key', 401, 'Unknown operator key.');
        return { principal: 'operator' as const, key: undefined, tenant: undefined, plan: undefined };
      }
      const key = await store.findApiKeyByHash(trx, hash);
      if (!key) throw new AppError('invalid_api_key', 401, 'Unknown API key.');
      if (key.revoked_at) throw new AppError('api_key_revoked', 401, 'This API key has been revoked.');
      if (key.expires_at && key.expires_at.getTime() <= Date.now()) throw keyExpired(key.expires_at);
      const tenant = await store.findTenant(trx, key.tenant_id);
      if (!tenant || tenant.mode !== modeOfSecret(secret)) {
        throw new AppError('invalid_api_key', 401, 'Unknown API key.');
      }
      if (!key.last_used_at || Date.now() - key.last_used_at.getTime() > TOUCH_EVERY_MS) {
        await store.touchApiKey(trx, key.id);
      }
      return { principal: 'api_key' as const, key, tenant, plan: planOrFree(tenant.plan) };
    });
  },

  createOperatorKey: (name: string) =>
    db.system(async (trx) => {
      const value = newOperatorSecret();
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
