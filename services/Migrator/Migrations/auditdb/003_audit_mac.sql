-- Who really wrote each row, and a keyed seal on the chain (docs/audit.md, "The chain key").
--  * caller: the owner of the API key the write was authenticated with (worker, receiver, broker,
--    operator, audit); the audit service stamps it, the caller cannot choose it.
--  * mac: HMAC-SHA256 under the chain key, which is kept outside the database, of hash and caller
--    (services/Audit/Chain/AuditMac.cs). The unkeyed hash chain of 002 is unchanged.
--  * Rows that exist now keep both NULL: the audit service seals them with a keyed row at start.
-- audit_writer's table-wide INSERT and SELECT cover the new columns; the append-only trigger still
-- refuses UPDATE, so no role short of a superuser can add, change or strip a MAC afterwards.

ALTER TABLE audit_events
    ADD COLUMN caller text,
    ADD COLUMN mac bytea,
    ADD CONSTRAINT audit_events_mac_length CHECK (mac IS NULL OR octet_length(mac) = 32),
    ADD CONSTRAINT audit_events_mac_has_caller CHECK (mac IS NULL OR caller IS NOT NULL);

CREATE INDEX audit_events_caller ON audit_events (caller) WHERE caller IS NOT NULL;
