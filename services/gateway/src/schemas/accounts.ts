import { Type, type Static } from 'typebox';
import { ListOf, Nullable, Timestamp } from './common.ts';

export const ApiKey = Type.Object(
  {
    id: Type.String({ examples: ['key_01jd0m4zq8x9c4c2y3v7w5k6hn'] }),
    object: Type.Literal('api_key'),
    kind: Type.String({
      enum: ['secret', 'publishable'],
      description:
        'Secret keys act for the merchant, server-side; publishable keys only read the storefront.',
    }),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the key, to recognise it.' }),
    scopes: Type.Array(Type.String()),
    created_at: Timestamp,
    last_used_at: Nullable(Timestamp),
    revoked_at: Nullable(Timestamp),
    secret: Type.Optional(
      Type.String({ description: 'The full key. Present only in the response that created it.' }),
    ),
  },
  { $id: 'ApiKey', description: 'An API key of a tenant. The key itself is stored hashed and shown once.' },
);

export const ApiKeyCreate = Type.Object(
  {
    kind: Type.Enum(['secret', 'publishable']),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, examples: ['Storefront'] })),
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
    created_at: Timestamp,
  },
  { $id: 'Tenant', description: 'A merchant: every resource belongs to exactly one tenant.' },
);

export const TenantCreated = Type.Object({
  id: Type.String(),
  object: Type.Literal('tenant'),
  name: Type.String(),
  created_at: Timestamp,
  secret_key: Type.Ref('ApiKey'),
  publishable_key: Type.Ref('ApiKey'),
});

export const TenantCreate = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200, examples: ['Acme Outfitters'] }) },
  { additionalProperties: false },
);
export type TenantCreate = Static<typeof TenantCreate>;

export const TenantList = ListOf(Type.Ref('Tenant'), 'tenants');
