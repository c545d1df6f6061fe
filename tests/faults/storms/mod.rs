//! Storms and exhaustion (issue #10 items 1, 10, 11 and the stderr decision): a reader of
//! vinit's stderr that dies or stalls, signal storms from outside, a 100,000-request flood of
//! /run/initctl, long `INIT_*` variables, and too few file descriptors. Each test ends with the
//! health check (or, where no FIFO can exist, the parts of it that apply).
//!
//! This file holds what the families share; each family is a file of its own.
#![allow(unsafe_code)] // libc::kill and fcntl, each with a SAFETY line

use std::fs;
use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use support::EVENT_TIMEOUT;
use support::clients::{Tools, nsrun, wait_for_initctl};
use support::initctl::{CMD_SETENV, MAGIC, request};
use support::namespace::{Launch, Pid1};
use support::procfs;

use crate::health;

mod floods;
mod init_vars;
mod nofile;
mod stderr;

/// A stop from the runtime: inside vinit's 9 s budget, with the test's margin.
const STOP_WITHIN: Duration = Duration::from_secs(10);
/// Bound for something that happens at once on a healthy PID 1 (a respawn, a reap), kept
/// short so the negative control fails quickly.
const PROMPT: Duration = Duration::from_secs(5);
/// Bound for writing a 100,000-request flood into the FIFO (38 MB through a 64 KB pipe).
const FLOOD_TIMEOUT: Duration = Duration::from_secs(60);
/// A flood's summary line comes when the rate limit's 10 s window is over.
const SUMMARY_TIMEOUT: Duration = Duration::from_secs(25);

const INITTAB: &str = "id:3:initdefault:\n\
                       l3:3:wait:/bin/echo level 3 ran\n\
                       sv:3:respawn:/bin/sleep 1000\n";

/// vinit's stderr on a FIFO read by a `cat` that copies it to the harness (dash has no
/// process substitution): the test can stop or kill that reader. `cat` becomes vinit's child.
const STDERR_ON_FIFO: &str = "mkfifo /run/err; cat /run/err >&2 & exec 2>/run/err";

fn kill(pid: i32, sig: i32) {
    // SAFETY: kill has no memory-safety preconditions.
    let rc = unsafe { libc::kill(pid, sig) };
    assert_eq!(
        rc,
        0,
        "kill({pid}, {sig}): {}",
        std::io::Error::last_os_error()
    );
}

fn comm(pid: i32) -> String {
    fs::read_to_string(format!("/proc/{pid}/comm"))
        .unwrap_or_default()
        .trim_end()
        .to_owned()
}

/// Live (not zombie) children of PID 1 running `name`.
fn live_children(run: &Pid1, name: &str) -> Vec<i32> {
    procfs::processes_with_parent(run.pid())
        .into_iter()
        .filter(|&(pid, state)| state != 'Z' && comm(pid) == name)
        .map(|(pid, _)| pid)
        .collect()
}

/// Waits (bounded) for a live child of PID 1 running `name`, other than `not`.
fn child(run: &Pid1, name: &str, not: Option<i32>, within: Duration) -> i32 {
    let mut found = None;
    support::wait_until(&format!("a live {name} child of PID 1"), within, || {
        found = live_children(run, name)
            .into_iter()
            .find(|&p| Some(p) != not);
        found.is_some()
    });
    found.unwrap()
}

/// Kills the respawn service and waits for its successor: PID 1 still reaps and respawns.
fn respawns(run: &Pid1, service: i32) -> i32 {
    kill(service, libc::SIGTERM);
    let next = child(run, "sleep", Some(service), PROMPT);
    support::wait_until("the old service reaped", PROMPT, || {
        procfs::state_and_ppid(service).is_none_or(|(_, ppid)| ppid != run.pid())
    });
    next
}

/// A hex mask field (`SigIgn`, `SigBlk`) of /proc/PID/status.
fn mask(pid: i32, field: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    u64::from_str_radix(procfs::status_field(&status, field), 16).unwrap()
}

