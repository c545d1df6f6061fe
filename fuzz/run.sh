#!/usr/bin/env bash
# fuzz/run.sh SECONDS: builds every cargo-fuzz target and runs each for SECONDS, one after the
# other, then prints executions and coverage per target. Exits 1 if any target crashed (the
# input is saved under fuzz/artifacts/TARGET/; replay it with `cargo +nightly fuzz run TARGET
# FILE`). Needs cargo-fuzz, a nightly toolchain and a C++ compiler; without them it says why
# and exits 0, as the stable seeded-random unit tests (core/src/inittab/tests.rs,
# core/src/initctl/tests.rs) still run in CI.
#
# The seeds in fuzz/corpus/TARGET/ are only read; what libFuzzer finds goes to
# fuzz/target/corpus/TARGET/ (kept between runs, never committed).
set -euo pipefail
cd "$(dirname "$0")"

readonly TARGETS=(inittab initctl client_args utmp accounts)
secs=${1:-}
if [[ ! $secs =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: fuzz/run.sh SECONDS (time per target)" >&2
    exit 2
fi
skip() {
    echo "fuzz: skipped: $*"
    exit 0
}
command -v cargo-fuzz >/dev/null 2>&1 || skip "cargo-fuzz is not installed (cargo install cargo-fuzz)"
rustup toolchain list 2>/dev/null | grep -q '^nightly' || skip "no nightly toolchain (rustup toolchain install nightly)"
# libfuzzer-sys compiles libFuzzer, which is C++.
command -v c++ >/dev/null 2>&1 || skip "no C++ compiler for libFuzzer (apt-get install g++)"

# Keep this crate's build apart from the vinit crate's, whatever the caller exported.
export CARGO_TARGET_DIR=$PWD/target
echo "== build (cargo +nightly fuzz build)"
cargo +nightly fuzz build

summary=()
crashed=()
for t in "${TARGETS[@]}"; do
    echo
    echo "== $t: ${secs}s"
    work=target/corpus/$t
    mkdir -p "$work" "artifacts/$t"
    log=target/fuzz-$t.log
    status=0
    cargo +nightly fuzz run "$t" "$work" "corpus/$t" -- \
        -max_total_time="$secs" -print_final_stats=1 >"$log" 2>&1 || status=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    # libFuzzer's last progress line, e.g. "#123456	DONE   cov: 412 ft: 1208 corp: 160/9Kb ...".
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    corp=$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")
    line=$(printf '%-12s execs %-10s cov %-5s ft %-6s corpus %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")
    if ((status != 0)); then
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written to' "$log" | head -n 10 | sed 's/^/  /'
        line+="  CRASH (log: fuzz/$log)"
        crashed+=("$t")
    fi
    echo "$line"
    summary+=("$line")
done

echo
echo "== fuzz summary (${secs}s per target)"
printf '%s\n' "${summary[@]}"
if ((${#crashed[@]} > 0)); then
    echo "fuzz: crashes in: ${crashed[*]}"
    exit 1
fi
echo "fuzz: ok"
