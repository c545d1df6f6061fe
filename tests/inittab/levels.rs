//! Level changes and re-reads over /run/initctl: `telinit N`, `telinit u`/`q` and SIGHUP.

use std::fs;
use std::time::{Duration, Instant};

use support::EVENT_TIMEOUT;

use super::{
    SYSVINIT_PATH, World, alive, assert_env, boot, client, count, host_pid_of, index_of, runlevel,
    stop_with, tags,
};

const LEVELS: &str = include_str!("../fixtures/inittab/levels");

/// `telinit -t 1 5`: entries not in 5 get SIGTERM to their process group, SIGKILL 1 s later
/// for the one that ignores it; an entry in both levels keeps running; `runlevel` follows.
#[test]
fn test_level_change_terms_then_kills_after_sleeptime() {
    let world = World::new("levels");
    let mut run = boot(&world.inittab(LEVELS)).pid1();
    for line in [
        "stub: ready svc d3",
        "stub: ready-grandchild svc d3",
        "stub: ready svc s3",
        "stub: ready svc k",
    ] {
        run.expect_line(line, EVENT_TIMEOUT);
    }
    assert_eq!(runlevel(&run), "N 3");
    let keeper = host_pid_of(&run, &world, "k");
    let stubborn = host_pid_of(&run, &world, "s3");

    client(&run, &["telinit", "-t", "1", "5"]);
    run.expect_line("vinit: info: Switching to runlevel: 5", EVENT_TIMEOUT);
    run.expect_line(
        "vinit: info: Sending processes configured via /etc/inittab the TERM signal (2 processes)",
        EVENT_TIMEOUT,
    );
    let term = Instant::now();
    run.expect_line("stub: term svc d3", EVENT_TIMEOUT);
    // The group, not just the entry's process, got the signal.
    run.expect_line("stub: term-grandchild svc d3", EVENT_TIMEOUT);
    run.expect_line(
        "vinit: info: Sending processes configured via /etc/inittab the KILL signal (1 process)",
        EVENT_TIMEOUT,
    );
    let waited = term.elapsed();
    assert!(
        waited >= Duration::from_millis(800) && waited < Duration::from_millis(2500),
        "KILL came {waited:?} after TERM; telinit asked for 1 s"
    );
    support::wait_until("the stubborn entry is gone", EVENT_TIMEOUT, || {
        !alive(stubborn)
    });
    run.expect_line("stub: end svc f5", EVENT_TIMEOUT);
    assert!(alive(keeper), "the entry of levels 3 and 5 was stopped");
    assert_eq!(runlevel(&run), "3 5");

    let log = world.log();
    assert_env(&log[index_of(&log, "start", "f5")], "5", "3", SYSVINIT_PATH);
    assert_eq!(count(run.history(), "stub: term svc k"), 0);
    assert_eq!(count(run.history(), "stub: start svc k"), 1);
    let (code, _, _) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
}

const RELOAD_V1: &str = include_str!("../fixtures/inittab/reload-v1");

/// `b` removed, `c` turned `off`, `d` new, `a`'s command changed (which alone kills nothing,
/// compat §2.2 step 5).
const RELOAD_V2: &str = include_str!("../fixtures/inittab/reload-v2");

const RELOAD_V3: &str = include_str!("../fixtures/inittab/reload-v3");

/// `telinit u` keeps every child; `telinit q` after editing /etc/inittab applies the diff;
/// SIGHUP likewise.
#[test]
fn test_telinit_u_q_and_sighup() {
    let world = World::new("reload");
    let mut run = boot(&world.inittab(RELOAD_V1)).pid1();
    for tag in ["a", "b", "c"] {
        run.expect_line(&format!("stub: ready svc {tag}"), EVENT_TIMEOUT);
    }
    let pids: Vec<i32> = ["a", "b", "c"]
        .iter()
        .map(|t| host_pid_of(&run, &world, t))
        .collect();

    client(&run, &["telinit", "u"]);
    run.expect_line("re-exec requested (telinit u)", EVENT_TIMEOUT);
    // A later request's reply proves the `u` was handled before the check below.
    client(&run, &["telinit", "q"]);
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
    for pid in &pids {
        assert!(alive(*pid), "a child died after telinit u");
    }

    let inittab = run.path_inside("/etc/inittab");
    fs::write(&inittab, world.inittab(RELOAD_V2)).unwrap();
    client(&run, &["telinit", "q"]);
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
    run.expect_line(
        "Sending processes configured via /etc/inittab the TERM signal (2 processes)",
        EVENT_TIMEOUT,
    );
    run.expect_line("stub: term svc b", EVENT_TIMEOUT);
    run.expect_line("stub: term svc c", EVENT_TIMEOUT);
    run.expect_line("stub: end svc d", EVENT_TIMEOUT);
    assert!(
        alive(pids[0]),
        "a was stopped although only its command changed"
    );

    fs::write(&inittab, world.inittab(RELOAD_V3)).unwrap();
    run.signal(libc::SIGHUP);
    run.expect_line("stub: term svc a", EVENT_TIMEOUT);
    run.expect_line("stub: end svc e", EVENT_TIMEOUT);

    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let starts = world.starts();
    assert_eq!(tags(&starts), ["a", "b", "c", "d", "e"], "{lines:#?}");
    assert_eq!(count(&lines, "the KILL signal"), 0, "{lines:#?}");
}
