-- The worker's audit outbox. Every audit row the worker writes is first committed here, in the
-- worker's own database: a step's row ("started", "failed", ...) by its own insert, and an effect's
-- "succeeded" row in the same transaction as the effect ledger's completion, so an effect recorded
-- as done always has its row. The audit shipper (services/Worker/Connectors/AuditShipper.cs) sends
-- the rows to the audit service in batches, oldest first, and deletes what the audit service
-- committed. It ships at least once; entry_id makes a repeat a no-op in the audit store.
-- A row the audit service refuses as invalid stays here with the refusal, and is not shipped again.
CREATE TABLE audit_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id   uuid NOT NULL DEFAULT gen_random_uuid(),
    entry      json NOT NULL,
    written_at timestamptz NOT NULL DEFAULT now(),
    refused    text
);
