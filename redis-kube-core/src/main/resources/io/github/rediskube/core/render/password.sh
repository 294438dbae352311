# Rendered by redis-kube. Sourced by start.sh, probe.sh and ha.sh: the one rule for the password read
# from the Secret (REDIS_PASSWORD), the same as the Java side's (Auth.secretPassword): exactly one
# trailing newline ("\n" or "\r\n", as `kubectl create secret --from-file` keeps it) is stripped; any other
# control character is refused, with a message that does not print the password. Afterwards
# REDIS_PASSWORD is what requirepass, masterauth and REDISCLI_AUTH all get.
if [ -n "${REDIS_PASSWORD:-}" ]; then
  redis_kube_nl='
'
  redis_kube_cr="$(printf '\r')"
  case "$REDIS_PASSWORD" in
    *"$redis_kube_cr$redis_kube_nl") REDIS_PASSWORD="${REDIS_PASSWORD%??}" ;;
    *"$redis_kube_nl") REDIS_PASSWORD="${REDIS_PASSWORD%?}" ;;
  esac
  case "$REDIS_PASSWORD" in
    *[[:cntrl:]]*|'')
      echo "redis-kube: the password in the Secret (REDIS_PASSWORD) is refused: it is empty or holds a control" \
        "character other than one trailing newline. Fix: store it without them, e.g. kubectl create secret" \
        "generic NAME --from-literal=KEY=PASSWORD" >&2
      exit 65
      ;;
  esac
  REDISCLI_AUTH="$REDIS_PASSWORD"
  export REDIS_PASSWORD REDISCLI_AUTH
fi
