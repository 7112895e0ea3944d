-- The grants of the service roles on integrationsdb, applied after every migration run (ServiceRoles.cs).
-- This file is the whole truth: every privilege of a service role on a table or sequence is revoked
-- first and granted again from here, so a new table is reachable only once a line below names it.
-- Each line is what the service's own SQL needs (docs/architecture.md, "Database roles"):
--  * SELECT also covers RETURNING, WHERE and ON CONFLICT DO UPDATE reading the row; UPDATE covers
--    SELECT ... FOR UPDATE [SKIP LOCKED].
--  * Identity columns (GENERATED ALWAYS AS IDENTITY) draw their sequence without a privilege check,
--    so no role needs USAGE on a sequence here.
--  * LISTEN and NOTIFY need no privilege.

-- Only the service roles, and the superuser, may connect; none may create in the schema.
REVOKE ALL ON DATABASE integrationsdb FROM PUBLIC;
GRANT CONNECT ON DATABASE integrationsdb TO integrations_receiver, integrations_worker, integrations_broker;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- The server's maintenance databases are no service's business either.
REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;
REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM integrations_receiver, integrations_worker, integrations_broker;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM integrations_receiver, integrations_worker, integrations_broker;

-- receiver: stores deliveries (INSERT ... ON CONFLICT DO NOTHING RETURNING) and answers lookups;
-- adds and retires webhook secrets; shares the Data Protection key ring.
GRANT SELECT, INSERT ON deliveries TO integrations_receiver;
-- (its insert marks a delivery recovered when gap recovery asked for it: DeliveryRows.cs)
GRANT SELECT ON redelivery_requests TO integrations_receiver;
GRANT SELECT, INSERT, UPDATE ON webhook_secrets TO integrations_receiver;
GRANT SELECT, INSERT ON data_protection_keys TO integrations_receiver;

-- worker: claims and settles deliveries (never deletes one); inserts only what gap recovery fetched from
-- a provider's API with the provider's secret key (Stripe events, through the receiver's own insert,
-- DeliveryRows.cs), and records which GitHub deliveries it asked to be redelivered; records customers
-- and effects; writes its audit rows to the outbox, and its shipper locks, deletes or marks refused what it shipped.
GRANT SELECT, INSERT, UPDATE ON deliveries TO integrations_worker;
GRANT SELECT, INSERT, UPDATE ON redelivery_requests TO integrations_worker;
GRANT SELECT, INSERT, UPDATE ON customers TO integrations_worker;
GRANT SELECT, INSERT, UPDATE ON effects TO integrations_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON audit_outbox TO integrations_worker;

-- broker: pending authorizations are inserted, then redeemed or expired with DELETE ... RETURNING;
-- connections are upserted, refreshed under a row lock and deleted on revocation; rotations are appended.
GRANT SELECT, INSERT, DELETE ON oauth_authorizations TO integrations_broker;
GRANT SELECT, INSERT, UPDATE, DELETE ON oauth_connections TO integrations_broker;
GRANT INSERT ON oauth_client_secret_rotations TO integrations_broker;
GRANT SELECT, INSERT ON data_protection_keys TO integrations_broker;
