/** The payments service's own shapes. The public document of an intent is exactly `PaymentIntentDoc`. */
export type IntentStatus =
  'authorized' | 'captured' | 'partially_refunded' | 'refunded' | 'voided' | 'failed';

/** Statuses in which money was taken. */
export const CAPTURED_STATUSES: readonly IntentStatus[] = ['captured', 'partially_refunded', 'refunded'];

export type OperationKind = 'authorize' | 'capture' | 'void' | 'refund';
export type OperationOutcome = 'succeeded' | 'declined' | 'failed' | 'timeout';

export interface RefundDoc {
  id: string;
  amount: number;
  reason: string;
  created_at: string;
}

export interface PaymentIntentDoc {
  id: string;
  reference: string;
  amount: number;
  currency: string;
  status: IntentStatus;
  provider: string;
  card_last4: string;
  amount_captured: number;
  amount_refunded: number;
  failure_code: string | null;
  failure_message: string | null;
  refunds: RefundDoc[];
  created_at: string;
  updated_at: string;
}

export interface AuthorizeInput {
  reference: string;
  amount: bigint;
  currency: string;
  method: { type: string; card_number: string } | undefined;
}

export interface RefundInput {
  amount: bigint;
  reason: string;
  idempotency_key: string;
}
