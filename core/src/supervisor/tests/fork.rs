//! Failed forks: retried with a back-off, never counted as starts.

use super::*;

/// A pids limit: the respawn's fork fails 30 times in a row. Each failure pauses spawning
/// (50 ms, doubling to 1 s), none counts as a start (the throttle never disables the
/// entry), one line says so, and the first fork that works ends it with one line.
#[test]
fn test_fork_failures_are_retried_with_backoff_and_never_count_as_respawns() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    w.take();
    w.fork_fails = true;
    w.exits("r", 0);
    let mut waits = StdVec::new();
    for _ in 0..30 {
        let at = w.init.poll_timeout().expect("a retry timer");
        waits.push(at.millis() - w.now);
        w.advance_to_deadline();
    }
    assert_eq!(&waits[..6], [50, 100, 200, 400, 800, 1000]);
    assert!(waits.iter().all(|&ms| ms <= 1000), "{waits:?}");
    let seen = w.take();
    assert_eq!(count(&seen, "forkfail r"), 31, "{seen:?}");
    assert_eq!(count(&seen, "log CannotFork"), 1, "{seen:?}");
    assert!(!seen.iter().any(|s| s.contains("RespawningTooFast")));
    w.fork_fails = false;
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.contains(&"spawn r".to_string()), "{seen:?}");
    assert!(seen.contains(&"log ForkWorks(31)".to_string()), "{seen:?}");
    assert_eq!(w.init.poll_timeout(), None, "no timer once it works");
    // The respawn window was not charged: nine quick restarts are still allowed.
    for _ in 0..8 {
        w.exits("r", 1);
    }
    assert!(!w.take().iter().any(|s| s.contains("RespawningTooFast")));
}

/// A `wait` entry whose fork fails still holds the entries after it, and runs (once) when
/// fork works again; the `once` entry after it waits for its exit.
#[test]
fn test_fork_failure_keeps_the_wait_barrier_and_runs_the_entry_later() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    w.take();
    w.fork_fails = true;
    let mut fresh = tab("id:3:initdefault:\nr:34:respawn:/bin/svc\nw4:4:wait:/w\no4:4:once:/o\n");
    w.request_with(b'4', Duration::from_secs(3), Some(&mut fresh));
    assert_eq!(
        w.take(),
        [
            "log Switching(52)",
            "runlevel 34",
            "forkfail w4",
            "log CannotFork([119, 52], 11)"
        ]
    );
    for _ in 0..5 {
        w.advance_to_deadline();
    }
    let seen = w.take();
    assert_eq!(count(&seen, "forkfail w4"), 5, "{seen:?}");
    assert_eq!(
        count(&seen, "forkfail o4"),
        0,
        "the barrier holds: {seen:?}"
    );
    w.fork_fails = false;
    w.advance_to_deadline();
    assert_eq!(w.spawns(), ["spawn w4"]);
    w.exits("w4", 0);
    assert_eq!(w.spawns(), ["spawn o4"]);
    w.exits("o4", 0);
    assert!(w.spawns().is_empty(), "each ran once");
}

/// The boot phases do not move on past a sysinit entry that could not fork.
#[test]
fn test_fork_failure_of_sysinit_holds_the_boot() {
    let mut w = world(BASIC, config());
    w.fork_fails = true;
    w.boot();
    w.advance_to_deadline();
    w.advance_to_deadline();
    let seen = w.take();
    assert_eq!(seen.iter().filter(|s| *s == "forkfail si").count(), 3);
    assert!(!seen.contains(&"boottime".to_string()), "{seen:?}");
    w.fork_fails = false;
    w.advance_to_deadline();
    assert_eq!(w.spawns(), ["spawn si"]);
}

/// Level 0's `rc 0` cannot fork when the stop begins: it is retried inside the budget and
/// runs when fork works again; the sweep waits for it.
#[test]
fn test_fork_failure_during_a_stop_retries_rc0_within_the_budget() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.take();
    w.fork_fails = true;
    let start = w.now;
    w.stop(StopCause::Term);
    while w.now - start < 2_000 {
        w.advance_to_deadline();
    }
    let seen = w.take();
    assert!(count(&seen, "forkfail l0") >= 4, "{seen:?}");
    assert!(!seen.contains(&"killall 15".to_string()), "{seen:?}");
    w.fork_fails = false;
    w.advance_to_deadline();
    assert_eq!(w.spawns(), ["spawn l0"]);
    assert!(
        w.now - start < 5_000,
        "inside the entries' share of the budget"
    );
    w.exits("l0", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
}

/// Two runs of failures inside a minute: one "cannot fork" line; a run after the minute
/// gets its own.
#[test]
fn test_cannot_fork_lines_are_rate_limited() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    let mut lines = 0;
    for pause in [0, 10_000, 61_000] {
        w.advance(pause);
        w.fork_fails = true;
        w.exits("r", 0);
        w.advance_to_deadline();
        w.fork_fails = false;
        w.advance_to_deadline();
        let seen = w.take();
        lines += count(&seen, "log CannotFork");
        assert!(seen.contains(&"spawn r".to_string()), "{seen:?}");
    }
    assert_eq!(lines, 2);
}
