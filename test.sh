#!/usr/bin/env bash
# Builds and runs the whole test suite: unit tests, and integration tests that start the real
# AppHost with real Redis and PostgreSQL. Prints a closing "N passed, N failed" line summed over
# every test assembly, and exits non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh

dotnet build Integrations.sln -c Release --nologo -v quiet

log=$(mktemp)
status=0
dotnet test Integrations.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$log" || status=$?

# `dotnet test` prints one summary per assembly: "Passed!  - Failed: 0, Passed: 22, Skipped: 0, ...".
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
assemblies=$(grep -Ec '^(Passed|Failed)! ' "$log" || true)
rm -f "$log"

echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$assemblies" -lt 1 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
