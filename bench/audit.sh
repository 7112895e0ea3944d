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

source bench/lib.sh

dotnet build services/Migrator -c Release -v quiet --nologo >/dev/null
dotnet build services/Audit -c Release -v quiet --nologo >/dev/null
dotnet build bench/Audit.Bench -c Release -v quiet --nologo >/dev/null

start_postgres "$PG_PORT"
key="bench-$(random_hex 16)"
chain_key=$(random_hex 32)
export Audit__ApiKey="$key" Audit__AdminKey="admin-$key" Audit__ChainKey="$chain_key" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning

dotnet services/Migrator/bin/Release/net10.0/Migrator.dll >"$work/migrator.log" 2>&1
ConnectionStrings__auditdb="$(login audit_service auditdb)" \
  dotnet services/Audit/bin/Release/net10.0/Audit.dll --urls "http://127.0.0.1:$AUDIT_PORT" >"$work/audit.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$AUDIT_PORT/health" >/dev/null && break; sleep 0.5; done

echo "== audit store, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet bench/Audit.Bench/bin/Release/net10.0/Audit.Bench.dll --url "http://127.0.0.1:$AUDIT_PORT/" --key "$key" "$@"
echo "== rows in audit_events: $(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d auditdb -tAc 'SELECT count(*) FROM audit_events'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
