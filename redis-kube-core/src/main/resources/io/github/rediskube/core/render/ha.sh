#!/bin/sh
# Rendered by redis-kube. High availability with Sentinel: one script, one sub-command per job.
#   ha.sh start       Redis pod: ask the Sentinels who the master is and start as its replica; start as
#                     the master only when the Sentinels name this pod and no replica can hold data
#                     (first bootstrap) and no other pod already serves as a master with data, so an
#                     ex-master never comes back empty and wipes its replicas; a Sentinel or Redis pod
#                     that does not answer in time is never taken for one that knows nothing. A replica
#                     restarted with data on its volume (STORAGE) is not promotable until it has synced
#                     and a STORAGE master restarts from its own files only when no replica kept its stream
#   ha.sh sentinel    Sentinel pod: write a writable sentinel.conf (Sentinel rewrites it) and run Sentinel.
#                     The master to monitor: the state this Sentinel kept (SENTINEL_STATE_DIR, a volume in
#                     STORAGE mode), else what the other Sentinels say, else the master the Redis pods
#                     themselves report (INFO replication; a silent pod is asked again, for 6 x down-after
#                     if other pods follow a master; replicas name their master when it is down), else the
#                     bootstrap master
#   ha.sh readiness   Redis pod readiness: a master the Sentinels do not name is not ready (and, when they
#                     do not know it as their replica, steps down to the one they name); record the live
#                     role for the labeler, require the
#                     pod's role label to match it (when REDIS_ROLE_DIR is set); a replica held at priority 0
#                     is ready once every Sentinel sees its priority restored; then probe.sh readiness
#   ha.sh liveness    Redis pod liveness: probe.sh liveness, and a replica whose link is down while the
#                     Sentinels name another master than the one it follows (they never knew it, e.g. it
#                     joined in the last 10 s before a failover) fails, so the kubelet restarts it to follow
#   ha.sh sentinel-probe   Sentinel answers PING; a Sentinel left apart at a tie (it names a replica of the
#                     master the others name at the same epoch) monitors that master
#   ha.sh prestop     Redis pod about to stop: a master refuses writes (NOREPLICAS), waits until its replicas
#                     hold every write it acknowledged, asks the Sentinels to fail over, follows the new
#                     master as soon as they name it (writes get READONLY from then on); bounded
#   ha.sh label       sidecar: keep label rediskube.github.io/role of this pod equal to the recorded role
# Waiting sub-commands (start, sentinel, label) end within a second of SIGTERM: a shell that is PID 1
# has no default signal action, so they wait in a child process and trap the signal.
#
# Environment: REDIS_SENTINELS ("host:port host:port ..."), REDIS_MASTER_SET, REDIS_ROLE (the StatefulSet's
# role: master-0 bootstraps as master), REDIS_MASTER_HOST/PORT (the bootstrap master), REDIS_ANNOUNCE_HOST,
# REDIS_PORT, REDIS_MODE (cache|storage), REDIS_PASSWORD_FILE (optional, also the Sentinels' password),
# REDIS_CONFIG_DIR (its file redis-peers lists every Redis pod as host:port), REDIS_RUNTIME_DIR,
# REDIS_ROLE_DIR (optional), SENTINEL_PORT, SENTINEL_QUORUM, SENTINEL_ANNOUNCE_HOST, SENTINEL_STATE_DIR
# (optional), REDIS_METRICS_USER and REDIS_METRICS_PASSWORD_FILE (optional: the exporter's user),
# SENTINEL_SILENT_WAIT_SECONDS (default 6 x down-after), POD_NAME, PRESTOP_WAIT_SECONDS (default 15).
set -eu

config_dir="${REDIS_CONFIG_DIR:-/etc/redis-kube}"
runtime_dir="${REDIS_RUNTIME_DIR:-/run/redis-kube}"
peers_seen="$runtime_dir/peers-seen"
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
  redis_kube_cli "${CLI_TIMEOUT:-3}" --no-auth-warning --raw -h "$h" -p "$p" "$@" 2>/dev/null
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

