#!/bin/sh
# Rendered by redis-kube. Starts one Redis pod: writes the runtime config (the role's redis.conf from
# the ConfigMap, plus the password and the master to follow, which never land in the ConfigMap), then
# becomes redis-server so that it receives SIGTERM and shuts down gracefully.
#
# Environment: REDIS_ROLE (master|replica), REDIS_MASTER_HOST, REDIS_MASTER_PORT, REDIS_ANNOUNCE_HOST,
# REDIS_PASSWORD_FILE (optional: the mounted Secret), REDIS_CONFIG_DIR, REDIS_RUNTIME_DIR,
# REDIS_METRICS_USER and REDIS_METRICS_PASSWORD_FILE (optional: the metrics exporter's own user),
# REDIS_REPLICA_PRIORITY (optional: overrides the role's replica-priority from the first moment on).
set -eu

config_dir="${REDIS_CONFIG_DIR:-/etc/redis-kube}"
runtime_dir="${REDIS_RUNTIME_DIR:-/run/redis-kube}"
role="${REDIS_ROLE:?REDIS_ROLE must be master or replica}"
runtime_conf="$runtime_dir/redis.conf"
# REDIS_PASSWORD from the file, as Redis and redis-cli use it (one trailing newline stripped, control
# characters refused)
. "$config_dir/password.sh"

case "$role" in
  master|replica) ;;
  *) echo "redis-kube: REDIS_ROLE must be master or replica, was '$role'" >&2; exit 64 ;;
esac

# A value inside double quotes, as redis.conf reads it.
quoted() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

umask 077
{
  printf 'include %s\n' "$config_dir/$role.conf"
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    printf 'requirepass %s\n' "$(quoted "$REDIS_PASSWORD")"
    printf 'masterauth %s\n' "$(quoted "$REDIS_PASSWORD")"
  fi
  # the metrics exporter: INFO and the latency, slowlog and memory reports it scrapes, nothing else (no CONFIG
  # GET: it would show requirepass)
  redis_kube_metrics_user +ping +info +client\|setname +slowlog\|get +slowlog\|len +latency\|latest \
    +latency\|histogram +memory\|stats +module\|list +select +dbsize +cluster\|info
  if [ -n "${REDIS_ANNOUNCE_HOST:-}" ]; then
    printf 'replica-announce-ip %s\n' "$REDIS_ANNOUNCE_HOST"
  fi
  if [ -n "${REDIS_REPLICA_PRIORITY:-}" ]; then
    printf 'replica-priority %s\n' "$REDIS_REPLICA_PRIORITY"
  fi
  if [ "$role" = replica ]; then
    printf 'replicaof %s %s\n' "${REDIS_MASTER_HOST:?REDIS_MASTER_HOST must name the master}" "${REDIS_MASTER_PORT:-6379}"
  fi
} > "$runtime_conf"

echo "redis-kube: starting $role${REDIS_ANNOUNCE_HOST:+ as $REDIS_ANNOUNCE_HOST}"
exec redis-server "$runtime_conf"
