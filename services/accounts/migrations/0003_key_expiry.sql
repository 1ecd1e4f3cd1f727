-- A key may be made to stop working at a set time: temporary access, or a rolled key's overlap.
alter table api_keys add column expires_at timestamptz;
