#!/bin/sh
# Fetches the peer inits from Debian's packages into a scratch folder (default: benches/target/peers)
# and builds tini from its Debian source package with musl-gcc -Os -static.
#
# Nothing is installed on the machine except musl-tools (for musl-gcc) when it is missing:
# the binary packages are taken with `apt-get download` and unpacked with `dpkg -x`, so
# sysvinit-core never replaces the machine's init. The source package is fetched with a private
# apt state (its own deb-src list, lists and cache under the scratch folder), so the machine's
# apt configuration is left as it was. Safe to rerun: what is already there is kept.
#
# Output: $DEST/bin/{tini,tini-static,tini-musl,dumb-init,catatonit,busybox,sysvinit-init}
set -eu

DEST=${1:-$(dirname "$0")/target/peers}
mkdir -p "$DEST/debs" "$DEST/root" "$DEST/bin" "$DEST/src"
DEST=$(cd "$DEST" && pwd)
# _apt cannot write into a folder under /work; download as root without the sandbox warning.
APT_NOSANDBOX="-o APT::Sandbox::User=root"

# Debian bookworm ships tini-static inside the `tini` package (there is no tini-static package).
PACKAGES="tini dumb-init catatonit busybox-static sysvinit-core"

download() {
    (cd "$DEST/debs" && apt-get $APT_NOSANDBOX download $PACKAGES)
}

have_all_debs() {
    for p in $PACKAGES; do
        ls "$DEST/debs/${p}_"*.deb >/dev/null 2>&1 || return 1
    done
}

if ! have_all_debs; then
    echo "fetch-peers: apt-get download $PACKAGES" >&2
    if ! download; then
        echo "fetch-peers: download failed; running apt-get update once and retrying" >&2
        apt-get update
        download
    fi
fi

for deb in "$DEST"/debs/*.deb; do
    dpkg -x "$deb" "$DEST/root"
done

link() { # link NAME PATH-IN-ROOT
    if [ -e "$DEST/root/$2" ]; then
        ln -sf "$DEST/root/$2" "$DEST/bin/$1"
    else
        echo "fetch-peers: $2 missing from the unpacked packages" >&2
    fi
}
link tini usr/bin/tini
link tini-static usr/bin/tini-static
link dumb-init usr/bin/dumb-init
link catatonit usr/bin/catatonit
link busybox bin/busybox
link sysvinit-init sbin/init

# tini built with musl from the Debian source package (upstream 0.19.0, no Debian patches).
if [ ! -x "$DEST/bin/tini-musl" ]; then
    if ! command -v musl-gcc >/dev/null 2>&1; then
        echo "fetch-peers: installing musl-tools for musl-gcc" >&2
        apt-get install -y musl-tools >/dev/null || { apt-get update && apt-get install -y musl-tools >/dev/null; }
    fi
    APT="$DEST/src/apt"
    mkdir -p "$APT/parts" "$APT/lists/partial" "$APT/cache/archives/partial" "$DEST/src/pkg"
    . /etc/os-release
    cat >"$APT/parts/deb-src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: ${VERSION_CODENAME:-bookworm}
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    PRIVATE="$APT_NOSANDBOX -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$APT/parts"
    PRIVATE="$PRIVATE -o Dir::State::Lists=$APT/lists -o Dir::Cache=$APT/cache"
    if ! ls "$DEST"/src/pkg/tini_*.orig.tar.* >/dev/null 2>&1; then
        echo "fetch-peers: apt-get source --download-only tini (private deb-src list)" >&2
        apt-get $PRIVATE update >/dev/null
        (cd "$DEST/src/pkg" && apt-get $PRIVATE source --download-only tini)
    fi
    rm -rf "$DEST/src/tini" && mkdir -p "$DEST/src/tini"
    tar -xzf "$DEST"/src/pkg/tini_*.orig.tar.gz -C "$DEST/src/tini" --strip-components=1
    VERSION=$(sed -n 's/^set (tini_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\))/\2/p' \
        "$DEST/src/tini/CMakeLists.txt" | paste -sd.)
    printf '#define TINI_VERSION "%s"\n#define TINI_GIT ""\n' "$VERSION" >"$DEST/src/tini/src/tiniConfig.h"
    musl-gcc -std=gnu99 -Os -static -Wl,-s -o "$DEST/bin/tini-musl" "$DEST/src/tini/src/tini.c"
    echo "fetch-peers: built tini-musl $VERSION ($(stat -c %s "$DEST/bin/tini-musl") bytes)" >&2
fi
