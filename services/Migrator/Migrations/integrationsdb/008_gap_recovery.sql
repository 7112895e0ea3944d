-- Gap recovery (issue 20, docs/webhooks.md "Gap recovery"). A delivery the provider lost, or sent while
-- the receiver was down, is fetched later by the worker's backfill job:
--  * recovered: true for a delivery that gap recovery brought in (a Stripe event read from GET /v1/events,
--    or a GitHub delivery it asked GitHub to redeliver); false for one that arrived on its own.
--  * redelivery_requests: the GitHub deliveries (guids) the job asked GitHub to send again, written
--    before it asks. The receiver's insert marks a delivery recovered when its id is here, so the mark
--    is set in the same statement that stores the redelivery, wherever and whenever it arrives.
ALTER TABLE deliveries ADD COLUMN recovered boolean NOT NULL DEFAULT false;

CREATE TABLE redelivery_requests (
    provider     text NOT NULL,
    delivery_id  text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, delivery_id)
);
