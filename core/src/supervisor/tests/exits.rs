//! The log lines of entries' exits (issue 14): one per exit of an entry's process, a warning
//! when a service or a `once` entry ends on its own with a failure or a signal; the kill
//! rounds' and the stop's own kills are quiet; `-v` adds every spawn and reap.

use super::*;

fn verbose() -> Config {
    Config {
        verbose: true,
        ..config()
    }
}

/// The lines `seen` holds at `level` (`warning`, `info`), without the prefix.
fn lines<'a>(seen: &'a [String], level: &str) -> StdVec<&'a str> {
    let prefix = format!("{level}: ");
    seen.iter()
        .filter_map(|s| s.strip_prefix(prefix.as_str()))
        .collect()
}

impl World {
    fn ends(&mut self, id: &str, exit: Exit) {
        let pid = self.pid(id);
        let _ = self.init.handle_child_exit(self.t(), pid, exit);
        self.drive();
    }
}

#[test]
fn test_a_once_entry_killed_by_a_signal_leaves_one_warning() {
    let mut w = boot("id:3:initdefault:\noops:3:once:/bin/crash\n");
    let pid = w.pid("oops");
    w.take();
    w.ends("oops", Exit::Signal(11));
    let seen = w.take();
    // sysvinit's own line follows: the level has nothing left to run.
    assert_eq!(
        seen,
        [
            format!("warning: id \"oops\" (pid {pid}, /bin/crash) killed by SIGSEGV"),
            "log NoMoreProcesses".into()
        ]
    );
}

#[test]
fn test_clean_exits_and_boot_entries_are_information() {
    let mut w =
        boot("id:3:initdefault:\nsi::sysinit:/etc/rcS\nrc:3:wait:/etc/rc 3\nonce:3:once:/bin/x\n");
    w.ends("si", Exit::Code(1));
    w.ends("rc", Exit::Code(0));
    w.ends("once", Exit::Code(0));
    let seen = w.take();
    assert_eq!(lines(&seen, "warning"), StdVec::<&str>::new(), "{seen:?}");
    let info = lines(&seen, "info");
    assert_eq!(info.len(), 3, "{seen:?}");
    assert!(info[0].starts_with("id \"si\" (pid "), "{seen:?}");
    assert!(
        info[0].ends_with(", /etc/rcS) exited with status 1"),
        "{seen:?}"
    );
    assert!(
        info[2].ends_with(", /bin/x) exited with status 0"),
        "{seen:?}"
    );
}

/// A crash loop: its first exit is a warning, its repeats (restarts inside the respawn window
/// that end the same way) are `-v` lines, and the throttle's line, a warning too, ends the
/// story: a getty without a tty costs two lines, not eleven. With `-v`, every exit has its
/// line.
#[test]
fn test_a_crash_loop_warns_once_then_at_the_throttle() {
    for config in [config(), verbose()] {
        let mut w = boot_with("id:3:initdefault:\nweb:3:respawn:/usr/bin/web\n", config);
        w.take();
        let mut exits = 0;
        for _ in 0..20 {
            if w.init.pid_of(b"web").is_none() {
                break;
            }
            // A getty without a tty gives up after ~10 s.
            w.advance(10_000);
            w.exits("web", 1);
            exits += 1;
        }
        assert_eq!(exits, 10);
        let seen = w.take();
        let warnings = lines(&seen, "warning");
        let shown = if config.verbose { exits } else { 1 };
        assert_eq!(warnings.len(), shown, "{seen:?}");
        assert!(
            warnings
                .iter()
                .all(|l| l.ends_with(", /usr/bin/web) exited with status 1")),
            "{seen:?}"
        );
        assert_eq!(count(&seen, "log RespawningTooFast"), 1, "{seen:?}");
    }
    assert!(Notice::RespawningTooFast(Id::new()).warns());
}

