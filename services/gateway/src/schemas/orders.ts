import { Type } from 'typebox';
import { Cursor, Limit, Nullable, Timestamp } from './common.ts';

const Amount = Type.Integer({ description: 'Minor units of the order’s currency.' });
const LineQuantity = Type.Object(
  {
    line_id: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
  },
  { additionalProperties: false },
);
const LineQuantityOut = Type.Object({ line_id: Type.String(), quantity: Type.Integer() });

export const Order = Type.Object(
  {
    id: Type.String({ examples: ['ord_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('order'),
    status: Type.String({ enum: ['pending', 'placed', 'paid', 'fulfilled', 'cancelled', 'failed'] }),
    cart_id: Type.String(),
    email: Type.String(),
    shipping_address: Type.Object({
      name: Type.String(),
      line1: Type.String(),
      line2: Type.String(),
      city: Type.String(),
      region: Type.String(),
      postal_code: Type.String(),
      country: Type.String(),
      phone: Type.String(),
    }),
    currency: Type.String(),
    lines: Type.Array(
      Type.Object({
        id: Type.String(),
        variant_id: Type.String(),
        product_id: Type.String(),
        sku: Type.String(),
        name: Type.String(),
        unit_amount: Amount,
        quantity: Type.Integer(),
        total: Amount,
        fulfilled_quantity: Type.Integer(),
        returned_quantity: Type.Integer(),
      }),
    ),
    subtotal: Amount,
    tax_total: Amount,
    shipping_total: Amount,
    discount_total: Amount,
    total: Amount,
    amount_refunded: Amount,
    payment_status: Type.String({
      enum: ['pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed'],
    }),
    fulfillment_status: Type.String({ enum: ['unfulfilled', 'partially_fulfilled', 'fulfilled'] }),
    payment_intent_id: Nullable(Type.String()),
    failure_code: Nullable(Type.String()),
    failure_reason: Nullable(
      Type.String({ description: 'Why a failed order failed, in words a customer can read.' }),
    ),
    fulfillments: Type.Array(
      Type.Object({
        id: Type.String(),
        tracking_number: Type.String(),
        carrier: Type.String(),
        lines: Type.Array(LineQuantityOut),
        created_at: Timestamp,
      }),
    ),
    refunds: Type.Array(
      Type.Object({ id: Type.String(), amount: Amount, reason: Type.String(), created_at: Timestamp }),
    ),
    returns: Type.Array(
      Type.Object({
        id: Type.String(),
        lines: Type.Array(LineQuantityOut),
        restock: Type.Boolean(),
        refund_amount: Amount,
        created_at: Timestamp,
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Order', description: 'An order, from checkout through fulfilment, refunds and returns.' },
);

export const OrderListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    status: Type.Optional(Type.Enum(['pending', 'placed', 'paid', 'fulfilled', 'cancelled', 'failed'])),
  },
  { additionalProperties: false },
);

export const CancelBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);

export const FulfillmentBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(LineQuantity, { maxItems: 100, description: 'Left out: everything not yet shipped.' }),
    ),
    tracking_number: Type.Optional(Type.String({ maxLength: 100 })),
    carrier: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const RefundBody = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'Minor units.' }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const ReturnBody = Type.Object(
  {
    lines: Type.Array(LineQuantity, { minItems: 1, maxItems: 100 }),
    restock: Type.Optional(
      Type.Boolean({ default: true, description: 'Put the items back in stock (default).' }),
    ),
    refund_amount: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000_000,
        description: 'Refund this much with the return.',
      }),
    ),
  },
  { additionalProperties: false },
);
