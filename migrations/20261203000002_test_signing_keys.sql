-- Private keys an admin uploads to the token playground to sign test tokens for a realm. They
-- are the console's, not Elasticsearch's: never exported, never sent to the browser (reads see
-- the algorithm family, the public JWK and when it was set). Deleting the realm deletes its key.
CREATE TABLE test_signing_keys (
    kind        TEXT NOT NULL DEFAULT 'realm' CHECK (kind = 'realm'),
    realm       TEXT NOT NULL,
    private_pem TEXT NOT NULL,
    public_jwk  TEXT NOT NULL CHECK (json_valid(public_jwk)),
    changed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (kind, realm),
    FOREIGN KEY (kind, realm) REFERENCES documents (kind, name) ON DELETE CASCADE
) STRICT;
