import { sql, type Transaction } from 'kysely';
import type { Database } from './db.ts';
import type { EventEnvelope } from './events.ts';

/**
 * Handles an event at most once per consumer: the inbox row and the handler's changes commit together,
 * so a redelivered event finds its row and is skipped. With an at-least-once bus that is exactly once.
 * Returns false when the event had already been handled.
 */
export const handleOnce = async <DB>(
  db: Database<DB>,
  consumer: string,
  event: EventEnvelope,
  work: (trx: Transaction<DB>) => Promise<void>,
): Promise<boolean> => {
  const run = async (trx: Transaction<DB>): Promise<boolean> => {
    const inserted = await sql`insert into inbox (consumer, event_id) values (${consumer}, ${event.id})
      on conflict do nothing returning event_id`.execute(trx);
    if (inserted.rows.length === 0) return false;
    await work(trx);
    return true;
  };
  return event.tenant_id ? db.tenant(event.tenant_id, run) : db.system(run);
};