# ask HOST PORT ARGS...: one bounded redis-cli call that tells "no answer" from "nothing runs there".
# Prints the reply (without \r); returns 0 with a reply, 1 when nothing listens there (connection refused,
# a name that does not resolve), 2 when the server did not answer in time: a stopped, hung or starved
# process accepts the connection and never replies, so it may well know something. Never read 2 as empty.
ask() {
  status=0
  out="$(cli "$@")" || status=$?
  printf '%s\n' "$out" | tr -d '\r'
  [ "$status" = 0 ] && return 0
  [ "$status" = 124 ] && return 2
  return 1
}

# Prints "epoch host port known silent doubt" of the master the Sentinels agree on: the highest config
# epoch among those that answer (at a tie, the master most of them name) and its address as
# get-master-addr-by-name gives it (a Sentinel leading a failover keeps the old master in SENTINEL master
# until the failover ends, and names the promoted replica only there). known: the most replicas a
# Sentinel naming that master knows; silent: Sentinels that did not answer both questions in time (they
# may know a newer configuration); doubt: Sentinels that answer but name another master, or are failing
# over. Fails when no Sentinel answers.
ask_sentinels() {
  seen=""
  silent=0
  for s in ${REDIS_SENTINELS:?REDIS_SENTINELS must list the Sentinels}; do
    status=0
    reply="$(ask "${s%:*}" "${s##*:}" SENTINEL master "$set_name")" || status=$?
    [ "$status" != 1 ] || continue
    if [ "$status" = 2 ]; then
      silent=$((silent + 1))
      continue
    fi
    addr="$(ask "${s%:*}" "${s##*:}" SENTINEL get-master-addr-by-name "$set_name")" || status=$?
    # shellcheck disable=SC2046,SC2086
    set -- $(printf '%s\n' "$reply" | awk '
      prev == "num-slaves" { n = $0 } prev == "config-epoch" { e = $0 } prev == "flags" { f = $0 } { prev = $0 }
      END { if (e ~ /^[0-9]+$/) print e, (n ~ /^[0-9]+$/ ? n : 0), (f == "" ? "-" : f) }') $addr
    if [ "$status" != 0 ] || [ $# -ne 5 ] || ! [ "$5" -gt 0 ] 2>/dev/null; then
      silent=$((silent + 1))
      continue
    fi
    seen="$seen$1 $4 $5 $2 $3
"
  done
  printf '%s' "$seen" | awk -v silent="$silent" '
    { e[NR] = $1 + 0; a[NR] = $2 " " $3; n[NR] = $4 + 0; f[NR] = $5; if ($1 + 0 > top || NR == 1) top = $1 + 0 }
    END {
      if (NR == 0) exit 1
      for (i = 1; i <= NR; i++) if (e[i] == top && ++votes[a[i]] > most) { most = votes[a[i]]; best = a[i] }
      known = 0; doubt = 0
      for (i = 1; i <= NR; i++) {
        if (a[i] != best) doubt++
        else if (n[i] > known) known = n[i]
        if (f[i] ~ /failover_in_progress/) doubt++
      }
      print top, best, known, silent, doubt
    }'
}

# Prints "host port" for each Redis pod of this deployment but EXCLUDE (host:port), from redis-peers.
peers() {
  [ -r "$config_dir/redis-peers" ] || return 0
  while read -r peer; do
    [ -z "$peer" ] || [ "$peer" = "${1:-}" ] || printf '%s %s\n' "${peer%:*}" "${peer##*:}"
  done < "$config_dir/redis-peers"
}

# Asks the Redis pods but EXCLUDE themselves (INFO replication) and writes what each said to $peers_seen,
# a line each: "host port master REPLICAS OFFSET", "host port follows MHOST:MPORT OFFSET LINK_DOWN_SECONDS"
# (-1: linked), "host port loading",
# "host port refuses ERROR" (it answers, but not its role), or "host port silent" (no answer in time, or no
# role: it may be a master); a pod where nothing runs is left out.
# Prints "host port replicas offset" of the master to follow: of the pods that answer as master, the one
# with the most replicas, then the highest replication offset; fails when none answers as a master with
# data (replicas or a non-zero offset). With FOLLOWERS=file, writes "host port" of each pod that answers
# as a replica of that master there.
peer_master() {
  : > "$peers_seen"
  for peer in $(peers "${1:-}" | tr ' ' ':'); do
    h="${peer%:*}"; p="${peer##*:}"
    status=0
    info="$(CLI_TIMEOUT=1 ask "$h" "$p" INFO replication)" || status=$?
    [ "$status" != 1 ] || continue
    off="$(printf '%s\n' "$info" | field master_repl_offset)"
    case "$(printf '%s\n' "$info" | field role)" in
      master) n="$(printf '%s\n' "$info" | field connected_slaves)"; echo "$h $p master ${n:-0} ${off:-0}" ;;
      slave) down="$(printf '%s\n' "$info" | field master_link_down_since_seconds)"
        echo "$h $p follows $(printf '%s\n' "$info" | field master_host):$(printf '%s\n' "$info" | field master_port) ${off:-0} ${down:--1}" ;;
      # an error reply is an answer: LOADING (alive, its data still loading: it will answer), NOAUTH/WRONGPASS
      # (alive, but it refuses our password, e.g. its password file is not refreshed yet: its role stays unknown)
      *) case "$info" in
           LOADING*) echo "$h $p loading" ;;
           NOAUTH*|WRONGPASS*|NOPERM*) echo "$h $p refuses ${info%% *}" ;;
           *) echo "$h $p silent" ;;
         esac ;;
    esac >> "$peers_seen"
  done
  best="$(awk '$3 == "master" && ($4 > 0 || $5 > 0)' "$peers_seen" | sort -k4,4nr -k5,5nr | head -n 1)"
  [ -n "$best" ] || return 1
  # shellcheck disable=SC2086
  set -- $best
  if [ -n "${FOLLOWERS:-}" ]; then
    awk -v m="$1:$2" '$3 == "follows" && $4 == m { print $1, $2 }' "$peers_seen" > "$FOLLOWERS"
  fi
  printf '%s %s %s %s\n' "$1" "$2" "$4" "$5"
}

