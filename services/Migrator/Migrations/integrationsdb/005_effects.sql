-- The durable record of every guarded effect (the worker's effect ledger), next to the deliveries
-- that cause them. Redis (the gate) keeps each idempotency key for 7 days as a fast cache and a
-- lease between workers; this table is what the guarantee rests on. A row exists before the
-- provider is called, so a key with a row but no completed_at may have acted: the next attempt
-- runs the connector's recovery check before acting, whatever Redis remembers. A completed row
-- answers every later attempt, replay and redrive with its stored outcome. Rows are kept as long
-- as the deliveries (neither table is pruned).
CREATE TABLE effects (
    idempotency_key  text PRIMARY KEY,
    fingerprint      text NOT NULL,
    first_started_at timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 1,
    completed_at     timestamptz,
    succeeded        boolean,
    outcome          text,
    CHECK ((completed_at IS NULL) = (succeeded IS NULL))
);
