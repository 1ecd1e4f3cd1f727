import { Type, type Static } from 'typebox';
import { ListOf, Nullable, Timestamp } from './common.ts';

const Mode = Type.String({
  enum: ['live', 'test'],
  description: 'Every account has a live and a test tenant; their data never meets.',
});

export const ApiKey = Type.Object(
  {
    id: Type.String({ examples: ['key_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('api_key'),
    kind: Type.String({
      enum: ['secret', 'restricted', 'publishable'],
      description:
        'Secret keys (`sk_live_…`, `sk_test_…`) act for the merchant, server-side, with every scope; restricted ' +
        'keys (`rk_…`) only with their `scopes`; publishable keys (`pk_…`) only read the storefront and drive carts.',
    }),
    name: Type.String(),
    mode: Mode,
    prefix: Type.String({ description: 'The first characters of the key, to recognise it.' }),
    scopes: Type.Array(Type.String(), {
      description: 'What the key may do: `*` for everything, or scopes such as `products:read`.',
    }),
    created_at: Timestamp,
    last_used_at: Nullable(Timestamp),
    revoked_at: Nullable(Timestamp),
    expires_at: Nullable(
      Type.String({
        format: 'date-time',
        description: 'From this time the key is refused with `api_key_expired`; null: until revoked.',
      }),
    ),
    secret: Type.Optional(
      Type.String({ description: 'The full key. Present only in the response that created it.' }),
    ),
  },
  { $id: 'ApiKey', description: 'An API key of a tenant. The key itself is stored hashed and shown once.' },
);

export const ApiKeyCreate = Type.Object(
  {
    kind: Type.Enum(['secret', 'restricted', 'publishable']),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, examples: ['Storefront'] })),
    mode: Type.Optional(
      Type.Enum(['live', 'test'], {
        description:
          'The mode of the new key; by default the calling key’s. A live key may create test keys (for its ' +
          'account’s test tenant); a test key may not create live ones (`live_key_required`).',
      }),
    ),
    expires_at: Type.Optional(
      Type.String({
        format: 'date-time',
        examples: ['2026-12-31T23:59:59Z'],
        description: 'When the key stops working (`api_key_expired`); in the future. By default never.',
      }),
    ),
    scopes: Type.Optional(
      Type.Array(Type.String({ maxLength: 50 }), {
        maxItems: 20,
        examples: [['products:read', 'orders:read']],
        description:
          'Restricted keys only, and required for them: products:read, products:write (categories too), ' +
          'inventory:read, inventory:write, carts:read, carts:write, orders:read, orders:write, payments:read, ' +
          'webhooks:read, webhooks:write, events:read, keys:read, keys:write, usage:read, or *. ' +
          'A write scope includes its read scope.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

export const ApiKeyList = ListOf(Type.Ref('ApiKey'), 'API keys');

export const Tenant = Type.Object(
  {
    id: Type.String({ examples: ['ten_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('tenant'),
    name: Type.String(),
    mode: Mode,
    account_id: Type.String({ description: 'The account: the id of its live tenant.' }),
    test_tenant_id: Nullable(Type.String({ description: 'The account’s test tenant.' })),
    plan: Type.String({ description: 'The account’s plan: see GET /v1/plans.', examples: ['free'] }),
    api_version: Nullable(
      Type.String({ description: 'The API version the account is pinned to.', examples: ['2026-11-01'] }),
    ),
    created_at: Timestamp,
  },
  {
    $id: 'Tenant',
    description:
      'A merchant: every resource belongs to exactly one tenant. An account is a live tenant and a test tenant.',
  },
);

const FirstKeys = {
  secret_key: Type.Ref('ApiKey'),
  publishable_key: Type.Ref('ApiKey'),
};

export const TenantCreated = Type.Object({
  id: Type.String(),
  object: Type.Literal('tenant'),
  name: Type.String(),
  mode: Mode,
  account_id: Type.String(),
  test_tenant_id: Nullable(Type.String()),
  plan: Type.String(),
  api_version: Nullable(Type.String()),
  created_at: Timestamp,
  ...FirstKeys,
  test_tenant: Type.Object(
    { id: Type.String(), object: Type.Literal('tenant'), mode: Mode, ...FirstKeys },
    { description: 'The account’s test tenant with its first keys (`sk_test_…`, `pk_test_…`).' },
  ),
});

export const TenantCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200, examples: ['Acme Outfitters'] }) },
  { additionalProperties: false },
);
export type TenantCreate = Static<typeof TenantCreate>;

export const TenantUpdate = Type.Object(
  {
    plan: Type.Optional(Type.String({ minLength: 1, maxLength: 50, examples: ['free'] })),
    api_version: Type.Optional(Type.String({ maxLength: 10, examples: ['2026-11-01'] })),
  },
  { additionalProperties: false },
);
export type TenantUpdate = Static<typeof TenantUpdate>;

export const TenantList = ListOf(Type.Ref('Tenant'), 'tenants');

export const Plan = Type.Object(
  {
    object: Type.Literal('plan'),
    name: Type.String({ examples: ['free'] }),
    rate: Type.Number({ description: 'Requests per second, sustained, per key.' }),
    burst: Type.Integer({ description: 'Requests a key may make at once.' }),
    monthly_quota: Nullable(
      Type.Integer({ description: 'Requests per calendar month (UTC) for the account; null is unlimited.' }),
    ),
  },
  { description: 'A plan: the limits an account’s keys get.' },
);

export const PlanList = ListOf(Plan, 'plans');
