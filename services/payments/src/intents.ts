import { AppError, conflict, isId, newId, recordEvents, type Database } from '@bazaar/kit';
import { last4 } from './cards.ts';
import { DeadlineExceeded, withDeadline } from './deadline.ts';
import { paymentEvent } from './events.ts';
import {
  CAPTURED_STATUSES,
  type AuthorizeInput,
  type IntentStatus,
  type OperationKind,
  type OperationOutcome,
  type PaymentIntentDoc,
  type RefundDoc,
  type RefundInput,
} from './model.ts';
import type { PaymentProvider, ProviderResult } from './providers/provider.ts';
import * as store from './store.ts';
import type { IntentRow, PaymentsTables, RefundRow, Trx } from './store.ts';
import { checkAuthorize, checkCaptureAmount, checkRefund } from './validation.ts';

type Db = Database<PaymentsTables>;

export interface IntentsOptions {
  provider: PaymentProvider;
  /** How long one provider call may take before it counts as unanswered. */
  deadlineMs: number;
}

const TIMEOUT_MESSAGE = 'The payment provider did not answer in time. No money was taken.';

/** What came of one provider call, as the ledger records it. */
type Answer =
  | { outcome: 'succeeded'; providerRef: string }
  | { outcome: Exclude<OperationOutcome, 'succeeded'>; code: string; message: string };

const intentNotFound = (idOrReference: string) =>
  new AppError('payment_intent_not_found', 404, `No payment intent with id or reference '${idOrReference}'.`);

const refundDoc = (r: RefundRow): RefundDoc => ({
  id: r.id,
  amount: r.amount,
  reason: r.reason,
  created_at: r.created_at.toISOString(),
});

