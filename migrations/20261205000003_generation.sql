-- A deployment's generation grows with every change to its documents or their secrets, in the
-- same transaction as the change (these triggers are the one place that counts it, so no write
-- path can forget). The validation snapshot (app/src/ssr/snapshot.rs) keys on it: a snapshot
-- built at generation n is good while the row still says n, on every instance that shares the
-- database. It is not the deployment's `version`, which guards edits of the deployment itself.
ALTER TABLE deployments ADD COLUMN generation INTEGER NOT NULL DEFAULT 0 CHECK (generation >= 0);

CREATE TRIGGER documents_inserted_generation AFTER INSERT ON documents
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id = NEW.deployment;
END;

CREATE TRIGGER documents_updated_generation AFTER UPDATE ON documents
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id IN (OLD.deployment, NEW.deployment);
END;

CREATE TRIGGER documents_deleted_generation AFTER DELETE ON documents
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id = OLD.deployment;
END;

CREATE TRIGGER secrets_inserted_generation AFTER INSERT ON secrets
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id = NEW.deployment;
END;

CREATE TRIGGER secrets_updated_generation AFTER UPDATE ON secrets
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id IN (OLD.deployment, NEW.deployment);
END;

CREATE TRIGGER secrets_deleted_generation AFTER DELETE ON secrets
BEGIN
    UPDATE deployments SET generation = generation + 1 WHERE id = OLD.deployment;
END;
