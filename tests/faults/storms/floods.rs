//! Storms from outside: 10,000 signals, a 100,000-request flood of /run/initctl, stderr on
//! a regular file.

use std::fs;
use std::time::{Duration, Instant};

use support::EVENT_TIMEOUT;
use support::clients::{Tools, ns_path};
use support::initctl::{MAGIC, request, runlevel_request, write_initctl};
use support::namespace::Launch;

use super::{
    FLOOD_TIMEOUT, INITTAB, PROMPT, STOP_WITHIN, SUMMARY_TIMEOUT, booted, child, count,
    expect_summaries, kill, live_children, number_after, recovers, setenv, settled_baseline,
    telinit_q,
};
use crate::health;

/// 10,000 signals of one kind sent from outside as fast as kill(2) goes, with a respawn
/// service running; the service is killed during the storm and must come back.
fn signal_storm(sig: i32) {
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", INITTAB.as_bytes()));
    let service = child(&run, "sleep", None, EVENT_TIMEOUT);
    let base = settled_baseline(&mut run);
    let pid1 = run.pid();
    let storm = std::thread::spawn(move || {
        for _ in 0..10_000 {
            kill(pid1, sig);
        }
    });
    kill(service, libc::SIGTERM);
    storm.join().unwrap();
    let next = child(&run, "sleep", Some(service), PROMPT);
    health::assert_no_zombies(&run);
    // One service, the one started after the kill: no reload restarted or doubled it.
    assert_eq!(live_children(&run, "sleep"), [next], "{}", run.dump());
    assert_eq!(count(&run, "vinit: error"), 0, "{}", run.dump());
    recovers(run, &base, Duration::from_secs(1), STOP_WITHIN);
}

#[test]
fn test_10000_sighup_storm() {
    signal_storm(libc::SIGHUP);
}

#[test]
fn test_10000_sigchld_storm() {
    signal_storm(libc::SIGCHLD);
}

/// 10,000 signals vinit has no use for: the old vinit logged "ignoring signal N" for every
/// one it read. Now a burst, then one line with the count of the rest. A real-time signal
/// (40) queues instead of coalescing, so vinit reads every one and the count is exact.
#[test]
fn test_10000_ignored_signal_storm_is_logged_at_a_bounded_rate() {
    const SIG: i32 = 40;
    const STORM: usize = 10_000;
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", INITTAB.as_bytes()));
    let base = settled_baseline(&mut run);
    for _ in 0..STORM {
        kill(run.pid(), SIG);
    }
    let logged_line = format!("vinit: info: ignoring signal {SIG}");
    run.expect_line(&logged_line, EVENT_TIMEOUT);
    telinit_q(&run, &Tools::vinit());
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    let logged = count(&run, &logged_line);
    assert!(logged <= 10, "{logged} lines for the storm\n{}", run.dump());
    // Every signal is read (64 a pass) and counted: the summaries add up to the storm.
    let deadline = Instant::now() + SUMMARY_TIMEOUT;
    let mut summarized = 0;
    while count(&run, &logged_line) + summarized < STORM {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = run.expect_line("more signals were ignored", left);
        summarized += usize::try_from(number_after(&line, "vinit: warning: ")).unwrap();
        let logged = count(&run, &logged_line);
        assert!(logged <= 10, "{logged} lines for the storm\n{}", run.dump());
    }
    assert_eq!(
        count(&run, &logged_line) + summarized,
        STORM,
        "{}",
        run.dump()
    );
    recovers(run, &base, Duration::from_secs(1), STOP_WITHIN);
}

/// stderr on a regular file: nothing can stall it, so every line is written as before (a
/// file system that takes RWF_NOWAIT must not make vinit drop lines).
#[test]
fn test_stderr_on_a_regular_file_keeps_every_line() {
    let mut run = booted(
        Launch::vinit::<&str>(&[])
            .etc_file("inittab", INITTAB.as_bytes())
            .setup("exec 2>>/run/err.log"),
    );
    let tools = Tools::vinit();
    for _ in 0..20 {
        telinit_q(&run, &tools);
    }
    let log = ns_path(run.pid(), "/run/err.log");
    support::wait_until("20 re-reads in the file", EVENT_TIMEOUT, || {
        fs::read_to_string(&log)
            .unwrap()
            .matches("vinit: info: Re-reading inittab\n")
            .count()
            == 20
    });
    let text = fs::read_to_string(&log).unwrap();
    assert!(!text.contains("dropped"), "{text}");
    run.signal(libc::SIGTERM);
    assert_eq!(run.wait_exit(STOP_WITHIN).code(), Some(0));
}