# After peer_master: what speaks against this pod (ME, host:port) starting as a master although the
# Sentinels name it, one reason a line: Sentinels that did not answer in time (SILENT), that name another
# master or are failing over (DOUBT), Redis pods that did not answer in time (either may be the master),
# and pods that replicate another pod that is not itself a replica (so another master may exist). A pod
# that answers as a master with no replica and no data holds nothing a second master could lose; a pod
# where nothing listens serves as no master.
start_doubts() {
  [ "$2" = 0 ] || echo "$2 Sentinel(s) did not answer in time"
  [ "$3" = 0 ] || echo "$3 Sentinel(s) name another master or are failing over"
  awk -v me="$1" '$3 == "silent" { print $1 ":" $2 " did not answer in time" }
    $3 == "loading" { print $1 ":" $2 " is loading its data (LOADING)" }
    $3 == "refuses" { print $1 ":" $2 " answers " $4 " to our password (its role is unknown: is its password file refreshed?)" }
    $3 == "follows" { replica[$1 ":" $2] = 1; if ($4 != me) follows[$1 ":" $2] = $4 }
    END { for (r in follows) if (!(follows[r] in replica)) print r " replicates " follows[r] }' "$peers_seen"
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
# A Sentinel or Redis pod that does not answer is never taken for one that knows nothing: this pod starts
# as a master only when the Sentinels name it and nothing that answers, or fails to answer, speaks against it.
# An error reply is an answer and named as such (LOADING; NOAUTH/WRONGPASS: its role cannot be read). This wait
# has no timer, as nothing is safe at one: the Sentinels' failover, or the kubelet restarting a hung pod, ends it.
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
      doubts="$(start_doubts "$me" "$5" "$6" | awk '{ printf "%s%s", (NR > 1 ? "; " : ""), $0 }')"
      # replicas of this pod that kept its replication stream (they did not restart: offset > 0) and lost their
      # link to it within the last minute hold every write it acknowledged and they acknowledged; its own files
      # may not: with appendfsync everysec Redis acknowledges writes it holds back for up to 2 s while a slow
      # fsync runs, and a SIGKILL (OOM, kill -9) loses them; restarting from them, it would resync the replicas
      streamed="$(awk -v me="$me" '$3 == "follows" && $4 == me && $5 > 0 && $6 <= 60 { printf "%s%s:%s", (n++ ? " " : ""), $1, $2 }' "$peers_seen")"
      if [ -n "$doubts" ]; then
        msg="the Sentinels name this pod the master, but $doubts: waiting (never a second master)"
      elif [ "$known" = 0 ]; then
        say "the Sentinels name this pod the master and know no replica (first start): starting as master"
        echo master > "$decision"
        return 0
      elif [ "${REDIS_MODE:-cache}" = storage ] && has_data && [ -z "$streamed" ]; then
        say "the Sentinels name this pod the master; it restarts from its own data on disk"
        echo master > "$decision"
        return 0
      elif [ "${REDIS_MODE:-cache}" = storage ] && has_data; then
        msg="the Sentinels still name this pod the master, but $streamed kept its replication stream (its own files may miss writes it acknowledged): waiting for them to promote one"
      else
        [ "${REDIS_MODE:-cache}" != storage ] || release_held_replicas "$me"
        msg="the Sentinels still name this pod the master and $known replica(s) hold the data: waiting for them to promote one (never starting empty)"
      fi
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

# rendered_priority: the replica-priority of the rendered config (Redis' default, 100, when it sets none).
rendered_priority() {
  value="$(sed -n 's/^replica-priority[[:space:]]\{1,\}//p' "$config_dir/replica.conf" 2>/dev/null | tail -n 1)"
  echo "${value:-100}"
}

# A replica restarted with data from its volume holds data of unknown age: Redis 7 keeps no replication
# offset in the AOF, so every restarted replica reports offset 0, and Sentinel, seeing the master down
# while that pod still starts (its volume attaches late, it waits for the Sentinels), would promote
# whichever replica answers first, maybe the one with the oldest volume, and the master that comes back
# with the newest data would resync from it. Such a replica starts with replica-priority 0 (Sentinel
# never promotes it) and gets the rendered priority back once it has synced with a master (this runs in
# the background of its container and ends with the server), or when the pod the Sentinels name master
# comes back with no data at all (release_held_replicas): then the replicas' data is all there is.
promotable_once_synced() {
  while :; do
    nap
    info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" INFO replication | tr -d '\r')"
    case "$info" in
      *role:slave*master_link_status:up*|*role:master*) ;;
      *) continue ;;
    esac
    [ "$(config_value replica-priority)" = 0 ] || exit 0
    priority="$(rendered_priority)"
    if [ "$(cli 127.0.0.1 "${REDIS_PORT:-6379}" CONFIG SET replica-priority "$priority" | tr -d '\r')" = OK ]; then
      say "synced with $(printf '%s\n' "$info" | field master_host):$(printf '%s\n' "$info" | field master_port): replica-priority $priority again (the Sentinels may promote this pod)"
      exit 0
    fi
  done
}

