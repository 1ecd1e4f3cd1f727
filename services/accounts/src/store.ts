import type { Generated, Selectable, Transaction } from 'kysely';

export interface AccountsTables {
  tenants: {
    id: string;
    name: string;
    created_at: Generated<Date>;
    mode: 'live' | 'test';
    /** The live tenant's id, on both tenants of an account. */
    account_id: string;
    plan: string;
    api_version: string | null;
  };
  api_keys: {
    id: string;
    tenant_id: string;
    kind: 'secret' | 'publishable' | 'restricted';
    name: string;
    prefix: string;
    hash: string;
    scopes: string[];
    created_at: Generated<Date>;
    last_used_at: Date | null;
    revoked_at: Date | null;
    expires_at: Generated<Date | null>;
  };
  operator_keys: {
    id: string;
    name: string;
    prefix: string;
    hash: string;
    created_at: Generated<Date>;
    revoked_at: Date | null;
  };
}

export type Trx = Transaction<AccountsTables>;
export type TenantRow = Selectable<AccountsTables['tenants']>;
export type ApiKeyRow = Selectable<AccountsTables['api_keys']>;
export type OperatorKeyRow = Selectable<AccountsTables['operator_keys']>;

export const insertTenant = (
  trx: Trx,
  tenant: Pick<TenantRow, 'id' | 'name' | 'mode' | 'account_id' | 'plan'>,
): Promise<TenantRow> => trx.insertInto('tenants').values(tenant).returningAll().executeTakeFirstOrThrow();

/** Live tenants whose account has no test tenant. */
export const liveTenantsWithoutTest = (trx: Trx): Promise<TenantRow[]> =>
  trx
    .selectFrom('tenants as live')
    .selectAll('live')
    .where('live.mode', '=', 'live')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('tenants as test')
            .select('test.id')
            .whereRef('test.account_id', '=', 'live.account_id')
            .where('test.mode', '=', 'test'),
        ),
      ),
    )
    .orderBy('live.id')
    .execute();

/** Inserts the tenant unless its account already has one of its mode (a concurrent start won). */
export const insertTenantIfMissing = (
  trx: Trx,
  tenant: Pick<TenantRow, 'id' | 'name' | 'mode' | 'account_id' | 'plan' | 'api_version'>,
): Promise<TenantRow | undefined> =>
  trx
    .insertInto('tenants')
    .values(tenant)
    .onConflict((oc) => oc.columns(['account_id', 'mode']).doNothing())
    .returningAll()
    .executeTakeFirst();

/** Both tenants of the account `id` belongs to (either of them), live first. */
export const findAccountTenants = async (trx: Trx, id: string): Promise<TenantRow[]> => {
  const tenant = await findTenant(trx, id);
  if (!tenant) return [];
  return trx
    .selectFrom('tenants')
    .selectAll()
    .where('account_id', '=', tenant.account_id)
    .orderBy('mode')
    .execute();
};

/** Changes the plan or the pinned version of a whole account: its live and its test tenant. */
export const updateAccount = async (
  trx: Trx,
  accountId: string,
  changes: Partial<Pick<TenantRow, 'plan' | 'api_version'>>,
): Promise<void> => {
  await trx.updateTable('tenants').set(changes).where('account_id', '=', accountId).execute();
};

export const findTenant = (trx: Trx, id: string): Promise<TenantRow | undefined> =>
  trx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();

/** Accounts, by their live tenants. */
export const listTenants = (trx: Trx, after: string | undefined, limit: number): Promise<TenantRow[]> => {
  let query = trx.selectFrom('tenants').selectAll().where('mode', '=', 'live').orderBy('id').limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

/** The test tenants of these accounts, by account. */
export const testTenantsOf = async (trx: Trx, accountIds: string[]): Promise<Map<string, string>> => {
  if (accountIds.length === 0) return new Map();
  const rows = await trx
    .selectFrom('tenants')
    .select(['id', 'account_id'])
    .where('account_id', 'in', accountIds)
    .where('mode', '=', 'test')
    .execute();
  return new Map(rows.map((r) => [r.account_id, r.id]));
};

export const insertApiKey = (
  trx: Trx,
  key: Omit<ApiKeyRow, 'created_at' | 'last_used_at' | 'revoked_at' | 'expires_at'> & { expires_at?: Date },
): Promise<ApiKeyRow> => trx.insertInto('api_keys').values(key).returningAll().executeTakeFirstOrThrow();

export const listApiKeys = (trx: Trx, tenantId: string, after: string | undefined, limit: number) => {
  let query = trx
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('id')
    .limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

export const revokeApiKey = (trx: Trx, tenantId: string, id: string): Promise<ApiKeyRow | undefined> =>
  trx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .where('tenant_id', '=', tenantId)
    .returningAll()
    .executeTakeFirst()
    .then(
      async (row) =>
        row ??
        trx
          .selectFrom('api_keys')
          .selectAll()
          .where('id', '=', id)
          .where('tenant_id', '=', tenantId)
          .executeTakeFirst(),
    );

export const findApiKeyByHash = (trx: Trx, hash: string): Promise<ApiKeyRow | undefined> =>
  trx.selectFrom('api_keys').selectAll().where('hash', '=', hash).executeTakeFirst();

export const touchApiKey = async (trx: Trx, id: string): Promise<void> => {
  await trx.updateTable('api_keys').set({ last_used_at: new Date() }).where('id', '=', id).execute();
};

export const insertOperatorKey = (
  trx: Trx,
  key: Omit<OperatorKeyRow, 'created_at' | 'revoked_at'>,
): Promise<OperatorKeyRow> =>
  trx.insertInto('operator_keys').values(key).returningAll().executeTakeFirstOrThrow();

export const findOperatorKeyByHash = (trx: Trx, hash: string): Promise<OperatorKeyRow | undefined> =>
  trx.selectFrom('operator_keys').selectAll().where('hash', '=', hash).executeTakeFirst();
