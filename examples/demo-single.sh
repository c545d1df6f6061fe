#!/usr/bin/env bash
# The demo: vinit as PID 1 of a new PID namespace (as in a container), stopped from outside the
# way `docker stop` does it (SIGTERM to PID 1), printing what happened.
#
# Inside: a main process and a background "daemon" that needs 1 s after SIGTERM to flush a
# file. vinit forwards the SIGTERM to the main process; when it exits, vinit sends SIGTERM to
# what is left, waits (up to the grace period) for the daemon to flush and exit, and only then
# exits with the main process's status. Run as root: `bash examples/demo.sh`.
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
out=$work/output
flushed=$work/daemon-flushed

# The daemon: on SIGTERM it takes 1 s to flush its state to a file, then exits.
daemon='trap "echo daemon: got SIGTERM, flushing for 1 s; sleep 1; date +%T.%N > \"$FLUSHED\"; echo daemon: flushed, exiting; exit 0" TERM
        echo daemon: started
        while :; do sleep 1000 & wait $!; done'
# The main process: starts the daemon, then serves until SIGTERM, and exits 0 on it.
main='sh -c "$DAEMON" &
      trap "echo main: got SIGTERM, exiting 0; exit 0" TERM
      echo main: started
      while :; do sleep 1000 & wait $!; done'

echo
echo "== starting: unshare --pid --fork --mount-proc vinit -v -t 5 -- sh -c MAIN"
DAEMON=$daemon FLUSHED=$flushed unshare --pid --fork --mount-proc --kill-child \
    "$vinit" -v -t 5 -- sh -c "$main" >"$out" 2>&1 &
unshare_pid=$!
tail -n +1 -f --pid="$unshare_pid" "$out" | sed -u 's/^/   | /' &
tail_pid=$!

# Wait (bounded) until both processes say they are up.
for _ in $(seq 100); do
    grep -q 'daemon: started' "$out" && grep -q 'main: started' "$out" && break
    sleep 0.1
done
vinit_pid=$(tr -d ' ' <"/proc/$unshare_pid/task/$unshare_pid/children")
echo "   (vinit is PID 1 inside; pid $vinit_pid outside)"

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
echo "   vinit exit status: $status"
echo "   time from SIGTERM to exit: ${elapsed_ms} ms (grace period 5 s: vinit left as soon as the daemon was done)"
if [[ -s $flushed ]]; then
    echo "   daemon's flushed file: written at $(cat "$flushed")"
else
    echo "   daemon's flushed file: MISSING (the daemon was killed before it could flush)"
    exit 1
fi
