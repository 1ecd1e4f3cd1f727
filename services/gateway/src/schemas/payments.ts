import { Type, type Static } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

const Amount = Type.Integer({ description: 'Minor units of the intent’s currency: 1999 is 19.99 USD.' });

export const PaymentIntentParams = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'The payment intent’s id (`pi_…`), or the reference it was made for (an order id).',
    }),
  },
  { additionalProperties: false },
);

export const PaymentIntent = Type.Object(
  {
    object: Type.Literal('payment_intent'),
    id: Type.String({ examples: ['pi_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    reference: Type.String({ description: 'What the payment is for: the id of its order.' }),
    amount: Amount,
    currency: Type.String({ description: 'ISO 4217 code, such as USD.', examples: ['USD'] }),
    status: Type.String({
      enum: ['authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed'],
      description: 'Authorized money is held on the card; captured money is taken.',
    }),
    provider: Type.String({ description: 'The payment provider that moved the money.', examples: ['test'] }),
    card_last4: Type.String({ description: 'The last four digits of the card; the number is never kept.' }),
    amount_captured: Amount,
    amount_refunded: Amount,
    failure_code: Nullable(Type.String({ description: 'Why a failed intent failed, as a stable code.' })),
    failure_message: Nullable(
      Type.String({ description: 'Why a failed intent failed, in words a customer can read.' }),
    ),
    refunds: Type.Array(
      Type.Object({
        id: Type.String(),
        amount: Amount,
        reason: Type.String(),
        created_at: Timestamp,
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  {
    $id: 'PaymentIntent',
    description: 'A payment: the money authorized on a card for an order, and what became of it.',
  },
);
export type PaymentIntent = Static<typeof PaymentIntent>;
