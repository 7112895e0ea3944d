#!/usr/bin/env bash
# Benchmarks the gate's rate-limit decisions: builds the gate and the benchmark in Release, then
# the benchmark starts redis-server and the gate on free loopback ports by itself and prints a
# Markdown table (decisions/s, p50/p99 latency) for the HTTP API and for GateClient.
# Options: --duration <s> (10) --concurrency <n> (32) --batch <n> (100) --rate <per s> (5000).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 127; }
dotnet build services/Gate/Gate.csproj -c Release --nologo -v quiet
dotnet build bench/Gate.Bench/Gate.Bench.csproj -c Release --nologo -v quiet
exec dotnet bench/Gate.Bench/bin/Release/net10.0/Gate.Bench.dll --gate services/Gate/bin/Release/net10.0/Gate.dll "$@"
