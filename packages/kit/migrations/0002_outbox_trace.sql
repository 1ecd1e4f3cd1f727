-- The trace context an event was recorded in (W3C traceparent/tracestate), so its consumers' work joins
-- the trace of the request that caused it. Null when the change was not traced.
alter table outbox add column trace jsonb;
