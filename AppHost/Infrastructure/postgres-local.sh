#!/usr/bin/env bash
# Runs PostgreSQL as a local Aspire executable when no container runtime is available.
# Inputs (environment): PG_PORT, PG_DATA_DIR, PG_PASSWORD, optional PG_BIN, and optional PG_SETTINGS:
# server settings as space-separated name=value words, each passed as -c (the stack bench's statement
# profile sets shared_preload_libraries=pg_stat_statements).
# initdb runs once per data directory; the superuser password is passed through a 0600 file.
# PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user.
set -euo pipefail
: "${PG_PORT:?}" "${PG_DATA_DIR:?}" "${PG_PASSWORD:?}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[ -x "$PG_BIN/postgres" ] || { echo "PostgreSQL server binaries not found (set PG_BIN or apt-get install -y postgresql)" >&2; exit 127; }

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$PG_DATA_DIR"
if [ "$(id -u)" = "0" ]; then
  chown postgres:postgres "$PG_DATA_DIR"
  if ! runuser -u postgres -- test -w "$PG_DATA_DIR"; then
    echo "The postgres user cannot reach $PG_DATA_DIR (a parent folder is not traversable)." >&2
    echo "Set Infra__DataDirectory to a folder the postgres user can reach, e.g. /var/lib/integrations." >&2
    exit 1
  fi
fi
chmod 700 "$PG_DATA_DIR"

if [ ! -s "$PG_DATA_DIR/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s' "$PG_PASSWORD" > "$pwfile"
  if [ "$(id -u)" = "0" ]; then chown postgres "$pwfile"; fi
  as_owner "$PG_BIN/initdb" -D "$PG_DATA_DIR" -U postgres --pwfile="$pwfile" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
fi

exec_owner() {
  if [ "$(id -u)" = "0" ]; then exec runuser -u postgres -- "$@"; else exec "$@"; fi
}
settings=()
for setting in ${PG_SETTINGS:-}; do settings+=(-c "$setting"); done
exec_owner "$PG_BIN/postgres" -D "$PG_DATA_DIR" -p "$PG_PORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 "${settings[@]}"