# release_held_replicas ME: this pod, which the Sentinels name master, has no data: the replicas that
# follow it and are held at replica-priority 0 (restarted with data) hold all there is; let the Sentinels
# promote one of them.
release_held_replicas() {
  priority="$(rendered_priority)"
  awk -v me="$1" '$3 == "follows" && $4 == me { print $1, $2 }' "$peers_seen" | while read -r h p; do
    if [ "$(CLI_TIMEOUT=1 cli "$h" "$p" CONFIG GET replica-priority | tr -d '\r' | sed -n 2p)" = 0 ] \
        && [ "$(CLI_TIMEOUT=1 cli "$h" "$p" CONFIG SET replica-priority "$priority" | tr -d '\r')" = OK ]; then
      say "this pod has no data: $h:$p, held since it restarted with data, may be promoted again"
    fi
  done
  return 0
}

start_redis() {
  decision="$runtime_dir/start-decision"
  rm -f "$decision" "$runtime_dir/held"
  interruptible choose_start
  # shellcheck disable=SC2046
  set -- $(cat "$decision")
  if [ "$1" = master ]; then
    export REDIS_ROLE=master
  else
    export REDIS_ROLE=replica REDIS_MASTER_HOST="$2" REDIS_MASTER_PORT="$3"
    if [ "${REDIS_MODE:-cache}" = storage ] && has_data && [ "$(rendered_priority)" != 0 ]; then
      say "restarted with data of unknown age: replica-priority 0 (never promoted) until synced with $2:$3"
      export REDIS_REPLICA_PRIORITY=0
      : > "$runtime_dir/held"
      promotable_once_synced &
    fi
  fi
  exec sh "$config_dir/start.sh"
}

