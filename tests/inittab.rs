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

use support::clients;
use support::namespace::{self, Launch, Running};
use support::procfs;
use support::{EVENT_TIMEOUT, TempDir, vinit};

/// Bound for a stop or a run that should end promptly.
const EXIT_TIMEOUT: Duration = Duration::from_secs(20);

const STUB: &str = include_str!("fixtures/stub.sh");
const DEBIAN: &str = include_str!("fixtures/inittab/debian-12");
const GENTOO: &str = include_str!("fixtures/inittab/gentoo-amd64");

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
            "vinit: error: id \"{id}\": cannot execute \"{}/{program}\": ENOENT",
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

// ------------------------------------------------------------------------------------------
// Boot

const BOOT_ORDER: &str = include_str!("fixtures/inittab/boot-order");

/// sysinit → boot/bootwait → the initdefault level, each wait/sysinit/bootwait entry holding
/// every later entry until it exits; children's stdout is vinit's stdout; a container PATH is
/// kept (vinit's precedence: the container's environment, then sysvinit's five variables).
#[test]
fn test_boot_order_and_wait_barrier() {
    let world = World::new("order");
    let path = "/usr/local/bin:/usr/bin:/bin";
    let mut run = Launch::vinit(&[] as &[&str])
        .etc_file("inittab", world.inittab(BOOT_ORDER).as_bytes())
        .env(CONTAINER_VAR.0, CONTAINER_VAR.1)
        .env("PATH", path)
        .pid1();
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc r1 daemon", EVENT_TIMEOUT);
    // The entries that are not waited for, so SIGTERM cannot cut them short.
    for tag in ["b1", "b2", "o1", "o2"] {
        run.expect_line(&format!("stub: end svc {tag}"), EVENT_TIMEOUT);
    }
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let starts = world.starts();
    assert_eq!(
        tags(&starts),
        [
            "s1", "s2", "b1", "bw", "b2", "o1", "w1", "o2", "w2", "r1", "l0"
        ],
        "order of starts"
    );
    let log = world.log();
    // The barriers: nothing after a waited-for entry starts before it has ended.
    assert_before(&log, ("end", "s1"), ("start", "s2"));
    assert_before(&log, ("end", "s2"), ("start", "b1"));
    assert_before(&log, ("end", "bw"), ("start", "b2"));
    for later in ["o2", "w2", "r1"] {
        assert_before(&log, ("end", "w1"), ("start", later));
    }
    assert_before(&log, ("end", "w2"), ("start", "r1"));
    // The level change to 0 stopped the service before level 0's entries ran.
    assert_before(&log, ("term", "r1"), ("start", "l0"));

    for s in &starts {
        let (runlevel, prev) = match s.tag() {
            "s1" | "s2" | "b1" | "bw" | "b2" => ("S", "N"),
            "l0" => ("0", "3"),
            _ => ("3", "N"),
        };
        assert_env(s, runlevel, prev, path);
    }

    // docker logs: each stub's events on vinit's stdout, vinit's own lines on stderr only.
    let stdout = run.stdout_lines();
    for s in &starts {
        let line = format!("stub: start {}", s.what);
        assert!(
            stdout.contains(&line),
            "{line:?} not on stdout: {stdout:#?}"
        );
    }
    assert_eq!(count(stdout, "vinit: "), 0, "{stdout:#?}");
    assert_eq!(count(&lines, "vinit: info: Entering runlevel: 3"), 1);
}

// ------------------------------------------------------------------------------------------
// The real distributions' inittabs

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

/// Each getty whose program is missing logs exactly one `cannot execute` line and one throttle
/// line per throttle window (`rounds`): it is not retried in a loop (compat §2.9).
fn assert_gettys_throttled(
    world: &World,
    lines: &[String],
    ids: &[&str],
    program: &str,
    rounds: usize,
) {
    for id in ids {
        let failed = world.cannot_execute(id, program);
        let throttled = throttle_line(id);
        assert_eq!(count(lines, &failed), rounds, "{failed}");
        assert_eq!(count(lines, &throttled), rounds, "{throttled}");
    }
    assert_eq!(
        count(lines, "cannot execute"),
        rounds * ids.len(),
        "{lines:#?}"
    );
    assert_eq!(
        count(lines, "respawning too fast"),
        rounds * ids.len(),
        "{lines:#?}"
    );
}

fn throttle_line(id: &str) -> String {
    format!("vinit: info: Id \"{id}\" respawning too fast: disabled for 5 minutes")
}

const DEBIAN_GETTYS: [&str; 6] = ["1", "2", "3", "4", "5", "6"];
const GENTOO_GETTYS: [&str; 6] = ["c1", "c2", "c3", "c4", "c5", "c6"];

