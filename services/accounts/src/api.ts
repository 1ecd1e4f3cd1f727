import { create } from '@bufbuild/protobuf';
import {
  AccountsService,
  ApiKeySchema,
  PlanSchema,
  TenantSchema,
  type ApiKey,
} from '@bazaar/contracts/accounts';
import { pageSize, type ConnectRouter } from '@bazaar/kit';
import type { Accounts } from './accounts.ts';
import type { Plan } from './plans.ts';
import type { ApiKeyRow, TenantRow } from './store.ts';

const tenantMessage = (t: TenantRow, testTenantId?: string) =>
  create(TenantSchema, {
    id: t.id,
    name: t.name,
    createdAt: t.created_at.toISOString(),
    mode: t.mode,
    accountId: t.account_id,
    plan: t.plan,
    apiVersion: t.api_version ?? undefined,
    testTenantId: t.mode === 'live' ? testTenantId : t.id,
  });

const planMessage = (p: Plan) =>
  create(PlanSchema, {
    name: p.name,
    rate: p.rate,
    burst: p.burst,
    monthlyQuota: p.monthlyQuota === null ? undefined : BigInt(p.monthlyQuota),
  });

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
    expiresAt: k.expires_at?.toISOString(),
  });

/** The private API of accounts, as the gateway and other services call it. */
export const accountsRoutes = (accounts: Accounts) => (router: ConnectRouter) =>
  router.service(AccountsService, {
    createTenant: async ({ name }) => {
      const { tenant, secret, publishable, test } = await accounts.createTenant(name);
      return {
        tenant: tenantMessage(tenant, test.tenant.id),
        secretKey: keyMessage(secret.key),
        secretKeyValue: secret.value,
        publishableKey: keyMessage(publishable.key),
        publishableKeyValue: publishable.value,
        testTenant: tenantMessage(test.tenant),
        testSecretKey: keyMessage(test.secret.key),
        testSecretKeyValue: test.secret.value,
        testPublishableKey: keyMessage(test.publishable.key),
        testPublishableKeyValue: test.publishable.value,
      };
    },
    getTenant: async ({ tenantId }) => {
      const { tenant, testTenantId } = await accounts.getTenant(tenantId);
      return { tenant: tenantMessage(tenant, testTenantId) };
    },
    updateTenant: async ({ tenantId, plan, apiVersion }) => {
      const { tenant, testTenantId } = await accounts.updateTenant(tenantId, { plan, apiVersion });
      return { tenant: tenantMessage(tenant, testTenantId) };
    },
    listPlans: () => ({ plans: accounts.listPlans().map(planMessage) }),
    listTenants: async ({ limit, cursor }) => {
      const result = await accounts.listTenants(pageSize(limit), cursor);
      return {
        tenants: result.items.map((t) => tenantMessage(t, result.testTenants.get(t.id))),
        nextCursor: result.nextCursor,
      };
    },
    createApiKey: async ({ tenantId, kind, name, scopes, mode, expiresAt }) => {
      const { key, value } = await accounts.createApiKey(tenantId, kind, name, scopes, mode, expiresAt);
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
      const { principal, key, tenant, plan } = await accounts.authenticate(secret);
      return {
        principal,
        key: key ? keyMessage(key) : undefined,
        mode: tenant?.mode ?? '',
        plan: plan ? planMessage(plan) : undefined,
        apiVersion: tenant?.api_version ?? undefined,
      };
    },
    createOperatorKey: ({ name }) => accounts.createOperatorKey(name),
  });
