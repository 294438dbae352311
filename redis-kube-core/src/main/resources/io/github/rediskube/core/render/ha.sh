#!/bin/sh
# Rendered by redis-kube. High availability with Sentinel: one script, one sub-command per job.
#   ha.sh start       Redis pod: ask the Sentinels who the master is and start as its replica; start as
#                     the master only when the Sentinels name this pod and no replica can hold data
#                     (first bootstrap), so an ex-master never comes back empty and wipes its replicas
#   ha.sh sentinel    Sentinel pod: write a writable sentinel.conf (Sentinel rewrites it) and run Sentinel
#   ha.sh readiness   Redis pod readiness: record the live role for the labeler, require the pod's role
#                     label to match it (when REDIS_ROLE_DIR is set), then probe.sh readiness for that role
#   ha.sh liveness    Redis pod liveness: probe.sh liveness, and a replica whose link is down while the
#                     Sentinels name another master than the one it follows (they never knew it, e.g. it
#                     joined in the last 10 s before a failover) fails, so the kubelet restarts it to follow
#   ha.sh sentinel-probe   Sentinel answers PING
#   ha.sh prestop     Redis pod about to stop: a master asks the Sentinels to fail over first and waits,
#                     bounded, until it is a replica
#   ha.sh label       sidecar: keep label redis-kube.github.io/role of this pod equal to the recorded role
#
# Environment: REDIS_SENTINELS ("host:port host:port ..."), REDIS_MASTER_SET, REDIS_ROLE (the StatefulSet's
# role: master-0 bootstraps as master), REDIS_MASTER_HOST/PORT (the bootstrap master), REDIS_ANNOUNCE_HOST,
# REDIS_PORT, REDIS_MODE (cache|storage), REDIS_PASSWORD (optional, also the Sentinels' password),
# REDIS_CONFIG_DIR, REDIS_RUNTIME_DIR, REDIS_ROLE_DIR (optional), SENTINEL_PORT, SENTINEL_QUORUM,
# SENTINEL_ANNOUNCE_HOST, POD_NAME.
set -eu

config_dir="${REDIS_CONFIG_DIR:-/etc/redis-kube}"
runtime_dir="${REDIS_RUNTIME_DIR:-/run/redis-kube}"
set_name="${REDIS_MASTER_SET:-}"
# REDIS_PASSWORD and REDISCLI_AUTH by the same rule as start.sh (one trailing newline stripped)
. "$config_dir/password.sh"

say() {
  echo "redis-kube: $*"
}

quoted() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')"
}

# cli HOST PORT ARGS...: one redis-cli call, bounded.
cli() {
  h="$1"; p="$2"; shift 2
  timeout "${CLI_TIMEOUT:-3}" redis-cli --no-auth-warning --raw -h "$h" -p "$p" "$@" 2>/dev/null
}

