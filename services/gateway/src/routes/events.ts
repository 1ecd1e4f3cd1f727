import type { Clients } from '@bazaar/contracts/clients';
import type { Event as EventMessage } from '@bazaar/contracts/webhooks';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { list } from '../present.ts';
import { errorResponses, IdParams } from '../schemas/common.ts';
import { Event, EventList, EventQuery } from '../schemas/webhooks.ts';

const tags = ['Events'];

const presentEvent = (e: EventMessage | undefined) => ({
  id: e?.id ?? '',
  object: 'event' as const,
  type: e?.type ?? '',
  created_at: e?.createdAt ?? '',
  data: JSON.parse(e?.dataJson || '{}') as Record<string, unknown>,
});

/** The event log. */
export const eventRoutes = (app: App, { webhooks }: Clients): void => {
  app.addSchema(Event);

  app.get(
    '/v1/events',
    {
      config: { scope: 'events:read' },
      schema: {
        tags,
        operationId: 'listEvents',
        summary: 'List events',
        description: 'The tenant’s events of the retention period (30 days by default), newest first.',
        querystring: EventQuery,
        response: { 200: EventList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await webhooks.listEvents({
        tenantId: tenantOf(request),
        types: q.type ?? [],
        createdGte: q.created_gte ?? '',
        createdLte: q.created_lte ?? '',
        limit: q.limit ?? 20,
        cursor: q.cursor ?? '',
      });
      return list(result.events.map(presentEvent), result.nextCursor);
    },
  );

  app.get(
    '/v1/events/:id',
    {
      config: { scope: 'events:read' },
      schema: {
        tags,
        operationId: 'getEvent',
        summary: 'Get an event',
        params: IdParams('event'),
        response: { 200: Type.Ref('Event'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentEvent(
        (await webhooks.getEvent({ tenantId: tenantOf(request), eventId: request.params.id })).event,
      ),
  );
};
