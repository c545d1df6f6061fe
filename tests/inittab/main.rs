//! Inittab mode end to end (issue #3 "Tests", issue #4 items 1-2): the release binary boots
//! inittabs as PID 1 of a new PID + mount namespace (the test's inittab in a private overlay of
//! `/etc`, tmpfs on `/run` and `/var/log`) and is driven from outside as a container runtime
//! does: signals to its host pid, and `telinit`/`runlevel` run inside with nsenter(1).
//!
//! The entries are copies of `fixtures/stub.sh` in a per-test `stubs` directory: each appends
//! its events, argv and environment to a log file and prints them on stdout. The printed lines
//! are the events the tests wait for (never a fixed sleep); the log file gives the exact order
//! afterwards, and the stubs' pids give the order of starts. The real Debian 12 and Gentoo
//! inittabs (`fixtures/inittab/`, byte-exact copies of the distributions' files) boot with their
//! commands pointed at the stubs; their getty programs are not installed, so the gettys fail
//! at once as they do in a container without ttys.
//!
//! This file holds what the topics share (the stubs, their log, booting and driving vinit);
//! each topic is a file of its own.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::time::{Duration, Instant};

use support::namespace::{self, Launch, Running};
use support::procfs;
use support::{EVENT_TIMEOUT, TempDir, vinit};

mod bad_inittabs;
mod boot;
mod environment;
mod levels;
mod not_pid1;
mod observe;
mod service_output;
mod setuidgid;
mod status;
mod stop;

/// Bound for a stop or a run that should end promptly.
const EXIT_TIMEOUT: Duration = Duration::from_secs(20);

const STUB: &str = include_str!("../fixtures/stub.sh");
const DEBIAN: &str = include_str!("../fixtures/inittab/debian-12");
const GENTOO: &str = include_str!("../fixtures/inittab/gentoo-amd64");

/// Every name an inittab of this file calls; `getty` and `agetty` are left out on purpose.
const STUB_NAMES: [&str; 11] = [
    "svc",
    "openrc",
    "rc",
    "rcS",
    "sulogin",
    "halt.sh",
    "reboot",
    "powerfail",
    "startDM",
    "telinit",
    "shutdown",
];

/// sysvinit's PATH for children when the container sets none (compat §3.1).
const SYSVINIT_PATH: &str = "/sbin:/usr/sbin:/bin:/usr/bin";

/// A container variable given to vinit: it must reach every entry (issue #3 item 5).
const CONTAINER_VAR: (&str, &str) = ("FOO", "bar");

// ------------------------------------------------------------------------------------------
// The stubs and their log

/// One test's directory: `stubs/` (the stub under every name, plus `vinit`), `log`, `flushed`.
struct World {
    dir: TempDir,
    stubs: String,
}

impl World {
    fn new(tag: &str) -> Self {
        let dir = TempDir::new(tag);
        let stubs = dir.join("stubs");
        fs::create_dir(&stubs).unwrap();
        for name in STUB_NAMES {
            let path = stubs.join(name);
            fs::write(&path, STUB).unwrap();
            fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
        }
        symlink(vinit(), stubs.join("vinit")).unwrap();
        fs::write(dir.join("log"), "").unwrap();
        let stubs = stubs.to_str().unwrap().to_owned();
        Self { dir, stubs }
    }

    /// A test inittab: `@STUBS@` is the stubs directory.
    fn inittab(&self, template: &str) -> String {
        template.replace("@STUBS@", &self.stubs)
    }

    /// A distribution's inittab, byte for byte except that the commands under /sbin,
    /// /etc/init.d and /usr/bin are the stubs (never the host's programs).
    fn distro(&self, text: &str) -> String {
        let to = format!("{}/", self.stubs);
        let out = text
            .replace("/sbin/", &to)
            .replace("/etc/init.d/", &to)
            .replace("/usr/bin/", &to);
        // Safety: no entry may run a program of the host (a real getty would take a tty).
        for line in out.lines().filter(|l| !l.trim_start().starts_with('#')) {
            let process = line.splitn(4, ':').nth(3).unwrap_or_default();
            assert!(
                process.is_empty() || process.starts_with(&to),
                "{line:?} would run a host program"
            );
        }
        out
    }