#[test]
fn test_debian_inittab_boots_and_stops_like_sysvinit() {
    let world = World::new("debian");
    let mut run = boot_distro(&world, DEBIAN, &DEBIAN_GETTYS);
    assert_eq!(runlevel(&run), "N 2");
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");

    let starts = world.starts();
    assert_eq!(tags(&starts), ["rcS", "rc 2", "rc 0"]);
    assert_env(&starts[0], "S", "N", SYSVINIT_PATH);
    assert_env(&starts[1], "2", "N", SYSVINIT_PATH);
    assert_env(&starts[2], "0", "2", SYSVINIT_PATH);
    assert_gettys_throttled(&world, &lines, &DEBIAN_GETTYS, "getty", 1);
    for line in ["stub: start rcS", "stub: start rc 2", "stub: start rc 0"] {
        assert!(run.stdout_lines().iter().any(|l| l == line), "{line}");
    }
}

#[test]
fn test_gentoo_inittab_boots_and_stops_like_sysvinit() {
    let world = World::new("gentoo");
    let mut run = boot_distro(&world, GENTOO, &GENTOO_GETTYS);
    assert_eq!(runlevel(&run), "N 3");
    // OpenRC's display-manager service does this: `x:a:once` runs, the level stays (§2.4).
    // Like every request, it also clears the respawn throttle (§2.9): the gettys try again.
    client(&run, &["telinit", "a"]);
    run.expect_line("Activating demand-procedures for 'A'", EVENT_TIMEOUT);
    run.expect_line("stub: end startDM", EVENT_TIMEOUT);
    for id in GENTOO_GETTYS {
        run.expect_line(&throttle_line(id), EVENT_TIMEOUT);
    }
    assert_eq!(runlevel(&run), "N 3");
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");

    let starts = world.starts();
    assert_eq!(
        tags(&starts),
        [
            "openrc sysinit",
            "openrc boot",
            "openrc default",
            "startDM",
            "telinit u",
            "openrc shutdown",
            "halt.sh",
        ]
    );
    let levels = [
        ("S", "N"),
        ("S", "N"),
        ("3", "N"),
        ("3", "N"),
        ("0", "3"),
        ("0", "3"),
        ("0", "3"),
    ];
    for (s, (runlevel, prev)) in starts.iter().zip(levels) {
        assert_env(s, runlevel, prev, SYSVINIT_PATH);
    }
    // `l0u:0:wait:/sbin/telinit u` reached vinit over /run/initctl and was accepted.
    assert_eq!(
        count(&lines, "re-exec requested (telinit u)"),
        1,
        "{lines:#?}"
    );
    assert_gettys_throttled(&world, &lines, &GENTOO_GETTYS, "agetty", 2);
}

/// `telinit 6`: level 6's entries, then vinit boots again in place (sysinit runs a second
/// time); with `VINIT_REBOOT=exit:3` it exits 3 instead.
#[test]
fn test_reboot_boots_again_or_exits_with_vinit_reboot() {
    let again = World::new("reboot");
    let exits = World::new("reboot-exit");
    let mut run_again = boot(&again.distro(GENTOO)).pid1();
    let mut run_exits = boot(&exits.distro(GENTOO))
        .env("VINIT_REBOOT", "exit:3")
        .pid1();
    for run in [&mut run_again, &mut run_exits] {
        run.expect_line("Entering runlevel: 3", EVENT_TIMEOUT);
        run.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
        client(run, &["telinit", "6"]);
    }
    let code = run_exits.wait_exit(EXIT_TIMEOUT).code();
    assert_eq!(code, Some(3), "{}", run_exits.dump());

    run_again.expect_line("Switching to runlevel: 6", EVENT_TIMEOUT);
    run_again.expect_line("rebooting in place", EVENT_TIMEOUT);
    run_again.expect_line("Entering runlevel: 3", EVENT_TIMEOUT);
    run_again.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
    assert_eq!(runlevel(&run_again), "N 3");
    let (code, _, _) = stop_with(&mut run_again, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let level6 = ["telinit u", "openrc reboot", "reboot -dkn"];
    let boot = ["openrc sysinit", "openrc boot", "openrc default"];
    let starts = again.starts();
    let want: Vec<&str> = boot
        .iter()
        .chain(&level6)
        .chain(&boot)
        .chain(&["telinit u", "openrc shutdown", "halt.sh"])
        .copied()
        .collect();
    assert_eq!(tags(&starts), want);
    for s in &starts[3..6] {
        assert_env(s, "6", "3", SYSVINIT_PATH);
    }
    assert_env(&starts[6], "S", "N", SYSVINIT_PATH);
    assert_env(&starts[8], "3", "N", SYSVINIT_PATH);

    let starts = exits.starts();
    let want: Vec<&str> = boot.iter().chain(&level6).copied().collect();
    assert_eq!(tags(&starts), want);
}

// ------------------------------------------------------------------------------------------
// What a child gets

/// Prints the open fds, SigBlk and SigIgn of PID 1 (vinit: the control) and of the shell
/// itself (the entry), then the entry's ids. Builtins only, no fork while reading (see
/// single_command.rs). Passed in the container's environment and run with
/// `/bin/sh -c "$PROBE"`, so no script file is held open.
const PROBE: &str = r#"
    for p in 1 $$; do
        [ $p = $$ ] && who=child || who=pid1
        for f in /proc/$p/fd/*; do [ -L "$f" ] && echo "$who fd ${f##*/}"; done
        while read -r key value; do
            case $key in SigBlk:|SigIgn:) echo "$who $key $value" ;; esac
        done < /proc/$p/status
    done
    read -r pid comm state ppid pgrp sid rest < /proc/$$/stat
    echo "child ids pid=$pid ppid=$ppid pgrp=$pgrp sid=$sid"
    echo "probe done"
