import { Type, type Static } from 'typebox';
import { ListOf, Nullable, Timestamp } from './common.ts';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['Shirts'] }),
  slug: Type.String({
    minLength: 1,
    maxLength: 120,
    description: 'URL name; made from the name when omitted.',
  }),
  parent_id: Nullable(
    Type.String({ maxLength: 64, description: 'The enclosing category, or null at the top.' }),
  ),
  description: Type.String({ maxLength: 2000 }),
};

export const CategoryCreate = Type.Object(
  {
    name: fields.name,
    slug: Type.Optional(fields.slug),
    parent_id: Type.Optional(fields.parent_id),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false },
);
export type CategoryCreate = Static<typeof CategoryCreate>;

export const CategoryUpdate = Type.Object(
  {
    name: Type.Optional(fields.name),
    slug: Type.Optional(fields.slug),
    parent_id: Type.Optional(fields.parent_id),
    description: Type.Optional(fields.description),
  },
  { additionalProperties: false },
);
export type CategoryUpdate = Static<typeof CategoryUpdate>;

export const Category = Type.Object(
  {
    id: Type.String({ examples: ['cat_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('category'),
    name: Type.String(),
    slug: Type.String(),
    parent_id: Nullable(Type.String()),
    description: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Category', description: 'A category products can be placed in; categories nest.' },
);

export const CategoryList = ListOf(Type.Ref('Category'), 'categories');
