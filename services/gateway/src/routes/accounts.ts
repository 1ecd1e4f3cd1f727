import type { AccountsService } from '@bazaar/contracts/accounts';
import type { Client } from '@bazaar/kit';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import type { AuthCache } from '../auth-cache.ts';
import { tenantOf } from '../auth.ts';
import { list, presentApiKey, presentTenant } from '../present.ts';
import {
  ApiKey,
  ApiKeyCreate,
  ApiKeyList,
  Tenant,
  TenantCreate,
  TenantCreated,
  TenantList,
} from '../schemas/accounts.ts';
import { errorResponses, IdParams, PageQuery } from '../schemas/common.ts';

type Accounts = Client<typeof AccountsService>;
const Page = Type.Object(PageQuery, { additionalProperties: false });

export const apiKeyRoutes = (app: App, accounts: Accounts, auth: AuthCache): void => {
  const tags = ['API keys'];
  app.get(
    '/v1/api-keys',
    {
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
      schema: {
        tags,
        operationId: 'createApiKey',
        summary: 'Create an API key',
        description: 'The response holds the key in `secret`. It is shown only this once.',
        body: ApiKeyCreate,
        response: { 201: ApiKey, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { key, value } = await accounts.createApiKey({
        tenantId: tenantOf(request),
        kind: request.body.kind,
        name: request.body.name ?? '',
      });
      return reply.code(201).send(presentApiKey(key, value));
    },
  );

  app.delete(
    '/v1/api-keys/:id',
    {
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
          'Operator keys only. Answers with the tenant’s first secret and publishable keys, shown once.',
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
};
