import type { Generated, Selectable, Transaction } from 'kysely';

export interface AccountsTables {
  tenants: { id: string; name: string; created_at: Generated<Date> };
  api_keys: {
    id: string;
    tenant_id: string;
    kind: 'secret' | 'publishable';
    name: string;
    prefix: string;
    hash: string;
    scopes: string[];
    created_at: Generated<Date>;
    last_used_at: Date | null;
    revoked_at: Date | null;
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

export const insertTenant = (trx: Trx, id: string, name: string): Promise<TenantRow> =>
  trx.insertInto('tenants').values({ id, name }).returningAll().executeTakeFirstOrThrow();

export const findTenant = (trx: Trx, id: string): Promise<TenantRow | undefined> =>
  trx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();

export const listTenants = (trx: Trx, after: string | undefined, limit: number): Promise<TenantRow[]> => {
  let query = trx.selectFrom('tenants').selectAll().orderBy('id').limit(limit);
  if (after) query = query.where('id', '>', after);
  return query.execute();
};

export const insertApiKey = (
  trx: Trx,
  key: Omit<ApiKeyRow, 'created_at' | 'last_used_at' | 'revoked_at'>,
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
