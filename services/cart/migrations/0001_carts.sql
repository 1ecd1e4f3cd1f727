create table carts (
  id text primary key,
  tenant_id text not null,
  currency text not null,
  status text not null default 'active' check (status in ('active', 'checked_out', 'expired')),
  order_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index carts_tenant on carts (tenant_id, id);
create index carts_expiring on carts (expires_at) where status = 'active';

-- Names and prices are copied from the catalog when a line is added, and checked again at checkout.
create table cart_lines (
  id text primary key,
  tenant_id text not null,
  cart_id text not null references carts (id) on delete cascade,
  variant_id text not null,
  product_id text not null,
  sku text not null,
  name text not null,
  unit_amount bigint not null check (unit_amount >= 0),
  quantity int not null check (quantity > 0),
  created_at timestamptz not null default now(),
  constraint cart_lines_variant_unique unique (cart_id, variant_id)
);
