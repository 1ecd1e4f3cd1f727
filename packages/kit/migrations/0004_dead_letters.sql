-- Events a consumer in this process kept failing on (all-in-one), parked by the relay that published
-- them so the events after them flow; on NATS they go to the dead-letter stream instead. To deliver one
-- again once its consumer is mended: set its outbox row's published_at to null and delete it here.
create table dead_letters (
  consumer text not null,
  event_id text not null,
  event jsonb not null,
  deliveries integer not null,
  reason text not null,
  parked_at timestamptz not null default now(),
  primary key (consumer, event_id)
);