"#;

const PROBE_INITTAB: &str = include_str!("fixtures/inittab/probe");

#[test]
fn test_children_start_clean() {
    // The probe's `$` makes vinit run the field through `/bin/sh -c "exec ..."` (compat §1.6).
    let mut run = boot(PROBE_INITTAB)
        .env("PROBE", PROBE)
        // A dirty start: fd 7 open (not close-on-exec), SIGINT and SIGUSR1 ignored.
        .setup("exec 7</dev/null")
        .setup("trap '' INT USR1")
        .pid1();
    run.expect_line("probe done", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let pick = |who: &str| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(who))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let (pid1, child) = (pick("pid1 "), pick("child "));
    let ids = child.iter().find(|l| l.starts_with("ids ")).unwrap();
    let field = |name: &str| -> i32 {
        let kv = ids
            .split_whitespace()
            .find(|w| w.starts_with(name))
            .unwrap();
        kv.split_once('=').unwrap().1.parse().unwrap()
    };
    assert_eq!(
        child[..child.len() - 1],
        [
            "fd 0",
            "fd 1",
            "fd 2",
            "SigBlk: 0000000000000000",
            "SigIgn: 0000000000000000",
        ]
    );
    assert_eq!(field("ppid="), 1, "{ids}");
    assert_eq!(field("sid="), field("pid="), "own session: {ids}");
    assert_eq!(field("pgrp="), field("pid="), "own process group: {ids}");
    // Controls: the probe does see a mask and extra fds, in vinit itself.
    assert!(
        pid1.iter()
            .any(|l| l.starts_with("SigBlk:") && l != "SigBlk: 0000000000000000"),
        "{pid1:?}"
    );
    assert!(pid1.contains(&"fd 7".to_owned()), "{pid1:?}");
}

// ------------------------------------------------------------------------------------------
// Level changes and re-reads over /run/initctl

const LEVELS: &str = include_str!("fixtures/inittab/levels");

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

const RELOAD_V1: &str = include_str!("fixtures/inittab/reload-v1");

/// `b` removed, `c` turned `off`, `d` new, `a`'s command changed (which alone kills nothing,
/// compat §2.2 step 5).
const RELOAD_V2: &str = include_str!("fixtures/inittab/reload-v2");

const RELOAD_V3: &str = include_str!("fixtures/inittab/reload-v3");

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

// ------------------------------------------------------------------------------------------
// Stopping: docker stop and the other stop signals (issue #4 items 1-2)

const FLUSH: &str = include_str!("fixtures/inittab/flush");

