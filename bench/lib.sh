# Sourced by bench/audit.sh and bench/receiver.sh (from the repository root): a throwaway working
# directory that is removed on exit with every process listed in $pids, and a PostgreSQL of its own
# with the two databases and each service's login role, as the AppHost sets them up.

work=$(mktemp -d /tmp/integrations-bench-XXXXXX)
chmod 755 "$work"
pids=()
bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # PostgreSQL runs under runuser as root and may still be writing its shutdown checkpoint.
  for _ in $(seq 1 40); do pgrep -f "$work/pg" >/dev/null || break; sleep 0.25; done
  rm -rf "$work" || true
}
trap bench_cleanup EXIT

# start_postgres <port>: starts PostgreSQL on a fresh data directory under $work, creates integrationsdb
# and auditdb, and exports PGPASSWORD, the two connection strings and the role passwords the migrator sets.
start_postgres() {
  PG_PORT="$1"
  password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  PG_PORT=$PG_PORT PG_DATA_DIR="$work/pg" PG_PASSWORD="$password" bash AppHost/Infrastructure/postgres-local.sh >"$work/pg.log" 2>&1 &
  pids+=($!)
  export PGPASSWORD="$password"
  for _ in $(seq 1 60); do psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c 'CREATE DATABASE integrationsdb' -c 'CREATE DATABASE auditdb'

  local base="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$password"
  export ConnectionStrings__integrationsdb="$base;Database=integrationsdb" ConnectionStrings__auditdb="$base;Database=auditdb"
  # The migrator creates each service's login role with these passwords; each service logs in as its own
  # role, as under the AppHost (docs/architecture.md, "Database roles").
  for role in integrations_receiver integrations_worker integrations_broker audit_service; do
    export "ServiceRoles__${role}__Password=$password-$role"
  done
}

# login <role> <database>: the connection string of a service's own role.
login() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=$1;Password=$password-$1;Database=$2"; }

# random_hex <bytes>
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
