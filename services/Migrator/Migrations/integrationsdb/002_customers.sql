-- Billing state kept from Stripe events. Stripe does not preserve order, so every write carries
-- the event's creation time and only applies when it is newer than what is stored
-- (last_event_at); an older event arriving late changes nothing.
CREATE TABLE customers (
    customer_id   text PRIMARY KEY,
    email         text,
    name          text,
    plan          text,
    amount        bigint,
    currency      text,
    livemode      boolean NOT NULL,
    last_event_at timestamptz NOT NULL,
    last_event_id text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