    /// Every event the stubs logged, in the order they were written.
    fn log(&self) -> Vec<Logged> {
        fs::read_to_string(self.dir.join("log"))
            .unwrap()
            .lines()
            .map(Logged::parse)
            .collect()
    }

    /// The `start` events in the order the entries were started (by pid: fork order).
    fn starts(&self) -> Vec<Logged> {
        let mut starts: Vec<Logged> = self
            .log()
            .into_iter()
            .filter(|l| l.event == "start")
            .collect();
        starts.sort_by_key(|l| l.pid);
        starts
    }

    fn flushed(&self) -> Option<String> {
        fs::read_to_string(self.dir.join("flushed")).ok()
    }

    /// The line a getty-style entry's child logs when its program is missing.
    fn cannot_execute(&self, id: &str, program: &str) -> String {
        format!(
            "vinit: error: id \"{id}\": cannot execute \"{}/{program}\": ENOENT (no such file)",
            self.stubs
        )
    }
}

/// One line of the stubs' log: `EVENT PID NAME ARGS... | VAR=VALUE...`.
#[derive(Clone, Debug)]
struct Logged {
    event: String,
    pid: u32,
    /// The stub's name and arguments, e.g. `openrc sysinit` or `svc w1 slow`.
    what: String,
    env: BTreeMap<String, String>,
}

impl Logged {
    fn parse(line: &str) -> Self {
        let (head, env) = line
            .split_once(" | ")
            .unwrap_or_else(|| panic!("bad log line {line:?}"));
        let mut words = head.split_whitespace();
        let event = words.next().unwrap().to_owned();
        let pid = words.next().unwrap().parse().unwrap();
        let what = words.collect::<Vec<_>>().join(" ");
        let env = env
            .split_whitespace()
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), v.to_owned())
            })
            .collect();
        Self {
            event,
            pid,
            what,
            env,
        }
    }

    /// The `svc` tag (`svc w1 slow` → `w1`), or the whole name and arguments otherwise.
    fn tag(&self) -> &str {
        match self.what.strip_prefix("svc ") {
            Some(rest) => rest.split_whitespace().next().unwrap(),
            None => &self.what,
        }
    }
}

fn tags(logged: &[Logged]) -> Vec<&str> {
    logged.iter().map(Logged::tag).collect()
}

/// Index in the log of the first `event` of the stub tagged `tag`.
fn index_of(log: &[Logged], event: &str, tag: &str) -> usize {
    log.iter()
        .position(|l| l.event == event && l.tag() == tag)
        .unwrap_or_else(|| panic!("no {event:?} of {tag:?} in the log: {log:#?}"))
}

/// Asserts that `first`'s event came before `then`'s in the log.
fn assert_before(log: &[Logged], first: (&str, &str), then: (&str, &str)) {
    assert!(
        index_of(log, first.0, first.1) < index_of(log, then.0, then.1),
        "expected {first:?} before {then:?} in {log:#?}"
    );
}

/// Asserts the environment of compat §3.1 (vinit's INIT_VERSION) plus the container's variable,
/// and no INIT_HALT.
fn assert_env(logged: &Logged, runlevel: &str, prevlevel: &str, path: &str) {
    assert_env_halt(logged, runlevel, prevlevel, path, "unset");
}

