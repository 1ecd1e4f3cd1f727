create table tenants (
  id text primary key,
  name text not null,
  created_at timestamptz not null default now()
);

create table api_keys (
  id text primary key,
  tenant_id text not null references tenants (id),
  kind text not null check (kind in ('secret', 'publishable')),
  name text not null,
  prefix text not null,
  hash text not null unique,
  scopes text[] not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_tenant on api_keys (tenant_id, id);

-- Operator keys administer the platform itself (creating tenants); they belong to no tenant.
create table operator_keys (
  id text primary key,
  name text not null,
  prefix text not null,
  hash text not null unique,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
