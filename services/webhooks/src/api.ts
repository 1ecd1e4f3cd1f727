import { WebhooksService } from '@bazaar/contracts/webhooks';
import { pageSize, invalid, type ConnectRouter } from '@bazaar/kit';
import type { Deliveries } from './deliveries.ts';
import { DEFAULT_OVERLAP_SECONDS, type Endpoints } from './endpoints.ts';
import type { EventLog } from './event-log.ts';
import type { DeliveryDoc, EndpointDoc, EventDoc } from './model.ts';

const endpointMessage = (doc: EndpointDoc) => ({
  id: doc.id,
  url: doc.url,
  description: doc.description,
  enabledEvents: doc.enabled_events,
  status: doc.status,
  disabledReason: doc.disabled_reason,
  createdAt: doc.created_at,
  updatedAt: doc.updated_at,
  previousSecretExpiresAt: doc.previous_secret_expires_at,
});

const deliveryMessage = (doc: Omit<DeliveryDoc, 'attempts'> & { attempts?: DeliveryDoc['attempts'] }) => ({
  id: doc.id,
  endpointId: doc.endpoint_id,
  eventId: doc.event_id,
  eventType: doc.event_type,
  status: doc.status,
  attemptCount: doc.attempt_count,
  nextAttemptAt: doc.next_attempt_at,
  createdAt: doc.created_at,
  updatedAt: doc.updated_at,
  attempts: (doc.attempts ?? []).map((a) => ({
    attemptedAt: a.attempted_at,
    statusCode: a.status_code,
    error: a.error,
    latencyMs: a.latency_ms,
    responseExcerpt: a.response_excerpt,
  })),
});

const eventMessage = (doc: EventDoc) => ({
  id: doc.id,
  type: doc.type,
  source: doc.source,
  createdAt: doc.created_at,
  dataJson: JSON.stringify(doc.data),
});

const dateOf = (field: string, value: string): Date | undefined => {
  if (!value) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, 'invalid_value', `'${field}' must be a date-time.`);
  return date;
};

/** The private API of webhooks. */
export const webhooksRoutes =
  (endpoints: Endpoints, deliveries: Deliveries, events: EventLog) => (router: ConnectRouter) =>
    router.service(WebhooksService, {
      createEndpoint: async ({ tenantId, url, description, enabledEvents }) => {
        const created = await endpoints.create(tenantId, { url, description, enabled_events: enabledEvents });
        return { endpoint: endpointMessage(created.endpoint), secret: created.secret };
      },
      listEndpoints: async ({ tenantId, limit, cursor }) => {
        const result = await endpoints.list(tenantId, pageSize(limit), cursor);
        return { endpoints: result.items.map(endpointMessage), nextCursor: result.nextCursor };
      },
      getEndpoint: async ({ tenantId, endpointId }) => ({
        endpoint: endpointMessage(await endpoints.get(tenantId, endpointId)),
      }),
      updateEndpoint: async ({
        tenantId,
        endpointId,
        url,
        description,
        enabledEvents,
        setEnabledEvents,
        status,
      }) => ({
        endpoint: endpointMessage(
          await endpoints.update(tenantId, endpointId, {
            url,
            description,
            enabled_events: setEnabledEvents ? enabledEvents : undefined,
            status,
          }),
        ),
      }),
      deleteEndpoint: async ({ tenantId, endpointId }) => ({
        endpoint: endpointMessage(await endpoints.remove(tenantId, endpointId)),
      }),
      rotateSecret: async ({ tenantId, endpointId, expiresInSeconds }) => {
        const rotated = await endpoints.rotateSecret(
          tenantId,
          endpointId,
          expiresInSeconds > 0 ? expiresInSeconds : DEFAULT_OVERLAP_SECONDS,
        );
        return { endpoint: endpointMessage(rotated.endpoint), secret: rotated.secret };
      },
      sendTestEvent: async ({ tenantId, endpointId }) => ({
        delivery: deliveryMessage(await endpoints.sendTest(tenantId, endpointId)),
      }),
      listDeliveries: async ({ tenantId, endpointId, status, limit, cursor }) => {
        const result = await deliveries.list(tenantId, endpointId, status, pageSize(limit), cursor);
        return { deliveries: result.items.map(deliveryMessage), nextCursor: result.nextCursor };
      },
      replayDelivery: async ({ tenantId, deliveryId }) => ({
        delivery: deliveryMessage(await deliveries.replay(tenantId, deliveryId)),
      }),
      replayFailed: async ({ tenantId, endpointId, since }) => ({
        replayed: await deliveries.replayFailed(tenantId, endpointId, dateOf('since', since) ?? new Date(0)),
      }),
      listEvents: async ({ tenantId, types, createdGte, createdLte, limit, cursor }) => {
        const result = await events.list(tenantId, {
          types,
          createdGte: dateOf('created_gte', createdGte),
          createdLte: dateOf('created_lte', createdLte),
          limit: pageSize(limit),
          cursor,
        });
        return { events: result.items.map(eventMessage), nextCursor: result.nextCursor };
      },
      getEvent: async ({ tenantId, eventId }) => ({
        event: eventMessage(await events.get(tenantId, eventId)),
      }),
    });
