-- Console accounts and the audit log.

CREATE TABLE users (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    username            TEXT    NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 64),
    password_hash       TEXT    NOT NULL,
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    password_changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

-- One row per change, written in the same transaction as the change itself.
-- before_json / after_json hold the entity image with secrets already redacted.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    actor       TEXT    NOT NULL CHECK (actor <> ''),
    entity_kind TEXT    NOT NULL CHECK (entity_kind <> ''),
    entity_id   TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action <> ''),
    before_json TEXT    CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json  TEXT    CHECK (after_json IS NULL OR json_valid(after_json))
) STRICT;

CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);
