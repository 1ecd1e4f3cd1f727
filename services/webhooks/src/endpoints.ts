import {
  invalid,
  conflict,
  decodeCursor,
  newId,
  notFound,
  page,
  Violations,
  type Database,
} from '@bazaar/kit';
import { sql } from 'kysely';
import { checkEndpointUrl } from './addresses.ts';
import { ALL_EVENTS, isEventType } from './event-types.ts';
import { endpointDoc, type DeliveryDoc, type EndpointDoc } from './model.ts';
import { newSecret } from './secrets.ts';
import type { WebhookSettings } from './settings.ts';
import {
  findEndpoint,
  insertDeliveries,
  insertEvent,
  type EndpointStatus,
  type WebhooksTables,
} from './store.ts';
import type { WebhooksEvents } from './events.ts';

export interface EndpointInput {
  url: string;
  description: string;
  enabled_events: string[];
}

export interface EndpointChanges {
  url?: string;
  description?: string;
  enabled_events?: string[];
  status?: string;
}

export const DEFAULT_OVERLAP_SECONDS = 86_400;

const checkEvents = (types: string[]): string[] => {
  const violations = new Violations();
  if (types.length === 0) violations.add('enabled_events', 'missing_field', `'enabled_events' is empty.`);
  types.forEach((type, i) => {
    if (type === ALL_EVENTS) {
      if (types.length > 1) {
        violations.add(`enabled_events/${i}`, 'invalid_value', `'*' (all events) must be the only entry.`);
      }
    } else if (!isEventType(type)) {
      violations.add(`enabled_events/${i}`, 'unknown_event_type', `Unknown event type '${type}'.`);
    }
  });
  violations.throwIfAny();
  return [...new Set(types)];
};

const notFoundEndpoint = (id: string) => notFound('webhook_endpoint', id);

export const createEndpoints = (
  db: Database<WebhooksTables>,
  settings: WebhookSettings,
  wake: () => void,
) => {
  const get = async (tenantId: string, id: string): Promise<EndpointDoc> => {
    const row = await db.tenant(tenantId, (trx) => findEndpoint(trx, tenantId, id));
    if (!row) throw notFoundEndpoint(id);
    return endpointDoc(row);
  };

  return {
    create: async (
      tenantId: string,
      input: EndpointInput,
    ): Promise<{ endpoint: EndpointDoc; secret: string }> => {
      const events = checkEvents(input.enabled_events.length > 0 ? input.enabled_events : [ALL_EVENTS]);
      const url = await checkEndpointUrl(input.url, settings.allowPrivate);
      const secret = newSecret();
      const row = await db.tenant(tenantId, (trx) =>
        trx
          .insertInto('endpoints')
          .values({
            id: newId('we'),
            tenant_id: tenantId,
            url,
            description: input.description,
            enabled_events: events,
            status: 'enabled',
            disabled_reason: null,
            secret,
            previous_secret: null,
            previous_secret_expires_at: null,
            failing_since: null,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return { endpoint: endpointDoc(row), secret };
    },

    list: async (tenantId: string, limit: number, cursor: string) => {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await db.tenant(tenantId, (trx) => {
        let query = trx
          .selectFrom('endpoints')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id')
          .limit(limit + 1);
        if (after) query = query.where('id', '>', after);
        return query.execute();
      });
      const result = page(rows, limit);
      return { items: result.items.map(endpointDoc), nextCursor: result.nextCursor };
    },

    get,

    update: async (tenantId: string, id: string, changes: EndpointChanges): Promise<EndpointDoc> => {
      const events = changes.enabled_events === undefined ? undefined : checkEvents(changes.enabled_events);
      const url =
        changes.url === undefined ? undefined : await checkEndpointUrl(changes.url, settings.allowPrivate);
      if (changes.status !== undefined && changes.status !== 'enabled' && changes.status !== 'disabled') {
        throw invalid('status', 'invalid_value', `'status' must be enabled or disabled.`);
      }
      const status: EndpointStatus | undefined = changes.status;
      const row = await db.tenant(tenantId, async (trx) => {
        const current = await findEndpoint(trx, tenantId, id, true);
        if (!current) throw notFoundEndpoint(id);
        return trx
          .updateTable('endpoints')
          .set({
            ...(url === undefined ? {} : { url }),
            ...(changes.description === undefined ? {} : { description: changes.description }),
            ...(events === undefined ? {} : { enabled_events: events }),
            ...(status === undefined || status === current.status
              ? {}
              : status === 'enabled'
                ? { status, disabled_reason: null, failing_since: null }
                : { status, disabled_reason: 'disabled through the API' }),
            updated_at: new Date(),
          })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      if (status === 'enabled') wake();
      return endpointDoc(row);
    },

    remove: async (tenantId: string, id: string): Promise<EndpointDoc> => {
      const row = await db.tenant(tenantId, (trx) =>
        trx
          .deleteFrom('endpoints')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) throw notFoundEndpoint(id);
      return endpointDoc(row);
    },

    rotateSecret: async (
      tenantId: string,
      id: string,
      expiresInSeconds: number,
    ): Promise<{ endpoint: EndpointDoc; secret: string }> => {
      const secret = newSecret();
      const row = await db.tenant(tenantId, async (trx) => {
        const current = await findEndpoint(trx, tenantId, id, true);
        if (!current) throw notFoundEndpoint(id);
        return trx
          .updateTable('endpoints')
          .set({
            secret,
            previous_secret: expiresInSeconds > 0 ? current.secret : null,
            previous_secret_expires_at:
              expiresInSeconds > 0 ? sql<Date>`now() + make_interval(secs => ${expiresInSeconds})` : null,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
      });
      return { endpoint: endpointDoc(row), secret };
    },

    /** A webhook.test event, logged, and delivered to this endpoint only. */
    sendTest: async (tenantId: string, id: string): Promise<Omit<DeliveryDoc, 'attempts'>> => {
      const delivery = await db.tenant(tenantId, async (trx) => {
        const endpoint = await findEndpoint(trx, tenantId, id);
        if (!endpoint) throw notFoundEndpoint(id);
        if (endpoint.status !== 'enabled') {
          throw conflict(
            'endpoint_disabled',
            'The endpoint is disabled; enable it before sending a test event.',
          );
        }
        const data: WebhooksEvents['webhook.test'] = {
          endpoint_id: id,
          message: 'A test event from Bazaar.',
        };
        const event = { id: newId('evt'), tenant_id: tenantId, type: 'webhook.test', source: 'webhooks' };
        const now = new Date();
        await insertEvent(trx, { ...event, data, occurred_at: now });
        const deliveryId = newId('dlv');
        await insertDeliveries(trx, [
          { id: deliveryId, tenant_id: tenantId, endpoint_id: id, event_id: event.id, next_attempt_at: now },
        ]);
        return {
          id: deliveryId,
          endpoint_id: id,
          event_id: event.id,
          event_type: event.type,
          status: 'pending',
          attempt_count: 0,
          next_attempt_at: now.toISOString(),
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        };
      });
      wake();
      return delivery;
    },
  };
};

export type Endpoints = ReturnType<typeof createEndpoints>;
