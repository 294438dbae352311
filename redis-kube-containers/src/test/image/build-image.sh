#!/bin/sh
# Builds the container tier's test images from Debian packages, without a registry:
#   localhost/redis-kube-test-redis:<hash>    Debian bookworm minbase + redis-server, redis-tools,
#                                             redis-sentinel (Redis 7.0.15), user/group redis = 999:999
#   localhost/redis-kube-test-kubectl:<hash>  the same plus kubernetes-client (kubectl, for the role labeler)
# <hash> is a hash of this script, so a second run finds both images and returns at once; images of older
# hashes are removed. Prints the two references, one a line. Needs root, podman and debootstrap.
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu

script="$0"
hash="$(sha256sum "$script" | cut -c1-12)"
redis_image="localhost/redis-kube-test-redis:$hash"
kubectl_image="localhost/redis-kube-test-kubectl:$hash"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
path_env='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

if podman image exists "$redis_image" && podman image exists "$kubectl_image"; then
  printf '%s\n%s\n' "$redis_image" "$kubectl_image"
  exit 0
fi

for repo in localhost/redis-kube-test-redis localhost/redis-kube-test-kubectl; do
  podman images --format '{{.Repository}}:{{.Tag}}' | grep "^$repo:" | grep -v ":$hash\$" \
    | while read -r old; do podman rmi -f "$old" >/dev/null 2>&1 || true; done
done

work="$(mktemp -d /var/tmp/redis-kube-image.XXXXXX)"
rootfs="$work/rootfs"
cleanup() {
  for m in proc dev; do umount "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "build-image: debootstrap bookworm minbase into $rootfs" >&2
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; exit 1; }

in_root() {
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}
# No service starts inside the build; apt in the chroot reaches the mirror through the host's resolver.
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"

# The uid/gid the rendered securityContext runs as (the official redis image's), created before the
# package so its postinst reuses them.
in_root groupadd --system --gid 999 redis
in_root useradd --system --uid 999 --gid 999 --home-dir /var/lib/redis --shell /usr/sbin/nologin redis

install_packages() {
  echo "build-image: apt-get install $*" >&2
  in_root apt-get install -y -q --no-install-recommends "$@" >>"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; exit 1; }
}
# The image holds no apt lists, caches or logs; its resolv.conf is empty (podman writes the pod's own).
import() {
  echo "build-image: podman import $1" >&2
  tar -C "$rootfs" --exclude=./proc/* --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* \
      --exclude=./var/log/* --exclude=./etc/resolv.conf -c . \
    | podman import --quiet --change "$path_env" --change 'USER 999:999' \
        --change 'LABEL io.github.rediskube.test-image=true' - "$1" >/dev/null
}

in_root apt-get update -q >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; exit 1; }
install_packages redis-server redis-tools redis-sentinel
import "$redis_image"
install_packages kubernetes-client
import "$kubectl_image"

printf '%s\n%s\n' "$redis_image" "$kubectl_image"
