# Shared helpers for the scripts in this folder. Source it; do not run it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Queries are checked against the committed .sqlx/ data; no database needed to compile.
export SQLX_OFFLINE=true
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-auto}"

# step NAME COMMAND...: runs a command, printing its name and how long it took.
step() {
  local name="$1"; shift
  local start=$SECONDS
  echo "==> $name"
  "$@"
  echo "<== $name ($((SECONDS - start)) s)"
}

# The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# PostgreSQL's server programs (Debian puts them under /usr/lib/postgresql/<major>/bin).
pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

# pg_throwaway_start: starts a throwaway PostgreSQL cluster in a temp dir on a free loopback
# port, as the `postgres` user (initdb refuses root), trusting local connections, with TLS on (a
# self-signed certificate from openssl); sets PG_THROWAWAY_URL to its server URL (no database)
# with `?sslmode=require`, so everything that talks to it does so over TLS. Call it directly, not in $(…): the stop
# needs PG_THROWAWAY_DIR in this shell. pg_throwaway_stop stops it and removes the directory; callers set
# it as an EXIT trap.
PG_THROWAWAY_DIR=""
PG_THROWAWAY_URL=""
pg_throwaway_start() {
  local bin port run=()
  bin="$(pg_bin)" || { echo "PostgreSQL is not installed (scripts/setup installs it)" >&2; return 1; }
  PG_THROWAWAY_DIR="$(mktemp -d /tmp/trust-console-pg.XXXXXX)"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_THROWAWAY_DIR"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$bin/initdb" -D "$PG_THROWAWAY_DIR/data" -A trust -U postgres --no-sync >"$PG_THROWAWAY_DIR/initdb.log" 2>&1 \
    || { cat "$PG_THROWAWAY_DIR/initdb.log" >&2; return 1; }
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" \
    -keyout "$PG_THROWAWAY_DIR/data/server.key" -out "$PG_THROWAWAY_DIR/data/server.crt" 2>/dev/null
  chmod 600 "$PG_THROWAWAY_DIR/data/server.key"
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_THROWAWAY_DIR/data/server.key" "$PG_THROWAWAY_DIR/data/server.crt"
  "${run[@]}" "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -l "$PG_THROWAWAY_DIR/server.log" -w \
    -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=400 -c ssl=on" \
    start >/dev/null || { cat "$PG_THROWAWAY_DIR/server.log" >&2; return 1; }
  PG_THROWAWAY_URL="postgres://postgres@127.0.0.1:$port?sslmode=require"
  echo "throwaway PostgreSQL at $PG_THROWAWAY_URL ($PG_THROWAWAY_DIR)"
}
# pg_throwaway_db_url NAME: the URL of database NAME on the throwaway cluster.
pg_throwaway_db_url() {
  echo "${PG_THROWAWAY_URL%%\?*}/$1?${PG_THROWAWAY_URL#*\?}"
}
pg_throwaway_stop() {
  [ -n "$PG_THROWAWAY_DIR" ] && [ -d "$PG_THROWAWAY_DIR" ] || return 0
  local bin run=()
  bin="$(pg_bin)" || return 0
  [ "$(id -u)" -eq 0 ] && run=(runuser -u postgres --)
  "${run[@]}" "$bin/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_THROWAWAY_DIR"
  PG_THROWAWAY_DIR=""
}