/// SIGTERM (docker stop): level 0's entries run after the services were stopped; a service
/// that needs 1 s on TERM has flushed its file; vinit exits 0 well inside the budget.
#[test]
fn test_sigterm_runs_level0_and_lets_services_flush() {
    let world = World::new("flush");
    let mut run = boot(&world.inittab(FLUSH)).pid1();
    run.expect_line("stub: ready svc fl", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let (code, took, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(world.flushed().as_deref(), Some("flushed\n"));
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "took {took:?}"
    );
    let log = world.log();
    assert_before(&log, ("term", "fl"), ("start", "l0"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
    assert_env(&log[index_of(&log, "start", "l0")], "0", "3", SYSVINIT_PATH);
    for line in [
        "vinit: info: stop: SIGTERM received: runlevel 0",
        "vinit: info: Switching to runlevel: 0",
        "vinit: info: stop: complete in",
    ] {
        assert_eq!(count(&lines, line), 1, "{line}: {lines:#?}");
    }
    assert_eq!(count(&lines, "KILL"), 0, "{lines:#?}");
}

/// An inittab of one service and no level-0 entries (a common container setup): the stop ends
/// when the kill round has ended the service, not when the entries' share of the budget (5.6 s
/// of the default 9 s) runs out, as it once did.
#[test]
fn test_sigterm_without_level0_entries_ends_with_the_service() {
    let inittab = "id:3:initdefault:\n\
        s1:3:respawn:/bin/sh -c 'echo \"s1 up\"; exec sleep 1000'\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    run.expect_line("s1 up", EVENT_TIMEOUT);
    let (code, took, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(
        count(&lines, "the TERM signal (1 process)"),
        1,
        "{lines:#?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}: {lines:#?}");
}

const STUBBORN: &str = include_str!("fixtures/inittab/stubborn");

const HUNG_LEVEL0: &str = include_str!("fixtures/inittab/hung-level0");

/// With `-T 4`: a service that ignores SIGTERM is killed and vinit still exits 0 within the
/// budget; a level-0 script that hangs (and ignores SIGTERM too) is named in the log and
/// killed within the budget.
#[test]
fn test_stop_budget_bounds_stubborn_service_and_hung_level0_script() {
    let stubborn = World::new("stubborn");
    let hung = World::new("hung");
    let budget = Duration::from_secs(4);
    let launch = |world: &World, text| {
        Launch::vinit(&["-T", "4"])
            .etc_file("inittab", world.inittab(text).as_bytes())
            .env(CONTAINER_VAR.0, CONTAINER_VAR.1)
            .setup("unset PATH")
            .pid1()
    };
    let mut run_stubborn = launch(&stubborn, STUBBORN);
    let mut run_hung = launch(&hung, HUNG_LEVEL0);
    run_stubborn.expect_line("stub: ready svc s", EVENT_TIMEOUT);
    run_hung.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let start = Instant::now();
    run_stubborn.signal(libc::SIGTERM);
    run_hung.signal(libc::SIGTERM);
    run_hung.expect_line("stub: ready svc l0", EVENT_TIMEOUT);
    run_stubborn.expect_line(
        "Sending processes configured via /etc/inittab the KILL signal (1 process)",
        EVENT_TIMEOUT,
    );
    let killed_after = start.elapsed();
    let (status, lines) = run_stubborn.finish(EXIT_TIMEOUT);
    let took_stubborn = start.elapsed();
    let (hung_status, hung_lines) = run_hung.finish(EXIT_TIMEOUT);
    let took_hung = start.elapsed();

    assert_eq!(status.code(), Some(0), "{lines:#?}");
    // KILL after a real grace, early enough to leave level 0's entries their time.
    assert!(
        killed_after >= Duration::from_millis(1000) && killed_after < Duration::from_millis(2500),
        "stubborn service: KILL {killed_after:?} after the stop signal (budget {budget:?})"
    );
    assert!(
        took_stubborn < budget + Duration::from_secs(1),
        "stubborn service: stop took {took_stubborn:?} with a budget of {budget:?}"
    );
    let log = stubborn.log();
    assert_eq!(tags(&stubborn.starts()), ["s", "l0"], "{lines:#?}");
    assert_env(&log[index_of(&log, "start", "l0")], "0", "3", SYSVINIT_PATH);

    assert_eq!(hung_status.code(), Some(0), "{hung_lines:#?}");
    assert!(
        took_hung < budget + Duration::from_secs(1),
        "hung level-0 script: stop took {took_hung:?} with a budget of {budget:?}"
    );
    let named = format!(
        "vinit: info: stop: id \"l0\" ({}/svc l0 stubborn) still running when its share of the \
         stop budget ran out: killing it",
        hung.stubs
    );
    assert_eq!(count(&hung_lines, &named), 1, "{hung_lines:#?}");
    assert_eq!(
        count(&hung_lines, "stop: grace period over: sending KILL"),
        1
    );
    // The barrier held: the entry after the hung one never ran.
    assert_eq!(tags(&hung.starts()), ["d", "l0"]);
}

/// A second stop signal skips to the next phase and a third to the KILL, so an impatient
/// runtime ends a hung level 0 at once instead of waiting for the budget (9 s by default).
#[test]
fn test_repeated_stop_signals_hurry_the_stop() {
    let world = World::new("hurry");
    let mut run = boot(&world.inittab(HUNG_LEVEL0)).pid1();
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let start = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line("stub: ready svc l0", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop: another stop signal: skipping to the next phase",
        EVENT_TIMEOUT,
    );
    run.expect_line("vinit: info: stop: sending TERM to", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop: grace period over: sending KILL",
        EVENT_TIMEOUT,
    );
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(count(&lines, "another stop signal"), 2, "{lines:#?}");
}

/// `shutdown -h -P now` run inside (docker exec), sysvinit's own route to level 0: the
/// level's scripts see INIT_HALT=POWEROFF (compat §5.5), then vinit exits 0.
#[test]
fn test_shutdown_inside_runs_level0_with_init_halt_and_exits_0() {
    let world = World::new("shutdown");
    let mut run = boot_distro(&world, DEBIAN, &DEBIAN_GETTYS);
    // vinit's final sweep may kill the client right after its request, as it would kill a
    // `docker exec`: its own status is not the point.
    let _ = run.exec_inside(&[vinit(), "shutdown", "-h", "-P", "now"], EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "vinit: info: Switching to runlevel: 0"), 1);
    let starts = world.starts();
    assert_eq!(tags(&starts), ["rcS", "rc 2", "rc 0"]);
    assert_env_halt(&starts[2], "0", "2", SYSVINIT_PATH, "POWEROFF");
}

const CTRLALTDEL: &str = include_str!("fixtures/inittab/ctrlaltdel");

/// SIGINT runs the ctrlaltdel entries first, then the stop; Debian's shipped `ca` line
/// (`shutdown -t1 -a -r now`, here the real vinit shutdown client) asks for a reboot, which
/// becomes a halt: both end with exit 0.
#[test]
fn test_sigint_runs_ctrlaltdel_first_then_stops() {
    let own = World::new("cad");
    let debian = World::new("cad-debian");
    let mut run_own = boot(&own.inittab(CTRLALTDEL)).pid1();
    let mut run_debian = boot_distro(&debian, DEBIAN, &DEBIAN_GETTYS);
    run_own.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    run_own.signal(libc::SIGINT);
    run_debian.signal(libc::SIGINT);

    let (status, lines) = run_own.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "vinit: info: stop: SIGINT received: ctrlaltdel entries, then runlevel 0"
        ),
        1
    );
    let log = own.log();
    assert_eq!(tags(&own.starts()), ["d", "ca", "l0"]);
    assert_before(&log, ("end", "ca"), ("term", "d"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
    assert_env(&log[index_of(&log, "start", "ca")], "3", "N", SYSVINIT_PATH);

    let (status, lines) = run_debian.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "stop: runlevel 6 requested during the stop: halting instead"
        ),
        1,
        "{lines:#?}"
    );
    assert_eq!(
        tags(&debian.starts()),
        ["rcS", "rc 2", "shutdown -t1 -a -r now", "rc 0"]
    );
}

const STOP_SIGNALS: &str = include_str!("fixtures/inittab/stop-signals");

/// SIGUSR1/SIGUSR2 (busybox halt/poweroff), 37 (SIGRTMIN+3 as glibc numbers it, systemd's
/// halt) and 38 (sysvinit 3.10+'s poweroff) each stop: level 0 runs, exit 0.
#[test]
fn test_halt_and_poweroff_signals_stop() {
    let cases = [
        (libc::SIGUSR1, "halt signal"),
        (libc::SIGUSR2, "poweroff signal"),
        (37, "SIGRTMIN+3 (37: LXC, Podman halt)"),
        (38, "poweroff signal"),
    ];
    let mut runs: Vec<_> = cases
        .iter()
        .map(|&(sig, what)| {
            let world = World::new(&format!("sig{sig}"));
            let run = boot(&world.inittab(STOP_SIGNALS)).pid1();
            (sig, what, world, run)
        })
        .collect();
    for (_, _, _, run) in &mut runs {
        run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    }
    for (sig, _, _, run) in &runs {
        run.signal(*sig);
    }
    for (sig, what, world, run) in &mut runs {
        let (status, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(status.code(), Some(0), "signal {sig}: {lines:#?}");
        assert_eq!(
            count(
                &lines,
                &format!("vinit: info: stop: {what} received: runlevel 0")
            ),
            1,
            "signal {sig}: {lines:#?}"
        );
        assert_eq!(tags(&world.starts()), ["d", "l0"], "signal {sig}");
    }
}

const POWER: &str = include_str!("fixtures/inittab/power");

/// SIGPWR without /var/run/powerstatus (LXC's halt signal): powerwait/powerfail, then the
/// stop. With the file: sysvinit's power semantics (compat §4), the file is deleted, no stop.
#[test]
fn test_sigpwr_with_and_without_powerstatus() {
    let halting = World::new("pwr-halt");
    let world = World::new("pwr-status");
    let mut run_halt = boot(&halting.inittab(POWER)).pid1();
    let mut run = boot(&world.inittab(POWER)).pid1();
    run_halt.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);

    run_halt.signal(libc::SIGPWR);

    let status_file = |run: &Running, status: Option<&str>| -> bool {
        let script = match status {
            Some(s) => format!("printf {s} > /var/run/powerstatus"),
            None => "test -e /var/run/powerstatus".to_owned(),
        };
        run.exec_inside(&["/bin/sh", "-c", &script], EVENT_TIMEOUT)
            .code
            == Some(0)
    };
    for (status, tags_run) in [("O", &["po"][..]), ("L", &["pn"]), ("F", &["pf", "pw"])] {
        assert!(status_file(&run, Some(status)));
        run.signal(libc::SIGPWR);
        for tag in tags_run {
            run.expect_line(&format!("stub: end svc {tag}"), EVENT_TIMEOUT);
        }
        assert!(
            !status_file(&run, None),
            "powerstatus {status} was not deleted"
        );
    }
    // Every line vinit wrote before this request's answer has arrived: no stop began.
    client(&run, &["telinit", "q"]);
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
    assert_eq!(count(run.history(), "stop:"), 0, "{}", run.dump());
    assert_eq!(runlevel(&run), "N 3");
    assert_eq!(tags(&world.starts()), ["d", "po", "pn", "pf", "pw"]);
    let (code, _, _) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let (status, lines) = run_halt.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "vinit: info: stop: SIGPWR received: powerwait/powerfail entries"
        ),
        1,
        "{lines:#?}"
    );
    let log = halting.log();
    assert_eq!(tags(&halting.starts()), ["d", "pf", "pw", "l0"]);
    assert_before(&log, ("end", "pw"), ("term", "d"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
}

// ------------------------------------------------------------------------------------------
// Bad inittabs

/// A missing inittab is a fatal error naming the path, exit 1: `/etc/inittab` by default,
/// `-f FILE`, `VINIT_INITTAB`.
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
        let fatal = format!("vinit: fatal: {path}: cannot read the inittab");
        assert_eq!(count(&lines, &fatal), 1, "{lines:#?}");
    }
}

