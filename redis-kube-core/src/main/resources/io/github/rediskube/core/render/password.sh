# Rendered by redis-kube. Sourced by start.sh, probe.sh and ha.sh: the one rule for the password.
# It is read from REDIS_PASSWORD_FILE, the deployment's Secret mounted as a file, at each use
# (redis_kube_password, run once when this file is sourced and again wherever a script that lives long
# uses the password): the kubelet refreshes a mounted Secret when it changes, so a password rotated live
# reaches every running pod's probes and scripts without a restart. REDIS_PASSWORD from the environment
# is used only when no file is named: a pod of a template rendered before the file existed runs these
# scripts (the kubelet refreshes its ConfigMap volume too) until it rolls.
# The rule is the Java side's (Auth.secretPassword): exactly one trailing newline ("\n" or "\r\n", as
# `kubectl create secret --from-file` keeps it) is stripped; any other control character is refused,
# with a message that does not print the password. Afterwards REDIS_PASSWORD is what requirepass,
# masterauth and REDISCLI_AUTH all get.
redis_kube_refuse() {
  echo "redis-kube: the password in the Secret (${REDIS_PASSWORD_FILE:-REDIS_PASSWORD}) is refused: it is" \
    "empty or holds a control character other than one trailing newline. Fix: store it without them, e.g." \
    "kubectl create secret generic NAME --from-literal=KEY=PASSWORD" >&2
  exit 65
}
redis_kube_password() {
  if [ -n "${REDIS_PASSWORD_FILE:-}" ]; then
    if [ ! -r "$REDIS_PASSWORD_FILE" ]; then
      echo "redis-kube: cannot read the password file $REDIS_PASSWORD_FILE (the Secret volume). Fix: check" \
        "that the Secret exists with its key and that the pod's fsGroup may read the volume" >&2
      exit 66
    fi
    # $(..) drops every trailing newline and, silently, every NUL: keep the former, look for the latter
    REDIS_PASSWORD="$(cat "$REDIS_PASSWORD_FILE"; printf x)"
    REDIS_PASSWORD="${REDIS_PASSWORD%x}"
    # shellcheck disable=SC2094 # both only read it
    if [ -z "$REDIS_PASSWORD" ] || ! tr -d '\000' < "$REDIS_PASSWORD_FILE" | cmp -s - "$REDIS_PASSWORD_FILE"; then
      redis_kube_refuse
    fi
  fi
  if [ -n "${REDIS_PASSWORD:-}" ]; then
    redis_kube_nl='
'
    redis_kube_cr="$(printf '\r')"
    case "$REDIS_PASSWORD" in
      *"$redis_kube_cr$redis_kube_nl") REDIS_PASSWORD="${REDIS_PASSWORD%??}" ;;
      *"$redis_kube_nl") REDIS_PASSWORD="${REDIS_PASSWORD%?}" ;;
    esac
    case "$REDIS_PASSWORD" in
      *[[:cntrl:]]*|'') redis_kube_refuse ;;
    esac
    REDISCLI_AUTH="$REDIS_PASSWORD"
    export REDIS_PASSWORD REDISCLI_AUTH
  fi
}
redis_kube_password

# The metrics exporter's own ACL user, REDIS_METRICS_USER, with the password of REDIS_METRICS_PASSWORD_FILE (its
# Secret <name>-metrics, written once by redis-kube, never rotated with the clients' password): prints the user
# line for redis.conf or sentinel.conf, allowed the commands given as arguments and no key, channel or other
# command. Prints nothing when no file is named (metrics or auth off).
redis_kube_metrics_user() {
  [ -n "${REDIS_METRICS_PASSWORD_FILE:-}" ] || return 0
  if [ ! -r "$REDIS_METRICS_PASSWORD_FILE" ]; then
    echo "redis-kube: cannot read the metrics exporter's password file $REDIS_METRICS_PASSWORD_FILE (the Secret" \
      "volume). Fix: check that its Secret exists with the key 'password'" >&2
    exit 66
  fi
  redis_kube_metrics_password="$(cat "$REDIS_METRICS_PASSWORD_FILE")"
  # the rule of every password redis-kube writes: printable, no space, quote or backslash (quoted as is)
  case "$redis_kube_metrics_password" in
    ''|*[!!-~]*|*[\"\'\\]*)
      echo "redis-kube: the metrics exporter's password in $REDIS_METRICS_PASSWORD_FILE is refused: it must be" \
        "printable ASCII without space, quote or backslash. Fix: delete the Secret and deploy again" >&2
      exit 65 ;;
  esac
  printf 'user %s on resetkeys resetchannels -@all %s ">%s"\n' "${REDIS_METRICS_USER:?REDIS_METRICS_USER}" "$*" \
    "$redis_kube_metrics_password"
}
