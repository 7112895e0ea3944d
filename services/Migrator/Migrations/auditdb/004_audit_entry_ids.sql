-- The entry ids of rows written by callers that may send an entry again: the worker's audit outbox
-- ships at least once (a shipment whose answer was lost is shipped again). The appender looks the
-- ids of a batch up under the chain lock, writes only entries it has not seen, and records their
-- ids in the same transaction, so a repeat never becomes a second row. Kept as long as the rows.
CREATE TABLE audit_entry_ids (
    entry_id uuid PRIMARY KEY,
    audit_id bigint NOT NULL
);