/// A service that fails after running past its respawn window, or fails differently, gets its
/// line each time.
#[test]
fn test_a_service_that_ran_a_while_or_failed_otherwise_warns_each_time() {
    let mut w = boot("id:3:initdefault:\nweb:3:respawn:/usr/bin/web\n");
    w.take();
    w.advance(200_000);
    w.exits("web", 1);
    w.advance(200_000);
    w.exits("web", 1);
    w.exits("web", 2);
    w.ends("web", Exit::Signal(11));
    w.exits("web", 1);
    // The same status again inside the window: quiet.
    w.exits("web", 1);
    let seen = w.take();
    let warnings = lines(&seen, "warning");
    assert_eq!(warnings.len(), 5, "{seen:?}");
    assert!(warnings[3].ends_with("killed by SIGSEGV"), "{seen:?}");
    assert!(warnings[4].ends_with("exited with status 1"), "{seen:?}");
}

/// A level change's kill round announces its TERM in one line: the exits it causes add none
/// (but with `-v`, where they name the entry).
#[test]
fn test_a_kill_rounds_exits_are_verbose_lines_only() {
    for config in [config(), verbose()] {
        let mut w = boot_with(
            "id:3:initdefault:\na:3:respawn:/bin/a\nc:5:respawn:/bin/c\n",
            config,
        );
        let pa = w.pid("a");
        w.request(b'5');
        w.take();
        let _ = w.init.handle_child_exit(w.t(), pa, Exit::Signal(15));
        w.drive();
        let seen = w.take();
        let reaped = format!("log Reaped([97], {pa}, Signal(15))");
        assert_eq!(seen.contains(&reaped), config.verbose, "{seen:?}");
        assert!(lines(&seen, "warning").is_empty(), "{seen:?}");
        assert_eq!(count(&seen, "spawn c"), 1, "{seen:?}");
    }
}

/// The stop kills what is left: those exits are information, never warnings.
#[test]
fn test_exits_during_the_stop_are_not_warnings() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.take();
    w.stop(StopCause::Term);
    w.ends("l0", Exit::Signal(9));
    let seen = w.take();
    assert!(lines(&seen, "warning").is_empty(), "{seen:?}");
    assert_eq!(lines(&seen, "info").len(), 1, "{seen:?}");
}

#[test]
fn test_verbose_names_the_entry_at_every_spawn_and_orphans_by_pid() {
    let mut w = boot_with("id:3:initdefault:\nweb:3:respawn:/usr/bin/web\n", verbose());
    let pid = w.pid("web");
    let seen = w.take();
    assert!(
        seen.contains(&format!(
            "info: id \"web\" (pid {pid}, /usr/bin/web) started"
        )),
        "{seen:?}"
    );
    let _ = w.init.handle_child_exit(w.t(), 9999, Exit::Code(0));
    w.drive();
    assert_eq!(w.take(), ["log Reaped([], 9999, Code(0))"]);
    // Without -v: nothing for an orphan or a start.
    let mut w = boot("id:3:initdefault:\nweb:3:respawn:/usr/bin/web\n");
    assert_eq!(count(&w.take(), "info: "), 0);
    let _ = w.init.handle_child_exit(w.t(), 9999, Exit::Code(0));
    w.drive();
    assert!(w.take().is_empty());
}

/// A reap pass that finds many orphans with `-v` never fills the queue: a kill round's
/// signals still all go out.
#[test]
fn test_verbose_lines_never_take_an_effects_room() {
    let mut text = String::from("id:3:initdefault:\n");
    for i in 0..60 {
        text.push_str(&format!("r{i}:3:respawn:/bin/r\n"));
    }
    let mut w = boot_with(&text, verbose());
    w.take();
    for pid in 10_000..10_500 {
        let _ = w.init.handle_child_exit(w.t(), pid, Exit::Code(0));
    }
    w.request(b'5');
    let seen = w.take();
    assert!(count(&seen, "log Reaped") <= VERBOSE_QUEUED_MAX, "{seen:?}");
    let terms = seen
        .iter()
        .filter(|s| s.starts_with("kill -") && s.ends_with(" 15"))
        .count();
    assert_eq!(terms, 60, "no signal may be dropped");
}
