import { create } from '@bufbuild/protobuf';
import { AccountsService, ApiKeySchema, TenantSchema, type ApiKey } from '@bazaar/contracts/accounts';
import { pageSize, type ConnectRouter } from '@bazaar/kit';
import type { Accounts } from './accounts.ts';
import type { ApiKeyRow, TenantRow } from './store.ts';

const tenantMessage = (t: TenantRow) =>
  create(TenantSchema, { id: t.id, name: t.name, createdAt: t.created_at.toISOString() });

const keyMessage = (k: ApiKeyRow): ApiKey =>
  create(ApiKeySchema, {
    id: k.id,
    tenantId: k.tenant_id,
    kind: k.kind,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    createdAt: k.created_at.toISOString(),
    lastUsedAt: k.last_used_at?.toISOString(),
    revokedAt: k.revoked_at?.toISOString(),
  });

/** The private API of accounts, as the gateway and other services call it. */
export const accountsRoutes = (accounts: Accounts) => (router: ConnectRouter) =>
  router.service(AccountsService, {
    createTenant: async ({ name }) => {
      const { tenant, secret, publishable } = await accounts.createTenant(name);
      return {
        tenant: tenantMessage(tenant),
        secretKey: keyMessage(secret.key),
        secretKeyValue: secret.value,
        publishableKey: keyMessage(publishable.key),
        publishableKeyValue: publishable.value,
      };
    },
    getTenant: async ({ tenantId }) => ({ tenant: tenantMessage(await accounts.getTenant(tenantId)) }),
    listTenants: async ({ limit, cursor }) => {
      const result = await accounts.listTenants(pageSize(limit), cursor);
      return { tenants: result.items.map(tenantMessage), nextCursor: result.nextCursor };
    },
    createApiKey: async ({ tenantId, kind, name }) => {
      const { key, value } = await accounts.createApiKey(tenantId, kind, name);
      return { key: keyMessage(key), value };
    },
    listApiKeys: async ({ tenantId, limit, cursor }) => {
      const result = await accounts.listApiKeys(tenantId, pageSize(limit), cursor);
      return { keys: result.items.map(keyMessage), nextCursor: result.nextCursor };
    },
    revokeApiKey: async ({ tenantId, keyId }) => ({
      key: keyMessage(await accounts.revokeApiKey(tenantId, keyId)),
    }),
    authenticate: async ({ secret }) => {
      const { principal, key } = await accounts.authenticate(secret);
      return { principal, key: key ? keyMessage(key) : undefined };
    },
    createOperatorKey: ({ name }) => accounts.createOperatorKey(name),
  });
