-- Inbound webhook deliveries. A row exists before the receiver answers 202, so an acknowledged
-- delivery is never lost. The table is also the work queue: workers claim rows with
-- FOR UPDATE SKIP LOCKED under a lease, and a lease that runs out (a crashed worker) makes the
-- row claimable again. (provider, delivery_id) is the durable dedup key.
-- next_attempt_at is when an unfinished row is next due: for 'received' and 'failed' rows the
-- next try, for a 'processing' row the end of its lease. One indexed predicate finds all due work.
CREATE TABLE deliveries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider        text NOT NULL,
    delivery_id     text NOT NULL,
    event_type      text NOT NULL,
    headers         jsonb NOT NULL,
    body            bytea NOT NULL,
    traceparent     text,
    tracestate      text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    state           text NOT NULL DEFAULT 'received'
                    CHECK (state IN ('received', 'processing', 'done', 'failed', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    completed_at    timestamptz,
    CONSTRAINT deliveries_dedup UNIQUE (provider, delivery_id)
);

-- Only unfinished rows are ever scanned by the claim query.
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state IN ('received', 'failed', 'processing');
