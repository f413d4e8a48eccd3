-- Every version of every document (realms, role mappings, roles, users, environments, remote
-- clusters…), for the history and restore of each resource. Triggers write it in the same
-- transaction as the change, so no write path can skip it; the newest 50 per document are kept
-- (the audit log keeps the whole trail, secrets redacted). A document's versions go with it
-- when it is deleted, so a name created again starts a new history at version 1.
CREATE TABLE document_versions (
    deployment INTEGER NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    kind       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    body_json  TEXT    NOT NULL CHECK (json_valid(body_json)),
    at         TEXT    NOT NULL,
    PRIMARY KEY (deployment, kind, name, version)
) STRICT;

-- What exists today is each document's first kept version.
INSERT INTO document_versions (deployment, kind, name, version, body_json, at)
SELECT deployment, kind, name, version, body_json, updated_at FROM documents;

CREATE TRIGGER documents_inserted_version AFTER INSERT ON documents
BEGIN
    INSERT OR REPLACE INTO document_versions (deployment, kind, name, version, body_json, at)
    VALUES (NEW.deployment, NEW.kind, NEW.name, NEW.version, NEW.body_json, NEW.updated_at);
END;

CREATE TRIGGER documents_updated_version AFTER UPDATE ON documents
BEGIN
    INSERT OR REPLACE INTO document_versions (deployment, kind, name, version, body_json, at)
    VALUES (NEW.deployment, NEW.kind, NEW.name, NEW.version, NEW.body_json, NEW.updated_at);
    DELETE FROM document_versions
     WHERE deployment = NEW.deployment AND kind = NEW.kind AND name = NEW.name
       AND version <= NEW.version - 50;
END;

CREATE TRIGGER documents_deleted_version AFTER DELETE ON documents
BEGIN
    DELETE FROM document_versions
     WHERE deployment = OLD.deployment AND kind = OLD.kind AND name = OLD.name;
END;
