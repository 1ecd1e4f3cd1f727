import { sendLater } from '@bazaar/kit';
import type { Generated, Insertable, Selectable, Transaction } from 'kysely';
import type { IntentStatus, OperationKind, OperationOutcome } from './model.ts';

export interface PaymentsTables {
  payment_intents: {
    id: string;
    tenant_id: string;
    reference: string;
    amount: number;
    currency: string;
    status: IntentStatus | 'pending';
    provider: string;
    provider_ref: string | null;
    card_last4: string;
    amount_captured: Generated<number>;
    amount_refunded: Generated<number>;
    failure_code: string | null;
    failure_message: string | null;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  payment_refunds: {
    id: string;
    tenant_id: string;
    payment_intent_id: string;
    amount: number;
    reason: string;
    idempotency_key: string;
    provider_ref: string;
    created_at: Generated<Date>;
  };
  payment_operations: {
    id: string;
    tenant_id: string;
    payment_intent_id: string;
    kind: OperationKind;
    amount: number;
    outcome: OperationOutcome;
    provider_ref: string | null;
    failure_code: string | null;
    created_at: Generated<Date>;
  };
}

export type Trx = Transaction<PaymentsTables>;
export type IntentRow = Selectable<PaymentsTables['payment_intents']>;
export type RefundRow = Selectable<PaymentsTables['payment_refunds']>;
export type NewOperation = Omit<Insertable<PaymentsTables['payment_operations']>, 'id'>;

// Intents

/**
 * Claims the reference: inserts the intent unless the tenant has one for it. A concurrent claim of the
 * same reference waits here until the first transaction ends. Answers whether this call inserted it.
 */
export const claimReference = async (
  trx: Trx,
  row: Insertable<PaymentsTables['payment_intents']>,
): Promise<boolean> => {
  const inserted = await trx
    .insertInto('payment_intents')
    .values(row)
    .onConflict((oc) => oc.columns(['tenant_id', 'reference']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
};

/** `lock` holds the row until the transaction ends, so changes to one intent take turns. */
export const findIntent = (
  trx: Trx,
  tenantId: string,
  by: 'id' | 'reference',
  value: string,
  lock = false,
): Promise<IntentRow | undefined> => {
  let query = trx
    .selectFrom('payment_intents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(by, '=', value);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
};

export const updateIntent = (
  trx: Trx,
  tenantId: string,
  id: string,
  fields: Partial<
    Pick<
      IntentRow,
      'status' | 'provider_ref' | 'amount_captured' | 'amount_refunded' | 'failure_code' | 'failure_message'
    >
  >,
): Promise<IntentRow> =>
  trx
    .updateTable('payment_intents')
    .set({ ...fields, updated_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

// Refunds

export const findRefunds = (trx: Trx, tenantId: string, intentId: string): Promise<RefundRow[]> =>
  trx
    .selectFrom('payment_refunds')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('payment_intent_id', '=', intentId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();

export const insertRefund = (trx: Trx, row: Insertable<PaymentsTables['payment_refunds']>) =>
  trx.insertInto('payment_refunds').values(row).returningAll().executeTakeFirstOrThrow();

// The ledger

/** Adds to the ledger; sent with the transaction's next statement. */
export const recordOperation = (trx: Trx, id: string, operation: NewOperation): Promise<void> =>
  sendLater(trx, trx.insertInto('payment_operations').values({ id, ...operation }));
