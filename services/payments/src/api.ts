import { create } from '@bufbuild/protobuf';
import { PaymentIntentSchema, PaymentsService, type PaymentIntent } from '@bazaar/contracts/payments';
import type { ConnectRouter } from '@bazaar/kit';
import type { Intents } from './intents.ts';
import type { PaymentIntentDoc } from './model.ts';

export const intentMessage = (doc: PaymentIntentDoc): PaymentIntent =>
  create(PaymentIntentSchema, {
    id: doc.id,
    reference: doc.reference,
    amount: BigInt(doc.amount),
    currency: doc.currency,
    status: doc.status,
    provider: doc.provider,
    cardLast4: doc.card_last4,
    amountCaptured: BigInt(doc.amount_captured),
    amountRefunded: BigInt(doc.amount_refunded),
    failureCode: doc.failure_code ?? '',
    failureMessage: doc.failure_message ?? '',
    refunds: doc.refunds.map((r) => ({
      id: r.id,
      amount: BigInt(r.amount),
      reason: r.reason,
      createdAt: r.created_at,
    })),
    createdAt: doc.created_at,
    updatedAt: doc.updated_at,
  });

const answer = async (doc: Promise<PaymentIntentDoc>) => ({ paymentIntent: intentMessage(await doc) });

/** The private API of payments. */
export const paymentsRoutes = (intents: Intents) => (router: ConnectRouter) =>
  router.service(PaymentsService, {
    authorize: ({ tenantId, reference, amount, currency, method }) =>
      answer(
        intents.authorize(tenantId, {
          reference,
          amount,
          currency,
          method: method && { type: method.type, card_number: method.cardNumber },
        }),
      ),
    capture: ({ tenantId, paymentIntentId, amount }) =>
      answer(intents.capture(tenantId, paymentIntentId, amount)),
    void: ({ tenantId, paymentIntentId }) => answer(intents.void(tenantId, paymentIntentId)),
    refund: ({ tenantId, paymentIntentId, amount, reason, idempotencyKey }) =>
      answer(intents.refund(tenantId, paymentIntentId, { amount, reason, idempotency_key: idempotencyKey })),
    getPaymentIntent: ({ tenantId, idOrReference }) => answer(intents.get(tenantId, idOrReference)),
  });
