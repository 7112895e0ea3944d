#!/usr/bin/env bash
# Runs redis-server as a local Aspire executable when no container runtime is available.
# Inputs (environment): REDIS_PORT, REDIS_DATA_DIR, REDIS_PASSWORD.
# The password goes into a 0600 config file, never onto the command line, so it does not show
# in the process list or the dashboard's argument view. AOF persistence keeps queued work
# across restarts.
set -euo pipefail
: "${REDIS_PORT:?}" "${REDIS_DATA_DIR:?}" "${REDIS_PASSWORD:?}"
command -v redis-server >/dev/null || { echo "redis-server is not installed: apt-get install -y redis-server" >&2; exit 127; }
mkdir -p "$REDIS_DATA_DIR"
conf="$REDIS_DATA_DIR/redis.conf"
umask 077
cat > "$conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
dir $REDIS_DATA_DIR
appendonly yes
appendfsync everysec
save ""
requirepass $REDIS_PASSWORD
protected-mode yes
CONF
exec redis-server "$conf"
