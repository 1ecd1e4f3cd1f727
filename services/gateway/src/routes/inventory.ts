import type { Clients } from '@bazaar/contracts/clients';
import type {
  Adjustment as AdjustmentMessage,
  Location as LocationMessage,
} from '@bazaar/contracts/inventory';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { list, presentLevel } from '../present.ts';
import { errorResponses, PageQuery } from '../schemas/common.ts';
import {
  Location,
  LocationCreate,
  LocationList,
  StockAdjustment,
  StockAdjustmentCreate,
  StockAdjustmentCreated,
  StockAdjustmentList,
  StockAdjustmentQuery,
  StockLevel,
  StockLevelList,
  StockLevelQuery,
} from '../schemas/inventory.ts';

const tags = ['Inventory'];

const presentLocation = (l: LocationMessage | undefined) => ({
  id: l?.id ?? '',
  object: 'location' as const,
  name: l?.name ?? '',
  code: l?.code ?? '',
  created_at: l?.createdAt ?? '',
});

const presentAdjustment = (a: AdjustmentMessage | undefined) => ({
  id: a?.id ?? '',
  object: 'stock_adjustment' as const,
  variant_id: a?.variantId ?? '',
  location_id: a?.locationId ?? '',
  delta: Number(a?.delta ?? 0n),
  reason: a?.reason ?? '',
  note: a?.note || null,
  actor: a?.actor ?? '',
  reference: a?.reference || null,
  created_at: a?.createdAt ?? '',
});

/** The API key that made a change, for the ledger. */
const actorOf = (request: FastifyRequest): string => {
  const principal = request.principal;
  return principal && principal.kind !== 'operator' ? principal.keyId : '';
};

/** Locations, stock levels and adjustments. */
export const inventoryRoutes = (app: App, { inventory }: Clients): void => {
  for (const schema of [Location, StockLevel, StockAdjustment]) app.addSchema(schema);

  app.get(
    '/v1/locations',
    {
      config: { scope: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listLocations',
        summary: 'List locations',
        description: 'Oldest first.',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: LocationList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await inventory.listLocations({
        tenantId: tenantOf(request),
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor ?? '',
      });
      return list(result.locations.map(presentLocation), result.nextCursor);
    },
  );

  app.post(
    '/v1/locations',
    {
      config: { scope: 'inventory:write' },
      schema: {
        tags,
        operationId: 'createLocation',
        summary: 'Create a location',
        body: LocationCreate,
        response: { 201: Type.Ref('Location'), ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const { location } = await inventory.createLocation({
        tenantId: tenantOf(request),
        name: request.body.name,
        code: request.body.code ?? '',
      });
      return reply.code(201).send(presentLocation(location));
    },
  );

  app.get(
    '/v1/stock-levels',
    {
      config: { access: 'storefront', scope: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listStockLevels',
        summary: 'List stock levels',
        description:
          'The stock of the given variants at each location that has held them. Publishable keys may read it, to show availability.',
        querystring: StockLevelQuery,
        response: { 200: StockLevelList, ...errorResponses(400, 401) },
      },
    },
    async (request) => {
      const { levels } = await inventory.listStockLevels({
        tenantId: tenantOf(request),
        variantIds: request.query.variant_id,
        locationId: request.query.location_id,
      });
      return list(levels.map(presentLevel), '');
    },
  );

  app.post(
    '/v1/stock-adjustments',
    {
      config: { scope: 'inventory:write' },
      schema: {
        tags,
        operationId: 'createStockAdjustment',
        summary: 'Adjust stock',
        description:
          'Changes the on-hand stock of a variant at a location and records why in the ledger. Refused with `insufficient_stock`, changing nothing, if it would leave fewer units on hand than are reserved.',
        body: StockAdjustmentCreate,
        response: { 201: StockAdjustmentCreated, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { level, adjustment } = await inventory.adjustStock({
        tenantId: tenantOf(request),
        variantId: b.variant_id,
        locationId: b.location_id,
        delta: BigInt(b.delta),
        reason: b.reason,
        note: b.note ?? '',
        actor: actorOf(request),
      });
      return reply.code(201).send({ ...presentAdjustment(adjustment), level: presentLevel(level) });
    },
  );

  app.get(
    '/v1/stock-adjustments',
    {
      config: { scope: 'inventory:read' },
      schema: {
        tags,
        operationId: 'listStockAdjustments',
        summary: 'List stock adjustments',
        description: 'The stock ledger, oldest first: adjustments, sales and restocks.',
        querystring: StockAdjustmentQuery,
        response: { 200: StockAdjustmentList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await inventory.listAdjustments({
        tenantId: tenantOf(request),
        variantId: q.variant_id,
        limit: q.limit ?? 20,
        cursor: q.cursor ?? '',
      });
      return list(result.adjustments.map(presentAdjustment), result.nextCursor);
    },
  );
};
