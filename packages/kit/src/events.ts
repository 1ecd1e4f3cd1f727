import { sql, type Transaction } from 'kysely';
import { markEventsRecorded } from './db.ts';
import { newId } from './ids.ts';
import { sendLater } from './pg-driver.ts';
import { currentEventTrace } from './tracing.ts';

/** The W3C trace context an event was recorded in. */
export interface EventTrace {
  traceparent: string;
  tracestate?: string;
}

/** The envelope every event travels in, whatever the bus. */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  /** The service that published it. */
  source: string;
  tenant_id: string | null;
  occurred_at: string;
  data: T;
  /** Present when the change was traced: its consumers' spans join that trace. */
  trace?: EventTrace;
}

export interface NewEvent<T = unknown> {
  type: string;
  tenantId: string | null;
  data: T;
}

/**
 * Records events in the outbox inside the caller's transaction: they are published if and only if
 * the change they announce commits.
 */
export const recordEvents = async <DB>(trx: Transaction<DB>, events: NewEvent[]): Promise<void> => {
  if (events.length === 0) return;
  const ids = events.map(() => newId('evt'));
  const trace = currentEventTrace();
  const insert = sql`insert into outbox (id, tenant_id, type, data, trace)
    select *, ${trace ? JSON.stringify(trace) : null}::jsonb
      from unnest(${ids}::text[], ${events.map((e) => e.tenantId)}::text[], ${events.map((e) => e.type)}::text[],
                  ${events.map((e) => JSON.stringify(e.data))}::jsonb[])`;
  // Nothing reads its answer: it goes with the transaction's next statement, at the latest its COMMIT.
  await sendLater(trx, insert.compile(trx));
  markEventsRecorded(trx);
};

export const recordEvent = <DB, T>(trx: Transaction<DB>, event: NewEvent<T>): Promise<void> =>
  recordEvents(trx, [event]);

/** A typed maker of one service's events: `export const orderEvent = eventMaker<OrderEvents>();`. */
export const eventMaker =
  <Events>() =>
  <K extends keyof Events & string>(
    type: K,
    tenantId: string | null,
    data: Events[K],
  ): NewEvent<Events[K]> => ({
    type,
    tenantId,
    data,
  });
