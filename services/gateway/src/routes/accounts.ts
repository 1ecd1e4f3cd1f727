import type {
  AccountsService,
  Plan as PlanMessage,
  Tenant as TenantMessage,
} from '@bazaar/contracts/accounts';
import type { Client } from '@bazaar/kit';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import type { AuthCache } from '../auth-cache.ts';
import { tenantOf } from '../auth.ts';
import { unknownVersion } from '../versions/register.ts';
import { isKnownVersion } from '../versions/registry.ts';
import { list, presentApiKey, presentTenant as presentTenantBase } from '../present.ts';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyList,
  PlanList,
  Tenant,
  TenantCreate,
  TenantCreated,
  TenantList,
  TenantUpdate,
} from '../schemas/accounts.ts';
import { errorResponses, IdParams, PageQuery } from '../schemas/common.ts';

type Accounts = Client<typeof AccountsService>;
const Page = Type.Object(PageQuery, { additionalProperties: false });

const presentTenant = (t: TenantMessage | undefined) => ({
  ...presentTenantBase(t),
  mode: t?.mode || 'live',
  account_id: t?.accountId || t?.id || '',
  test_tenant_id: t?.testTenantId ?? null,
  plan: t?.plan ?? '',
  api_version: t?.apiVersion ?? null,
});

const presentPlan = (p: PlanMessage) => ({
  object: 'plan' as const,
  name: p.name,
  rate: p.rate,
  burst: p.burst,
  monthly_quota: p.monthlyQuota === undefined ? null : Number(p.monthlyQuota),
});

export const apiKeyRoutes = (app: App, accounts: Accounts, auth: AuthCache): void => {
  const tags = ['API keys'];
  app.get(
    '/v1/api-keys',
    {
      config: { scope: 'keys:read' },
      schema: {
        tags,
        operationId: 'listApiKeys',
        summary: 'List API keys',
        description: 'The calling tenant’s keys, revoked ones included; never the keys themselves.',
        querystring: Page,
        response: { 200: ApiKeyList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await accounts.listApiKeys({
        tenantId: tenantOf(request),
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor ?? '',
      });
      return list(
        result.keys.map((k) => presentApiKey(k)),
        result.nextCursor,
      );
    },
  );

  app.post(
    '/v1/api-keys',
    {
      config: { scope: 'keys:write' },
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description:
          'The response holds the key in `secret`. It is shown only this once. The key belongs to the calling ' +
          'key’s tenant, so to its mode (`sk_test_…` creates test keys), unless `mode` is `test`: then it belongs ' +
          'to the account’s test tenant. A restricted key (`rk_…`) carries only the `scopes` given; an unknown ' +
          'scope is refused with `unknown_scope`.',
        body: ApiKeyCreate,
        response: { 201: ApiKey, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { key, value } = await accounts.createApiKey({
        tenantId: tenantOf(request),
        kind: request.body.kind,
        name: request.body.name ?? '',
        scopes: request.body.scopes ?? [],
        ...(request.body.mode ? { mode: request.body.mode } : {}),
        ...(request.body.expires_at ? { expiresAt: request.body.expires_at } : {}),
      });
      return reply.code(201).send(presentApiKey(key, value));
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
      config: { scope: 'keys:write' },
      schema: {
        tags,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description: 'The key is refused from the next request on. Revoking twice changes nothing.',
        params: IdParams('API key'),
        response: { 200: ApiKey, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => {
      const { key } = await accounts.revokeApiKey({ tenantId: tenantOf(request), keyId: request.params.id });
      // Refused from the very next request through this gateway; other gateways hear the event.
      auth.forgetKey(request.params.id);
      return presentApiKey(key);
    },
  );
};

export const tenantRoutes = (app: App, accounts: Accounts): void => {
  const tags = ['Tenants'];
  app.post(
    '/v1/tenants',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        operationId: 'createTenant',
        summary: 'Create a tenant',
        description:
          'Operator keys only. Creates an account: a live tenant (this one) and a test tenant (`test_tenant`), each ' +
          'with its first secret and publishable keys, shown once. New accounts are on the `growth` plan.',
        body: TenantCreate,
        response: { 201: TenantCreated, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const created = await accounts.createTenant({ name: request.body.name });
      return reply.code(201).send({
        ...presentTenant(created.tenant),
        secret_key: presentApiKey(created.secretKey, created.secretKeyValue),
        publishable_key: presentApiKey(created.publishableKey, created.publishableKeyValue),
        test_tenant: {
          id: created.testTenant?.id ?? '',
          object: 'tenant' as const,
          mode: 'test',
          secret_key: presentApiKey(created.testSecretKey, created.testSecretKeyValue),
          publishable_key: presentApiKey(created.testPublishableKey, created.testPublishableKeyValue),
        },
      });
    },
  );

  app.get(
    '/v1/tenants',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        operationId: 'listTenants',
        summary: 'List tenants',
        querystring: Page,
        response: { 200: TenantList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await accounts.listTenants({
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor ?? '',
      });
      return list(result.tenants.map(presentTenant), result.nextCursor);
    },
  );

  app.get(
    '/v1/tenants/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        operationId: 'getTenant',
        summary: 'Get a tenant',
        params: IdParams('tenant'),
        response: { 200: Tenant, ...errorResponses(401, 403, 404) },
      },
    },
    async (request) => presentTenant((await accounts.getTenant({ tenantId: request.params.id })).tenant),
  );
  app.patch(
    '/v1/tenants/:id',
    {
      config: { access: 'operator' },
      schema: {
        tags,
        operationId: 'updateTenant',
        summary: 'Change a tenant’s plan or pinned API version',
        description:
          'Operator keys only. Applies to the whole account, live and test; every gateway applies a new plan ' +
          'within seconds. An unknown plan is refused with `unknown_plan`, an unknown version with `unknown_api_version`.',
        params: IdParams('tenant'),
        body: TenantUpdate,
        response: { 200: Tenant, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const version = request.body.api_version;
      // The gateway serves the versions; accounts only stores the pin.
      if (version !== undefined && !isKnownVersion(version)) throw unknownVersion(version, 'api_version');
      const { tenant } = await accounts.updateTenant({
        tenantId: request.params.id,
        plan: request.body.plan,
        apiVersion: request.body.api_version,
      });
      return presentTenant(tenant);
    },
  );
};

export const planRoutes = (app: App, accounts: Accounts): void => {
  app.get(
    '/v1/plans',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['Tenants'],
        operationId: 'listPlans',
        summary: 'List plans',
        description:
          'Operator keys only. The plans an account may be on: a rate and a burst per key, a monthly quota per account.',
        response: { 200: PlanList, ...errorResponses(401, 403) },
      },
    },
    async () => {
      const { plans } = await accounts.listPlans({});
      return list(plans.map(presentPlan), '');
    },
  );
};
