#!/usr/bin/env bash
# Builds a local FROM scratch image with vinit as /sbin/init: the static binary, its
# personalities as symlinks (init telinit shutdown halt poweroff reboot runlevel setuidgid),
# busybox for the commands an inittab runs, and an inittab (examples/image/etc/inittab unless --tree brings
# another). /run and /tmp are empty directories; there is no /var/run: vinit links it to /run
# at boot, as distributions ship it. No registry is needed.
#
# usage: examples/image.sh [--tag TAG] [--vinit FILE] [--busybox FILE] [--tree DIR]...
#                          [--label KEY=VALUE]
#   --tag      image name (default vinit-example)
#   --vinit    the binary (default: `cargo build --release`'s)
#   --busybox  a static busybox (default: Debian's busybox-static, downloaded with apt-get
#              download into target/tmp/busybox and unpacked, never installed)
#   --tree     a directory copied over the root filesystem after the defaults (repeatable)
#   --label    a label for the image (repeatable; the tests mark theirs for clean-up)
# Then: docker run -d --name demo vinit-example; docker exec demo runlevel; docker stop demo
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

tag=vinit-example
vinit=
busybox=
trees=("$here/image")
labels=()
while (($#)); do
    case $1 in
    --tag) tag=$2 ;;
    --vinit) vinit=$2 ;;
    --busybox) busybox=$2 ;;
    --tree) trees+=("$2") ;;
    --label) labels+=(--label "$2") ;;
    -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "image.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
    shift 2
done

if [[ -z $vinit ]]; then
    (cd "$repo" && cargo build --release --quiet)
    vinit=$repo/${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-musl/release/vinit
fi
if [[ -z $busybox ]]; then
    busybox=$repo/${CARGO_TARGET_DIR:-target}/tmp/busybox
    if [[ ! -x $busybox ]]; then
        dl=$(mktemp -d)
        echo "image.sh: downloading Debian's busybox-static (unpacked, not installed)" >&2
        (cd "$dl" && apt-get download busybox-static >/dev/null 2>&1) ||
            { apt-get update -qq && (cd "$dl" && apt-get download busybox-static >/dev/null); }
        dpkg -x "$dl"/busybox-static_*.deb "$dl/root"
        mkdir -p "$(dirname "$busybox")"
        cp "$dl/root/bin/busybox" "$busybox.tmp" && mv "$busybox.tmp" "$busybox"
        rm -rf "$dl"
    fi
fi

context=$(mktemp -d)
trap 'rm -rf "$context"' EXIT
root=$context/rootfs
mkdir -p "$root"/{bin,sbin,etc,run,tmp}
chmod 1777 "$root/tmp"
personalities=(init telinit shutdown halt poweroff reboot runlevel setuidgid)
cp "$vinit" "$root/sbin/vinit"
for name in "${personalities[@]}"; do
    ln -s vinit "$root/sbin/$name"
done
# Every busybox applet but the ones vinit answers to, so `halt` or `init` is always vinit's.
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
    [[ " ${personalities[*]} " == *" $applet "* || -e $root/bin/$applet ]] ||
        ln -s busybox "$root/bin/$applet"
done
for tree in "${trees[@]}"; do
    cp -a "$tree/." "$root/"
done
cat >"$context/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
ENV PATH=/sbin:/bin
ENTRYPOINT ["/sbin/init"]
DOCKERFILE
docker build -q "${labels[@]}" -t "$tag" "$context" >/dev/null
echo "$tag"
