#!/usr/bin/env bash
# Starts the whole Integrations stack (AppHost, six services, Redis, PostgreSQL) and prints the
# Aspire dashboard URL with its login token. Ctrl+C stops everything; data stays in .data/.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/prerequisites.sh

# No development certificate exists on a fresh machine, so the dashboard is served over plain HTTP.
export ASPIRE_ALLOW_UNSECURED_TRANSPORT=true

# PostgreSQL refuses to run as root, so as root it runs as the postgres user, which must be able
# to reach the data folder. If this checkout sits somewhere it cannot (e.g. under /root), keep the
# data in /var/lib/integrations instead.
if [ "$(id -u)" = "0" ] && [ -z "${Infra__DataDirectory:-}" ] && ! runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
  export Infra__DataDirectory="/var/lib/integrations/$(basename "$PWD")"
  mkdir -p "$Infra__DataDirectory"
  echo "Data folder: $Infra__DataDirectory (the postgres user cannot reach $PWD)"
  # The operator file (each API's URL and key) stays in the checkout, where the CLI looks for it.
  export Operator__File="$PWD/.data/operator.json"
fi

# Release, so the stack users run is the build bench/stack.sh measures (debug from an IDE instead).
exec dotnet run --project AppHost -c Release --launch-profile http "$@"
