create table locations (
  id text primary key,
  tenant_id text not null,
  name text not null,
  code text not null,
  created_at timestamptz not null default now(),
  constraint locations_code_unique unique (tenant_id, code),
  -- Lets the tables below name a location together with its tenant, so no row can point across tenants.
  constraint locations_tenant_id unique (tenant_id, id)
);

create table stock_levels (
  tenant_id text not null,
  variant_id text not null,
  location_id text not null,
  on_hand bigint not null default 0,
  reserved bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, variant_id, location_id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id),
  constraint stock_on_hand_not_negative check (on_hand >= 0),
  constraint stock_reserved_not_negative check (reserved >= 0),
  constraint stock_reserved_within_on_hand check (reserved <= on_hand)
);
create index stock_levels_location on stock_levels (tenant_id, location_id);

-- The ledger: every change of on-hand stock, and why. Rows are never updated.
create table stock_adjustments (
  id text primary key,
  tenant_id text not null,
  variant_id text not null,
  location_id text not null,
  delta bigint not null check (delta <> 0),
  reason text not null check (reason in ('received', 'sold', 'returned', 'corrected')),
  note text not null default '',
  actor text not null,
  reference text not null default '',
  created_at timestamptz not null default now(),
  foreign key (tenant_id, location_id) references locations (tenant_id, id)
);
create index stock_adjustments_page on stock_adjustments (tenant_id, id);
create index stock_adjustments_variant on stock_adjustments (tenant_id, variant_id, id);

create table reservations (
  id text primary key,
  tenant_id text not null,
  reference text not null,
  status text not null check (status in ('active', 'committed', 'released', 'expired')),
  expires_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint reservations_reference_unique unique (tenant_id, reference)
);
create index reservations_due on reservations (expires_at) where status = 'active';

-- Where a reservation's units were taken from; `restocked` counts those later put back.
create table reservation_allocations (
  reservation_id text not null references reservations (id),
  tenant_id text not null,
  variant_id text not null,
  location_id text not null,
  quantity bigint not null check (quantity > 0),
  restocked bigint not null default 0,
  primary key (reservation_id, variant_id, location_id),
  foreign key (tenant_id, location_id) references locations (tenant_id, id),
  constraint allocations_restocked_within_quantity check (restocked >= 0 and restocked <= quantity)
);

-- Restocks already applied, by their idempotency key.
create table restocks (
  tenant_id text not null,
  idempotency_key text not null,
  reference text not null,
  request jsonb not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, idempotency_key)
);
