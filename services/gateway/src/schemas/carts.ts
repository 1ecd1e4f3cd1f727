import { Type, type Static } from 'typebox';
import { Nullable, Timestamp } from './common.ts';

const Amount = Type.Integer({ description: 'Minor units of the cart’s currency.' });

export const Cart = Type.Object(
  {
    id: Type.String({ examples: ['cart_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('cart'),
    currency: Type.String(),
    status: Type.String({ enum: ['active', 'checked_out', 'expired'] }),
    lines: Type.Array(
      Type.Object({
        id: Type.String(),
        variant_id: Type.String(),
        product_id: Type.String(),
        sku: Type.String(),
        name: Type.String({ description: 'Copied from the catalog when the line was added.' }),
        unit_amount: Amount,
        quantity: Type.Integer(),
        total: Amount,
      }),
    ),
    subtotal: Amount,
    tax_total: Amount,
    shipping_total: Amount,
    discount_total: Amount,
    total: Amount,
    order_id: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
    expires_at: Type.String({
      format: 'date-time',
      description: 'An untouched cart expires a week after its last change.',
    }),
  },
  { $id: 'Cart', description: 'A shopping cart. Totals always equal the sum of the lines.' },
);

export const CartCreate = Type.Object(
  { currency: Type.String({ minLength: 3, maxLength: 3, examples: ['USD'] }) },
  { additionalProperties: false },
);
export type CartCreate = Static<typeof CartCreate>;

const Quantity = Type.Integer({ minimum: 1, maximum: 999 });

export const LineCreate = Type.Object(
  { variant_id: Type.String({ minLength: 1, maxLength: 64 }), quantity: Quantity },
  { additionalProperties: false },
);
export type LineCreate = Static<typeof LineCreate>;

export const LineUpdate = Type.Object({ quantity: Quantity }, { additionalProperties: false });

export const CartLineParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), line_id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

const text = (max: number) => Type.String({ maxLength: max });

export const AddressSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(text(200)),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    region: Type.Optional(text(100)),
    postal_code: Type.String({ minLength: 1, maxLength: 20 }),
    country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2, such as US.' }),
    phone: Type.Optional(text(40)),
  },
  { additionalProperties: false },
);

export const Checkout = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254, examples: ['ada@example.com'] }),
    shipping_address: AddressSchema,
    payment: Type.Object(
      {
        method: Type.Literal('card'),
        card_number: Type.String({
          minLength: 12,
          maxLength: 19,
          description:
            'With the built-in test provider: 4242424242424242 succeeds, 4000000000000002 is declined, 4000000000009995 has insufficient funds, 4000000000000259 times out.',
          examples: ['4242424242424242'],
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Checkout = Static<typeof Checkout>;
