#!/bin/sh
# Builds the root filesystems of the two test distributions (issue #7) as tarballs ready for
# `docker import`. Called by tests/distros/, which caches them under target/distros/ keyed by
# a hash of this script and of its inputs, so this runs once per change.
#
# usage: rootfs.sh OUT_DIR MIRROR CACHE_DIR FILES_DIR
#   OUT_DIR/debian.tar  Debian bookworm minbase + sysvinit-core, sysv-rc, initscripts, the
#                       services below, and the test service enabled with update-rc.d.
#   OUT_DIR/openrc.tar  the same with Debian's openrc in place of sysv-rc, Gentoo's inittab
#                       (FILES_DIR/inittab.gentoo), a Gentoo-like /sbin/halt.sh, and the
#                       services enabled with rc-update.
# MIRROR is the Debian archive this machine's apt uses (read by the test at run time, never
# written in the repository). CACHE_DIR/debs keeps the downloaded packages between builds.
# FILES_DIR holds vinit-test (the test service), halt.sh and inittab.gentoo.
# /sbin/init stays stock sysvinit: the baseline runs these as they are, and the vinit images
# put vinit over /sbin/init.
set -eu

out=$1 mirror=$2 cache=$3 files=$4
suite=bookworm
# The services: cron, rsyslog (its init script comes from orphan-sysvinit-scripts since
# bookworm) and openbsd-inetd (netbase: /etc/services, for its service names); procps and bash
# for the tests' probes (ps, /dev/tcp).
packages=sysvinit-core,initscripts,sysv-rc,cron,rsyslog,orphan-sysvinit-scripts,openbsd-inetd
packages=$packages,netbase,procps,bash

log() { echo "rootfs: $*" >&2; }

mkdir -p "$out" "$cache/debs"
out=$(cd "$out" && pwd)
cache=$(cd "$cache" && pwd)
files=$(cd "$files" && pwd)
work=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$work"' EXIT

# sysvinit-core and initscripts depend on `sysv-rc | file-rc | openrc`: debootstrap takes the
# first alternative (and ignores --exclude for dependencies), so both trees start with sysv-rc
# and the OpenRC one swaps it for openrc with apt.
log "debootstrap --variant=minbase $suite ($packages)"
debootstrap --variant=minbase --cache-dir="$cache/debs" --include="$packages" \
    "$suite" "$work/debian" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 40 "$work/debootstrap.log" >&2; exit 1; }

# Runs a command inside a tree, with a clean environment.
in_root() {
    root=$1
    shift
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive "$@"
}

# What both trees get: the network daemon's service, the test service.
common_setup() {
    root=$1
    # inetd's built-in echo service, on loopback only.
    echo '127.0.0.1:echo stream tcp nowait root internal' >"$root/etc/inetd.conf"
    install -m 0755 "$files/vinit-test" "$root/etc/init.d/vinit-test"
}

# What both trees lose: the build host's names, apt's downloads and indexes.
clean_and_pack() {
    root=$1 name=$2
    rm -f "$root/etc/hostname"
    : >"$root/etc/resolv.conf"
    rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/cache/apt"/*.bin \
        "$root/var/lib/apt/lists"/*
    if [ -n "$(find "$root/run" -name '*.pid' 2>/dev/null)" ]; then
        log "$name: a service ran during the build: $(find "$root/run" -name '*.pid')"
        exit 1
    fi
    log "$name: packing $(du -sh "$root" | cut -f1)"
    tar -C "$root" --numeric-owner -cf "$out/$name.tar.tmp" .
    mv "$out/$name.tar.tmp" "$out/$name.tar"
}

cp -a "$work/debian" "$work/openrc"

# Debian sysv-rc.
root=$work/debian
common_setup "$root"
in_root "$root" update-rc.d vinit-test defaults >/dev/null
clean_and_pack "$root" debian

# OpenRC.
root=$work/openrc
log "openrc: apt-get install openrc (removes sysv-rc)"
mkdir -p "$root/var/cache/apt/archives"
cp "$cache/debs"/*.deb "$root/var/cache/apt/archives/" 2>/dev/null || true
{ in_root "$root" apt-get update && in_root "$root" apt-get install -y --no-install-recommends openrc; } \
    >"$work/apt.log" 2>&1 || { tail -n 40 "$work/apt.log" >&2; exit 1; }
cp -n "$root/var/cache/apt/archives"/*.deb "$cache/debs/" 2>/dev/null || true
common_setup "$root"
install -m 0644 "$files/inittab.gentoo" "$root/etc/inittab"
install -m 0755 "$files/halt.sh" "$root/sbin/halt.sh"
for service in vinit-test cron rsyslog openbsd-inetd; do
    in_root "$root" rc-update add "$service" default >/dev/null
done
clean_and_pack "$root" openrc
