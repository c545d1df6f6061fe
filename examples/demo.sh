#!/usr/bin/env bash
# The demo: vinit boots an example inittab (examples/demo/inittab) as PID 1 of a new PID and
# mount namespace, as in a container; then it is stopped from outside the way `docker stop`
# does it (SIGTERM to PID 1), and the demo prints what happened: vinit's timeline, the
# services' output, whether each flushed its state, the exit status and the time taken.
# Run as root: `bash examples/demo.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) != 0 ]]; then
    echo "demo: run as root (it creates a PID namespace with unshare)" >&2
    exit 1
fi

echo "== building vinit (cargo build --release)"
cargo build --release --quiet 2>/dev/null || cargo build --release
vinit=$PWD/${CARGO_TARGET_DIR:-target}/x86_64-unknown-linux-musl/release/vinit
echo "   $vinit: $(stat -c %s "$vinit") bytes, $(file -b "$vinit" | grep -o 'static[-a-z]* linked')"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/state"
sed "s|@DIR@|$PWD/examples/demo|" examples/demo/inittab >"$work/inittab"
out=$work/output

echo
echo "== the inittab"
grep -v '^#' "$work/inittab" | sed 's/^/   /'
echo
echo "== booting: unshare --pid --fork --mount-proc vinit -f inittab   (vinit is PID 1 inside)"
# Private tmpfs on /run (the initctl FIFO, utmp) and /var/log (vinit appends to an existing
# wtmp), inside the new mount namespace only: the demo never writes this machine's records.
STATE=$work/state unshare --pid --fork --mount-proc --kill-child \
    sh -c 'mount -t tmpfs tmpfs /run && { [ ! -d /var/log ] || mount -t tmpfs tmpfs /var/log; } &&
        exec "$0" -f "$1"' "$vinit" "$work/inittab" >"$out" 2>&1 &
unshare_pid=$!
tail -n +1 -f --pid="$unshare_pid" "$out" | sed -u 's/^/   | /' &
tail_pid=$!

# Wait (bounded) for both services to be up: their own lines are the event.
for _ in $(seq 200); do
    grep -q 'web: up' "$out" && grep -q 'db: up' "$out" && break
    sleep 0.05
done
vinit_pid=$(tr -d ' ' <"/proc/$unshare_pid/task/$unshare_pid/children")
echo "   (booted; vinit is pid $vinit_pid outside the namespace; idle, it has no timer)"

echo
echo "== docker stop: kill -TERM $vinit_pid (from outside the namespace)"
start=$(date +%s%N)
kill -TERM "$vinit_pid"
status=0
wait "$unshare_pid" || status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
wait "$tail_pid" 2>/dev/null || true

echo
echo "== what happened"
echo "   vinit exit status: $status   (stock sysvinit ignores SIGTERM: Docker kills it after 10 s, Exited (137))"
echo "   time from SIGTERM to exit: ${elapsed_ms} ms"
ok=0
for svc in web db; do
    if [[ -s $work/state/$svc.flushed ]]; then
        echo "   $svc flushed its state at $(cat "$work/state/$svc.flushed")"
    else
        echo "   $svc did NOT flush its state"; ok=1
    fi
done
exit $((status | ok))
