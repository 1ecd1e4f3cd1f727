-- A payment intent: one authorization per (tenant, reference) and what became of it. Amounts are minor units.
-- 'pending' is only ever seen inside the authorizing transaction: the row claims the reference before the
-- provider is called, so a concurrent Authorize for the same reference waits on it and never authorizes twice.
create table payment_intents (
  id text primary key,
  tenant_id text not null,
  reference text not null,
  amount bigint not null check (amount > 0),
  currency text not null,
  status text not null check (status in
    ('pending', 'authorized', 'captured', 'partially_refunded', 'refunded', 'voided', 'failed')),
  provider text not null,
  provider_ref text,
  card_last4 text not null,
  amount_captured bigint not null default 0,
  amount_refunded bigint not null default 0,
  failure_code text,
  failure_message text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint payment_intents_reference_unique unique (tenant_id, reference),
  constraint payment_intents_captured_within check (amount_captured between 0 and amount),
  constraint payment_intents_refunded_within check (amount_refunded between 0 and amount_captured)
);

create table payment_refunds (
  id text primary key,
  tenant_id text not null,
  payment_intent_id text not null references payment_intents (id),
  amount bigint not null check (amount > 0),
  reason text not null,
  idempotency_key text not null,
  provider_ref text not null,
  created_at timestamptz not null default now(),
  constraint payment_refunds_key_unique unique (tenant_id, payment_intent_id, idempotency_key)
);
create index payment_refunds_intent on payment_refunds (payment_intent_id, created_at);

-- The ledger: every call made to the provider and how it ended, append-only.
create table payment_operations (
  id text primary key,
  tenant_id text not null,
  payment_intent_id text not null references payment_intents (id),
  kind text not null check (kind in ('authorize', 'capture', 'void', 'refund')),
  amount bigint not null,
  outcome text not null check (outcome in ('succeeded', 'declined', 'failed', 'timeout')),
  provider_ref text,
  failure_code text,
  created_at timestamptz not null default now()
);
create index payment_operations_intent on payment_operations (payment_intent_id, created_at);
