#!/bin/sh
# Builds the container tier's Valkey test image from Debian packages, without a registry:
#   localhost/redis-kube-test-valkey:<hash>   Debian trixie minbase + valkey-server, valkey-sentinel,
#                                             valkey-tools (Valkey 8.1.1), arranged like the official
#                                             valkey/valkey:8.1 image as far as the rendered pods can tell
# <hash> is a hash of this script, so a second run finds the image and returns at once; images of older
# hashes are removed. Prints the reference. Needs root, podman and debootstrap (which knows trixie).
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
#
# What the official image (valkey-io/valkey-container, 8.1/debian: debian:trixie-slim, `make install`) has
# that the pods use, and how this image matches it:
#   - redis-server, redis-cli, redis-sentinel (the names the rendered scripts call): `make install` links
#     them to the valkey-* binaries (USE_REDIS_SYMLINKS defaults to yes) in /usr/local/bin. Debian's
#     packages ship only valkey-* in /usr/bin, so the same six redis-* links are made here in /usr/local/bin
#     (valkey-server starts Sentinel when its name contains redis-sentinel, as in the official build).
#   - user and group valkey = 999:999 (groupadd -r -g 999 / useradd -r -u 999), made before the packages
#     so their postinst reuses them; /data (valkey, 1777) as WORKDIR; /run/valkey (valkey, 1777).
#   - sh (dash), getent, timeout, awk (mawk), sed, sort, sleep with fractions: trixie minbase has them, as
#     trixie-slim does.
# What differs (none of it read by the pods): Valkey 8.1.1 as Debian builds it (system jemalloc, its own
# patches; the valkey/valkey:8.1 tag moves with 8.1.x); binaries in /usr/bin, not /usr/local/bin; the
# packages' /etc/valkey, /var/lib/valkey, /var/log/valkey; no docker-entrypoint.sh (the pods' `command`
# replaces the ENTRYPOINT anyway); Valkey's default protected-mode yes, where the official build patches it
# to no (the rendered redis.conf sets protected-mode no itself); no tzdata.
set -eu

script="$0"
hash="$(sha256sum "$script" | cut -c1-12)"
repo=localhost/redis-kube-test-valkey
image="$repo:$hash"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

if podman image exists "$image"; then
  printf '%s\n' "$image"
  exit 0
fi

podman images --format '{{.Repository}}:{{.Tag}}' | grep "^$repo:" | grep -v ":$hash\$" \
  | while read -r old; do podman rmi -f "$old" >/dev/null 2>&1 || true; done

work="$(mktemp -d /var/tmp/redis-kube-valkey-image.XXXXXX)"
rootfs="$work/rootfs"
cleanup() {
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "build-valkey-image: debootstrap trixie minbase into $rootfs" >&2
debootstrap --variant=minbase trixie "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -30 "$work/debootstrap.log" >&2; exit 1; }

in_root() {
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}
# No service starts inside the build; apt in the chroot reaches the mirror through the host's resolver.
printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
chmod 755 "$rootfs/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
mount -t proc proc "$rootfs/proc"

in_root groupadd -r -g 999 valkey
in_root useradd -r -g valkey -u 999 valkey

echo "build-valkey-image: apt-get install valkey-server valkey-sentinel valkey-tools" >&2
{ in_root apt-get update -q && in_root apt-get install -y -q --no-install-recommends \
    valkey-server valkey-sentinel valkey-tools; } >"$work/apt.log" 2>&1 \
  || { tail -30 "$work/apt.log" >&2; exit 1; }

for name in server cli sentinel benchmark check-aof check-rdb; do
  ln -s "/usr/bin/valkey-$name" "$rootfs/usr/local/bin/redis-$name"
done
mkdir -p "$rootfs/data" "$rootfs/run/valkey"
chown 999:999 "$rootfs/data" "$rootfs/run/valkey"
chmod 1777 "$rootfs/data" "$rootfs/run/valkey"
rm -f "$rootfs/usr/sbin/policy-rc.d"
in_root valkey-server --version >&2

# The image holds no apt lists, caches or logs; its resolv.conf is empty (podman writes the pod's own).
# No USER, as in the official image: the pods' securityContext sets the uid.
echo "build-valkey-image: podman import $image" >&2
umount "$rootfs/proc"
tar -C "$rootfs" --exclude=./proc/* --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* \
    --exclude=./var/log/* --exclude=./etc/resolv.conf -c . \
  | podman import --quiet \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'WORKDIR /data' --change 'LABEL io.github.rediskube.test-image=true' - "$image" >/dev/null

printf '%s\n' "$image"
