-- The login throttle's state, shared by every instance on this database (it was in each
-- process's memory, so N instances behind a load balancer allowed N times the guesses).
-- login_windows: one failure window per key (`pair <account> <address>`, `address <address>`,
-- `account <account>`, see trust_core::login_throttle); ended windows are swept.
-- login_known: addresses that logged into an account successfully, with when.
CREATE TABLE login_windows (
    key        TEXT    PRIMARY KEY NOT NULL,
    started_at INTEGER NOT NULL CHECK (started_at >= 0),
    failures   INTEGER NOT NULL CHECK (failures >= 0),
    ends_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX login_windows_ends ON login_windows (ends_at);

CREATE TABLE login_known (
    account TEXT    NOT NULL,
    address TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    PRIMARY KEY (account, address)
) STRICT;
