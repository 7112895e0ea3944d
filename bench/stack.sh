#!/usr/bin/env bash
# Whole-stack benchmark: starts every resource through the real AppHost (sandbox mode, Redis and
# PostgreSQL as local processes on a throwaway data directory, random secrets and ports), then
#   1. idle RSS of every resource's process tree, 30 s after all are healthy;
#   2. signed GitHub push deliveries at a constant arrival rate (open model): the 202's latency,
#      and end-to-end latency from the 202 to the push summary's 'succeeded' audit row, with the
#      throughput the stack processed and whether it kept up;
#   3. with --soak, a steady load for the given minutes, RSS sampled every 30 s: start, end, growth.
# Stops the stack at the end. Usage:
#   bench/stack.sh [--rate <deliveries/s> (1000)] [--seconds <s> (60)] [--idle <s> (30)] [--drain-timeout <s> (300)]
#   bench/stack.sh --soak <minutes> [--soak-rate <deliveries/s> (100)]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prerequisites.sh
# Building the bench builds the AppHost and every service in Release; the AppHost runs them from there.
dotnet build bench/Stack.Bench/Stack.Bench.csproj -c Release --nologo -v quiet
exec dotnet bench/Stack.Bench/bin/Release/net10.0/Stack.Bench.dll "$@"