# Prints "epoch host port known-replicas" of the master the Sentinels agree on (the highest config
# epoch among those that answer); fails when none answers.
ask_sentinels() {
  best=""
  best_epoch=-1
  for s in ${REDIS_SENTINELS:?REDIS_SENTINELS must list the Sentinels}; do
    reply="$(cli "${s%:*}" "${s##*:}" SENTINEL master "$set_name" | tr -d '\r')" || continue
    line="$(printf '%s\n' "$reply" | awk '
      prev == "ip" { ip = $0 } prev == "port" { port = $0 } prev == "num-slaves" { n = $0 }
      prev == "config-epoch" { e = $0 } { prev = $0 }
      END { if (ip != "" && port ~ /^[0-9]+$/ && e ~ /^[0-9]+$/) print e, ip, port, (n == "" ? 0 : n) }')"
    [ -n "$line" ] || continue
    epoch="${line%% *}"
    if [ "$epoch" -gt "$best_epoch" ]; then
      best="$line"
      best_epoch="$epoch"
    fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

# Redis' own files, not "anything in the volume": a fresh ext4 volume already holds lost+found.
has_data() {
  data_dir="${REDIS_DATA_DIR:-/data}"
  [ -s "$data_dir/dump.rdb" ] && return 0
  for f in "$data_dir"/appendonlydir/*.rdb "$data_dir"/appendonlydir/*.aof; do
    [ -s "$f" ] && return 0
  done
  return 1
}

start_redis() {
  me="${REDIS_ANNOUNCE_HOST:?REDIS_ANNOUNCE_HOST must name this pod}:${REDIS_PORT:-6379}"
  tries=0
  while :; do
    if answer="$(ask_sentinels)"; then
      # shellcheck disable=SC2086
      set -- $answer
      if [ "$2:$3" != "$me" ]; then
        say "the Sentinels name $2:$3 the master (epoch $1): starting as its replica"
        export REDIS_ROLE=replica REDIS_MASTER_HOST="$2" REDIS_MASTER_PORT="$3"
        exec sh "$config_dir/start.sh"
      fi
      if [ "$4" = 0 ]; then
        say "the Sentinels name this pod the master and know no replica (first start): starting as master"
        export REDIS_ROLE=master
        exec sh "$config_dir/start.sh"
      fi
      if [ "${REDIS_MODE:-cache}" = storage ] && has_data; then
        say "the Sentinels name this pod the master; it restarts from its own data on disk"
        export REDIS_ROLE=master
        exec sh "$config_dir/start.sh"
      fi
      msg="the Sentinels still name this pod the master and $4 replica(s) hold the data: waiting for them to promote one (never starting empty)"
    else
      msg="no Sentinel of [${REDIS_SENTINELS}] answers yet: waiting (a master is only chosen with them)"
    fi
    if [ $((tries % 10)) -eq 0 ]; then
      say "$msg"
    fi
    tries=$((tries + 1))
    sleep 1
  done
}

start_sentinel() {
  port="${SENTINEL_PORT:-26379}"
  conf="$runtime_dir/sentinel.conf"
  host="${REDIS_MASTER_HOST:?REDIS_MASTER_HOST must name the bootstrap master}"
  mport="${REDIS_MASTER_PORT:-6379}"
  if answer="$(CLI_TIMEOUT=2 ask_sentinels)"; then
    # shellcheck disable=SC2086
    set -- $answer
    host="$2"
    mport="$3"
    say "the other Sentinels name $host:$mport the master (epoch $1)"
  fi
  tries=0
  until getent hosts "$host" >/dev/null 2>&1 || [ "$host" = 127.0.0.1 ]; do
    if [ $((tries % 10)) -eq 0 ]; then
      say "waiting until the master's name $host resolves"
    fi
    tries=$((tries + 1))
    sleep 1
  done
  umask 077
  {
    cat "$config_dir/sentinel.conf"
    printf 'sentinel monitor %s %s %s %s\n' "$set_name" "$host" "$mport" "${SENTINEL_QUORUM:?SENTINEL_QUORUM}"
    cat "$config_dir/sentinel-master.conf"
    if [ -n "${SENTINEL_ANNOUNCE_HOST:-}" ]; then
      printf 'sentinel announce-ip %s\n' "$SENTINEL_ANNOUNCE_HOST"
    fi
    if [ -n "${REDIS_PASSWORD:-}" ]; then
      printf 'requirepass %s\n' "$(quoted "$REDIS_PASSWORD")"
      printf 'sentinel sentinel-pass %s\n' "$(quoted "$REDIS_PASSWORD")"
      printf 'sentinel auth-pass %s %s\n' "$set_name" "$(quoted "$REDIS_PASSWORD")"
    fi
  } > "$conf"
  say "starting Sentinel on port $port monitoring $set_name at $host:$mport"
  exec redis-sentinel "$conf"
}

live_role() {
  info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" info replication | tr -d '\r')"
  case "$(printf '%s\n' "$info" | sed -n 's/^role://p')" in
    master) echo master ;;
    slave) echo replica ;;
    *) return 1 ;;
  esac
}

readiness() {
  if ! role="$(live_role)"; then
    echo "not ready: no reply to INFO replication"
    exit 1
  fi
  if [ -n "${REDIS_ROLE_DIR:-}" ]; then
    printf '%s' "$role" > "$REDIS_ROLE_DIR/role"
    labelled="$(cat "$REDIS_ROLE_DIR/labelled" 2>/dev/null || true)"
    if [ "$labelled" != "$role" ]; then
      echo "not ready: role label is '${labelled:-none}', the server is $role (the labeler sidecar updates it)"
      exit 1
    fi
  fi
  export REDIS_ROLE="$role"
  exec sh "$config_dir/probe.sh" readiness
}

liveness() {
  sh "$config_dir/probe.sh" liveness || exit 1
  info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" info replication | tr -d '\r')"
  case "$info" in
    *role:slave*master_link_status:down*) ;;
    *) exit 0 ;;
  esac
  following="$(printf '%s\n' "$info" | sed -n 's/^master_host://p'):$(printf '%s\n' "$info" | sed -n 's/^master_port://p')"
  if answer="$(CLI_TIMEOUT=1 ask_sentinels)"; then
    # shellcheck disable=SC2086
    set -- $answer
    me="${REDIS_ANNOUNCE_HOST:-}:${REDIS_PORT:-6379}"
    if [ "$2:$3" != "$following" ] && [ "$2:$3" != "$me" ]; then
      echo "not alive: this replica follows $following, but the Sentinels name $2:$3 the master; restart to follow it"
      exit 1
    fi
  fi
  exit 0
}

prestop() {
  role="$(live_role || true)"
  if [ "$role" != master ]; then
    exit 0
  fi
  for s in $REDIS_SENTINELS; do
    if [ "$(cli "${s%:*}" "${s##*:}" SENTINEL failover "$set_name" | tr -d '\r')" = OK ]; then
      say "asked the Sentinel at $s to fail over before this master stops"
      break
    fi
  done
  waited=0
  while [ "$waited" -lt "${PRESTOP_WAIT_SECONDS:-15}" ]; do
    if [ "$(live_role || true)" = replica ]; then
      say "failed over: this pod is a replica now, shutting down"
      exit 0
    fi
    sleep 1
    waited=$((waited + 1))
  done
  say "no failover within ${PRESTOP_WAIT_SECONDS:-15}s; shutting down anyway (the Sentinels fail over after down-after)"
}

label() {
  dir="${REDIS_ROLE_DIR:?REDIS_ROLE_DIR must name the shared role directory}"
  last=""
  while :; do
    role="$(cat "$dir/role" 2>/dev/null || true)"
    if [ -n "$role" ] && [ "$role" != "$last" ]; then
      if kubectl label pod "${POD_NAME:?POD_NAME}" --overwrite "redis-kube.github.io/role=$role" >/dev/null; then
        printf '%s' "$role" > "$dir/labelled"
        say "labelled pod $POD_NAME role=$role"
        last="$role"
      else
        say "cannot label pod $POD_NAME role=$role (RBAC: get and patch on pods); retrying" >&2
      fi
    fi
    sleep 1
  done
}

case "${1:-}" in
  start) start_redis ;;
  sentinel) start_sentinel ;;
  readiness) readiness ;;
  liveness) liveness ;;
  sentinel-probe)
    reply="$(cli 127.0.0.1 "${SENTINEL_PORT:-26379}" ping || true)"
    [ "$reply" = PONG ] || { echo "Sentinel not answering: $reply"; exit 1; }
    ;;
  prestop) prestop ;;
  label) label ;;
  *) echo "usage: ha.sh start|sentinel|readiness|liveness|sentinel-probe|prestop|label" >&2; exit 64 ;;
esac