# choose_monitor: writes the master to monitor ("host port") to $decision, and Sentinel state lines to
# keep ($state: the kept ones, or known-replica lines of the followers the Redis pods report). A Redis pod
# that does not answer in time may be the master: ask again rather than fall back to the bootstrap master, for
# SENTINEL_SILENT_WAIT_SECONDS (default 6 x down-after, at least 10); then, if pods that answer replicate a
# master, monitor that one.
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
  followers="$runtime_dir/followers"
  tries=0
  since="$(date +%s)"
  # 6 x down-after, at least 10 s: well inside the 10 x down-after (counted from when they see the master down)
  # for which the Sentinels still promote a replica whose link to the master is down
  bound="$(awk -v s="$set_name" '$2 == "down-after-milliseconds" && $3 == s { w = int($4 * 6 / 1000) }
    END { print (w >= 10 ? w : 10) }' "$config_dir/sentinel-master.conf" 2>/dev/null || echo 30)"
  bound="${SENTINEL_SILENT_WAIT_SECONDS:-$bound}"
  while :; do
    if answer="$(CLI_TIMEOUT=2 ask_sentinels)"; then
      # shellcheck disable=SC2086
      set -- $answer
      say "the other Sentinels name $2:$3 the master (epoch $1)"
      echo "$2 $3" > "$decision"
      return 0
    fi
    if found="$(FOLLOWERS="$followers" peer_master)"; then
      # shellcheck disable=SC2086
      set -- $found
      say "no other Sentinel answers; the Redis pods name $1:$2 the master ($3 replica(s), offset $4)"
      echo "$1 $2" > "$decision"
      awk -v s="$set_name" '{ print "sentinel known-replica", s, $1, $2 }' "$followers" > "$state"
      return 0
    fi
    silent="$(awk '$3 == "silent" || $3 == "loading" || $3 == "refuses" { printf "%s%s:%s%s", (n++ ? " " : ""), $1, $2,
      ($3 == "loading" ? " (loading its data)" : $3 == "refuses" ? " (answers " $4 " to our password)" : "") }' "$peers_seen")"
    [ -n "$silent" ] || break
    if [ $(($(date +%s) - since)) -ge "$bound" ] && awk '$3 == "follows" { found = 1 } END { exit !found }' "$peers_seen"; then
      # bounded when pods that answer follow a master: a Sentinel that never starts fails nobody over, not even
      # away from a master that hangs for good; monitoring the master they follow (below) is what the Sentinels
      # did before they restarted. With no such pod the wait goes on (the bootstrap master may be the wrong one),
      # and a Redis pod itself never starts as a master while a pod that may hold newer data is silent.
      say "no other Sentinel answers and $silent still did not answer after ${bound}s: deciding from the pods that answer"
      break
    fi
    if [ $((tries % 10)) -eq 0 ]; then
      say "no other Sentinel answers and $silent did not answer in time (it may be the master): asking again"
    fi
    tries=$((tries + 1))
    nap
  done
  # the master that the pods which answer replicate, though it does not answer: with them as its known
  # replicas the Sentinels can fail over to one; the bootstrap master would know no replica
  followed="$(awk '$3 == "follows" { print $4 }' "$peers_seen" | sort | uniq -c | sort -k1,1nr | awk '{ print $2; exit }')"
  if [ -n "$followed" ]; then
    say "no other Sentinel answers and no Redis pod serves as a master with data; the pods that answer replicate $followed: monitoring it"
    set -- "${followed%:*}" "${followed##*:}"
    awk -v s="$set_name" -v m="$followed" '$3 == "follows" && $4 == m { print "sentinel known-replica", s, $1, $2 }' \
      "$peers_seen" > "$state"
  else
    say "no other Sentinel answers and no Redis pod serves as a master with data: monitoring the bootstrap master"
    set -- "${REDIS_MASTER_HOST:?REDIS_MASTER_HOST must name the bootstrap master}" "${REDIS_MASTER_PORT:-6379}"
  fi
  echo "$1 $2" > "$decision"
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
    # the metrics exporter: INFO and what Sentinel tells of the masters it monitors, nothing else
    redis_kube_metrics_user +ping +info +client\|setname +sentinel\|masters +sentinel\|master \
      +sentinel\|replicas +sentinel\|slaves +sentinel\|sentinels +sentinel\|ckquorum
  } > "$conf.new"
  mv "$conf.new" "$conf"
  rm -f "$kept"
  say "starting Sentinel on port $port monitoring $set_name at $host:$mport"
  exec redis-sentinel "$conf"
}

