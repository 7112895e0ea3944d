-- The grants of the audit service's role on auditdb, applied after every migration run (ServiceRoles.cs).
-- audit_service logs in and holds no privilege of its own (NOINHERIT): the audit service switches
-- every connection to audit_writer (services/Audit/DatabaseRole.cs), which may INSERT and SELECT
-- audit_events and audit_entry_ids and draw ids from its sequence (the service calls nextval itself),
-- nothing else.
-- As in integrationsdb, every privilege is revoked first and granted again from here.

REVOKE ALL ON DATABASE auditdb FROM PUBLIC;
GRANT CONNECT ON DATABASE auditdb TO audit_service;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM audit_service, audit_writer;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM audit_service, audit_writer;

GRANT SELECT, INSERT ON audit_events TO audit_writer;
GRANT USAGE ON SEQUENCE audit_events_id_seq TO audit_writer;
GRANT SELECT, INSERT ON audit_entry_ids TO audit_writer;
GRANT audit_writer TO audit_service;
