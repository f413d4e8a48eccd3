-- Export and import (issue 7).
--
-- unmodelled_settings: settings an imported elasticsearch.yml or keystore held that no
-- console model covers, kept verbatim so that an export writes them back. Secure ones
-- (secure = 1) are keystore values: server-side only, like the secrets table.
CREATE TABLE unmodelled_settings (
    deployment INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    key        TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 1024),
    value_json TEXT    NOT NULL CHECK (json_valid(value_json)),
    secure     INTEGER NOT NULL CHECK (secure IN (0, 1)),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (deployment, key)
) STRICT;

-- exports: what each download contained (masked artifacts only, never secret values), so
-- that the export page can show what changed since.
CREATE TABLE exports (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    deployment INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    actor      TEXT    NOT NULL,
    files_json TEXT    NOT NULL CHECK (json_valid(files_json)),
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;

CREATE INDEX exports_by_deployment ON exports (deployment, id);
