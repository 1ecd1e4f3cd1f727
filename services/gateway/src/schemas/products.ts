import { Type, type Static } from 'typebox';
import { Cursor, Limit, ListOf, Nullable, Timestamp } from './common.ts';

const Price = Type.Object(
  {
    currency: Type.String({
      minLength: 3,
      maxLength: 3,
      description: 'ISO 4217 code, such as USD.',
      examples: ['USD'],
    }),
    amount: Type.Integer({
      minimum: 0,
      maximum: 1_000_000_000_000,
      description: 'Minor units: 1999 is 19.99 USD.',
      examples: [1999],
    }),
  },
  { additionalProperties: false },
);

const Option = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, examples: ['Size'] }),
    values: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 100,
      examples: [['S', 'M', 'L']],
    }),
  },
  { additionalProperties: false },
);

const VariantOptions = Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 100 }), {
  description: 'The value of each of the product’s options.',
  examples: [{ Size: 'M' }],
});

const VariantInput = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: 'Keep this existing variant (on update).' })),
    sku: Type.String({ minLength: 1, maxLength: 64, examples: ['TEE-M'] }),
    options: Type.Optional(VariantOptions),
    prices: Type.Optional(Type.Array(Price, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const Status = Type.Enum(['draft', 'active', 'archived'], {
  description: 'Only active products are visible to publishable (storefront) keys.',
});

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['Linen Shirt'] }),
  slug: Type.String({
    minLength: 1,
    maxLength: 120,
    description: 'URL name; made from the name when omitted.',
  }),
  status: Status,
  description: Type.String({ maxLength: 5000 }),
  category_ids: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20 }),
  options: Type.Array(Option, { maxItems: 3 }),
  variants: Type.Array(VariantInput, { maxItems: 100 }),
};

export const ProductCreate = Type.Object(
  {
    name: productFields.name,
    slug: Type.Optional(productFields.slug),
    status: Type.Optional(productFields.status),
    description: Type.Optional(productFields.description),
    category_ids: Type.Optional(productFields.category_ids),
    options: Type.Optional(productFields.options),
    variants: Type.Optional(productFields.variants),
  },
  { additionalProperties: false, description: 'A new product. Status defaults to draft.' },
);
export type ProductCreate = Static<typeof ProductCreate>;

export const ProductUpdate = Type.Object(
  {
    name: Type.Optional(productFields.name),
    slug: Type.Optional(productFields.slug),
    status: Type.Optional(productFields.status),
    description: Type.Optional(productFields.description),
    category_ids: Type.Optional(productFields.category_ids),
    options: Type.Optional(productFields.options),
    variants: Type.Optional(
      Type.Array(VariantInput, {
        maxItems: 100,
        description: 'Replaces the variants: entries with an `id` keep that variant, the others are new.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Any part of a product; what is left out is unchanged.' },
);
export type ProductUpdate = Static<typeof ProductUpdate>;

export const Product = Type.Object(
  {
    id: Type.String({ examples: ['prod_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('product'),
    name: Type.String(),
    slug: Type.String(),
    status: Type.String({ enum: ['draft', 'active', 'archived'] }),
    description: Type.String(),
    category_ids: Type.Array(Type.String()),
    options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) })),
    variants: Type.Array(
      Type.Object({
        id: Type.String(),
        sku: Type.String(),
        options: VariantOptions,
        prices: Type.Array(Type.Object({ currency: Type.String(), amount: Type.Integer() })),
        available: Nullable(
          Type.Integer({ description: 'Units available to sell now, across locations; null when unknown.' }),
        ),
      }),
    ),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Product', description: 'A product with its options, variants and prices.' },
);
export type Product = Static<typeof Product>;

export const ProductList = ListOf(Type.Ref('Product'), 'products');

export const ProductListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    category_id: Type.Optional(
      Type.String({ maxLength: 64, description: 'Only products in this category.' }),
    ),
    status: Type.Optional(Status),
    updated_since: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only products changed at or after this time.' }),
    ),
  },
  { additionalProperties: false },
);
export type ProductListQuery = Static<typeof ProductListQuery>;
