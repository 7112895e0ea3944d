-- An authorization is started by an operator through the broker's authenticated API, and the
-- account it connects is the one the provider reports after the code exchange, never one a caller
-- names. A pending authorization keeps the operator who started it and the optional login hint.
DELETE FROM oauth_authorizations;
ALTER TABLE oauth_authorizations RENAME COLUMN account TO login_hint;
ALTER TABLE oauth_authorizations ALTER COLUMN login_hint DROP NOT NULL;
ALTER TABLE oauth_authorizations ADD COLUMN requested_by text NOT NULL;
