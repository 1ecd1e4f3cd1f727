import type { AttemptRow, DeliveryRow, EndpointRow, EventRow } from './store.ts';

export interface EndpointDoc {
  id: string;
  url: string;
  description: string;
  enabled_events: string[];
  status: string;
  disabled_reason: string;
  created_at: string;
  updated_at: string;
  previous_secret_expires_at: string;
}

export interface AttemptDoc {
  attempted_at: string;
  status_code: number;
  error: string;
  latency_ms: number;
  response_excerpt: string;
}

export interface DeliveryDoc {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: string;
  attempt_count: number;
  next_attempt_at: string;
  created_at: string;
  updated_at: string;
  attempts: AttemptDoc[];
}

export interface EventDoc {
  id: string;
  type: string;
  source: string;
  created_at: string;
  data: unknown;
}

export const endpointDoc = (row: EndpointRow): EndpointDoc => ({
  id: row.id,
  url: row.url,
  description: row.description,
  enabled_events: row.enabled_events,
  status: row.status,
  disabled_reason: row.disabled_reason ?? '',
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
  previous_secret_expires_at:
    row.previous_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > new Date()
      ? row.previous_secret_expires_at.toISOString()
      : '',
});

export const attemptDoc = (row: AttemptRow): AttemptDoc => ({
  attempted_at: row.attempted_at.toISOString(),
  status_code: row.status_code ?? 0,
  error: row.error ?? '',
  latency_ms: row.latency_ms,
  response_excerpt: row.response_excerpt,
});

export const deliveryDoc = (
  row: DeliveryRow & { event_type: string },
  attempts: AttemptRow[],
): DeliveryDoc => ({
  id: row.id,
  endpoint_id: row.endpoint_id,
  event_id: row.event_id,
  event_type: row.event_type,
  status: row.status,
  attempt_count: row.attempt_count,
  next_attempt_at: row.status === 'pending' && row.next_attempt_at ? row.next_attempt_at.toISOString() : '',
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
  attempts: attempts.filter((a) => a.delivery_id === row.id).map(attemptDoc),
});

export const eventDoc = (row: EventRow): EventDoc => ({
  id: row.id,
  type: row.type,
  source: row.source,
  created_at: row.occurred_at.toISOString(),
  data: row.data,
});

/** What a receiver gets: the Standard Webhooks body, whose data is the public event document. */
export const payloadOf = (event: EventDoc): string =>
  JSON.stringify({
    type: event.type,
    timestamp: event.created_at,
    data: { id: event.id, object: 'event', type: event.type, created_at: event.created_at, data: event.data },
  });
