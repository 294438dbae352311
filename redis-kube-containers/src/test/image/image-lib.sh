# shellcheck shell=sh disable=SC2154  # script, mirror and hash are set by the sourcing script
# Sourced by build-image.sh and build-valkey-image.sh: what both do to build an image from Debian packages
# without a registry. The sourcing script sets `script` ($0) and `mirror`, then calls these in order:
#   image_hash                the 12-hex hash of the script and this file (the images' tag)
#   prune_old REPO            removes REPO's images of other hashes
#   make_rootfs SUITE         debootstrap SUITE minbase into $rootfs (under $work, removed on exit), ready
#                             for in_root: no service starts, apt reaches the mirror through the host's resolver
#   install_packages PKG...   apt-get install in the root (apt-get update first, once)
#   import_rootfs IMAGE [--change X]...  the root as IMAGE, without apt lists, caches, logs or resolv.conf
#                             (podman writes the pod's own), labelled as a test image

log() {
  echo "$(basename "$script" .sh): $*" >&2
}

image_hash() {
  cat "$script" "$(dirname "$script")/image-lib.sh" | sha256sum | cut -c1-12
}

prune_old() {
  podman images --format '{{.Repository}}:{{.Tag}}' | grep "^$1:" | grep -v ":$hash\$" \
    | while read -r old; do podman rmi -f "$old" >/dev/null 2>&1 || true; done
}

cleanup() {
  for m in proc dev; do umount "$rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}

make_rootfs() {
  work="$(mktemp -d "/var/tmp/redis-kube-$1-image.XXXXXX")"
  rootfs="$work/rootfs"
  trap cleanup EXIT INT TERM
  log "debootstrap $1 minbase into $rootfs"
  debootstrap --variant=minbase "$1" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
  chmod 755 "$rootfs/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
  mount -t proc proc "$rootfs/proc"
  apt_updated=false
}

in_root() {
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"
}

install_packages() {
  if [ "$apt_updated" = false ]; then
    in_root apt-get update -q >"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; exit 1; }
    apt_updated=true
  fi
  log "apt-get install $*"
  in_root apt-get install -y -q --no-install-recommends "$@" >>"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; exit 1; }
}

import_rootfs() {
  target="$1"
  shift
  log "podman import $target"
  tar -C "$rootfs" --exclude=./proc/* --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* \
      --exclude=./var/log/* --exclude=./etc/resolv.conf -c . \
    | podman import --quiet "$@" --change 'LABEL io.github.rediskube.test-image=true' - "$target" >/dev/null
}
