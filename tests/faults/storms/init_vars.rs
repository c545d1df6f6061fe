//! Items 10 and 11: long `INIT_*` variables and the rate of the SETENV overflow warnings.

use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::initctl::{runlevel_request, write_initctl};
use support::namespace::Launch;

use super::{
    FLOOD_TIMEOUT, INITTAB, STOP_WITHIN, booted, count, expect_summaries, recovers, setenv,
    settled_baseline,
};

/// `NAME=VALUE` of exactly `len` bytes.
fn long_var(name: &str, len: usize) -> Vec<u8> {
    let mut kv = format!("{name}=").into_bytes();
    kv.resize(len, b'v');
    kv
}

/// Issue #10 item 10: 16 SETENVs of 127 bytes filled the old child environment buffer, so
/// RUNLEVEL, PREVLEVEL and INIT_VERSION were left out of every child's environment.
#[test]
fn test_long_init_variables_never_push_out_vinits_own() {
    let inittab = format!(
        "{INITTAB}l5:5:wait:/bin/sh -c 'echo \"env RUNLEVEL=$RUNLEVEL PREVLEVEL=$PREVLEVEL \
         INIT_VERSION=$INIT_VERSION vars=$(env | grep -c ^INIT_V[0-9])\"'\n"
    );
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", inittab.as_bytes()));
    let base = settled_baseline(&mut run);
    let mut requests: Vec<Vec<u8>> = (0..16)
        .map(|i| setenv(&long_var(&format!("INIT_V{i:02}"), 127)))
        .collect();
    // The 17th has no slot: one line names it.
    requests.push(setenv(b"INIT_LATE=1"));
    requests.push(runlevel_request(b'5'));
    write_initctl(run.pid(), requests, EVENT_TIMEOUT);
    // Not the entry's exit line, which quotes its command (`env RUNLEVEL=$RUNLEVEL`).
    let line = run.expect_line("env RUNLEVEL=5", EVENT_TIMEOUT);
    assert!(
        line.ends_with(&format!(
            "env RUNLEVEL=5 PREVLEVEL=3 INIT_VERSION=vinit-{} vars=16",
            env!("CARGO_PKG_VERSION")
        )),
        "{line}\n{}",
        run.dump()
    );
    run.expect_line(
        "vinit: warning: INIT_ variable INIT_LATE dropped: no room",
        EVENT_TIMEOUT,
    );
    assert_eq!(count(&run, "no room"), 1, "{}", run.dump());
    assert_eq!(count(&run, "environment full"), 0, "{}", run.dump());
    recovers(run, &base, Duration::from_millis(300), STOP_WITHIN);
}

/// Issue #10 item 11: 100,000 SETENVs with no free slot cost the old vinit 99,984 warning
/// lines. Now: at most a burst per 10 s window, and one line with the count of the rest.
#[test]
fn test_setenv_overflow_warnings_are_rate_limited() {
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", INITTAB.as_bytes()));
    let base = settled_baseline(&mut run);
    let mut flood: Vec<Vec<u8>> = (0..100_000)
        .map(|i| setenv(format!("INIT_F{i}=1").as_bytes()))
        .collect();
    flood.push(runlevel_request(b'5'));
    write_initctl(run.pid(), flood, FLOOD_TIMEOUT);
    run.expect_line("Switching to runlevel: 5", EVENT_TIMEOUT);
    let logged = count(&run, "dropped: no room");
    assert!(
        (1..=10).contains(&logged),
        "{logged} warning lines for the flood\n{}",
        run.dump()
    );
    expect_summaries(
        &mut run,
        "more INIT_ variables were dropped: no room",
        logged,
        100_000 - 16,
    );
    recovers(run, &base, Duration::from_secs(1), STOP_WITHIN);
}