const BAD_LINES: &str = include_str!("fixtures/inittab/bad-lines");

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

const NO_BARRIER: &str = include_str!("fixtures/inittab/no-barrier");

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

// ------------------------------------------------------------------------------------------
// /etc/initscript (compat §1.6 step 2)

/// With `/etc/initscript` present every entry runs as `/bin/sh /etc/initscript ID LEVELS ACTION
/// PROCESS` (`+` and `@` stripped, the levels as sysvinit keeps them), except in single-user
/// mode, where entries run directly.
#[test]
fn test_initscript_wraps_every_entry_outside_single_user() {
    let initscript =
        "echo \"initscript: $1 $2 $3 [$4]\"\nVIA=initscript\nexport VIA\neval exec \"$4\"\n";
    let inittab = "id:3:initdefault:\n\
        si::sysinit:/bin/sh -c 'echo \"sysinit VIA=$VIA\"'\n\
        r3:23:once:+@/bin/echo plain words\n\
        pf::powerfail:/bin/echo power\n\
        s1:S:wait:/bin/sh -c 'echo \"single VIA=${VIA-unset}\"'\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .etc_file("initscript", initscript.as_bytes())
        .setup("echo F > /var/run/powerstatus")
        .pid1();
    run.expect_line(
        "initscript: si # sysinit [/bin/sh -c 'echo \"sysinit VIA=$VIA\"']",
        EVENT_TIMEOUT,
    );
    run.expect_line("sysinit VIA=initscript", EVENT_TIMEOUT);
    run.expect_line(
        "initscript: r3 23 once [/bin/echo plain words]",
        EVENT_TIMEOUT,
    );
    run.expect_line("plain words", EVENT_TIMEOUT);
    // An empty field is passed as sysvinit fills it in. With a powerstatus file, SIGPWR is
    // sysvinit's power event, not a stop.
    run.signal(libc::SIGPWR);
    run.expect_line(
        "initscript: pf S0123456789 powerfail [/bin/echo power]",
        EVENT_TIMEOUT,
    );
    run.expect_line("power", EVENT_TIMEOUT);

    clients::nsrun(run.pid(), &[vinit(), "telinit", "S"]).ok();
    let single = run.expect_line("single VIA=", EVENT_TIMEOUT);
    assert!(single.ends_with("single VIA=unset"), "{single}");
    assert!(
        !run.history().iter().any(|l| l.contains("initscript: s1")),
        "{}",
        run.dump()
    );
}

