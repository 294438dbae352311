#!/bin/sh
# Builds the container tier's test images from Debian packages, without a registry:
#   localhost/redis-kube-test-redis:<hash>    Debian bookworm minbase + redis-server, redis-tools,
#                                             redis-sentinel (Redis 7.0.15), user/group redis = 999:999
#   localhost/redis-kube-test-kubectl:<hash>  the same plus kubernetes-client (kubectl, for the role labeler)
# <hash> is a hash of this script and image-lib.sh, so a second run finds both images and returns at once; images of older
# hashes are removed. Prints the two references, one a line. Needs root, podman and debootstrap.
# Environment: DEBIAN_MIRROR (default http://deb.debian.org/debian).
set -eu

script="$0"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
. "$(dirname "$script")/image-lib.sh"
hash="$(image_hash)"
redis_image="localhost/redis-kube-test-redis:$hash"
kubectl_image="localhost/redis-kube-test-kubectl:$hash"
path_env='ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

if podman image exists "$redis_image" && podman image exists "$kubectl_image"; then
  printf '%s\n%s\n' "$redis_image" "$kubectl_image"
  exit 0
fi
prune_old localhost/redis-kube-test-redis
prune_old localhost/redis-kube-test-kubectl

make_rootfs bookworm
# The uid/gid the rendered securityContext runs as (the official redis image's), created before the
# package so its postinst reuses them.
in_root groupadd --system --gid 999 redis
in_root useradd --system --uid 999 --gid 999 --home-dir /var/lib/redis --shell /usr/sbin/nologin redis

install_packages redis-server redis-tools redis-sentinel
import_rootfs "$redis_image" --change "$path_env" --change 'USER 999:999'
install_packages kubernetes-client
import_rootfs "$kubectl_image" --change "$path_env" --change 'USER 999:999'

printf '%s\n%s\n' "$redis_image" "$kubectl_image"
