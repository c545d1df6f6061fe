#!/bin/sh
# Prepares this machine for the real-Docker tests (tests/docker/, issue #4):
#   1. Debian's docker.io (dockerd 20.10 + containerd + runc), if dockerd is missing;
#   2. Debian's busybox-static binary, unpacked (never installed) into WORKDIR/busybox;
#   3. dockerd running, with its log in WORKDIR/dockerd.log.
# Idempotent: each step is skipped when already done. Safe to call from .ci/run and from the
# tests (which call it under a lock when `docker info` fails or busybox is missing).
#
# usage: tests/docker/setup.sh [WORKDIR]      (default: target/docker, the tests' own)
set -eu
# dockerd lives in /usr/sbin, which a CI environment's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

work=${1:-target/docker}
mkdir -p "$work"
work=$(cd "$work" && pwd)

log() { echo "docker-setup: $*" >&2; }

apt_get() {
    # Another apt on the machine holds the lock for a while at most; wait instead of failing.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"
}

apt_updated=no
apt_update_once() {
    [ "$apt_updated" = yes ] && return 0
    log "apt-get update"
    apt_get update -qq >"$work/apt-update.log" 2>&1 || { cat "$work/apt-update.log" >&2; return 1; }
    apt_updated=yes
}

install_docker() {
    if command -v dockerd >/dev/null 2>&1; then return 0; fi
    apt_update_once
    # No recommends: nothing here needs iptables rules, apparmor or criu; the engine runs with
    # --bridge=none --iptables=false. The package's own service start is refused by
    # policy-rc.d on these machines; dockerd is started below instead.
    log "installing docker.io"
    apt_get install -y -qq --no-install-recommends docker.io >"$work/apt-install.log" 2>&1 \
        || { cat "$work/apt-install.log" >&2; return 1; }
}

fetch_busybox() {
    if [ -x "$work/busybox" ]; then return 0; fi
    apt_update_once
    dl=$(mktemp -d "$work/busybox-dl.XXXXXX")
    log "downloading busybox-static (not installed: unpacked into $work)"
    # apt-get download writes into the current directory; _apt cannot write there, so it
    # warns and downloads as root, which is fine.
    (cd "$dl" && apt_get download busybox-static >download.log 2>&1) \
        || { cat "$dl/download.log" >&2; rm -rf "$dl"; return 1; }
    dpkg -x "$dl"/busybox-static_*.deb "$dl/root"
    cp "$dl/root/bin/busybox" "$work/busybox.tmp"
    mv "$work/busybox.tmp" "$work/busybox"
    rm -rf "$dl"
}

docker_answers() { docker info >/dev/null 2>&1; }

start_dockerd() {
    if docker_answers; then return 0; fi
    if [ -f /var/run/docker.pid ]; then
        pid=$(cat /var/run/docker.pid)
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            log "dockerd (pid $pid) is running but not answering yet"
        else
            # Left by a dockerd of an earlier boot of this machine; dockerd refuses to start
            # while it exists.
            rm -f /var/run/docker.pid
        fi
    fi
    if ! { [ -f /var/run/docker.pid ] && kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; }; then
        log "starting dockerd (log: $work/dockerd.log)"
        # setsid + nohup: the daemon outlives the test process that started it.
        setsid nohup dockerd \
            --storage-driver=overlay2 \
            --exec-opt native.cgroupdriver=cgroupfs \
            --bridge=none --iptables=false --ip6tables=false \
            >"$work/dockerd.log" 2>&1 </dev/null &
    fi
    i=0
    while ! docker_answers; do
        i=$((i + 1))
        if [ "$i" -gt 120 ]; then
            log "dockerd did not answer within 60 s; last lines of its log:"
            tail -n 30 "$work/dockerd.log" >&2 || true
            return 1
        fi
        sleep 0.5
    done
}

install_docker
fetch_busybox
start_dockerd
log "ready: $(docker version --format 'client {{.Client.Version}}, server {{.Server.Version}}')"
