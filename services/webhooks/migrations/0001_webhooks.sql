-- The event log: every tenant event heard on the bus, kept for the retention period.
create table events (
  id text primary key,
  tenant_id text not null,
  type text not null,
  source text not null,
  data jsonb not null,
  occurred_at timestamptz not null
);
create index events_tenant_id on events (tenant_id, id);
create index events_tenant_type on events (tenant_id, type, id);
create index events_occurred_at on events (occurred_at);

create table endpoints (
  id text primary key,
  tenant_id text not null,
  url text not null,
  description text not null default '',
  enabled_events text[] not null,
  status text not null default 'enabled' check (status in ('enabled', 'disabled')),
  disabled_reason text,
  secret text not null,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  -- Since when every attempt has failed; null after a success.
  failing_since timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index endpoints_tenant on endpoints (tenant_id, id);

create table deliveries (
  id text primary key,
  tenant_id text not null,
  endpoint_id text not null references endpoints (id) on delete cascade,
  event_id text not null references events (id) on delete cascade,
  status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed')),
  attempt_count int not null default 0,
  next_attempt_at timestamptz,
  -- A worker holds the delivery until then; after a crash another takes it over.
  lease_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (endpoint_id, event_id)
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
create index deliveries_endpoint on deliveries (tenant_id, endpoint_id, id);
create index deliveries_event on deliveries (event_id);

create table delivery_attempts (
  id text primary key,
  tenant_id text not null,
  delivery_id text not null references deliveries (id) on delete cascade,
  attempted_at timestamptz not null,
  status_code int,
  error text,
  latency_ms int not null,
  response_excerpt text not null default ''
);
create index delivery_attempts_delivery on delivery_attempts (delivery_id, id);
