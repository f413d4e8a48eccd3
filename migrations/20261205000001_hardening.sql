-- Hardening II (issue 17).
--
-- master_key_check: one value sealed with the master key, so that a start with the wrong key
-- stops with a clear error instead of leaving secrets unreadable. Secret columns (secrets.value,
-- test_signing_keys.private_pem, secure unmodelled_settings.value_json) hold sealed values
-- (`tc1:…`); the server seals rows written before this migration on its first start with a key.
CREATE TABLE master_key_check (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed TEXT    NOT NULL
) STRICT;

-- session_epoch: every session records the epoch it was created in; raising it (a password
-- change, "log out everywhere") ends the user's sessions on every instance.
-- must_change_password: set for an account created with a generated password.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0
    CHECK (must_change_password IN (0, 1));
