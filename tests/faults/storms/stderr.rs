//! A reader of vinit's stderr that dies (item 1: SIGPIPE) or stalls (the stderr decision).

use std::time::{Duration, Instant};

use support::EVENT_TIMEOUT;
use support::clients::{self, Tools, ns_path, nsrun};
use support::namespace::Launch;
use support::procfs;

use super::{
    PROMPT, STDERR_ON_FIFO, STOP_WITHIN, booted_with_stderr_reader, child, comm, fill_fifo, kill,
    mask, number_after, recovers, respawns, settled_baseline, stall, telinit_q,
};
use crate::health;

/// Issue #10 item 1: with the reader of its stderr gone, one log line made the old vinit spin
/// (the SIGPIPE it raised was logged as "ignoring signal 13", which raised the next one), stop
/// reaping and ignore SIGTERM.
#[test]
fn test_dead_stderr_reader_sigpipe_never_disturbs_pid1() {
    let (mut run, service) = booted_with_stderr_reader();
    let tools = Tools::vinit();
    let base = settled_baseline(&mut run);
    let reader = child(&run, "cat", None, PROMPT);
    kill(reader, libc::SIGKILL);
    support::wait_until("the dead reader reaped", PROMPT, || {
        procfs::state_and_ppid(reader).is_none()
    });
    // Three log lines ("Re-reading inittab") into a pipe nobody reads, then a fourth: the
    // killed service's exit.
    for _ in 0..3 {
        telinit_q(&run, &tools);
    }
    health::assert_not_spinning(&run);
    let service = respawns(&run, service);
    // Children still start with SIGPIPE at its default and nothing blocked.
    assert_eq!(mask(service, "SigIgn") & (1 << (libc::SIGPIPE - 1)), 0);
    assert_eq!(mask(service, "SigBlk"), 0);
    // A new reader: the first line it gets counts what was lost, then the line itself.
    nsrun(
        run.pid(),
        &[
            "/bin/sh",
            "-c",
            "cat /run/err >/proc/1/fd/1 2>/dev/null </dev/null &",
        ],
    )
    .ok();
    let err = ns_path(run.pid(), "/run/err");
    support::wait_until("a new reader of /run/err", PROMPT, || {
        clients::has_reader(&err)
    });
    telinit_q(&run, &tools);
    let note = run.expect_line("log lines dropped", EVENT_TIMEOUT);
    assert_eq!(number_after(&note, "vinit: warning: "), 4, "{}", run.dump());
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    // The count comes before the line that got through.
    let h = run.history();
    let note_at = h
        .iter()
        .position(|l| l.contains("log lines dropped"))
        .unwrap();
    assert!(
        h[note_at..]
            .iter()
            .any(|l| l.contains("Re-reading inittab")),
        "{}",
        run.dump()
    );
    recovers(run, &base, Duration::from_millis(300), STOP_WITHIN);
}

/// Item 1 in single-command mode (the same log.rs): the old vinit forwarded the SIGPIPE its
/// own `-v` line raised to CMD, which died of it (status 141) instead of its SIGTERM trap's 7.
#[test]
fn test_dead_stderr_reader_sigpipe_is_not_forwarded_in_single_mode() {
    let mut run = Launch::vinit(&[
        "-v",
        "--",
        "/bin/sh",
        "-c",
        "trap 'exit 7' TERM; sleep 1000 & wait",
    ])
    .setup(STDERR_ON_FIFO)
    .pid1();
    let cmd = child(&run, "sh", None, EVENT_TIMEOUT);
    support::wait_until("CMD's sleep", EVENT_TIMEOUT, || {
        procfs::processes_with_parent(cmd)
            .iter()
            .any(|&(p, _)| comm(p) == "sleep")
    });
    let reader = child(&run, "cat", None, PROMPT);
    kill(reader, libc::SIGKILL);
    // Reaping the reader logs "reaped N" (-v) into the dead pipe.
    support::wait_until("the dead reader reaped", PROMPT, || {
        procfs::state_and_ppid(reader).is_none()
    });
    // A forwarded SIGPIPE would kill CMD at once: watch it for a while.
    let until = Instant::now() + Duration::from_millis(500);
    while Instant::now() < until {
        assert!(
            procfs::state_and_ppid(cmd).is_some_and(|(s, _)| s != 'Z'),
            "CMD died after vinit's log write failed\n{}",
            run.dump()
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    health::assert_not_spinning(&run);
    run.signal(libc::SIGTERM);
    let status = run.wait_exit(STOP_WITHIN);
    assert_eq!(status.code(), Some(7), "{}", run.dump());
}

/// A reader that stops reading (SIGSTOP) with the pipe full: the old vinit blocked in write(2)
/// on its next line, so it stopped reaping. Now a line waits at most 100 ms once, is dropped
/// and counted, and the count comes first when the reader is back.
#[test]
fn test_stalled_stderr_reader_does_not_block_pid1() {
    let (mut run, service) = booted_with_stderr_reader();
    let tools = Tools::vinit();
    let base = settled_baseline(&mut run);
    let reader = child(&run, "cat", None, PROMPT);
    stall(reader);
    fill_fifo(&ns_path(run.pid(), "/run/err"));
    telinit_q(&run, &tools);
    // Still reaping and respawning while the reader is stalled.
    respawns(&run, service);
    health::assert_no_zombies(&run);
    for _ in 0..2 {
        telinit_q(&run, &tools);
    }
    health::assert_not_spinning(&run);
    kill(reader, libc::SIGCONT);
    telinit_q(&run, &tools);
    let note = run.expect_line("log lines dropped", EVENT_TIMEOUT);
    // Three "Re-reading inittab" and the killed service's exit.
    assert_eq!(number_after(&note, "vinit: warning: "), 4, "{}", run.dump());
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    recovers(run, &base, Duration::from_millis(300), STOP_WITHIN);
}

/// A stalled reader and a SIGTERM: the stop still ends inside the budget with exit 0 (the old
/// vinit blocked on the stop's first line until the namespace was killed).
#[test]
fn test_stalled_stderr_reader_does_not_delay_the_stop() {
    let (mut run, _) = booted_with_stderr_reader();
    let reader = child(&run, "cat", None, PROMPT);
    stall(reader);
    fill_fifo(&ns_path(run.pid(), "/run/err"));
    run.signal(libc::SIGTERM);
    let status = run.wait_exit(STOP_WITHIN);
    assert_eq!(status.code(), Some(0), "{}", run.dump());
}
