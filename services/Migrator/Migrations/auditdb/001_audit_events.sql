-- The audit log: one row per thing the automation did. Rows are appended, never updated.
CREATE TABLE audit_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ts              timestamptz NOT NULL DEFAULT now(),
    actor           text NOT NULL,
    provider        text NOT NULL,
    action          text NOT NULL,
    target          text NOT NULL,
    idempotency_key text,
    status          text NOT NULL CHECK (status IN ('started', 'succeeded', 'failed', 'skipped')),
    environment     text NOT NULL CHECK (environment IN ('sandbox', 'live')),
    trace_id        text,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX audit_events_ts ON audit_events (ts);
CREATE INDEX audit_events_idempotency_key ON audit_events (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX audit_events_trace_id ON audit_events (trace_id) WHERE trace_id IS NOT NULL;
