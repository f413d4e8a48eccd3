-- One row counting changes to deployments: a deployment's body, its creation or deletion, and —
-- through the generation that the documents' and secrets' triggers raise — every change inside
-- it. The query that loads a session reads it too, so a request learns in that one round trip
-- whether the deployments it keeps parsed in memory are still current, on every instance that
-- shares the database (a write through any instance raises it in the write's transaction).
CREATE TABLE change_counter (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    changes INTEGER NOT NULL CHECK (changes >= 0)
) STRICT;

INSERT INTO change_counter (id, changes) VALUES (1, 0);

CREATE TRIGGER deployments_inserted_change AFTER INSERT ON deployments
BEGIN
    UPDATE change_counter SET changes = changes + 1 WHERE id = 1;
END;

CREATE TRIGGER deployments_updated_change AFTER UPDATE ON deployments
BEGIN
    UPDATE change_counter SET changes = changes + 1 WHERE id = 1;
END;

CREATE TRIGGER deployments_deleted_change AFTER DELETE ON deployments
BEGIN
    UPDATE change_counter SET changes = changes + 1 WHERE id = 1;
END;
