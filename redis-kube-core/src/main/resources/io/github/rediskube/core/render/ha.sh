#!/bin/sh
# Rendered by redis-kube. High availability with Sentinel: one script, one sub-command per job.
#   ha.sh start       Redis pod: ask the Sentinels who the master is and start as its replica; start as
#                     the master only when the Sentinels name this pod and no replica can hold data
#                     (first bootstrap) and no other pod already serves as a master with data, so an
#                     ex-master never comes back empty and wipes its replicas
#   ha.sh sentinel    Sentinel pod: write a writable sentinel.conf (Sentinel rewrites it) and run Sentinel.
#                     The master to monitor: the state this Sentinel kept (SENTINEL_STATE_DIR, a volume in
#                     STORAGE mode), else what the other Sentinels say, else the master the Redis pods
#                     themselves report (INFO replication), else the bootstrap master
#   ha.sh readiness   Redis pod readiness: a master the Sentinels do not name is not ready (and steps down
#                     to a replica of the one they name); record the live role for the labeler, require the
#                     pod's role label to match it (when REDIS_ROLE_DIR is set), then probe.sh readiness
#   ha.sh liveness    Redis pod liveness: probe.sh liveness, and a replica whose link is down while the
#                     Sentinels name another master than the one it follows (they never knew it, e.g. it
#                     joined in the last 10 s before a failover) fails, so the kubelet restarts it to follow
#   ha.sh sentinel-probe   Sentinel answers PING
#   ha.sh prestop     Redis pod about to stop: a master pauses writes, waits until its replicas hold every
#                     write, asks the Sentinels to fail over, follows the new master as soon as they name
#                     it, then lets the paused clients go on (they get READONLY); bounded
#   ha.sh label       sidecar: keep label rediskube.github.io/role of this pod equal to the recorded role
# Waiting sub-commands (start, sentinel, label) end within a second of SIGTERM: a shell that is PID 1
# has no default signal action, so they wait in a child process and trap the signal.
#
# Environment: REDIS_SENTINELS ("host:port host:port ..."), REDIS_MASTER_SET, REDIS_ROLE (the StatefulSet's
# role: master-0 bootstraps as master), REDIS_MASTER_HOST/PORT (the bootstrap master), REDIS_ANNOUNCE_HOST,
# REDIS_PORT, REDIS_MODE (cache|storage), REDIS_PASSWORD_FILE (optional, also the Sentinels' password),
# REDIS_CONFIG_DIR (its file redis-peers lists every Redis pod as host:port), REDIS_RUNTIME_DIR,
# REDIS_ROLE_DIR (optional), SENTINEL_PORT, SENTINEL_QUORUM, SENTINEL_ANNOUNCE_HOST, SENTINEL_STATE_DIR
# (optional), POD_NAME, PRESTOP_WAIT_SECONDS (default 15).
set -eu

config_dir="${REDIS_CONFIG_DIR:-/etc/redis-kube}"
runtime_dir="${REDIS_RUNTIME_DIR:-/run/redis-kube}"
set_name="${REDIS_MASTER_SET:-}"
# REDIS_PASSWORD and REDISCLI_AUTH by the same rule as start.sh (one trailing newline stripped), read
# from the mounted Secret now and again at each cli call (redis_kube_password): a rotation reaches them
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
  redis_kube_password
  timeout "${CLI_TIMEOUT:-3}" redis-cli --no-auth-warning --raw -h "$h" -p "$p" "$@" 2>/dev/null
}

# field NAME: the value of NAME: in the INFO text on stdin.
field() {
  tr -d '\r' | sed -n "s/^$1://p"
}

# nap: one second of a waiting loop in the child of interruptible; the child ends once the shell that
# waits for it is gone ($$ stays that shell's pid in a subshell), so no loop outlives its container.
nap() {
  kill -0 "$$" 2>/dev/null || exit 0
  sleep 1
}

# interruptible FUNCTION ARGS...: runs FUNCTION in a child and waits for it. SIGTERM or SIGINT ends both
# at once: a trap runs only between commands, and `wait` is the one command a trap interrupts.
interruptible() {
  "$@" &
  child=$!
  trap 'kill "$child" 2>/dev/null; exit 143' TERM INT
  status=0
  wait "$child" || status=$?
  trap - TERM INT
  return "$status"
}

