#!/bin/sh
# Builds the container tier's Valkey test image from Debian packages, without a registry:
#   localhost/redis-kube-test-valkey:<hash>   Debian trixie minbase + valkey-server, valkey-sentinel,
#                                             valkey-tools (Valkey 8.1.1), arranged like the official
#                                             valkey/valkey:8.1 image as far as the rendered pods can tell
# <hash> is a hash of this script and image-lib.sh, so a second run finds the image and returns at once; images of older
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
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
. "$(dirname "$script")/image-lib.sh"
hash="$(image_hash)"
repo=localhost/redis-kube-test-valkey
image="$repo:$hash"

if podman image exists "$image"; then
  printf '%s\n' "$image"
  exit 0
fi
prune_old "$repo"

make_rootfs trixie
in_root groupadd -r -g 999 valkey
in_root useradd -r -g valkey -u 999 valkey
install_packages valkey-server valkey-sentinel valkey-tools

for name in server cli sentinel benchmark check-aof check-rdb; do
  ln -s "/usr/bin/valkey-$name" "$rootfs/usr/local/bin/redis-$name"
done
mkdir -p "$rootfs/data" "$rootfs/run/valkey"
chown 999:999 "$rootfs/data" "$rootfs/run/valkey"
chmod 1777 "$rootfs/data" "$rootfs/run/valkey"
rm -f "$rootfs/usr/sbin/policy-rc.d"
in_root valkey-server --version >&2

# No USER, as in the official image: the pods' securityContext sets the uid.
import_rootfs "$image" --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'WORKDIR /data'

printf '%s\n' "$image"