/// `assert_env` with INIT_HALT as `shutdown` set it over /run/initctl (compat §5.5).
fn assert_env_halt(logged: &Logged, runlevel: &str, prevlevel: &str, path: &str, halt: &str) {
    let version = format!("vinit-{}", env!("CARGO_PKG_VERSION"));
    let want: BTreeMap<String, String> = [
        ("RUNLEVEL", runlevel),
        ("PREVLEVEL", prevlevel),
        ("INIT_VERSION", version.as_str()),
        ("CONSOLE", "/dev/console"),
        ("SHELL", "/bin/sh"),
        ("PATH", path),
        (CONTAINER_VAR.0, CONTAINER_VAR.1),
        ("INIT_HALT", halt),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(logged.env, want, "environment of {:?}", logged.what);
}

// ------------------------------------------------------------------------------------------
// Starting and driving vinit

/// vinit with no arguments (inittab mode, `/etc/inittab`), `inittab` in the namespace's
/// `/etc`, the container variable set and no PATH (so the sysvinit default applies).
fn boot(inittab: &str) -> Launch {
    Launch::vinit(&[] as &[&str])
        .etc_file("inittab", inittab.as_bytes())
        .env(CONTAINER_VAR.0, CONTAINER_VAR.1)
        .setup("unset PATH")
}

/// Runs the vinit multi-call binary inside the namespace (`vinit telinit 5`...); returns its
/// stdout after checking it succeeded.
fn client(run: &Running, args: &[&str]) -> String {
    let mut argv = vec![vinit()];
    argv.extend_from_slice(args);
    let out = run.exec_inside(&argv, EVENT_TIMEOUT);
    assert_eq!(out.code, Some(0), "{argv:?}: {out:?}");
    out.stdout
}

/// What the `runlevel` client prints, e.g. `N 3`.
fn runlevel(run: &Running) -> String {
    client(run, &["runlevel"]).trim().to_owned()
}

/// Host pid of the entry (a child of vinit) whose pid in the namespace is `ns_pid`.
fn host_pid(run: &Running, ns_pid: u32) -> i32 {
    procfs::children(run.pid())
        .into_iter()
        .find(|&pid| {
            fs::read_to_string(format!("/proc/{pid}/status")).is_ok_and(|s| {
                procfs::status_field(&s, "NSpid").split_whitespace().last()
                    == Some(&ns_pid.to_string())
            })
        })
        .unwrap_or_else(|| panic!("no child of vinit has pid {ns_pid} in the namespace"))
}

/// Host pid of the running stub tagged `tag` (from its `start` event).
fn host_pid_of(run: &Running, world: &World, tag: &str) -> i32 {
    let log = world.log();
    host_pid(run, log[index_of(&log, "start", tag)].pid)
}

fn alive(pid: i32) -> bool {
    procfs::state_and_ppid(pid).is_some_and(|(state, _)| state != 'Z')
}

fn count(lines: &[String], needle: &str) -> usize {
    lines.iter().filter(|l| l.contains(needle)).count()
}

/// Sends `sig` and waits for vinit to exit; returns its exit code, the time it took and every
/// line of output.
fn stop_with(run: &mut Running, sig: i32) -> (Option<i32>, Duration, Vec<String>) {
    let start = Instant::now();
    run.signal(sig);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    (status.code(), start.elapsed(), lines)
}

/// Boots `text` (a distribution's inittab) with the stubs; returns vinit once the
/// `getty_ids` entries are throttled and the level is idle.
fn boot_distro(world: &World, text: &str, getty_ids: &[&str]) -> namespace::Pid1 {
    let mut run = boot(&world.distro(text)).pid1();
    for id in getty_ids {
        run.expect_line(&throttle_line(id), EVENT_TIMEOUT);
    }
    run.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
    run
}

fn throttle_line(id: &str) -> String {
    format!("vinit: warning: Id \"{id}\" respawning too fast: disabled for 5 minutes")
}

const DEBIAN_GETTYS: [&str; 6] = ["1", "2", "3", "4", "5", "6"];
const GENTOO_GETTYS: [&str; 6] = ["c1", "c2", "c3", "c4", "c5", "c6"];

const FLUSH: &str = include_str!("../fixtures/inittab/flush");
