create table orders (
  id text primary key,
  tenant_id text not null,
  cart_id text not null,
  email text not null,
  shipping_address jsonb not null,
  currency text not null,
  subtotal bigint not null check (subtotal >= 0),
  tax_total bigint not null default 0,
  shipping_total bigint not null default 0,
  discount_total bigint not null default 0,
  total bigint not null,
  amount_refunded bigint not null default 0,
  status text not null check (status in ('pending', 'placed', 'paid', 'fulfilled', 'cancelled', 'failed')),
  payment_status text not null default 'pending',
  fulfillment_status text not null default 'unfulfilled',
  payment_intent_id text,
  failure_code text,
  failure_reason text,
  -- The checkout saga: the step to run next, and which process holds it until when.
  saga_step text not null,
  saga_lease_until timestamptz,
  saga_attempts int not null default 0,
  -- Held only until the payment is authorized, so a resumed checkout can still authorize.
  payment_method jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint orders_total_is_sum check (total = subtotal + tax_total + shipping_total - discount_total),
  constraint orders_refund_within_total check (amount_refunded >= 0 and amount_refunded <= total)
);
create index orders_tenant on orders (tenant_id, id);
create index orders_saga_open on orders (saga_lease_until) where saga_step not in ('done', 'failed');
-- One live order per cart: a second checkout of the same cart is refused.
create unique index orders_one_per_cart on orders (cart_id) where status <> 'failed';

create table order_lines (
  id text primary key,
  tenant_id text not null,
  order_id text not null references orders (id),
  position int not null,
  variant_id text not null,
  product_id text not null,
  sku text not null,
  name text not null,
  unit_amount bigint not null check (unit_amount >= 0),
  quantity int not null check (quantity > 0),
  fulfilled_quantity int not null default 0,
  returned_quantity int not null default 0,
  constraint order_lines_fulfilled check (fulfilled_quantity between 0 and quantity),
  constraint order_lines_returned check (returned_quantity between 0 and fulfilled_quantity)
);
create index order_lines_order on order_lines (order_id, position);

create table fulfillments (
  id text primary key,
  tenant_id text not null,
  order_id text not null references orders (id),
  tracking_number text not null default '',
  carrier text not null default '',
  lines jsonb not null,
  created_at timestamptz not null default now()
);
create index fulfillments_order on fulfillments (order_id);

create table order_refunds (
  id text primary key,
  tenant_id text not null,
  order_id text not null references orders (id),
  amount bigint not null check (amount > 0),
  reason text not null default '',
  created_at timestamptz not null default now()
);
create index order_refunds_order on order_refunds (order_id);

create table order_returns (
  id text primary key,
  tenant_id text not null,
  order_id text not null references orders (id),
  lines jsonb not null,
  restock boolean not null,
  refund_amount bigint not null default 0,
  created_at timestamptz not null default now()
);
create index order_returns_order on order_returns (order_id);
