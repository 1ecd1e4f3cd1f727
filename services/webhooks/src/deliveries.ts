import { decodeCursor, invalid, notFound, page, type Database } from '@bazaar/kit';
import { deliveryDoc, type DeliveryDoc } from './model.ts';
import { attemptsOf, findEndpoint, type DeliveryStatus, type Trx, type WebhooksTables } from './store.ts';

const STATUSES: readonly string[] = ['pending', 'succeeded', 'failed'];

const withType = (trx: Trx) =>
  trx
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type as event_type');

const documents = async (trx: Trx, rows: Awaited<ReturnType<ReturnType<typeof withType>['execute']>>) => {
  const attempts = await attemptsOf(
    trx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => deliveryDoc(r, attempts));
};

/** The delivery log of endpoints, and replays. */
export const createDeliveries = (db: Database<WebhooksTables>, wake: () => void) => ({
  /** Newest first. */
  list: async (
    tenantId: string,
    endpointId: string,
    status: string | undefined,
    limit: number,
    cursor: string,
  ) => {
    if (status !== undefined && !STATUSES.includes(status)) {
      throw invalid('status', 'invalid_value', `'status' must be one of ${STATUSES.join(', ')}.`);
    }
    const before = cursor ? decodeCursor(cursor) : undefined;
    return db.tenant(tenantId, async (trx) => {
      if (!(await findEndpoint(trx, tenantId, endpointId))) throw notFound('webhook_endpoint', endpointId);
      let query = withType(trx)
        .where('d.tenant_id', '=', tenantId)
        .where('d.endpoint_id', '=', endpointId)
        .orderBy('d.id', 'desc')
        .limit(limit + 1);
      if (status !== undefined) query = query.where('d.status', '=', status as DeliveryStatus);
      if (before) query = query.where('d.id', '<', before);
      const result = page(await query.execute(), limit);
      return { items: await documents(trx, result.items), nextCursor: result.nextCursor };
    });
  },

  /** Sends the delivery again now, whatever became of it; its attempts so far stay in the log. */
  replay: async (tenantId: string, id: string): Promise<DeliveryDoc> => {
    const doc = await db.tenant(tenantId, async (trx) => {
      const updated = await trx
        .updateTable('deliveries')
        .set({ status: 'pending', attempt_count: 0, next_attempt_at: new Date(), updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (!updated) throw notFound('webhook_delivery', id);
      const rows = await withType(trx).where('d.id', '=', id).execute();
      return (await documents(trx, rows))[0]!;
    });
    wake();
    return doc;
  },

  /** Sends again every failed delivery of the endpoint created at or after `since`; answers how many. */
  replayFailed: async (tenantId: string, endpointId: string, since: Date): Promise<number> => {
    const count = await db.tenant(tenantId, async (trx) => {
      if (!(await findEndpoint(trx, tenantId, endpointId))) throw notFound('webhook_endpoint', endpointId);
      const rows = await trx
        .updateTable('deliveries')
        .set({ status: 'pending', attempt_count: 0, next_attempt_at: new Date(), updated_at: new Date() })
        .where('tenant_id', '=', tenantId)
        .where('endpoint_id', '=', endpointId)
        .where('status', '=', 'failed')
        .where('created_at', '>=', since)
        .returning('id')
        .execute();
      return rows.length;
    });
    if (count > 0) wake();
    return count;
  },
});

export type Deliveries = ReturnType<typeof createDeliveries>;
