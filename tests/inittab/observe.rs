//! What PID 1 tells about its entries (issue 14 §1, §4): one line per exit of an entry's
//! process (a warning when a service or a `once` entry fails on its own), the respawn
//! throttle as a warning, `-v`/`VINIT_VERBOSE` lines naming the entry, and `init [N]` as PID
//! 1's command line in the host's real `ps` and /proc/PID/cmdline.

use std::fs;
use std::process::Command;

use support::namespace::Launch;
use support::{EVENT_TIMEOUT, wait_until};

use super::{EXIT_TIMEOUT, boot, client, count, stop_with, throttle_line};

/// A `once` entry that dies of SIGSEGV (no core file: `ulimit -c 0`), beside a clean one.
const CRASH: &str = "id:3:initdefault:\n\
                     ok:3:wait:/bin/sh -c 'echo ok ran'\n\
                     oops:3:once:/bin/sh -c 'ulimit -c 0; echo oops ran; kill -SEGV $$'\n";

/// The `once` entry killed by SIGSEGV leaves exactly one line, a warning naming the entry, its
/// pid, its process and the signal; the clean `wait` entry's exit is information. Old binary:
/// no line at all for either.
#[test]
fn test_a_crashing_once_entry_leaves_one_warning() {
    let mut run = boot(CRASH).pid1();
    let warning = run.expect_line("vinit: warning: id \"oops\" (pid ", EVENT_TIMEOUT);
    assert!(
        warning.ends_with(
            ", /bin/sh -c 'ulimit -c 0; echo oops ran; kill -SEGV $$') killed by SIGSEGV"
        ),
        "{warning}"
    );
    let info = run.expect_line("vinit: info: id \"ok\" (pid ", EVENT_TIMEOUT);
    assert!(
        info.ends_with(", /bin/sh -c 'echo ok ran') exited with status 0"),
        "{info}"
    );
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    assert_eq!(count(&lines, "\"oops\""), 1, "{lines:#?}");
    assert_eq!(count(&lines, "vinit: warning: "), 1, "{lines:#?}");
}

/// A service that fails at once: its first exit is a warning, its repeats (restarts inside the
/// respawn window that end the same way) are quiet, and the throttle's line is a warning too
/// (it was `info`): two lines for a crash loop, not eleven.
#[test]
fn test_a_crash_looping_service_warns_once_then_at_the_throttle() {
    let tab = "id:3:initdefault:\nweb:3:respawn:/bin/sh -c 'exit 3'\n";
    let mut run = boot(tab).pid1();
    run.expect_line(&throttle_line("web"), EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("vinit: warning: "))
        .collect();
    assert_eq!(warnings.len(), 2, "{lines:#?}");
    assert!(
        warnings[0].starts_with("vinit: warning: id \"web\" (pid ")
            && warnings[0].ends_with(", /bin/sh -c 'exit 3') exited with status 3"),
        "{lines:#?}"
    );
    assert_eq!(*warnings[1], throttle_line("web"));
}

/// `-v` and `VINIT_VERBOSE=1` in inittab mode: a line at every start naming the entry, and the
/// kill round's reaps name theirs. Old binary: `-v` refused in inittab mode ("needs a
/// command"), the variable ignored.
#[test]
fn test_verbose_lines_name_the_entry() {
    let tab = "id:3:initdefault:\nsv:3:respawn:/bin/sleep 1000\n";
    let launches = [
        Launch::vinit(&["-v"]).etc_file("inittab", tab.as_bytes()),
        Launch::vinit(&[] as &[&str])
            .etc_file("inittab", tab.as_bytes())
            .env("VINIT_VERBOSE", "1"),
    ];
    for launch in launches {
        let mut run = launch.pid1();
        let started = run.expect_line("vinit: info: id \"sv\" (pid ", EVENT_TIMEOUT);
        assert!(started.ends_with(", /bin/sleep 1000) started"), "{started}");
        client(&run, &["telinit", "5"]);
        let reaped = run.expect_line("vinit: info: id \"sv\" (pid ", EVENT_TIMEOUT);
        assert!(reaped.ends_with(") killed by SIGTERM"), "{reaped}");
        let (code, _, _) = stop_with(&mut run, libc::SIGTERM);
        assert_eq!(code, Some(0));
    }
}

/// What the host's procps `ps` shows as a process's command line.
fn ps_args(pid: i32) -> String {
    let out = Command::new("ps")
        .args(["-o", "args=", "-p", &pid.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// /proc/PID/cmdline: the title, then only NULs (the rest of the old argv area).
fn cmdline(pid: i32) -> String {
    let raw = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let title = raw.split(|&b| b == 0).next().unwrap_or_default();
    assert!(
        raw[title.len()..].iter().all(|&b| b == 0),
        "{raw:?}: a NUL after the title, then only NULs"
    );
    String::from_utf8_lossy(title).into_owned()
}

/// PID 1 shows `init [3]` after boot, `init [5]` after `telinit 5` and `init [0]` during the
/// stop, in /proc/PID/cmdline and the host's real `ps`, as sysvinit's does. Old binary: the
/// path vinit was started as.
#[test]
fn test_ps_shows_init_and_the_runlevel() {
    let tab = "id:3:initdefault:\n\
               l0:0:wait:/bin/sh -c 'echo l0 running; while [ ! -e /run/l0-done ]; do sleep 0.05; done'\n";
    let mut run = boot(tab).pid1();
    let pid = run.pid();
    for level in ["3", "5"] {
        if level != "3" {
            client(&run, &["telinit", level]);
        }
        let want = format!("init [{level}]");
        wait_until(&want, EVENT_TIMEOUT, || cmdline(pid) == want);
        assert_eq!(ps_args(pid), want);
    }
    run.signal(libc::SIGTERM);
    run.expect_line("l0 running", EVENT_TIMEOUT);
    assert_eq!(cmdline(pid), "init [0]");
    assert_eq!(ps_args(pid), "init [0]");
    fs::write(run.path_inside("/run/l0-done"), "").unwrap();
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}
