import type { Clients } from '@bazaar/contracts/clients';
import type { Delivery as DeliveryMessage, Endpoint as EndpointMessage } from '@bazaar/contracts/webhooks';
import { Type } from 'typebox';
import type { App } from '../app.ts';
import { tenantOf } from '../auth.ts';
import { list } from '../present.ts';
import { errorResponses, IdParams, PageQuery } from '../schemas/common.ts';
import {
  SecretRotation,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointCreate,
  WebhookEndpointList,
  WebhookEndpointUpdate,
  WebhookEndpointWithSecret,
  WebhookReplay,
  WebhookReplayed,
} from '../schemas/webhooks.ts';

const tags = ['Webhooks'];
const orNull = (value: string | undefined) => (value ? value : null);

const presentEndpoint = (e: EndpointMessage | undefined) => ({
  id: e?.id ?? '',
  object: 'webhook_endpoint' as const,
  url: e?.url ?? '',
  description: e?.description ?? '',
  enabled_events: e?.enabledEvents ?? [],
  status: e?.status ?? '',
  disabled_reason: orNull(e?.disabledReason),
  previous_secret_expires_at: orNull(e?.previousSecretExpiresAt),
  created_at: e?.createdAt ?? '',
  updated_at: e?.updatedAt ?? '',
});

const presentDelivery = (d: DeliveryMessage | undefined) => ({
  id: d?.id ?? '',
  object: 'webhook_delivery' as const,
  endpoint_id: d?.endpointId ?? '',
  event_id: d?.eventId ?? '',
  event_type: d?.eventType ?? '',
  status: d?.status ?? '',
  attempt_count: d?.attemptCount ?? 0,
  next_attempt_at: orNull(d?.nextAttemptAt),
  attempts: (d?.attempts ?? []).map((a) => ({
    attempted_at: a.attemptedAt,
    status_code: a.statusCode === 0 ? null : a.statusCode,
    error: orNull(a.error),
    latency_ms: a.latencyMs,
    response_excerpt: a.responseExcerpt,
  })),
  created_at: d?.createdAt ?? '',
  updated_at: d?.updatedAt ?? '',
});

