import { Type, type Static } from 'typebox';

export const UsageQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        maxLength: 10,
        description: 'First UTC day, included (YYYY-MM-DD). Defaults to the first day of the month of `to`.',
        examples: ['2026-11-01'],
      }),
    ),
    to: Type.Optional(
      Type.String({
        maxLength: 10,
        description: 'Last UTC day, included (YYYY-MM-DD). Defaults to the last day of the month of `from`.',
        examples: ['2026-11-30'],
      }),
    ),
    group_by: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'Comma-separated: `day`, `key`, `endpoint`, `status_class`. Defaults to `day`; empty for one total.',
        examples: ['day,endpoint'],
      }),
    ),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

export const UsageRow = Type.Object(
  {
    day: Type.Optional(Type.String({ description: 'UTC day (grouped by `day`).', examples: ['2026-11-26'] })),
    key_id: Type.Optional(Type.String({ description: 'The API key used (grouped by `key`).' })),
    endpoint: Type.Optional(
      Type.String({
        description: 'Method and route (grouped by `endpoint`).',
        examples: ['GET /v1/products/{id}'],
      }),
    ),
    status_class: Type.Optional(
      Type.String({ enum: ['1xx', '2xx', '3xx', '4xx', '5xx'], description: 'Grouped by `status_class`.' }),
    ),
    requests: Type.Integer({ description: 'Requests answered.' }),
  },
  { description: 'The requests of one group.' },
);

export const Usage = Type.Object(
  {
    object: Type.Literal('usage'),
    tenant_id: Type.String(),
    from: Type.String({ description: 'First UTC day, included.' }),
    to: Type.String({ description: 'Last UTC day, included.' }),
    group_by: Type.Array(Type.String()),
    data: Type.Array(UsageRow),
    total: Type.Integer({ description: 'All requests in the range.' }),
  },
  {
    description:
      'Metered requests: every request a key of the tenant made to the API, counted per key, endpoint, status class and UTC day. Counters reach the database every few seconds.',
  },
);

export const UsageCsv = {
  description:
    'The same rows as CSV (RFC 4180): a header line with the grouping columns and `requests`, then one line per row.',
  content: { 'text/csv': { schema: Type.String() } },
};
