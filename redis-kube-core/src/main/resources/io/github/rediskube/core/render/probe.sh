#!/bin/sh
# Rendered by redis-kube. Health checks of one Redis pod, run by the kubelet:
#   probe.sh readiness   PING answers PONG (with auth); a replica must also be linked to its master
#   probe.sh liveness    the server answers at all: any reply, PONG or an error such as LOADING (a big
#                        dataset still loading), counts as alive, so a slow start is not killed
# Environment: REDIS_ROLE, REDIS_PORT (default 6379), REDIS_PASSWORD_FILE (optional: the mounted Secret, read
# at every run, so a rotated password reaches the probes of running pods), PROBE_TIMEOUT (seconds),
# REDIS_TLS_DIR (optional: the mounted certificates; the probes then connect over TLS).
set -u

port="${REDIS_PORT:-6379}"
# REDIS_PASSWORD and REDISCLI_AUTH from the file, by the same rule as start.sh (one trailing newline stripped)
. "$(dirname "$0")/password.sh"

cli() {
  redis_kube_cli "${PROBE_TIMEOUT:-4}" --no-raw -h 127.0.0.1 -p "$port" "$@" 2>&1
}

case "${1:-}" in
  liveness)
    reply="$(cli ping)"
    case "$reply" in
      *PONG*|*"(error) "*) exit 0 ;;
      *) echo "not alive: $reply"; exit 1 ;;
    esac
    ;;
  readiness)
    reply="$(cli ping)"
    case "$reply" in
      *PONG*) ;;
      *) echo "not ready: $reply"; exit 1 ;;
    esac
    if [ "${REDIS_ROLE:-master}" = replica ]; then
      link="$(cli info replication | tr -d '\r' | sed -n 's/^master_link_status://p')"
      if [ "$link" != up ]; then
        echo "not ready: replica not linked to its master (master_link_status:${link:-unknown})"
        exit 1
      fi
    fi
    exit 0
    ;;
  *)
    echo "usage: probe.sh readiness|liveness" >&2
    exit 64
    ;;
esac
