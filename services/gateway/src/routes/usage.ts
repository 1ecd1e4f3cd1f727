import type { AccountsService } from '@bazaar/contracts/accounts';
import type { Client, Database } from '@bazaar/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { toCsv } from '../metering/csv.ts';
import { parseUsageQuery } from '../metering/period.ts';
import { columnOf, readUsage } from '../metering/store.ts';
import { errorResponses, IdParams } from '../schemas/common.ts';
import { Usage, UsageCsv, UsageQuery } from '../schemas/usage.ts';

const wantsCsv = (request: FastifyRequest): boolean => /\btext\/csv\b/i.test(request.headers.accept ?? '');

export const usageRoutes = <DB>(
  app: App,
  db: Database<DB>,
  accounts: Client<typeof AccountsService>,
): void => {
  const answer = async (
    request: FastifyRequest,
    reply: FastifyReply,
    tenantId: string,
    query: UsageQuery,
    csv: boolean,
  ) => {
    const { from, to, groupBy } = parseUsageQuery(query);
    const rows = await readUsage(db, tenantId, { from, to, groupBy });
    const total = rows.reduce((sum, row) => sum + Number(row.requests), 0);
    if (csv) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="usage-${tenantId}-${from}-${to}.csv"`)
        .send(toCsv([...groupBy.map(columnOf), 'requests'], rows));
    }
    return reply.send({
      object: 'usage' as const,
      tenant_id: tenantId,
      from,
      to,
      group_by: groupBy,
      // With no grouping the one row is the total itself.
      data: groupBy.length === 0 ? [] : rows,
      total,
    });
  };

  const tags = ['Usage'];
  const description =
    'Requests made with the tenant’s keys, from the metering counters (which reach the database every few seconds). ' +
    'Send `Accept: text/csv` for CSV.';

  app.get(
    '/v1/usage',
    {
      config: { scope: 'usage:read' },
      schema: {
        tags,
        operationId: 'getUsage',
        summary: 'Get usage',
        description,
        querystring: UsageQuery,
        response: { 200: Usage, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => answer(request, reply, tenantOf(request), request.query, wantsCsv(request)),
  );

  app.get(
    '/v1/usage.csv',
    {
      config: { scope: 'usage:read' },
      schema: {
        tags,
        operationId: 'exportUsage',
        summary: 'Export usage as CSV',
        description: 'For billing: the rows of `GET /v1/usage` with the same filters, as CSV.',
        querystring: UsageQuery,
        response: { 200: UsageCsv, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => answer(request, reply, tenantOf(request), request.query, true),
  );

  const forTenant = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    // Answers 404 for a tenant that does not exist rather than an empty report.
    await accounts.getTenant({ tenantId: request.params.id });
    return request.params.id;
  };

  app.get(
    '/v1/tenants/:id/usage',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['Tenants'],
        operationId: 'getTenantUsage',
        summary: 'Get a tenant’s usage',
        description: `Operator keys only. ${description}`,
        params: IdParams('tenant'),
        querystring: UsageQuery,
        response: { 200: Usage, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      answer(request, reply, await forTenant(request), request.query, wantsCsv(request)),
  );

  app.get(
    '/v1/tenants/:id/usage.csv',
    {
      config: { access: 'operator' },
      schema: {
        tags: ['Tenants'],
        operationId: 'exportTenantUsage',
        summary: 'Export a tenant’s usage as CSV',
        description: 'Operator keys only. The rows of `GET /v1/tenants/{id}/usage`, as CSV.',
        params: IdParams('tenant'),
        querystring: UsageQuery,
        response: { 200: UsageCsv, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => answer(request, reply, await forTenant(request), request.query, true),
  );
};
