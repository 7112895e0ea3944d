-- Webhook signing secrets added at run time (rotation), beside those from configuration.
-- The value is encrypted with ASP.NET Core Data Protection; its key ring lives in
-- data_protection_keys so every replica, and every restart, can read it.
CREATE TABLE webhook_secrets (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source           text NOT NULL,
    protected_secret text NOT NULL,
    added_at         timestamptz NOT NULL DEFAULT now(),
    added_by         text NOT NULL,
    retired_at       timestamptz,
    retired_by       text
);

CREATE INDEX webhook_secrets_active ON webhook_secrets (source) WHERE retired_at IS NULL;

CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
