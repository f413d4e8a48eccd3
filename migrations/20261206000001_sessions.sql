-- Console sessions in a table of the console's own, created here (not at run time by the
-- session library, so instances starting together on one database cannot race to create it).
-- `id` holds a SHA-256 of the cookie's session id, never the id itself. `user_id` and `epoch`
-- copy the logged-in user out of the record, so that loading a session checks in the same
-- query that the user still exists and that their session epoch has not moved on since
-- (a password change or "log out everywhere" raises it): one round trip per request, not two.
-- Sessions of the library's old table end with this migration: admins log in once more.
DROP TABLE IF EXISTS tower_sessions;

CREATE TABLE sessions (
    id          TEXT    PRIMARY KEY NOT NULL,
    data        BLOB    NOT NULL,
    expiry_date INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    epoch       INTEGER,
    CHECK ((user_id IS NULL) = (epoch IS NULL))
) STRICT;

CREATE INDEX sessions_expiry ON sessions (expiry_date);
