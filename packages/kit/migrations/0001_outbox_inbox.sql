-- The transactional outbox: an event is written in the same transaction as the change it announces,
-- and a relay publishes it afterwards.
create table outbox (
  seq bigserial primary key,
  id text not null unique,
  tenant_id text,
  type text not null,
  data jsonb not null,
  occurred_at timestamptz not null default now(),
  published_at timestamptz
);
create index outbox_unpublished on outbox (seq) where published_at is null;
create index outbox_published_at on outbox (published_at) where published_at is not null;

create function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('bazaar_outbox', '');
  return null;
end $$;
create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();

-- The consumer inbox: which events each consumer has already handled, so a redelivery changes nothing.
create table inbox (
  consumer text not null,
  event_id text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
