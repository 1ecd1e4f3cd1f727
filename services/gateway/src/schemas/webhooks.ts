import { Type, type Static } from 'typebox';
import { Cursor, Limit, ListOf, Nullable, Timestamp } from './common.ts';

const EventTypes = Type.Array(Type.String({ minLength: 1, maxLength: 100, examples: ['order.paid'] }), {
  minItems: 1,
  maxItems: 100,
  description: 'The event types to send, such as `order.paid`, or `["*"]` for all of them.',
  examples: [['order.paid', 'order.refunded']],
});

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description:
    'Where deliveries are POSTed. Must be https and resolve to public addresses (plain http and private addresses only with BAZAAR_WEBHOOKS_ALLOW_PRIVATE=1).',
  examples: ['https://example.com/webhooks/bazaar'],
});

const Description = Type.String({ maxLength: 500, examples: ['Order sync'] });

const endpointFields = {
  id: Type.String({ examples: ['we_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
  object: Type.Literal('webhook_endpoint'),
  url: Type.String(),
  description: Type.String(),
  enabled_events: Type.Array(Type.String(), { description: 'Event types sent to it; `["*"]` for all.' }),
  status: Type.String({ enum: ['enabled', 'disabled'] }),
  disabled_reason: Nullable(Type.String({ description: 'Why it was disabled.' })),
  previous_secret_expires_at: Nullable(
    Type.String({
      format: 'date-time',
      description: 'Until then, after a rotation, deliveries are also signed with the previous secret.',
    }),
  ),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const WebhookEndpoint = Type.Object(endpointFields, {
  $id: 'WebhookEndpoint',
  description: 'A URL that receives the tenant’s events, signed per the Standard Webhooks specification.',
});

export const WebhookEndpointWithSecret = Type.Object(
  {
    ...endpointFields,
    secret: Type.String({
      description: 'The signing secret (`whsec_…`). Shown only this once.',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    }),
  },
  { description: 'The endpoint with its signing secret, shown only this once.' },
);

export const WebhookEndpointList = ListOf(Type.Ref('WebhookEndpoint'), 'webhook endpoints');

export const WebhookEndpointCreate = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    enabled_events: Type.Optional(EventTypes),
  },
  { additionalProperties: false },
);
export type WebhookEndpointCreate = Static<typeof WebhookEndpointCreate>;

export const WebhookEndpointUpdate = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    enabled_events: Type.Optional(EventTypes),
    status: Type.Optional(
      Type.Enum(['enabled', 'disabled'], {
        description:
          'Disable to stop deliveries; enable to resume them (a disabled endpoint gets no new events).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type WebhookEndpointUpdate = Static<typeof WebhookEndpointUpdate>;

export const SecretRotation = Type.Object(
  {
    expires_in_seconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 604_800,
        default: 86_400,
        description: 'How long the previous secret keeps signing deliveries alongside the new one.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SecretRotation = Static<typeof SecretRotation>;

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ examples: ['dlv_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('webhook_delivery'),
    endpoint_id: Type.String(),
    event_id: Type.String({ description: 'Also the `webhook-id` header, on which receivers dedupe.' }),
    event_type: Type.String(),
    status: Type.String({ enum: ['pending', 'succeeded', 'failed'] }),
    attempt_count: Type.Integer({ description: 'Attempts since it was created or last replayed.' }),
    next_attempt_at: Nullable(Type.String({ format: 'date-time', description: 'When it is tried next.' })),
    attempts: Type.Array(
      Type.Object({
        attempted_at: Timestamp,
        status_code: Nullable(
          Type.Integer({ description: 'The HTTP status answered; null when none came.' }),
        ),
        error: Nullable(Type.String({ description: 'Why no answer came: timeout, connection refused…' })),
        latency_ms: Type.Integer(),
        response_excerpt: Type.String({ description: 'The first KiB of the response body.' }),
      }),
      { description: 'Every attempt, oldest first.' },
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'WebhookDelivery', description: 'One event sent to one endpoint, with every attempt.' },
);

export const WebhookDeliveryList = ListOf(Type.Ref('WebhookDelivery'), 'webhook deliveries');

export const WebhookDeliveryQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    status: Type.Optional(Type.Enum(['pending', 'succeeded', 'failed'], { description: 'Only these.' })),
  },
  { additionalProperties: false },
);
export type WebhookDeliveryQuery = Static<typeof WebhookDeliveryQuery>;

export const WebhookReplay = Type.Object(
  { since: Type.String({ format: 'date-time', description: 'Failed deliveries created at or after this.' }) },
  { additionalProperties: false },
);
export type WebhookReplay = Static<typeof WebhookReplay>;

export const WebhookReplayed = Type.Object(
  {
    object: Type.Literal('webhook_replay'),
    replayed: Type.Integer({ description: 'How many failed deliveries are being sent again.' }),
  },
  { description: 'The failed deliveries queued again.' },
);

export const Event = Type.Object(
  {
    id: Type.String({ examples: ['evt_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('event'),
    type: Type.String({ examples: ['order.paid'] }),
    created_at: Timestamp,
    data: Type.Record(Type.String(), Type.Unknown(), {
      description: 'What happened; its shape depends on the type.',
    }),
  },
  {
    $id: 'Event',
    description: 'Something that happened in the tenant’s shop. Webhook deliveries carry it as `data`.',
  },
);

export const EventList = ListOf(Type.Ref('Event'), 'events');

export const EventQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    type: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 20,
        description: 'Only events of these types; repeat the parameter for several.',
      }),
    ),
    created_gte: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only events at or after this.' }),
    ),
    created_lte: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only events at or before this.' }),
    ),
  },
  { additionalProperties: false },
);
export type EventQuery = Static<typeof EventQuery>;
