-- Metering: requests per tenant, key, endpoint (route pattern and method), status and UTC day. Each gateway
-- counts in memory and adds its counts here every few seconds, so several gateways share the rows.
create table usage_counters (
  tenant_id text not null,
  day date not null,
  key_id text not null,
  endpoint text not null,
  status smallint not null,
  count bigint not null check (count >= 0),
  primary key (tenant_id, day, key_id, endpoint, status)
);
