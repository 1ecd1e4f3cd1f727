import type { ColumnType, Generated, Selectable, Transaction } from 'kysely';

type Json<T> = ColumnType<T, string, string>;

export type EndpointStatus = 'enabled' | 'disabled';
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface WebhooksTables {
  events: {
    id: string;
    tenant_id: string;
    type: string;
    source: string;
    data: Json<unknown>;
    occurred_at: Date;
  };
  endpoints: {
    id: string;
    tenant_id: string;
    url: string;
    description: string;
    enabled_events: string[];
    status: EndpointStatus;
    disabled_reason: string | null;
    secret: string;
    previous_secret: string | null;
    previous_secret_expires_at: Date | null;
    failing_since: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  deliveries: {
    id: string;
    tenant_id: string;
    endpoint_id: string;
    event_id: string;
    status: DeliveryStatus;
    attempt_count: Generated<number>;
    next_attempt_at: Date | null;
    lease_until: Date | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  delivery_attempts: {
    id: string;
    tenant_id: string;
    delivery_id: string;
    attempted_at: Date;
    status_code: number | null;
    error: string | null;
    latency_ms: number;
    response_excerpt: string;
  };
}

export type Trx = Transaction<WebhooksTables>;
export type EventRow = Selectable<WebhooksTables['events']>;
export type EndpointRow = Selectable<WebhooksTables['endpoints']>;
export type DeliveryRow = Selectable<WebhooksTables['deliveries']>;
export type AttemptRow = Selectable<WebhooksTables['delivery_attempts']>;

export const findEndpoint = (trx: Trx, tenantId: string, id: string, lock = false) => {
  const query = trx
    .selectFrom('endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
};

export const insertEvent = async (trx: Trx, row: Omit<EventRow, 'data'> & { data: unknown }) => {
  await trx
    .insertInto('events')
    .values({ ...row, data: JSON.stringify(row.data) })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
};

export const insertDeliveries = async (
  trx: Trx,
  rows: { id: string; tenant_id: string; endpoint_id: string; event_id: string; next_attempt_at: Date }[],
) => {
  if (rows.length === 0) return;
  await trx
    .insertInto('deliveries')
    .values(rows.map((r) => ({ ...r, status: 'pending' as const })))
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .execute();
};

export const attemptsOf = (trx: Trx, deliveryIds: string[]) =>
  deliveryIds.length === 0
    ? Promise.resolve([])
    : trx
        .selectFrom('delivery_attempts')
        .selectAll()
        .where('delivery_id', 'in', deliveryIds)
        .orderBy('id')
        .execute();
