import { Type, type Static } from 'typebox';
import { Cursor, Limit, ListOf, Nullable, Timestamp } from './common.ts';

const VariantId = (description = 'A variant of a product in the catalog.') =>
  Type.String({ minLength: 1, maxLength: 64, description, examples: ['var_01jd0m4zq8x9c4c2y3v7w5k6hn'] });
const LocationId = (description = 'A location of this tenant.') =>
  Type.String({ minLength: 1, maxLength: 64, description, examples: ['loc_01jd0m4zq8x9c4c2y3v7w5k6hn'] });
const Units = (description: string) => Type.Integer({ description });

export const Location = Type.Object(
  {
    id: Type.String({ examples: ['loc_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('location'),
    name: Type.String(),
    code: Type.String({ description: 'Unique among the tenant’s locations.' }),
    created_at: Timestamp,
  },
  { $id: 'Location', description: 'A place that holds stock: a warehouse, a shop, a fulfilment partner.' },
);

export const LocationCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, examples: ['Main warehouse'] }),
    code: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        description:
          'Letters, digits, - and _, starting with a letter or digit. Made from the name when omitted (`MAIN-WAREHOUSE`).',
        examples: ['MAIN'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type LocationCreate = Static<typeof LocationCreate>;

export const LocationList = ListOf(Type.Ref('Location'), 'locations');

export const StockLevel = Type.Object(
  {
    object: Type.Literal('stock_level'),
    variant_id: Type.String(),
    location_id: Type.String(),
    on_hand: Units('Units physically at the location.'),
    reserved: Units('Units held for orders being checked out.'),
    available: Units('Units that can be sold: on_hand − reserved.'),
    updated_at: Timestamp,
  },
  { $id: 'StockLevel', description: 'The stock of one variant at one location.' },
);

export const StockLevelList = ListOf(Type.Ref('StockLevel'), 'stock levels');

export const StockLevelQuery = Type.Object(
  {
    variant_id: Type.Array(VariantId(), {
      minItems: 1,
      maxItems: 100,
      description: 'The variants to report; repeat the parameter for several.',
    }),
    location_id: Type.Optional(LocationId('Only this location.')),
  },
  { additionalProperties: false },
);
export type StockLevelQuery = Static<typeof StockLevelQuery>;

export const StockAdjustmentCreate = Type.Object(
  {
    variant_id: VariantId(),
    location_id: LocationId(),
    delta: Type.Integer({
      minimum: -1_000_000,
      maximum: 1_000_000,
      description: 'Units to add (positive) or take away (negative); not zero.',
      examples: [24],
    }),
    reason: Type.Enum(['received', 'returned', 'corrected'], {
      description:
        'Why the stock changed: a delivery came in, a customer returned units, or a count corrected it. Sales are recorded by orders.',
    }),
    note: Type.Optional(Type.String({ maxLength: 500, examples: ['PO 1042'] })),
  },
  { additionalProperties: false },
);
export type StockAdjustmentCreate = Static<typeof StockAdjustmentCreate>;

const adjustmentFields = {
  id: Type.String({ examples: ['adj_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
  object: Type.Literal('stock_adjustment'),
  variant_id: Type.String(),
  location_id: Type.String(),
  delta: Units('Units added (positive) or taken away (negative).'),
  reason: Type.String({ enum: ['received', 'sold', 'returned', 'corrected'] }),
  note: Nullable(Type.String()),
  actor: Type.String({ description: 'Who made it: the id of the API key, or the service that did.' }),
  reference: Nullable(Type.String({ description: 'The order it was made for, if any.' })),
  created_at: Timestamp,
};

export const StockAdjustment = Type.Object(adjustmentFields, {
  $id: 'StockAdjustment',
  description: 'An entry of the stock ledger: a change of on-hand stock and why.',
});

export const StockAdjustmentCreated = Type.Object(
  { ...adjustmentFields, level: Type.Ref('StockLevel') },
  { description: 'The entry, with the stock level as it stands after it.' },
);

export const StockAdjustmentList = ListOf(Type.Ref('StockAdjustment'), 'stock adjustments');

export const StockAdjustmentQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    variant_id: Type.Optional(VariantId('Only this variant’s entries.')),
  },
  { additionalProperties: false },
);
export type StockAdjustmentQuery = Static<typeof StockAdjustmentQuery>;
