-- Tamper evidence and least privilege for the audit log (docs/audit.md has the details).
--  * New columns: scope (the OAuth scope or permission used), prev_hash and hash (the chain).
--  * details becomes json, which keeps its text exactly as written: the hash covers that text.
--  * Rows written before this migration are chained here, in id order, with the encoding the
--    audit service uses (services/Audit/Chain/AuditHash.cs); both must stay identical.
--  * audit_writer may INSERT and SELECT only; the audit service switches to it on every connection.
--  * A trigger refuses UPDATE, DELETE and TRUNCATE for every role. A superuser can bypass triggers;
--    the chain is what detects that.

ALTER TABLE audit_events
    ADD COLUMN scope text,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN hash bytea;

ALTER TABLE audit_events ALTER COLUMN details DROP DEFAULT;
ALTER TABLE audit_events ALTER COLUMN details TYPE json USING details::json;
ALTER TABLE audit_events ALTER COLUMN details SET DEFAULT '{}'::json;

-- field(x): int4 byte length (big-endian) then the UTF-8 bytes; NULL is length -1 and no bytes.
CREATE FUNCTION pg_temp.audit_field(value text) RETURNS bytea LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value IS NULL THEN '\xffffffff'::bytea
                ELSE int4send(octet_length(convert_to(value, 'UTF8'))) || convert_to(value, 'UTF8') END
$$;

DO $$
DECLARE
    r record;
    previous bytea := decode(repeat('00', 32), 'hex');
    current_hash bytea;
BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
        current_hash := sha256(
            previous
            || int8send(r.id)
            || int8send((extract(epoch FROM r.ts) * 1000000)::bigint)
            || pg_temp.audit_field(r.actor)
            || pg_temp.audit_field(r.provider)
            || pg_temp.audit_field(r.action)
            || pg_temp.audit_field(r.target)
            || pg_temp.audit_field(r.idempotency_key)
            || pg_temp.audit_field(r.status)
            || pg_temp.audit_field(r.environment)
            || pg_temp.audit_field(r.trace_id)
            || pg_temp.audit_field(r.scope)
            || pg_temp.audit_field(r.details::text));
        UPDATE audit_events SET prev_hash = previous, hash = current_hash WHERE id = r.id;
        previous := current_hash;
    END LOOP;
END
$$;

ALTER TABLE audit_events
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_events_hash_length CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Roles belong to the whole server, so another database on it may have created this one already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'audit_writer') THEN
        CREATE ROLE audit_writer NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON audit_events FROM audit_writer;
GRANT SELECT, INSERT ON audit_events TO audit_writer;
GRANT USAGE ON SEQUENCE audit_events_id_seq TO audit_writer;
-- Lets the service's login role SET ROLE audit_writer even when it is not a superuser.
GRANT audit_writer TO CURRENT_USER;
