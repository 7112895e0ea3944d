#!/usr/bin/env bash
# Audit store benchmark: rows persisted per second through the service (batched and single-row
# writes from many concurrent writers), NDJSON export speed and chain verification speed.
# Starts its own PostgreSQL (throwaway data directory), the migrator and the audit service, all in
# Release on loopback, runs bench/Audit.Bench against it and stops everything at the end.
# Usage: bench/audit.sh [--duration 10] [--writers 8] [--batch 1000] [--single-writers 64] [--export-rows 500000] [--details true] [--export true] [--warmup 15]
set -euo pipefail
cd "$(dirname "$0")/.."
PG_PORT="${BENCH_PG_PORT:-55442}"
AUDIT_PORT="${BENCH_AUDIT_PORT:-55090}"

bash scripts/prerequisites.sh

work=$(mktemp -d /tmp/integrations-bench-XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # PostgreSQL runs under runuser as root and may still be writing its shutdown checkpoint.
  for _ in $(seq 1 40); do pgrep -f "$work/pg" >/dev/null || break; sleep 0.25; done
  rm -rf "$work" || true
}
trap cleanup EXIT

dotnet build services/Migrator -c Release -v quiet --nologo >/dev/null
dotnet build services/Audit -c Release -v quiet --nologo >/dev/null
dotnet build bench/Audit.Bench -c Release -v quiet --nologo >/dev/null

password=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
PG_PORT=$PG_PORT PG_DATA_DIR="$work/pg" PG_PASSWORD="$password" bash AppHost/Infrastructure/postgres-local.sh >"$work/pg.log" 2>&1 &
pids+=($!)
export PGPASSWORD="$password"
for _ in $(seq 1 60); do psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c 'CREATE DATABASE integrationsdb' -c 'CREATE DATABASE auditdb'

base="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$password"
export ConnectionStrings__integrationsdb="$base;Database=integrationsdb" ConnectionStrings__auditdb="$base;Database=auditdb"
# The migrator creates each service's login role with these passwords; each service logs in as its own
# role, as under the AppHost (docs/architecture.md, "Database roles").
for role in integrations_receiver integrations_worker integrations_broker audit_service; do
  export "ServiceRoles__${role}__Password=$password-$role"
done
login() { echo "Host=127.0.0.1;Port=$PG_PORT;Username=$1;Password=$password-$1;Database=$2"; }
key="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
chain_key=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
export Audit__ApiKey="$key" Audit__AdminKey="admin-$key" Audit__ChainKey="$chain_key" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning

dotnet services/Migrator/bin/Release/net10.0/Migrator.dll >"$work/migrator.log" 2>&1
ConnectionStrings__auditdb="$(login audit_service auditdb)" \
  dotnet services/Audit/bin/Release/net10.0/Audit.dll --urls "http://127.0.0.1:$AUDIT_PORT" >"$work/audit.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$AUDIT_PORT/health" >/dev/null && break; sleep 0.5; done

echo "== audit store, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Audit.Bench/bin/Release/net10.0/Audit.Bench.dll --url "http://127.0.0.1:$AUDIT_PORT/" --key "$key" "$@"
echo "== rows in audit_events: $(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d auditdb -tAc 'SELECT count(*) FROM audit_events'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
