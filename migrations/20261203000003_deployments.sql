-- Deployments: the console manages one or more Elasticsearch clusters, and every security
-- resource belongs to one of them. Existing rows move to the deployment `default`.
--
-- SQLite cannot change a primary key in place, so `documents`, `secrets` and
-- `test_signing_keys` are rebuilt: new tables are filled from the old ones, the old ones are
-- dropped children first (so that no ON DELETE CASCADE fires), and the new ones take the old
-- names (SQLite rewrites the foreign keys that name them).

CREATE TABLE deployments (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    body_json  TEXT    NOT NULL CHECK (json_valid(body_json)),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

INSERT INTO deployments (name, body_json, version)
VALUES ('default', '{"kind":"self_managed","stack_version":"9.3"}', 1);

CREATE TABLE documents_v2 (
    deployment INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL
               CHECK (kind IN ('realm', 'role_mapping', 'role', 'native_user', 'sample_identity',
                               'trusted_environment', 'remote_cluster')),
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 1024),
    body_json  TEXT    NOT NULL CHECK (json_valid(body_json)),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (deployment, kind, name)
) STRICT;

CREATE TABLE secrets_v2 (
    deployment INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    setting    TEXT    NOT NULL CHECK (setting <> ''),
    value      TEXT    NOT NULL,
    changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (deployment, kind, name, setting),
    FOREIGN KEY (deployment, kind, name) REFERENCES documents_v2 (deployment, kind, name)
        ON DELETE CASCADE
) STRICT;

CREATE TABLE test_signing_keys_v2 (
    deployment  INTEGER NOT NULL,
    kind        TEXT    NOT NULL DEFAULT 'realm' CHECK (kind = 'realm'),
    realm       TEXT    NOT NULL,
    private_pem TEXT    NOT NULL,
    public_jwk  TEXT    NOT NULL CHECK (json_valid(public_jwk)),
    changed_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (deployment, kind, realm),
    FOREIGN KEY (deployment, kind, realm) REFERENCES documents_v2 (deployment, kind, name)
        ON DELETE CASCADE
) STRICT;

INSERT INTO documents_v2 (deployment, kind, name, body_json, version, created_at, updated_at)
SELECT (SELECT id FROM deployments WHERE name = 'default'), kind, name, body_json, version,
       created_at, updated_at
FROM documents;

INSERT INTO secrets_v2 (deployment, kind, name, setting, value, changed_at)
SELECT (SELECT id FROM deployments WHERE name = 'default'), kind, name, setting, value, changed_at
FROM secrets;

INSERT INTO test_signing_keys_v2 (deployment, kind, realm, private_pem, public_jwk, changed_at)
SELECT (SELECT id FROM deployments WHERE name = 'default'), kind, realm, private_pem, public_jwk,
       changed_at
FROM test_signing_keys;

DROP TABLE test_signing_keys;
DROP TABLE secrets;
DROP TABLE documents;

ALTER TABLE documents_v2 RENAME TO documents;
ALTER TABLE secrets_v2 RENAME TO secrets;
ALTER TABLE test_signing_keys_v2 RENAME TO test_signing_keys;

-- Audit entries of deployment resources name them `<deployment>/<name>` from now on.
UPDATE audit_log SET entity_id = 'default/' || entity_id
WHERE entity_kind IN ('realm', 'role_mapping', 'role', 'native_user', 'sample_identity');
