-- Claims take each endpoint's due deliveries in order, a few at a time: this index answers that per
-- endpoint without reading the backlog of the others (a dead endpoint's, say). The index on due time
-- alone had the planner scan every endpoint's pending deliveries for each one; nothing else used it.
create index deliveries_endpoint_due on deliveries (endpoint_id, next_attempt_at, id) where status = 'pending';
drop index deliveries_due;
