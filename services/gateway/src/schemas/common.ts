import { Type, type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 timestamp (UTC).' });

export const Limit = Type.Integer({
  minimum: 1,
  maximum: 100,
  default: 20,
  description: 'How many items a page holds, 1 to 100.',
});

export const Cursor = Type.String({
  maxLength: 200,
  description: 'The `next_cursor` of the previous page.',
});

export const PageQuery = { limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) };

/** Every list answers in this envelope. */
export const ListOf = <T extends TSchema>(item: T, name: string) =>
  Type.Object(
    {
      object: Type.Literal('list'),
      data: Type.Array(item),
      has_more: Type.Boolean({ description: 'Whether another page follows.' }),
      next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` to fetch the next page.' })),
    },
    { description: `A page of ${name}.` },
  );

export const IdOrSlugParams = (what: string) =>
  Type.Object(
    { id: Type.String({ minLength: 1, maxLength: 120, description: `The ${what}'s id, or its slug.` }) },
    { additionalProperties: false },
  );

export const IdParams = (what: string) =>
  Type.Object(
    { id: Type.String({ minLength: 1, maxLength: 64, description: `The ${what}'s id.` }) },
    { additionalProperties: false },
  );

export const ProblemRef = Type.Ref('Problem');

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What went wrong, for a person.' }),
    code: Type.String({ description: 'A stable, machine-readable code.' }),
    request_id: Type.String({ description: 'Quote it when asking for help.' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'JSON path of the offending field, such as `variants/0/sku`.' }),
          code: Type.String(),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', description: 'An RFC 9457 problem document.' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed or fails validation; nothing was changed.',
  401: 'The API key is missing, unknown or revoked.',
  403: 'The key may not do this.',
  404: 'No such resource for this tenant.',
  402: 'The payment failed; the problem says why, in words a customer can read.',
  409: 'The request conflicts with the state of the resource; the code says how.',
  422: 'The request is well-formed but cannot be applied (an Idempotency-Key reused for another request).',
  503: 'A service this needs is unavailable; retry after the Retry-After seconds.',
};

/** The error responses of an operation, all problem documents. */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error.',
        content: { 'application/problem+json': { schema: ProblemRef } },
      },
    ]),
  );
