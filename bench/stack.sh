#!/usr/bin/env bash
# Whole-stack benchmark: starts every resource as ./run.sh does (AppHost in Release, DCP proxies, the
# dashboard ingesting telemetry; sandbox mode, Redis and PostgreSQL as local processes on a throwaway
# data directory, random secrets), then
#   1. idle RSS of every resource's process tree, 30 s after all are healthy;
#   T. throughput: signed pushes as fast as wrk -t2 -c32 sends them for 10 s, drained through the whole
#      stack (deliveries/s from first receipt to last completion, CPU µs per delivery per process),
#      then the same wrk against the seed's Node receiver (bench/peer, verify + log only), side by side;
#   2. signed GitHub push deliveries at a constant arrival rate (open model): the 202's latency,
#      and end-to-end latency from the 202 to the push summary's 'succeeded' audit row, with the
#      throughput the stack processed and whether it kept up;
#   3. with --soak, a steady load for the given minutes, RSS sampled every 30 s: start, end, growth.
# Stops the stack at the end. Usage:
#   bench/stack.sh [--rate <deliveries/s> (1000)] [--seconds <s> (60)] [--idle <s> (30)] [--drain-timeout <s> (300)]
#   bench/stack.sh --soak <minutes> [--soak-rate <deliveries/s> (100)]
#   --statements yes adds PostgreSQL's statements by execution time per delivery to the throughput phase
#   and to the constant-rate phase.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prerequisites.sh
# Building the bench builds the AppHost and every service in Release; the AppHost runs them from there.
dotnet build bench/Stack.Bench/Stack.Bench.csproj -c Release --nologo -v quiet
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || { echo "install wrk" >&2; exit 1; }
command -v node >/dev/null || { echo "install Node.js (the peer receiver runs on it)" >&2; exit 1; }
# As ./run.sh: the dashboard over plain HTTP (a fresh machine has no development certificate).
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true
exec dotnet bench/Stack.Bench/bin/Release/net10.0/Stack.Bench.dll "$@"