export const intentDoc = (row: IntentRow, refunds: RefundRow[]): PaymentIntentDoc => ({
  id: row.id,
  reference: row.reference,
  amount: row.amount,
  currency: row.currency,
  // 'pending' never commits, so no reader sees it.
  status: row.status as IntentStatus,
  provider: row.provider,
  card_last4: row.card_last4,
  amount_captured: row.amount_captured,
  amount_refunded: row.amount_refunded,
  failure_code: row.failure_code,
  failure_message: row.failure_message,
  refunds: refunds.map(refundDoc),
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

const isCaptured = (row: IntentRow) => (CAPTURED_STATUSES as readonly string[]).includes(row.status);

/** A failed capture, void or refund, for the caller: a timeout may be retried, a refusal may not. */
const providerFailure = (answer: Exclude<Answer, { outcome: 'succeeded' }>): AppError =>
  answer.outcome === 'timeout'
    ? new AppError(
        'provider_timeout',
        503,
        'The payment provider did not answer in time. Try again: a repeat is safe.',
      )
    : new AppError(answer.code, 402, answer.message);

/** Either the intent after the change, or an error to raise once the ledger entry of the failed call is committed. */
type Change = { doc: PaymentIntentDoc } | { error: AppError };

export const createIntents = (db: Db, { provider, deadlineMs }: IntentsOptions) => {
  const ask = async (
    kind: OperationKind,
    call: (signal: AbortSignal) => Promise<ProviderResult>,
  ): Promise<Answer> => {
    try {
      const result = await withDeadline(deadlineMs, call);
      return result.ok
        ? { outcome: 'succeeded', providerRef: result.providerRef }
        : {
            outcome: kind === 'authorize' ? 'declined' : 'failed',
            code: result.code,
            message: result.message,
          };
    } catch (error) {
      if (error instanceof DeadlineExceeded) {
        return { outcome: 'timeout', code: 'provider_timeout', message: TIMEOUT_MESSAGE };
      }
      throw error;
    }
  };

  const record = (trx: Trx, row: IntentRow, kind: OperationKind, amount: number, answer: Answer) =>
    store.recordOperation(trx, newId('op'), {
      tenant_id: row.tenant_id,
      payment_intent_id: row.id,
      kind,
      amount,
      outcome: answer.outcome,
      provider_ref: answer.outcome === 'succeeded' ? answer.providerRef : null,
      failure_code: answer.outcome === 'succeeded' ? null : answer.code,
      created_at: new Date(),
    });

  const load = async (trx: Trx, row: IntentRow) =>
    intentDoc(row, await store.findRefunds(trx, row.tenant_id, row.id));

  /**
   * Runs `work` on the intent locked for update, so concurrent captures, voids and refunds of one intent
   * take turns. An error `work` returns is raised after the commit, so the ledger keeps the failed call.
   */
  const locked = async (
    tenantId: string,
    intentId: string,
    work: (trx: Trx, row: IntentRow) => Promise<Change>,
  ): Promise<PaymentIntentDoc> => {
    const change = await db.tenant(tenantId, async (trx) => {
      const row = await store.findIntent(trx, tenantId, 'id', intentId, true);
      if (!row) throw intentNotFound(intentId);
      return work(trx, row);
    });
    if ('error' in change) throw change.error;
    return change.doc;
  };

  return {
    /**
     * Authorizes once per (tenant, reference): the intent is inserted before the provider is called, so a
     * repeated or concurrent call finds it and answers it instead. A refused card is an intent in status
     * failed, not an error.
     */
    authorize: async (tenantId: string, input: AuthorizeInput): Promise<PaymentIntentDoc> => {
      checkAuthorize(input);
      const cardNumber = input.method?.card_number ?? '';
      const amount = Number(input.amount);
      return db.tenant(tenantId, async (trx) => {
        const now = new Date();
        const id = newId('pi');
        const claimed = await store.claimReference(trx, {
          id,
          tenant_id: tenantId,
          reference: input.reference,
          amount,
          currency: input.currency,
          status: 'pending',
          provider: provider.name,
          provider_ref: null,
          card_last4: last4(cardNumber),
          failure_code: null,
          failure_message: null,
          created_at: now,
          updated_at: now,
        });
        if (!claimed) {
          const existing = await store.findIntent(trx, tenantId, 'reference', input.reference);
          if (!existing) throw new Error(`payment intent for '${input.reference}' vanished`);
          if (existing.amount !== amount || existing.currency !== input.currency) {
            throw conflict(
              'reference_in_use',
              `A payment intent for '${input.reference}' already exists for another amount or currency.`,
              'reference',
            );
          }
          return load(trx, existing);
        }

        const answer = await ask('authorize', (signal) =>
          provider.authorize(
            amount,
            input.currency,
            { number: cardNumber },
            {
              signal,
              // Keyed by the reference, not the intent id: a retry after a crash must reach the same authorization.
              idempotencyKey: `authorize:${tenantId}:${input.reference}`,
            },
          ),
        );
        const row = await store.updateIntent(
          trx,
          tenantId,
          id,
          answer.outcome === 'succeeded'
            ? { status: 'authorized', provider_ref: answer.providerRef }
            : { status: 'failed', failure_code: answer.code, failure_message: answer.message },
        );
        await record(trx, row, 'authorize', amount, answer);
        const doc = intentDoc(row, []);
        await recordEvents(trx, [
          paymentEvent(
            answer.outcome === 'succeeded' ? 'payment.authorized' : 'payment.failed',
            tenantId,
            doc,
          ),
        ]);
        return doc;
      });
    },

    /** Captures `amount` (0: all that was authorized). Capturing a captured intent changes nothing. */
    capture: (tenantId: string, intentId: string, requested: bigint): Promise<PaymentIntentDoc> => {
      checkCaptureAmount(requested);
      return locked(tenantId, intentId, async (trx, row) => {
        if (isCaptured(row)) return { doc: await load(trx, row) };
        if (row.status !== 'authorized') {
          throw conflict('payment_not_capturable', `A ${row.status} payment intent cannot be captured.`);
        }
        const amount = requested === 0n ? row.amount : Number(requested);
        if (amount > row.amount) {
          throw conflict(
            'capture_exceeds_authorized',
            `At most ${row.amount} ${row.currency} was authorized.`,
            'amount',
          );
        }
        const answer = await ask('capture', (signal) =>
          provider.capture(row.provider_ref ?? '', amount, { signal, idempotencyKey: `capture:${row.id}` }),
        );
        await record(trx, row, 'capture', amount, answer);
        if (answer.outcome !== 'succeeded') return { error: providerFailure(answer) };
        const updated = await store.updateIntent(trx, tenantId, row.id, {
          status: 'captured',
          amount_captured: amount,
        });
        const doc = intentDoc(updated, []);
        await recordEvents(trx, [paymentEvent('payment.captured', tenantId, doc)]);
        return { doc };
      });
    },

    /** Releases an authorization that was not captured. Voiding a voided or failed intent changes nothing. */
    void: (tenantId: string, intentId: string): Promise<PaymentIntentDoc> =>
      locked(tenantId, intentId, async (trx, row) => {
        if (row.status === 'voided' || row.status === 'failed') return { doc: await load(trx, row) };
        if (row.status !== 'authorized') {
          throw conflict(
            'payment_not_voidable',
            `A ${row.status} payment intent cannot be voided; refund it.`,
          );
        }
        const answer = await ask('void', (signal) =>
          provider.void(row.provider_ref ?? '', { signal, idempotencyKey: `void:${row.id}` }),
        );
        await record(trx, row, 'void', row.amount, answer);
        if (answer.outcome !== 'succeeded') return { error: providerFailure(answer) };
        const updated = await store.updateIntent(trx, tenantId, row.id, { status: 'voided' });
        const doc = intentDoc(updated, []);
        await recordEvents(trx, [paymentEvent('payment.voided', tenantId, doc)]);
        return { doc };
      }),

    /** Refunds part or all of what is captured and not yet refunded, once per idempotency key. */
    refund: (tenantId: string, intentId: string, input: RefundInput): Promise<PaymentIntentDoc> => {
      checkRefund(input);
      const amount = Number(input.amount);
      const key = input.idempotency_key;
      return locked(tenantId, intentId, async (trx, row) => {
        const refunds = await store.findRefunds(trx, tenantId, row.id);
        const prior = refunds.find((r) => r.idempotency_key === key);
        if (prior) {
          if (prior.amount !== amount) {
            throw conflict(
              'idempotency_key_reused',
              `The key '${key}' was used for a refund of ${prior.amount}, not ${amount}.`,
              'idempotency_key',
            );
          }
          return { doc: intentDoc(row, refunds) };
        }
        if (!isCaptured(row)) {
          throw conflict(
            'payment_not_refundable',
            `A ${row.status} payment intent has nothing captured to refund.`,
          );
        }
        const left = row.amount_captured - row.amount_refunded;
        if (amount > left) {
          throw conflict(
            'refund_exceeds_captured',
            `At most ${left} ${row.currency} can still be refunded.`,
            'amount',
          );
        }
        const answer = await ask('refund', (signal) =>
          provider.refund(row.provider_ref ?? '', amount, {
            signal,
            idempotencyKey: `refund:${row.id}:${key}`,
          }),
        );
        await record(trx, row, 'refund', amount, answer);
        if (answer.outcome !== 'succeeded') return { error: providerFailure(answer) };
        const refund = await store.insertRefund(trx, {
          id: newId('re'),
          tenant_id: tenantId,
          payment_intent_id: row.id,
          amount,
          reason: input.reason,
          idempotency_key: key,
          provider_ref: answer.providerRef,
          created_at: new Date(),
        });
        const refunded = row.amount_refunded + amount;
        const updated = await store.updateIntent(trx, tenantId, row.id, {
          amount_refunded: refunded,
          status: refunded === row.amount_captured ? 'refunded' : 'partially_refunded',
        });
        const doc = intentDoc(updated, [...refunds, refund]);
        await recordEvents(trx, [
          paymentEvent('payment.refunded', tenantId, { ...doc, refund: refundDoc(refund) }),
        ]);
        return { doc };
      });
    },

    /** By intent id (`pi_…`) or by the reference it was made for. */
    get: (tenantId: string, idOrReference: string): Promise<PaymentIntentDoc> =>
      db.tenant(tenantId, async (trx) => {
        const column = isId('pi', idOrReference) ? 'id' : 'reference';
        const row = await store.findIntent(trx, tenantId, column, idOrReference);
        if (!row) throw intentNotFound(idOrReference);
        return load(trx, row);
      }),
  };
};

export type Intents = ReturnType<typeof createIntents>;