# Prints "epoch host port known-replicas" of the master the Sentinels agree on (the highest config
# epoch among those that answer); fails when none answers. The address is get-master-addr-by-name's:
# a Sentinel leading a failover already reports the new epoch in SENTINEL master, but the promoted
# replica's address only there, until the failover ends (which waits for every replica to follow).
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
    addr="$(cli "${s%:*}" "${s##*:}" SENTINEL get-master-addr-by-name "$set_name" | tr -d '\r' | tr '\n' ' ')" \
      || addr=""
    # shellcheck disable=SC2086
    set -- $line $addr
    if [ $# -eq 6 ]; then
      line="$1 $5 $6 $4"
    fi
    epoch="${line%% *}"
    if [ "$epoch" -gt "$best_epoch" ]; then
      best="$line"
      best_epoch="$epoch"
    fi
  done
  [ -n "$best" ] && printf '%s\n' "$best"
}

# Prints "host port" for each Redis pod of this deployment but EXCLUDE (host:port), from redis-peers.
peers() {
  [ -r "$config_dir/redis-peers" ] || return 0
  while read -r peer; do
    [ -z "$peer" ] || [ "$peer" = "${1:-}" ] || printf '%s %s\n' "${peer%:*}" "${peer##*:}"
  done < "$config_dir/redis-peers"
}

# Asks the Redis pods themselves (INFO replication) and prints "host port replicas offset" of the master
# to follow: of the pods that answer as master, the one with the most replicas, then the highest
# replication offset; fails when none answers as a master with data (replicas or a non-zero offset).
# With FOLLOWERS=file, writes "host port" of each pod that answers as a replica of that master there.
peer_master() {
  best=""
  all=""
  for peer in $(peers "${1:-}" | tr ' ' ':'); do
    h="${peer%:*}"; p="${peer##*:}"
    info="$(CLI_TIMEOUT=1 cli "$h" "$p" INFO replication)" || continue
    role="$(printf '%s\n' "$info" | field role)"
    if [ "$role" = master ]; then
      n="$(printf '%s\n' "$info" | field connected_slaves)"
      off="$(printf '%s\n' "$info" | field master_repl_offset)"
      all="$all$h $p ${n:-0} ${off:-0}
"
    elif [ "$role" = slave ]; then
      all="$all$h $p follows $(printf '%s\n' "$info" | field master_host):$(printf '%s\n' "$info" | field master_port)
"
    fi
  done
  best="$(printf '%s' "$all" | awk '$3 != "follows" && ($3 > 0 || $4 > 0)' | sort -k3,3nr -k4,4nr | head -n 1)"
  [ -n "$best" ] || return 1
  if [ -n "${FOLLOWERS:-}" ]; then
    # shellcheck disable=SC2086
    set -- $best
    printf '%s' "$all" | awk -v m="$1:$2" '$3 == "follows" && $4 == m { print $1, $2 }' > "$FOLLOWERS"
  fi
  printf '%s\n' "$best"
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

# choose_start: waits until this pod's role is known and writes "master" or "replica HOST PORT" to $decision.
choose_start() {
  me="${REDIS_ANNOUNCE_HOST:?REDIS_ANNOUNCE_HOST must name this pod}:${REDIS_PORT:-6379}"
  tries=0
  while :; do
    if answer="$(ask_sentinels)"; then
      # shellcheck disable=SC2086
      set -- $answer
      if [ "$2:$3" != "$me" ]; then
        say "the Sentinels name $2:$3 the master (epoch $1): starting as its replica"
        printf 'replica %s %s\n' "$2" "$3" > "$decision"
        return 0
      fi
      known="$4"
      if peer="$(peer_master "$me")"; then
        # shellcheck disable=SC2086
        set -- $peer
        say "the Sentinels name this pod the master, but $1:$2 serves as master with $3 replica(s) (offset $4): starting as its replica"
        printf 'replica %s %s\n' "$1" "$2" > "$decision"
        return 0
      fi
      if [ "$known" = 0 ]; then
        say "the Sentinels name this pod the master and know no replica (first start): starting as master"
        echo master > "$decision"
        return 0
      fi
      if [ "${REDIS_MODE:-cache}" = storage ] && has_data; then
        say "the Sentinels name this pod the master; it restarts from its own data on disk"
        echo master > "$decision"
        return 0
      fi
      msg="the Sentinels still name this pod the master and $known replica(s) hold the data: waiting for them to promote one (never starting empty)"
    else
      msg="no Sentinel of [${REDIS_SENTINELS}] answers yet: waiting (a master is only chosen with them)"
    fi
    if [ $((tries % 10)) -eq 0 ]; then
      say "$msg"
    fi
    tries=$((tries + 1))
    nap
  done
}

start_redis() {
  decision="$runtime_dir/start-decision"
  rm -f "$decision"
  interruptible choose_start
  # shellcheck disable=SC2046
  set -- $(cat "$decision")
  if [ "$1" = master ]; then
    export REDIS_ROLE=master
  else
    export REDIS_ROLE=replica REDIS_MASTER_HOST="$2" REDIS_MASTER_PORT="$3"
  fi
  exec sh "$config_dir/start.sh"
}

# choose_monitor: writes the master to monitor ("host port") to $decision, and Sentinel state lines to
# keep ($state: the kept ones, or known-replica lines of the followers the Redis pods report).
choose_monitor() {
  kept="$1"
  : > "$state"
  if [ -s "$kept" ]; then
    line="$(awk -v s="$set_name" '$1 == "sentinel" && $2 == "monitor" && $3 == s { print $4, $5; exit }' "$kept")"
    if [ -n "$line" ]; then
      grep -E '^sentinel (myid|current-epoch|config-epoch|leader-epoch|known-replica|known-sentinel) ' "$kept" \
        > "$state" || true
      say "restarting from this Sentinel's kept state: $set_name at ${line% *}:${line#* }"
      echo "$line" > "$decision"
      return 0
    fi
  fi
  if answer="$(CLI_TIMEOUT=2 ask_sentinels)"; then
    # shellcheck disable=SC2086
    set -- $answer
    say "the other Sentinels name $2:$3 the master (epoch $1)"
    echo "$2 $3" > "$decision"
    return 0
  fi
  followers="$runtime_dir/followers"
  if found="$(FOLLOWERS="$followers" peer_master)"; then
    # shellcheck disable=SC2086
    set -- $found
    say "no other Sentinel answers; the Redis pods name $1:$2 the master ($3 replica(s), offset $4)"
    echo "$1 $2" > "$decision"
    awk -v s="$set_name" '{ print "sentinel known-replica", s, $1, $2 }' "$followers" > "$state"
    return 0
  fi
  host="${REDIS_MASTER_HOST:?REDIS_MASTER_HOST must name the bootstrap master}"
  say "no other Sentinel answers and no Redis pod serves as a master with data: monitoring the bootstrap master"
  echo "$host ${REDIS_MASTER_PORT:-6379}" > "$decision"
  set -- "$host"
  tries=0
  until getent hosts "$1" >/dev/null 2>&1 || [ "$1" = 127.0.0.1 ]; do
    if [ $((tries % 10)) -eq 0 ]; then
      say "waiting until the master's name $1 resolves"
    fi
    tries=$((tries + 1))
    nap
  done
}

start_sentinel() {
  port="${SENTINEL_PORT:-26379}"
  conf="${SENTINEL_STATE_DIR:-$runtime_dir}/sentinel.conf"
  decision="$runtime_dir/monitor-decision"
  state="$runtime_dir/sentinel-state"
  kept="$runtime_dir/sentinel.kept"
  rm -f "$decision" "$kept"
  [ ! -s "$conf" ] || cp "$conf" "$kept"
  interruptible choose_monitor "$kept"
  # shellcheck disable=SC2046
  set -- $(cat "$decision")
  host="$1"
  mport="$2"
  redis_kube_password
  umask 077
  {
    cat "$config_dir/sentinel.conf"
    printf 'sentinel monitor %s %s %s %s\n' "$set_name" "$host" "$mport" "${SENTINEL_QUORUM:?SENTINEL_QUORUM}"
    cat "$config_dir/sentinel-master.conf"
    cat "$state"
    if [ -n "${SENTINEL_ANNOUNCE_HOST:-}" ]; then
      printf 'sentinel announce-ip %s\n' "$SENTINEL_ANNOUNCE_HOST"
    fi
    if [ -n "${REDIS_PASSWORD:-}" ]; then
      printf 'requirepass %s\n' "$(quoted "$REDIS_PASSWORD")"
      printf 'sentinel sentinel-pass %s\n' "$(quoted "$REDIS_PASSWORD")"
      printf 'sentinel auth-pass %s %s\n' "$set_name" "$(quoted "$REDIS_PASSWORD")"
    fi
  } > "$conf.new"
  mv "$conf.new" "$conf"
  rm -f "$kept"
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

# A master that the Sentinels do not name is not ready; it steps down to a replica of the one they name
# when that one answers as a master with at least as many replicas (never to an empty stray master).
master_named_elsewhere() {
  answer="$(CLI_TIMEOUT=1 ask_sentinels)" || return 1
  # shellcheck disable=SC2086
  set -- $answer
  [ "$2:$3" != "${REDIS_ANNOUNCE_HOST:-}:${REDIS_PORT:-6379}" ] || return 1
  mine="$(printf '%s\n' "$info" | sed -n 's/^connected_slaves://p')"
  theirs="$(CLI_TIMEOUT=1 cli "$2" "$3" INFO replication)" || theirs=""
  if [ "$(printf '%s\n' "$theirs" | field role)" = master ] \
      && [ "$(printf '%s\n' "$theirs" | field connected_slaves)" -ge "${mine:-0}" ]; then
    cli 127.0.0.1 "${REDIS_PORT:-6379}" REPLICAOF "$2" "$3" >/dev/null || true
    echo "not ready: the Sentinels name $2:$3 the master (epoch $1): stepping down to its replica"
  else
    echo "not ready: the Sentinels name $2:$3 the master (epoch $1), not this pod"
  fi
  return 0
}

readiness() {
  info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" info replication | tr -d '\r')" || info=""
  if ! role="$(live_role)"; then
    # say why (refused connection, or a password the server no longer takes: WRONGPASS)
    echo "not ready: no reply to INFO replication: $(timeout "${CLI_TIMEOUT:-3}" redis-cli --no-auth-warning \
      -h 127.0.0.1 -p "${REDIS_PORT:-6379}" ping 2>&1 | tr '\n' ' ')"
    exit 1
  fi
  if [ "$role" = master ] && master_named_elsewhere; then
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

# Exits 0 once every replica linked to this master has acknowledged its whole replication offset.
replicas_caught_up() {
  cli 127.0.0.1 "${REDIS_PORT:-6379}" INFO replication | tr -d '\r' | awk -F'[:,=]' '
    $1 == "master_repl_offset" { offset = $2 }
    $1 ~ /^slave[0-9]+$/ { for (i = 2; i < NF; i += 2) if ($i == "offset") acked[$1] = $(i + 1) }
    END { for (r in acked) if (acked[r] + 0 < offset + 0) exit 1; exit (offset == "") }'
}

prestop() {
  role="$(live_role || true)"
  if [ "$role" != master ]; then
    exit 0
  fi
  port="${REDIS_PORT:-6379}"
  me="${REDIS_ANNOUNCE_HOST:-}:$port"
  bound="${PRESTOP_WAIT_SECONDS:-15}"
  if [ "$(cli 127.0.0.1 "$port" INFO replication | field connected_slaves)" = 0 ]; then
    say "no replica is linked: nothing to fail over to, shutting down"
    exit 0
  fi
  # Writes wait (not fail) from here on; the pause ends by itself after the bound if this script dies.
  if [ "$(cli 127.0.0.1 "$port" CLIENT PAUSE "$((bound * 1000))" WRITE)" != OK ]; then
    say "cannot pause writes; failing over without the pause"
  fi
  start="$(date +%s)"
  until replicas_caught_up; do
    if [ $(($(date +%s) - start)) -ge 5 ]; then
      say "replicas still behind this master's offset after 5s: failing over anyway"
      break
    fi
    sleep 0.1
  done
  asked=""
  for s in $REDIS_SENTINELS; do
    if [ "$(CLI_TIMEOUT=2 cli "${s%:*}" "${s##*:}" SENTINEL failover "$set_name" | tr -d '\r')" = OK ]; then
      say "writes paused, replicas caught up; asked the Sentinel at $s to fail over before this master stops"
      asked="$s"
      break
    fi
  done
  while [ -n "$asked" ] && [ $(($(date +%s) - start)) -lt "$bound" ]; do
    for s in $REDIS_SENTINELS; do
      addr="$(CLI_TIMEOUT=1 cli "${s%:*}" "${s##*:}" SENTINEL get-master-addr-by-name "$set_name" | tr -d '\r' \
        | tr '\n' ' ')" || continue
      # shellcheck disable=SC2086
      set -- $addr
      if [ $# -ne 2 ] || [ "$1:$2" = "$me" ]; then
        continue
      fi
      if [ "$(CLI_TIMEOUT=1 cli "$1" "$2" INFO replication | field role)" = master ]; then
        cli 127.0.0.1 "$port" REPLICAOF "$1" "$2" >/dev/null || true
        cli 127.0.0.1 "$port" CLIENT UNPAUSE >/dev/null || true
        say "failed over: this pod is a replica of $1:$2 now, shutting down"
        exit 0
      fi
    done
    sleep 0.1
  done
  cli 127.0.0.1 "$port" CLIENT UNPAUSE >/dev/null || true
  if [ -z "$asked" ]; then
    say "no Sentinel accepted the failover; shutting down anyway (the Sentinels fail over after down-after)"
  else
    say "no failover within ${bound}s; shutting down anyway (the Sentinels fail over after down-after)"
  fi
}

label_loop() {
  dir="$1"
  last=""
  while :; do
    role="$(cat "$dir/role" 2>/dev/null || true)"
    if [ -n "$role" ] && [ "$role" != "$last" ]; then
      if kubectl label pod "${POD_NAME:?POD_NAME}" --overwrite "rediskube.github.io/role=$role" >/dev/null; then
        printf '%s' "$role" > "$dir/labelled"
        say "labelled pod $POD_NAME role=$role"
        last="$role"
      else
        say "cannot label pod $POD_NAME role=$role (RBAC: get and patch on pods); retrying" >&2
      fi
    fi
    nap
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
  label) interruptible label_loop "${REDIS_ROLE_DIR:?REDIS_ROLE_DIR must name the shared role directory}" ;;
  *) echo "usage: ha.sh start|sentinel|readiness|liveness|sentinel-probe|prestop|label" >&2; exit 64 ;;
esac
