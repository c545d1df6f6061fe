//! The end: what the main child leaves behind. Daemons it started get TERM and the grace
//! time to flush, then KILL.

use std::fs;
use std::time::{Duration, Instant};

use support::namespace::{self, Launch};
use support::{EVENT_TIMEOUT, TempDir};

use super::{EXIT_TIMEOUT, LEAVES_A_DAEMON};

/// A daemon that needs 1 s after SIGTERM to flush a file, then exits. It says it is ready
/// only once its long sleep has exec'd: a TERM that reaches the forked shell before the exec
/// is taken by the shell's inherited trap handler and lost, and a sleep forked after vinit's
/// broadcast never gets one; either way the sleep would hold vinit until its grace period
/// ends. That is a race of the test, not of vinit (any init's broadcast has it), and CI hit
/// it once on a loaded machine (took 30 s). Waiting on /proc uses only shell builtins.
const SLOW_FLUSHER: &str = r#"
    trap 'sleep 1; echo flushed > "$OUT"; exit 0' TERM
    sleep 1000 & s=$!
    while read -r c < /proc/$s/comm && [ "$c" != sleep ]; do :; done
    echo daemon ready
    wait $s
    while :; do sleep 0.05; done
"#;

fn leave_a_daemon(options: &[&str], daemon: &str, out: &std::path::Path) -> namespace::Pid1 {
    let mut args: Vec<String> = options.iter().map(|s| s.to_string()).collect();
    args.extend(["--", "/bin/sh", "-c", LEAVES_A_DAEMON, "main", daemon].map(String::from));
    let mut run = Launch::vinit(&args)
        .env("OUT", out.to_str().unwrap())
        .pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.expect_line("daemon ready", EVENT_TIMEOUT);
    run
}

#[test]
fn test_surviving_daemon_flushes_before_vinit_exits() {
    let dir = TempDir::new("flush");
    let out = dir.join("flushed");
    let mut run = leave_a_daemon(&["-t", "30"], SLOW_FLUSHER, &out);
    let stop = Instant::now();
    run.signal(libc::SIGUSR1);
    run.expect_line(
        "vinit: info: main child exited with status 3; sending TERM to",
        EVENT_TIMEOUT,
    );
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(3));
    let took = stop.elapsed();
    assert_eq!(
        fs::read_to_string(&out).ok().as_deref(),
        Some("flushed\n"),
        "daemon did not flush"
    );
    // The sweep ends when the last process is gone, not when the 30 s grace runs out.
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(20),
        "took {took:?}"
    );
    assert!(
        !run.history().iter().any(|l| l.contains("sending KILL")),
        "{}",
        run.dump()
    );
}

/// Negative control: with no grace (-t 0) the daemon is killed at once and the file is never
/// written, so the check above can fail.
#[test]
fn test_flush_probe_sees_a_daemon_killed_mid_flush() {
    let dir = TempDir::new("noflush");
    let out = dir.join("flushed");
    let mut run = leave_a_daemon(&["-t", "0"], SLOW_FLUSHER, &out);
    run.signal(libc::SIGUSR1);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(3));
    assert!(
        !out.exists(),
        "the daemon flushed although it was SIGKILLed at once"
    );
}

#[test]
fn test_daemon_ignoring_term_is_killed_after_grace() {
    let dir = TempDir::new("stubborn");
    let stubborn = "trap '' TERM; echo daemon ready; exec sleep 1000";
    let mut run = leave_a_daemon(&["-t", "1"], stubborn, &dir.join("unused"));
    let stop = Instant::now();
    run.signal(libc::SIGUSR1);
    run.expect_line(
        "vinit: info: main child exited with status 3; sending TERM to",
        EVENT_TIMEOUT,
    );
    run.expect_line(
        "vinit: warning: grace period over: sending KILL to",
        EVENT_TIMEOUT,
    );
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(3));
    let took = stop.elapsed();
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(20),
        "took {took:?}"
    );
}

#[test]
fn test_grace_from_env() {
    let stubborn = "trap '' TERM; echo daemon ready; exec sleep 1000";
    let args = ["--", "/bin/sh", "-c", LEAVES_A_DAEMON, "main", stubborn];
    let mut run = Launch::vinit(&args).env("VINIT_GRACE", "1").pid1();
    // Both: the main shell's USR1 trap is set only when it says "main ready".
    run.expect_line("daemon ready", EVENT_TIMEOUT);
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.signal(libc::SIGUSR1);
    run.expect_line("remaining processes, grace 1 s", EVENT_TIMEOUT);
    run.expect_line("grace period over: sending KILL", EVENT_TIMEOUT);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(3));
}
