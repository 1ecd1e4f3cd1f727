-- The relay is woken in process when an event-recording transaction commits. NOTIFY is dropped: it
-- holds a server-wide lock through commit, so every commit that recorded an event waited for the
-- previous one's disk flush.
drop trigger outbox_notify on outbox;
drop function outbox_notify();
