import { invalid, isCurrency, MAX_AMOUNT, Violations } from '@bazaar/kit';
import { isCardNumber } from './cards.ts';
import type { AuthorizeInput, RefundInput } from './model.ts';

export const LIMITS = { reference: 200, reason: 500, idempotencyKey: 200 } as const;

const AMOUNT_MESSAGE = `must be a whole number of minor units, from 1 to ${MAX_AMOUNT}.`;

const isPositiveAmount = (amount: bigint) => amount >= 1n && amount <= BigInt(MAX_AMOUNT);

const text = (v: Violations, field: string, value: string, max: number, required: boolean): void => {
  if (required && value.trim().length === 0) v.add(field, 'missing_field', `'${field}' must not be empty.`);
  if (value.length > max) v.add(field, 'too_long', `'${field}' must be at most ${max} characters.`);
};

/** Everything about an authorization that can be wrong before the provider is asked. */
export const checkAuthorize = (input: AuthorizeInput): void => {
  const v = new Violations();
  text(v, 'reference', input.reference, LIMITS.reference, true);
  if (!isPositiveAmount(input.amount)) v.add('amount', 'invalid_amount', `'amount' ${AMOUNT_MESSAGE}`);
  if (!isCurrency(input.currency)) {
    v.add(
      'currency',
      'unknown_currency',
      `'${input.currency}' is not an ISO 4217 currency code, such as USD.`,
    );
  }
  if (!input.method) v.add('method', 'missing_field', 'A payment method is required.');
  else if (input.method.type !== 'card') {
    v.add('method/type', 'invalid_value', `'method/type' must be 'card'.`);
  } else if (!isCardNumber(input.method.card_number)) {
    v.add('method/card_number', 'invalid_card_number', 'The card number is not valid.');
  }
  v.throwIfAny();
};

/** A capture amount: 0 for the whole authorized amount, else positive. */
export const checkCaptureAmount = (amount: bigint): void => {
  if (amount !== 0n && !isPositiveAmount(amount)) {
    throw invalid(
      'amount',
      'invalid_amount',
      `'amount' ${AMOUNT_MESSAGE} 0 captures all that was authorized.`,
    );
  }
};

export const checkRefund = (input: RefundInput): void => {
  const v = new Violations();
  if (!isPositiveAmount(input.amount)) v.add('amount', 'invalid_amount', `'amount' ${AMOUNT_MESSAGE}`);
  text(v, 'reason', input.reason, LIMITS.reason, false);
  text(v, 'idempotency_key', input.idempotency_key, LIMITS.idempotencyKey, true);
  v.throwIfAny();
};
