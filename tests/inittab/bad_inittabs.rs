//! Bad inittabs: a missing file is fatal and named, bad lines are reported and skipped.

use support::EVENT_TIMEOUT;
use support::namespace::Launch;

use super::{EXIT_TIMEOUT, World, assert_before, boot, stop_with, tags};

/// A missing inittab is one fatal line naming the path and the errno, exit 1: `/etc/inittab`
/// by default, `-f FILE`, `VINIT_INITTAB`. Old binary: two lines (`error: PATH: ENOENT: not
/// read`, then `fatal: PATH: cannot read the inittab`).
#[test]
fn test_missing_inittab_is_fatal_and_named() {
    let missing = "/nonexistent/vinit-test-inittab";
    let cases = [
        (
            // An overlay /etc with no inittab in it, whatever the host has.
            Launch::vinit(&[] as &[&str])
                .etc_file("vinit-test-marker", b"")
                .setup("rm -f /etc/inittab"),
            "/etc/inittab",
        ),
        (Launch::vinit(&["-f", missing]), missing),
        (
            Launch::vinit(&[] as &[&str]).env("VINIT_INITTAB", missing),
            missing,
        ),
    ];
    let mut runs: Vec<_> = cases
        .into_iter()
        .map(|(launch, path)| (launch.pid1(), path))
        .collect();
    for (run, path) in &mut runs {
        let (status, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(status.code(), Some(1), "{lines:#?}");
        let fatal = format!("vinit: fatal: {path}: ENOENT (no such file): cannot read the inittab");
        let said: Vec<&String> = lines.iter().filter(|l| l.starts_with("vinit: ")).collect();
        assert_eq!(said, [&fatal], "{lines:#?}");
    }
}

const BAD_LINES: &str = include_str!("../fixtures/inittab/bad-lines");

/// Each bad line gets one error naming the file, the line and the field; the good ones run.
#[test]
fn test_bad_inittab_lines_are_reported_and_skipped() {
    let world = World::new("bad");
    let mut run = boot(&world.inittab(BAD_LINES)).pid1();
    run.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let errors: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("vinit: error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "vinit: error: /etc/inittab[4]: frob: unknown action field",
            "vinit: error: /etc/inittab[5]: id field too long (max 4 characters)",
            "vinit: error: /etc/inittab[7]: missing process field",
            "vinit: error: /etc/inittab[8]: duplicate ID field \"ok1\"",
        ]
    );
    let mut ran = tags(&world.starts())
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    ran.sort();
    assert_eq!(ran, ["ok1", "ok2", "ok3"]);
}

const NO_BARRIER: &str = include_str!("../fixtures/inittab/no-barrier");

/// Negative control for the barrier probe of `test_boot_order_and_wait_barrier`: with a
/// `once` in place of the slow `wait`, the next entry starts before the slow one ends, so the
/// probe's `assert_before` would fail; and an entry of another level never logs.
#[test]
fn test_barrier_probe_sees_entries_that_do_not_wait() {
    let world = World::new("nobarrier");
    let mut run = boot(&world.inittab(NO_BARRIER)).pid1();
    run.expect_line("stub: end svc o1", EVENT_TIMEOUT);
    run.expect_line("stub: end svc o2", EVENT_TIMEOUT);
    let log = world.log();
    assert_before(&log, ("start", "o2"), ("end", "o1"));
    assert_eq!(tags(&world.starts()), ["o1", "o2"]);
    let (code, _, _) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
}
