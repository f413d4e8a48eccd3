-- The login throttle's state, shared by every instance (see the SQLite migration of the same
-- name).
CREATE TABLE login_windows (
    key        TEXT   COLLATE "C" PRIMARY KEY NOT NULL,
    started_at BIGINT NOT NULL CHECK (started_at >= 0),
    failures   BIGINT NOT NULL CHECK (failures >= 0),
    ends_at    BIGINT NOT NULL
);

CREATE INDEX login_windows_ends ON login_windows (ends_at);

CREATE TABLE login_known (
    account TEXT   COLLATE "C" NOT NULL,
    address TEXT   COLLATE "C" NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (account, address)
);