/// Shrinks the FIFO `path` to one page and fills it from outside, so the next write blocks
/// (or fails with EAGAIN) until its reader reads.
fn fill_fifo(path: &Path) {
    let fifo = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .unwrap();
    // SAFETY: fcntl on an fd this function owns; F_SETPIPE_SZ takes an int.
    let rc = unsafe { libc::fcntl(fifo.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
    assert!(
        rc >= 4096,
        "F_SETPIPE_SZ: {}",
        std::io::Error::last_os_error()
    );
    let line = format!("{:<63}\n", "stderr filler");
    let mut written = 0;
    loop {
        match (&fifo).write(line.as_bytes()) {
            Ok(n) => written += n,
            Err(e) if e.raw_os_error() == Some(libc::EAGAIN) => break,
            Err(e) => panic!("filling {}: {e}", path.display()),
        }
        assert!(written <= 1 << 20, "the FIFO never filled up");
    }
    assert!(written >= 4096 - 64, "only {written} bytes fit");
}

/// Stops the reader and waits until it is stopped (it may be in the middle of a read).
fn stall(reader: i32) {
    kill(reader, libc::SIGSTOP);
    support::wait_until("the reader stopped", PROMPT, || {
        procfs::state_and_ppid(reader).is_some_and(|(state, _)| state == 'T')
    });
}

/// The baseline of a PID 1 that has served one request (`telinit q`): the first request
/// touches stack pages that boot did not, which is not growth caused by the fault.
fn settled_baseline(run: &mut Pid1) -> health::Baseline {
    telinit_q(run, &Tools::vinit());
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    health::baseline(run)
}

/// The health check, after printing the CPU the fault cost PID 1 (`--nocapture` shows it).
fn recovers(run: Pid1, base: &health::Baseline, cpu_budget: Duration, stop_within: Duration) {
    let used = health::cpu_time(run.pid()).saturating_sub(base.cpu);
    let rss = health::rss_kib(run.pid());
    eprintln!(
        "{}: PID 1 used {used:?} of CPU (budget {cpu_budget:?}); VmRSS {} -> {rss} KiB",
        std::thread::current().name().unwrap_or("?"),
        base.rss_kib
    );
    health::assert_recovers(run, base, cpu_budget, stop_within);
}

fn telinit_q(run: &Pid1, tools: &Tools) {
    nsrun(run.pid(), &[&tools.get("telinit"), "q"]).ok();
}

fn count(run: &Pid1, needle: &str) -> usize {
    run.history().iter().filter(|l| l.contains(needle)).count()
}

/// The number a line starts with after `prefix`, e.g. `vinit: warning: 3 log lines dropped`.
fn number_after(line: &str, prefix: &str) -> u64 {
    let rest = &line[line.find(prefix).unwrap() + prefix.len()..];
    rest.split_whitespace().next().unwrap().parse().unwrap()
}

/// vinit booted `INITTAB` with its stderr on a reader the test controls; the service's pid.
fn booted_with_stderr_reader() -> (Pid1, i32) {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .setup(STDERR_ON_FIFO)
        .pid1();
    run.expect_line("vinit: info: booting", EVENT_TIMEOUT);
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    wait_for_initctl(run.pid());
    let service = child(&run, "sleep", None, EVENT_TIMEOUT);
    (run, service)
}

/// Starts `launch` as PID 1 and waits until its level 3 ran and its FIFO is there.
fn booted(launch: Launch) -> Pid1 {
    let mut run = launch.pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    wait_for_initctl(run.pid());
    run
}

fn setenv(kv: &[u8]) -> Vec<u8> {
    let mut data = kv.to_vec();
    data.push(0);
    request(MAGIC, CMD_SETENV, 0, 0, &data)
}

/// Waits until the summary lines `needle` (`N more ...`) plus `logged` add up to `total`,
/// and fails if they pass it.
fn expect_summaries(run: &mut Pid1, needle: &str, logged: usize, total: usize) {
    let deadline = Instant::now() + SUMMARY_TIMEOUT;
    let mut summarized = 0;
    while logged + summarized < total {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = run.expect_line(needle, left);
        summarized += usize::try_from(number_after(&line, "vinit: warning: ")).unwrap();
    }
    assert_eq!(
        logged + summarized,
        total,
        "lines logged plus summarized for {needle:?}\n{}",
        run.dump()
    );
}
