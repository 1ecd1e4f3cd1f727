import { decodeCursor, notFound, page, type Database, type EventEnvelope } from '@bazaar/kit';
import { sql } from 'kysely';
import { eventDoc, type EventDoc } from './model.ts';
import type { WebhookSettings } from './settings.ts';
import { ingestEvents } from './ingest.ts';
import type { WebhooksTables } from './store.ts';

export const CONSUMER = 'webhooks';

export interface EventQuery {
  types: string[];
  createdGte?: Date;
  createdLte?: Date;
  limit: number;
  cursor: string;
}

export const SWEEP_BATCH = 1_000;

export const createEventLog = (db: Database<WebhooksTables>, settings: WebhookSettings, wake: () => void) => {
  const ingest = async (events: readonly EventEnvelope[]) => {
    const queued = await ingestEvents(db, CONSUMER, events, settings.retrySchedule[0] ?? 0);
    if (queued > 0) wake();
  };
  return {
    /** Logs a tenant's event and queues a delivery to each endpoint that wants it, once per event. */
    ingest: (event: EventEnvelope): Promise<void> => ingest([event]),

    /** The same for a run of events, in one statement. */
    ingestMany: (events: readonly EventEnvelope[]): Promise<void> => ingest(events),

    /** Newest first. */
    list: async (tenantId: string, q: EventQuery) => {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await db.tenant(tenantId, (trx) => {
        let query = trx
          .selectFrom('events')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id', 'desc')
          .limit(q.limit + 1);
        if (q.types.length > 0) query = query.where('type', 'in', q.types);
        if (q.createdGte) query = query.where('occurred_at', '>=', q.createdGte);
        if (q.createdLte) query = query.where('occurred_at', '<=', q.createdLte);
        if (before) query = query.where('id', '<', before);
        return query.execute();
      });
      const result = page(rows, q.limit);
      return { items: result.items.map(eventDoc), nextCursor: result.nextCursor };
    },

    get: async (tenantId: string, id: string): Promise<EventDoc> => {
      const row = await db.tenant(tenantId, (trx) =>
        trx
          .selectFrom('events')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('event', id);
      return eventDoc(row);
    },

    /** Forgets events (and their deliveries) older than the retention; answers how many. */
    sweep: async (): Promise<number> => {
      const result = await sql`delete from events where id in (
        select id from events where occurred_at < now() - make_interval(days => ${settings.retentionDays})
        limit ${SWEEP_BATCH})`.execute(db.kysely);
      return Number(result.numAffectedRows ?? 0);
    },
  };
};

export type EventLog = ReturnType<typeof createEventLog>;