/// 100,000 requests, valid and invalid mixed, written from outside: every line they cost is
/// rate-limited, and every request the limit kept out of the log is counted in a summary.
#[test]
fn test_100000_request_flood_costs_bounded_log_lines() {
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", INITTAB.as_bytes()));
    let base = settled_baseline(&mut run);
    let before = run.history().len();
    let mut bogus = 0;
    // The 16 slots as compat §5.5 keeps them, to count the variables that find none.
    let mut slots: Vec<String> = Vec::new();
    let mut no_room = 0;
    let mut store = |kv: &str| {
        let name = kv.split('=').next().unwrap().to_owned();
        slots.retain(|n| *n != name);
        if kv.contains('=') {
            if slots.len() < 16 {
                slots.push(name);
            } else {
                no_room += 1;
            }
        }
        setenv(kv.as_bytes())
    };
    let mut flood = Vec::with_capacity(100_001);
    for i in 0..100_000u32 {
        let r = match i % 8 {
            // Valid: set, change and unset variables (24 names for 16 slots); POWEROK (no
            // powerokwait entry); one in a thousand, the current level (re-reads the inittab,
            // changes nothing).
            0 => store(&format!("INIT_FLOOD={i}")),
            1 => store("INIT_GONE"),
            2 => request(MAGIC, 4, 0, 0, &[]),
            3 if i % 1000 == 3 => runlevel_request(b'3'),
            3 => store(&format!("INIT_N{}=1", (i / 8) % 24)),
            // Invalid: bad magic, bad level, unknown command, START.
            4 => request(0x1969_0903, 1, b'5', 3, &[]),
            5 => request(MAGIC, 1, b'x', 3, &[]),
            6 => request(MAGIC, 99, b'5', 3, &[]),
            _ => request(MAGIC, 0, b'5', 3, &[]),
        };
        if i % 8 >= 4 {
            bogus += 1;
        }
        flood.push(r);
    }
    assert!(
        no_room > 1_000,
        "the flood must overflow the slots: {no_room}"
    );
    flood.push(runlevel_request(b'5'));
    write_initctl(run.pid(), flood, FLOOD_TIMEOUT);
    run.expect_line("Switching to runlevel: 5", EVENT_TIMEOUT);
    let lines = run.history()[before..]
        .iter()
        .filter(|l| l.starts_with("vinit:"))
        .count();
    let bogus_logged = count(&run, "got bogus initrequest")
        + count(&run, "bad runlevel")
        + count(&run, "unimplemented initrequest");
    let no_room_logged = count(&run, "dropped: no room");
    assert!(
        lines <= 25 && bogus_logged <= 10 && no_room_logged <= 10,
        "{lines} lines for 100,000 requests\n{}",
        run.dump()
    );
    expect_summaries(
        &mut run,
        "more bogus initrequests were dropped",
        bogus_logged,
        bogus,
    );
    expect_summaries(
        &mut run,
        "more INIT_ variables were dropped",
        no_room_logged,
        no_room,
    );
    recovers(run, &base, Duration::from_millis(1500), STOP_WITHIN);
}

/// A queue longer than one loop pass reads (8 reads of one request), with junk in the last
/// read of the ninth pass, so that pass stops in the middle of a request: the request's first
/// bytes are carried to the next pass, so none is lost and the junk is one bogus request.
#[test]
fn test_a_request_cut_at_the_per_pass_bound_is_not_lost() {
    let inittab = format!("{INITTAB}l5:5:wait:/bin/sh -c 'echo \"level 5 INIT_N=$INIT_N\"'\n");
    let mut run = booted(Launch::vinit::<&str>(&[]).etc_file("inittab", inittab.as_bytes()));
    // Stopped, vinit cannot read while the queue builds up (all of it fits in the pipe).
    run.signal(libc::SIGSTOP);
    let set = |i: u32| setenv(format!("INIT_N={i}").as_bytes());
    // Reads 0-70 take requests 1-71; read 71, the ninth pass's last, 100 bytes of junk and
    // the first 284 bytes of request 72.
    let mut queue: Vec<Vec<u8>> = (1..=71).map(set).collect();
    queue.push(vec![b'j'; 100]);
    queue.extend((72..=150).map(set));
    queue.push(runlevel_request(b'5'));
    write_initctl(run.pid(), queue, EVENT_TIMEOUT);
    run.signal(libc::SIGCONT);
    run.expect_line("level 5 INIT_N=150", EVENT_TIMEOUT);
    let bogus = count(&run, "bogus initrequest");
    assert_eq!(bogus, 1, "{}", run.dump());
}