# heal_tie: this Sentinel names a master that answers as a replica, while the Sentinels that answer name
# another master at the same config epoch: a tie, as two failovers that overlap leave it (a Sentinel whose own
# failover ends after it took the newer epoch from the others switches back to its promoted replica at that
# epoch). Hellos settle only a newer epoch, so the tie stays until the next failover: clients asking this
# Sentinel get a replica, and it votes for no failover of the real master. Healed only when the master named
# here replicates the one the others name and that one answers as master: this Sentinel monitors that one
# (SENTINEL REMOVE and MONITOR, the rendered settings again), and takes the epoch from the others' hellos.
heal_tie() {
  port="${SENTINEL_PORT:-26379}"
  own="$(CLI_TIMEOUT=1 ask 127.0.0.1 "$port" SENTINEL master "$set_name")" || return 0
  # shellcheck disable=SC2046
  set -- $(printf '%s\n' "$own" | awk 'prev == "config-epoch" { e = $0 } prev == "flags" { f = $0 }
    prev == "role-reported" { r = $0 } { prev = $0 } END { print e, r, f }')
  [ $# -eq 3 ] && [ "$2" = slave ] || return 0
  case "$3" in *failover_in_progress*) return 0 ;; esac
  epoch="$1"
  # shellcheck disable=SC2046
  set -- $(CLI_TIMEOUT=1 cli 127.0.0.1 "$port" SENTINEL get-master-addr-by-name "$set_name" | tr -d '\r')
  [ $# -eq 2 ] || return 0
  named="$1:$2"
  answer="$(CLI_TIMEOUT=1 ask_sentinels)" || return 0
  # shellcheck disable=SC2086
  set -- $answer
  [ "$1" = "$epoch" ] && [ "$2:$3" != "$named" ] || return 0
  info="$(CLI_TIMEOUT=1 cli "${named%:*}" "${named##*:}" INFO replication)" || return 0
  [ "$(printf '%s\n' "$info" | field master_host):$(printf '%s\n' "$info" | field master_port)" = "$2:$3" ] || return 0
  [ "$(CLI_TIMEOUT=1 cli "$2" "$3" INFO replication | field role)" = master ] || return 0
  echo "healing a tie at epoch $epoch: this Sentinel named $named, a replica of $2:$3, which the other Sentinels name: monitoring $2:$3"
  [ "$(cli 127.0.0.1 "$port" SENTINEL REMOVE "$set_name" | tr -d '\r')" = OK ] || return 0
  if [ "$(cli 127.0.0.1 "$port" SENTINEL MONITOR "$set_name" "$2" "$3" "${SENTINEL_QUORUM:?SENTINEL_QUORUM}" | tr -d '\r')" != OK ]; then
    echo "cannot monitor $2:$3: monitoring $named again"
    cli 127.0.0.1 "$port" SENTINEL MONITOR "$set_name" "${named%:*}" "${named##*:}" "$SENTINEL_QUORUM" >/dev/null || true
  fi
  awk -v s="$set_name" '$1 == "sentinel" && $3 == s { print $2, $4 }' "$config_dir/sentinel-master.conf" |
    while read -r key value; do
      cli 127.0.0.1 "$port" SENTINEL SET "$set_name" "$key" "$value" >/dev/null || true
    done
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    cli 127.0.0.1 "$port" SENTINEL SET "$set_name" auth-pass "$REDIS_PASSWORD" >/dev/null || true
  fi
}

live_role() {
  info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" info replication | tr -d '\r')"
  case "$(printf '%s\n' "$info" | sed -n 's/^role://p')" in
    master) echo master ;;
    slave) echo replica ;;
    *) return 1 ;;
  esac
}

# Exits 0 when a Sentinel lists this pod among its replicas of the set. Such a master is the Sentinels' own
# to handle: the replica their failover is promoting (they name it only once they see it answer as master,
# up to a second after SLAVEOF NO ONE), or one that turned master by itself, which they make a replica
# again (+convert-to-slave) while their master looks sane.
sentinels_know_this_pod() {
  self="${REDIS_ANNOUNCE_HOST:-}:${REDIS_PORT:-6379}"
  for s in $REDIS_SENTINELS; do
    CLI_TIMEOUT=1 cli "${s%:*}" "${s##*:}" SENTINEL replicas "$set_name" | tr -d '\r' | awk -v self="$self" '
      NR % 2 == 1 { key = $0; next } key == "ip" { ip = $0 } key == "port" && ip ":" $0 == self { found = 1 }
      END { exit !found }' && return 0
  done
  return 1
}

