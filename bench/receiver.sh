#!/usr/bin/env bash
# Receiver benchmark: verified, deduped, durably stored GitHub deliveries per second.
#   1. wrk at full speed (2 threads, 64 connections) -> accepted/s, p50, p99;
#   2. a constant 2,000 deliveries/s with the worker draining -> p50/p99 (open model): 10 s of
#      warm-up at that rate (services just started are still JIT-compiling), then 30 s measured.
# Starts its own PostgreSQL (throwaway data directory), migrator, receiver and worker, all in
# Release, on loopback; stops them at the end. Usage: bench/receiver.sh [seconds] [rate] [warm-up seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-20}"
RATE="${2:-2000}"
WARMUP="${3:-10}"
PG_PORT="${BENCH_PG_PORT:-55432}"
RECEIVER_PORT="${BENCH_RECEIVER_PORT:-55080}"
WORKER_PORT="${BENCH_WORKER_PORT:-55081}"

bash scripts/prerequisites.sh
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "install wrk" >&2; exit 1; }

source bench/lib.sh

dotnet build services/Migrator -c Release -v quiet --nologo >/dev/null
dotnet build services/Receiver -c Release -v quiet --nologo >/dev/null
dotnet build services/Worker -c Release -v quiet --nologo >/dev/null
dotnet build bench/LoadGen -c Release -v quiet --nologo >/dev/null

start_postgres "$PG_PORT"
secret="bench-$(random_hex 8)"
export GITHUB_WEBHOOK_SECRET="$secret" STRIPE_WEBHOOK_SECRET="whsec_bench" SLACK_SIGNING_SECRET="bench" SLACK_BOT_TOKEN="xoxb-bench" GITHUB_TOKEN="bench" STRIPE_SECRET_KEY="sk_test_bench"
# The worker validates its provider and gate settings at start; the ping deliveries used here reach neither.
# The receiver keeps its Data Protection key ring in the database, encrypted to a certificate it is
# given as base64 PKCS#12 (the AppHost's data-protection-kek); a throwaway one serves the run.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=data-protection-kek" -keyout "$work/kek.key" -out "$work/kek.crt" 2>/dev/null
export DataProtection__KeyEncryptionCertificate="$(openssl pkcs12 -export -inkey "$work/kek.key" -in "$work/kek.crt" -passout pass: | base64 -w0)"
export Receiver__AdminApiKey="bench-admin-$secret" Worker__AdminApiKey="bench-admin-$secret" Gate__ApiKey="bench-gate-$secret" Audit__ApiKey="bench-audit-$secret" ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning

dotnet services/Migrator/bin/Release/net10.0/Migrator.dll >"$work/migrator.log" 2>&1
ConnectionStrings__integrationsdb="$(login integrations_receiver integrationsdb)" \
  dotnet services/Receiver/bin/Release/net10.0/Receiver.dll --urls "http://127.0.0.1:$RECEIVER_PORT" >"$work/receiver.log" 2>&1 &
receiver=$!
pids+=($receiver)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$RECEIVER_PORT/health" >/dev/null && break; sleep 0.5; done

# wrk sends LoadGen's ping body with its signature (bench/github-ping.lua).
{ read -r BENCH_BODY; read -r BENCH_SIGNATURE; } < <(dotnet bench/LoadGen/bin/Release/net10.0/LoadGen.dll --wrk "$secret")
export BENCH_BODY BENCH_SIGNATURE
url="http://127.0.0.1:$RECEIVER_PORT"

echo "== warm-up (5 s)"
BENCH_RUN="warm-$$" wrk -t2 -c16 -d5s -s bench/github-ping.lua "$url" >/dev/null
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d integrationsdb -qc "TRUNCATE deliveries"
# A server that has run for a while writes its WAL into recycled segment files. A brand-new data
# directory has none, and creates each new segment while commits wait (docs/benchmarks.md,
# "Receiver"). Switching through 16 segments and checkpointing leaves them recycled and ready, as on
# a running server.
for _ in $(seq 1 16); do
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d integrationsdb -qAt -c "SELECT txid_current()" -c "SELECT pg_switch_wal()" >/dev/null
done
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d integrationsdb -qc "CHECKPOINT"
echo "kernel writeback: vm.dirty_background_ratio $(cat /proc/sys/vm/dirty_background_ratio), vm.dirty_background_bytes $(cat /proc/sys/vm/dirty_background_bytes), vm.dirty_expire_centisecs $(cat /proc/sys/vm/dirty_expire_centisecs)"

echo "== constant ${RATE}/s with the worker draining: ${WARMUP} s warm-up, then 30 s measured"
ConnectionStrings__integrationsdb="$(login integrations_worker integrationsdb)" \
  dotnet services/Worker/bin/Release/net10.0/Worker.dll --urls "http://127.0.0.1:$WORKER_PORT" >"$work/worker.log" 2>&1 &
worker=$!
pids+=($worker)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$WORKER_PORT/alive" >/dev/null && break; sleep 0.5; done
# The generator answers its sockets on the epoll thread (no thread-pool hop per response), so it
# takes less of the two cores it shares with what it measures.
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 dotnet bench/LoadGen/bin/Release/net10.0/LoadGen.dll "$url/webhooks/github" "$RATE" 30 "$secret" "$WARMUP"
sleep 2
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d integrationsdb -tAc \
  "SELECT 'stored ' || count(*) || ', done ' || count(*) FILTER (WHERE state = 'done') || ', 202-to-done p50 ' || round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - received_at)) * 1000)::numeric, 1) || ' ms, p99 ' || round((percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - received_at)) * 1000)::numeric, 1) || ' ms (measured window)' FROM deliveries WHERE received_at >= (SELECT min(received_at) FROM deliveries) + make_interval(secs => $WARMUP)"
echo "worker peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' /proc/$worker/status)"
kill "$worker"; wait "$worker" 2>/dev/null || true

echo "== throughput: wrk -t2 -c64 -d${SECONDS_PER_RUN}s (receiver + PostgreSQL; worker stopped)"
BENCH_RUN="max-$$" wrk -t2 -c64 -d"${SECONDS_PER_RUN}s" --latency -s bench/github-ping.lua "$url" | grep -E "accepted|latency ms"
echo "receiver peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' /proc/$receiver/status)"