// ------------------------------------------------------------------------------------------
// Not PID 1 (issue #11 §3): `docker run --init`, a pod's shared namespace, a shell

/// A link named `init` to the vinit under test, in `world`'s directory, as a distribution
/// installs it.
fn init_link(world: &World) -> std::path::PathBuf {
    let link = world.dir.join("init");
    symlink(vinit(), &link).unwrap();
    link
}

/// SIGTERM to host pid `pid`, from outside its namespace, as a runtime's stop does.
fn term(pid: i32) {
    let out = support::output_within(
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]),
        EVENT_TIMEOUT,
    )
    .unwrap();
    assert_eq!(out.code, Some(0), "kill -TERM {pid}: {out:?}");
}

/// The boot line of a vinit that is not PID 1 and boots as a container's main process under
/// another init.
const BOOT_UNDER_AN_INIT: &str = "vinit: info: booting /etc/inittab as a subreaper \
    (not PID 1: parent is PID 1, e.g. docker run --init)";

/// `docker run --init IMAGE /sbin/init`: vinit is PID 2 and its parent, PID 1, is another init
/// (here the harness's shell). As `init` (a link) and as `vinit`, with no arguments, it boots
/// the inittab as a subreaper and says so first; a stop signal runs level 0, lets the service
/// flush, and vinit exits 0. The build before issue #11 failed this: as `init` it was telinit
/// (its usage, exit 1).
#[test]
fn test_not_pid1_under_an_init_boots_the_inittab_as_a_subreaper() {
    let worlds = [
        World::new("under-init-link"),
        World::new("under-init-vinit"),
    ];
    let link = init_link(&worlds[0]);
    let mut runs: Vec<_> = worlds
        .iter()
        .enumerate()
        .map(|(i, world)| {
            let launch = boot(&world.inittab(FLUSH));
            let launch = if i == 0 {
                launch.via_link(&link)
            } else {
                launch
            };
            launch.not_pid1()
        })
        .collect();
    for (run, world) in runs.iter_mut().zip(&worlds) {
        assert_eq!(
            run.expect_line("vinit: ", EVENT_TIMEOUT),
            BOOT_UNDER_AN_INIT
        );
        run.expect_line("stub: ready svc fl", EVENT_TIMEOUT);
        run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
        assert_ne!(run.ns_pid(), 1);
        let (code, took, lines) = stop_with(run, libc::SIGTERM);
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_eq!(world.flushed().as_deref(), Some("flushed\n"));
        let log = world.log();
        assert_before(&log, ("term", "fl"), ("start", "l0"));
        assert_before(&log, ("term", "d"), ("start", "l0"));
        assert_eq!(
            count(&lines, "vinit: info: stop: complete in"),
            1,
            "{lines:#?}"
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}

/// From a shell (a parent that is neither PID 1 nor outside the namespace), `vinit` with no
/// arguments never boots the host's inittab: one line, the hint, exit 2; `init` is telinit and
/// prints its usage, exit 1, as sysvinit's does. `vinit -f FILE` still boots FILE there, as a
/// subreaper. The build before issue #11 booted /etc/inittab from the shell (and never came
/// back to it).
#[test]
fn test_not_pid1_from_a_shell_boots_only_with_f() {
    let world = World::new("from-shell");
    let link = init_link(&world);
    // The booted vinit's sysinit tells the shell it is up through a FIFO; the shell then
    // stops it as a runtime would.
    let inittab = "id:3:initdefault:\n\
        si::sysinit:/bin/sh -c 'echo sysinit ran; echo up > /run/up'\n";
    let script = r#"
        "$1"; echo "vinit exit $?"
        "$2"; echo "init exit $?"
        mkfifo /run/up
        "$1" -f /etc/inittab & pid=$!
        read up < /run/up; kill -TERM $pid; wait $pid; echo "f exit $?"
    "#;
    let mut run = Launch::program(
        "/bin/sh",
        &["-c", script, "sh", vinit(), link.to_str().unwrap()],
    )
    .etc_file("inittab", inittab.as_bytes())
    .not_pid1();
    run.expect_line(
        "vinit: fatal: not PID 1 and not a container's main process: not booting /etc/inittab \
         (see -f)",
        EVENT_TIMEOUT,
    );
    run.expect_line("try 'vinit --help'", EVENT_TIMEOUT);
    run.expect_line("vinit exit 2", EVENT_TIMEOUT);
    run.expect_line(
        "Usage: init {-e VAR[=VAL] | [-t SECONDS] {0|1|2|",
        EVENT_TIMEOUT,
    );
    run.expect_line("init exit 1", EVENT_TIMEOUT);
    run.expect_line(
        "vinit: info: booting /etc/inittab as a subreaper (not PID 1: -f given)",
        EVENT_TIMEOUT,
    );
    run.expect_line("sysinit ran", EVENT_TIMEOUT);
    run.expect_line("f exit 0", EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "sysinit ran"), 1, "{lines:#?}");
    assert_eq!(count(&lines, "vinit: info: booting"), 1, "{lines:#?}");
}

/// `docker exec CONTAINER init` (no arguments) has its parent outside the namespace (ppid 0),
/// as a pod's main process has, but must not boot a second init: it is telinit (its usage,
/// exit 1) when PID 1 is vinit itself (here in single-command mode, which has no FIFO: the
/// executable decides) and when an init serves /run/initctl (vinit as PID 2 under a shell).
/// Control: in a namespace whose PID 1 is neither (a pod's pause process, here `sleep`) and
/// with no FIFO, the same command boots the inittab as a subreaper, and SIGTERM ends it with 0.
#[test]
fn test_init_exec_into_a_namespace_is_telinit_unless_no_init_runs_there() {
    let world = World::new("exec-init");
    let link = init_link(&world);
    let link = link.to_str().unwrap();
    let mut single = Launch::vinit(&["--", "/bin/sh", "-c", "echo ready; exec sleep 1000"]).pid1();
    single.expect_line("ready", EVENT_TIMEOUT);
    let mut under_shell = boot(&world.inittab(FLUSH)).not_pid1();
    under_shell.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    clients::wait_for_initctl(under_shell.pid());
    for run in [&*single, &*under_shell] {
        let out = run.exec_inside(&[link], clients::CLIENT_TIMEOUT);
        assert_eq!(out.code, Some(1), "{out:?}");
        assert!(out.stderr.starts_with("Usage: init {"), "{out:?}");
        assert!(!out.stderr.contains("booting"), "{out:?}");
    }
    assert_eq!(count(under_shell.history(), "booting"), 1);

    // Control: the pod's shape.
    let inittab =
        "id:3:initdefault:\ns1:3:respawn:/bin/sh -c 'echo up > /run/s1; exec sleep 1000'\n";
    let pause = Launch::program("/bin/sleep", &["1000"])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    let err = world.dir.join("exec.err");
    let mut nsenter = std::process::Command::new("nsenter")
        .args(["-t", &pause.pid().to_string(), "-p", "-m", "--", link])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let up = clients::ns_path(pause.pid(), "/run/s1");
    support::wait_until("the pod's vinit started s1", EVENT_TIMEOUT, || up.exists());
    let first = fs::read_to_string(&err).unwrap();
    assert_eq!(
        first.lines().next(),
        Some(
            "vinit: info: booting /etc/inittab as a subreaper (not PID 1: parent is outside \
             the PID namespace, e.g. a pod)"
        ),
        "{first}"
    );
    let booted = procfs::children(nsenter.id() as i32);
    assert_eq!(booted.len(), 1, "{booted:?}");
    term(booted[0]);
    let deadline = Instant::now() + EXIT_TIMEOUT;
    let status = loop {
        if let Some(status) = nsenter.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the pod's vinit did not stop");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(
        status.code(),
        Some(0),
        "{}",
        fs::read_to_string(&err).unwrap()
    );
}

/// The first operand picks the mode: a lone level character is inittab mode's LEVEL (it
/// overrides initdefault, as sysvinit's `init 5`), any other word starts CMD (tini's `vinit
/// CMD` without `--`), and `--` makes even a level character a command.
#[test]
fn test_a_level_argument_boots_that_level_and_other_words_are_commands() {
    let inittab = "id:3:initdefault:\n\
        l3:3:wait:/bin/echo level 3 ran\n\
        l5:5:wait:/bin/echo level 5 ran\n";
    let mut level = Launch::vinit(&["5"])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    level.expect_line("level 5 ran", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut level, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "level 3 ran"), 0, "{lines:#?}");

    let dir = TempDir::new("level-words");
    let five = dir.join("5");
    fs::write(&five, "#!/bin/sh\necho \"command 5 ran: $*\"\nexit 7\n").unwrap();
    fs::set_permissions(&five, fs::Permissions::from_mode(0o755)).unwrap();
    let cases: [(&[&str], &str, i32); 2] = [
        (
            &[
                "/bin/sh",
                "-c",
                "echo \"sh ran: $0 $1\"; exit 4",
                "-x",
                "-e",
            ],
            "sh ran: -x -e",
            4,
        ),
        // `5` is found in PATH: the test's directory.
        (&["--", "5", "-T", "0"], "command 5 ran: -T 0", 7),
    ];
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    for (args, line, status) in cases {
        let mut run = Launch::vinit(args).env("PATH", &path).pid1();
        run.expect_line(line, EVENT_TIMEOUT);
        assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(status), "{args:?}");
    }
}
