-- Security resources the console edits: realms, role mappings, roles, native users and sample
-- identities. Each is a named JSON document whose shape `trust-core` checks before it is
-- written; `version` grows by one with every change so that a stale edit is refused (409).
CREATE TABLE documents (
    kind       TEXT    NOT NULL
               CHECK (kind IN ('realm', 'role_mapping', 'role', 'native_user', 'sample_identity')),
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 1024),
    body_json  TEXT    NOT NULL CHECK (json_valid(body_json)),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (kind, name)
) STRICT;

-- Write-only values (keystore settings of realms, user passwords). They are read only by the
-- server (lint, export) and never returned by the API: reads see `setting` and `changed_at`.
CREATE TABLE secrets (
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    setting    TEXT NOT NULL CHECK (setting <> ''),
    value      TEXT NOT NULL,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (kind, name, setting),
    FOREIGN KEY (kind, name) REFERENCES documents (kind, name) ON DELETE CASCADE
) STRICT;