/** Webhook endpoints, their deliveries and replays. */
export const webhookRoutes = (app: App, { webhooks }: Clients): void => {
  for (const schema of [WebhookEndpoint, WebhookDelivery]) app.addSchema(schema);
  const Endpoint = IdParams('webhook endpoint');

  app.post(
    '/v1/webhook-endpoints',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'createWebhookEndpoint',
        summary: 'Create a webhook endpoint',
        description:
          'Refused with `invalid_url`, `https_required`, `private_address` or `unknown_event_type`. The response holds the signing secret, shown only this once.',
        body: WebhookEndpointCreate,
        response: { 201: WebhookEndpointWithSecret, ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const created = await webhooks.createEndpoint({
        tenantId: tenantOf(request),
        url: request.body.url,
        description: request.body.description ?? '',
        enabledEvents: request.body.enabled_events ?? ['*'],
      });
      return reply.code(201).send({ ...presentEndpoint(created.endpoint), secret: created.secret });
    },
  );

  app.get(
    '/v1/webhook-endpoints',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'listWebhookEndpoints',
        summary: 'List webhook endpoints',
        description: 'Oldest first.',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: WebhookEndpointList, ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const result = await webhooks.listEndpoints({
        tenantId: tenantOf(request),
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor ?? '',
      });
      return list(result.endpoints.map(presentEndpoint), result.nextCursor);
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'getWebhookEndpoint',
        summary: 'Get a webhook endpoint',
        params: Endpoint,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentEndpoint(
        (await webhooks.getEndpoint({ tenantId: tenantOf(request), endpointId: request.params.id })).endpoint,
      ),
  );

  app.patch(
    '/v1/webhook-endpoints/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'updateWebhookEndpoint',
        summary: 'Update a webhook endpoint',
        description: 'Changes its URL, description or event types, or disables or enables it.',
        params: Endpoint,
        body: WebhookEndpointUpdate,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const b = request.body;
      const { endpoint } = await webhooks.updateEndpoint({
        tenantId: tenantOf(request),
        endpointId: request.params.id,
        url: b.url,
        description: b.description,
        enabledEvents: b.enabled_events ?? [],
        setEnabledEvents: b.enabled_events !== undefined,
        status: b.status,
      });
      return presentEndpoint(endpoint);
    },
  );

  app.delete(
    '/v1/webhook-endpoints/:id',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint',
        description: 'Deletes it with its delivery log; deliveries still pending are dropped.',
        params: Endpoint,
        response: { 200: Type.Ref('WebhookEndpoint'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request) =>
      presentEndpoint(
        (await webhooks.deleteEndpoint({ tenantId: tenantOf(request), endpointId: request.params.id }))
          .endpoint,
      ),
  );

  app.post(
    '/v1/webhook-endpoints/:id/rotate-secret',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'rotateWebhookEndpointSecret',
        summary: 'Rotate the signing secret',
        description:
          'Makes a new secret, shown only this once. Until `expires_in_seconds` have passed, deliveries carry signatures made with both the new and the previous secret.',
        params: Endpoint,
        body: Type.Optional(SecretRotation),
        response: { 200: WebhookEndpointWithSecret, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const rotated = await webhooks.rotateSecret({
        tenantId: tenantOf(request),
        endpointId: request.params.id,
        expiresInSeconds: request.body?.expires_in_seconds ?? 86_400,
      });
      return { ...presentEndpoint(rotated.endpoint), secret: rotated.secret };
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/test',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'testWebhookEndpoint',
        summary: 'Send a test event',
        description: 'Sends a `webhook.test` event to this endpoint only. Answers the delivery, pending.',
        params: Endpoint,
        response: { 202: Type.Ref('WebhookDelivery'), ...errorResponses(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { delivery } = await webhooks.sendTestEvent({
        tenantId: tenantOf(request),
        endpointId: request.params.id,
      });
      return reply.code(202).send(presentDelivery(delivery));
    },
  );

  app.get(
    '/v1/webhook-endpoints/:id/deliveries',
    {
      config: { scope: 'webhooks:read' },
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: 'List the deliveries of an endpoint',
        description: 'Newest first, each with every attempt.',
        params: Endpoint,
        querystring: WebhookDeliveryQuery,
        response: { 200: WebhookDeliveryList, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const q = request.query;
      const result = await webhooks.listDeliveries({
        tenantId: tenantOf(request),
        endpointId: request.params.id,
        status: q.status,
        limit: q.limit ?? 20,
        cursor: q.cursor ?? '',
      });
      return list(result.deliveries.map(presentDelivery), result.nextCursor);
    },
  );

  app.post(
    '/v1/webhook-endpoints/:id/replay',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'replayFailedWebhookDeliveries',
        summary: 'Replay failed deliveries',
        description: 'Sends again, from now on, every failed delivery of the endpoint created since a time.',
        params: Endpoint,
        body: WebhookReplay,
        response: { 202: WebhookReplayed, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { replayed } = await webhooks.replayFailed({
        tenantId: tenantOf(request),
        endpointId: request.params.id,
        since: request.body.since,
      });
      return reply.code(202).send({ object: 'webhook_replay' as const, replayed });
    },
  );

  app.post(
    '/v1/webhook-deliveries/:id/replay',
    {
      config: { scope: 'webhooks:write' },
      schema: {
        tags,
        operationId: 'replayWebhookDelivery',
        summary: 'Replay a delivery',
        description:
          'Sends the delivery again now, with a fresh retry schedule, whatever its status. It keeps its `webhook-id`.',
        params: IdParams('webhook delivery'),
        response: { 202: Type.Ref('WebhookDelivery'), ...errorResponses(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { delivery } = await webhooks.replayDelivery({
        tenantId: tenantOf(request),
        deliveryId: request.params.id,
      });
      return reply.code(202).send(presentDelivery(delivery));
    },
  );
};
