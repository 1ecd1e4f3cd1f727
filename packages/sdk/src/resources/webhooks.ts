import { init, unwrap, type ApiClient, type CallOptions } from '../client.ts';
import { AutoPager } from '../pagination.ts';
import type { BodyOf, QueryOf } from '../types.ts';

type ListOptions = Pick<CallOptions, 'signal'>;

export const webhookEndpointsResource = (api: ApiClient) => ({
  list: (query: QueryOf<'listWebhookEndpoints'> = {}, options?: ListOptions) =>
    new AutoPager(
      (q) => unwrap(api.GET('/v1/webhook-endpoints', { params: { query: q }, ...init(options) })),
      query,
    ),
  get: (id: string, options?: ListOptions) =>
    unwrap(api.GET('/v1/webhook-endpoints/{id}', { params: { path: { id } }, ...init(options) })),
  /** The answer holds the signing secret, shown this once. */
  create: (body: BodyOf<'createWebhookEndpoint'>, options?: CallOptions) =>
    unwrap(api.POST('/v1/webhook-endpoints', { body, ...init(options) })),
  update: (id: string, body: BodyOf<'updateWebhookEndpoint'>, options?: CallOptions) =>
    unwrap(api.PATCH('/v1/webhook-endpoints/{id}', { params: { path: { id } }, body, ...init(options) })),
  delete: (id: string, options?: CallOptions) =>
    unwrap(api.DELETE('/v1/webhook-endpoints/{id}', { params: { path: { id } }, ...init(options) })),
  rotateSecret: (id: string, body: BodyOf<'rotateWebhookEndpointSecret'> = {}, options?: CallOptions) =>
    unwrap(
      api.POST('/v1/webhook-endpoints/{id}/rotate-secret', {
        params: { path: { id } },
        body,
        ...init(options),
      }),
    ),
  /** Sends a test event to the endpoint. */
  test: (id: string, options?: CallOptions) =>
    unwrap(api.POST('/v1/webhook-endpoints/{id}/test', { params: { path: { id } }, ...init(options) })),
  deliveries: (id: string, query: QueryOf<'listWebhookDeliveries'> = {}, options?: ListOptions) =>
    new AutoPager(
      (q) =>
        unwrap(
          api.GET('/v1/webhook-endpoints/{id}/deliveries', {
            params: { path: { id }, query: q },
            ...init(options),
          }),
        ),
      query,
    ),
  /** Replays the failed deliveries since a time. */
  replay: (id: string, body: BodyOf<'replayFailedWebhookDeliveries'>, options?: CallOptions) =>
    unwrap(
      api.POST('/v1/webhook-endpoints/{id}/replay', { params: { path: { id } }, body, ...init(options) }),
    ),
  replayDelivery: (deliveryId: string, options?: CallOptions) =>
    unwrap(
      api.POST('/v1/webhook-deliveries/{id}/replay', {
        params: { path: { id: deliveryId } },
        ...init(options),
      }),
    ),
});

export const eventsResource = (api: ApiClient) => ({
  /** The event log (30 days), filtered by `type`, `created_gte`, `created_lte`. */
  list: (query: QueryOf<'listEvents'> = {}, options?: ListOptions) =>
    new AutoPager((q) => unwrap(api.GET('/v1/events', { params: { query: q }, ...init(options) })), query),
  get: (id: string, options?: ListOptions) =>
    unwrap(api.GET('/v1/events/{id}', { params: { path: { id } }, ...init(options) })),
});
