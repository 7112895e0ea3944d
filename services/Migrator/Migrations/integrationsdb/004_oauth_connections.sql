-- The token broker's OAuth state. Tokens, codes' PKCE verifiers and nothing else secret are
-- stored, and only encrypted with ASP.NET Core Data Protection (key ring in data_protection_keys).
-- A pending authorization is keyed by the SHA-256 of its state, so the table holds no usable state.
CREATE TABLE oauth_authorizations (
    state_hash              text PRIMARY KEY,
    provider                text NOT NULL,
    account                 text NOT NULL,
    scopes                  text[] NOT NULL,
    protected_code_verifier text NOT NULL,
    redirect_uri            text NOT NULL,
    expires_at              timestamptz NOT NULL
);

-- One connection per provider account; a new authorization of the same account replaces its
-- grant (that is how scopes widen). Access-token refreshes lock the row (SELECT ... FOR UPDATE).
CREATE TABLE oauth_connections (
    id                      uuid PRIMARY KEY,
    provider                text NOT NULL,
    account                 text NOT NULL,
    scopes                  text[] NOT NULL,
    protected_access_token  text NOT NULL,
    protected_refresh_token text,
    access_expires_at       timestamptz NOT NULL,
    status                  text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth')),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    refreshed_at            timestamptz,
    UNIQUE (provider, account)
);

-- Client secret rotations of the OAuth apps: who, when, which app. Never the secret.
CREATE TABLE oauth_client_secret_rotations (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider   text NOT NULL,
    client_id  text NOT NULL,
    rotated_by text NOT NULL,
    rotated_at timestamptz NOT NULL DEFAULT now()
);
