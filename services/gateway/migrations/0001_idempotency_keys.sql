-- A mutating request sent with an Idempotency-Key runs once; repeats get the first response back.
create table idempotency_keys (
  scope text not null,
  key text not null,
  method text not null,
  path text not null,
  request_hash text not null,
  status_code int,
  content_type text,
  response_body text,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (scope, key)
);
create index idempotency_keys_created on idempotency_keys (created_at);