# A master that the Sentinels do not name is not ready. When they do not know it either (e.g. an ex-master
# that came back as master after they restarted), it steps down to a replica of the one they name, if that
# one answers as a master with at least as many replicas (never to an empty stray master).
master_named_elsewhere() {
  answer="$(CLI_TIMEOUT=1 ask_sentinels)" || return 1
  # shellcheck disable=SC2086
  set -- $answer
  [ "$2:$3" != "${REDIS_ANNOUNCE_HOST:-}:${REDIS_PORT:-6379}" ] || return 1
  if sentinels_know_this_pod; then
    echo "not ready: the Sentinels name $2:$3 the master (epoch $1) and know this pod as their replica: theirs to promote or turn back, no step-down"
    return 0
  fi
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

# A replica that started held (replica-priority 0, see promotable_once_synced) is not ready until every
# Sentinel that answers lists it with the priority it has now: the Sentinels read a replica's priority from
# its INFO, only every 10 s once it is linked, and a failover asked before that (the preStop of the next pod
# a rolling update stops) would find no replica to promote and try again only after 2 x failover-timeout.
# Not ready keeps the StatefulSet from stopping the next pod. Once seen, the mark goes: readiness is cheap again.
seen_promotable() {
  held="$runtime_dir/held"
  [ -e "$held" ] || return 0
  want="$(config_value replica-priority)"
  if [ "${want:-0}" = 0 ]; then
    echo "not ready: replica-priority 0 until synced (restarted with data of unknown age)"
    return 1
  fi
  self="${REDIS_ANNOUNCE_HOST:-}:${REDIS_PORT:-6379}"
  for s in $REDIS_SENTINELS; do
    reply="$(CLI_TIMEOUT=1 ask "${s%:*}" "${s##*:}" SENTINEL replicas "$set_name")" || continue
    case "$reply" in
      ERR*|NOAUTH*|WRONGPASS*) continue ;;   # a Sentinel that does not monitor the set (yet) promotes nothing
    esac
    seen="$(printf '%s\n' "$reply" | awk -v self="$self" '
      NR % 2 == 1 { key = $0; next } key == "name" { ip = ""; port = "" } key == "ip" { ip = $0 } key == "port" { port = $0 }
      (key == "slave-priority" || key == "replica-priority") && ip ":" port == self { print; exit }')"
    if [ "$seen" != "$want" ]; then
      echo "not ready: the Sentinel at $s sees replica-priority ${seen:-none (does not list this pod yet)}, this pod has $want again (they read it every 10 s)"
      return 1
    fi
  done
  rm -f "$held"
}

readiness() {
  info="$(cli 127.0.0.1 "${REDIS_PORT:-6379}" info replication | tr -d '\r')" || info=""
  if ! role="$(live_role)"; then
    # say why (refused connection, or a password the server no longer takes: WRONGPASS)
    echo "not ready: no reply to INFO replication: $(redis_kube_cli "${CLI_TIMEOUT:-3}" --no-auth-warning \
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
  if [ "$role" = replica ]; then
    seen_promotable || exit 1
  else
    rm -f "$runtime_dir/held"
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

# Exits 0 once every replica linked to this master has acknowledged replication offset $1.
replicas_hold() {
  cli 127.0.0.1 "${REDIS_PORT:-6379}" INFO replication | tr -d '\r' | awk -F'[:,=]' -v want="$1" '
    $1 ~ /^slave[0-9]+$/ { for (i = 2; i < NF; i += 2) if ($i == "offset" && $(i + 1) + 0 < want + 0) behind = 1 }
    END { exit (want == "" || behind) }'
}

# named_master SENTINEL: prints "host port" of the master the Sentinel at host:port names (get-master-addr-by-name).
named_master() {
  CLI_TIMEOUT=1 cli "${1%:*}" "${1##*:}" SENTINEL get-master-addr-by-name "$set_name" | tr -d '\r' | tr '\n' ' '
}

# config_value NAME: this server's CONFIG GET NAME value.
config_value() {
  cli 127.0.0.1 "${REDIS_PORT:-6379}" CONFIG GET "$1" | tr -d '\r' | sed -n 2p
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
  # From here on this master refuses writes (NOREPLICAS: it demands more replicas than exist), so every write
  # it acknowledged is below the offset read next. Not CLIENT PAUSE WRITE: that also holds the Sentinels'
  # hello PUBLISH and the PINGs queued behind it, so after down-after they see this master down and may start
  # a failover of their own, at a newer epoch, promoting another replica than this one's failover does.
  to_write="$(config_value min-replicas-to-write)"
  max_lag="$(config_value min-replicas-max-lag)"
  # (min-replicas-max-lag 0 would turn the check off; one parameter per CONFIG SET, as before Redis 7)
  [ "${max_lag:-0}" -gt 0 ] || cli 127.0.0.1 "$port" CONFIG SET min-replicas-max-lag 10 >/dev/null || true
  if [ "$(cli 127.0.0.1 "$port" CONFIG SET min-replicas-to-write 2147483647 | tr -d '\r')" != OK ]; then
    say "cannot make this master refuse writes; failing over without that"
  fi
  offset="$(cli 127.0.0.1 "$port" INFO replication | field master_repl_offset)"
  start="$(date +%s)"
  until replicas_hold "$offset"; do
    if [ $(($(date +%s) - start)) -ge 5 ]; then
      say "replicas still behind offset $offset after 5s: failing over anyway"
      break
    fi
    sleep 0.1
  done
  # Ask for a failover only while the Sentinel still names this pod: SENTINEL FAILOVER fails over whatever
  # it names, and if the Sentinels have moved on already, asking again would fail over their new master.
  asked=""
  for s in $REDIS_SENTINELS; do
    # shellcheck disable=SC2046
    set -- $(named_master "$s") none
    if [ "$1:${2:-}" = "$me" ]; then
      if [ "$(CLI_TIMEOUT=2 cli "${s%:*}" "${s##*:}" SENTINEL failover "$set_name" | tr -d '\r')" = OK ]; then
        say "writes refused, replicas hold offset $offset; asked the Sentinel at $s to fail over before this master stops"
        asked="$s"
        break
      fi
    elif [ $# -eq 3 ] && [ "$(CLI_TIMEOUT=1 cli "$1" "$2" INFO replication | field role)" = master ]; then
      say "writes refused, replicas hold offset $offset; the Sentinel at $s names $1:$2 the master already: no failover asked"
      asked="$s"
      break
    fi
  done
  while [ -n "$asked" ] && [ $(($(date +%s) - start)) -lt "$bound" ]; do
    for s in $REDIS_SENTINELS; do
      # shellcheck disable=SC2046
      set -- $(named_master "$s")
      if [ $# -ne 2 ] || [ "$1:$2" = "$me" ]; then
        continue
      fi
      if [ "$(CLI_TIMEOUT=1 cli "$1" "$2" INFO replication | field role)" = master ]; then
        cli 127.0.0.1 "$port" REPLICAOF "$1" "$2" >/dev/null || true
        allow_writes
        say "failed over: this pod is a replica of $1:$2 now, shutting down"
        exit 0
      fi
    done
    sleep 0.1
  done
  allow_writes
  if [ -z "$asked" ]; then
    say "no Sentinel accepted the failover; shutting down anyway (the Sentinels fail over after down-after)"
  else
    say "no failover within ${bound}s; shutting down anyway (the Sentinels fail over after down-after)"
  fi
}

# allow_writes: the min-replicas settings prestop found (a replica by now, or a master that stays one).
allow_writes() {
  if [ -n "$to_write" ] && [ -n "$max_lag" ]; then
    cli 127.0.0.1 "$port" CONFIG SET min-replicas-to-write "$to_write" >/dev/null || true
    cli 127.0.0.1 "$port" CONFIG SET min-replicas-max-lag "$max_lag" >/dev/null || true
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
    heal_tie
    ;;
  prestop) prestop ;;
  label) interruptible label_loop "${REDIS_ROLE_DIR:?REDIS_ROLE_DIR must name the shared role directory}" ;;
  *) echo "usage: ha.sh start|sentinel|readiness|liveness|sentinel-probe|prestop|label" >&2; exit 64 ;;
esac
