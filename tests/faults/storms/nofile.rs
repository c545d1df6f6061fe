//! Too few file descriptors: `ulimit -n` 4 to 8.

use std::fs;

use support::EVENT_TIMEOUT;
use support::clients::{Tools, ns_path, wait_for_initctl};
use support::namespace::{Launch, Pid1};

use super::{INITTAB, PROMPT, STOP_WITHIN, child, count, respawns, telinit_q};
use crate::health;

/// vinit with `ulimit -n n` (the setup shell execs vinit, so the limit is vinit's).
fn with_nofile(n: u32) -> Pid1 {
    Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .setup(&format!("ulimit -n {n}"))
        .pid1()
}

/// Below 6 descriptors vinit cannot read its inittab and a drop-in after its signalfd: one
/// fatal line, exit 1, nothing started (the old vinit booted without its FIFO and failed
/// every later re-read with EMFILE).
#[test]
fn test_nofile_4_and_5_fail_with_one_fatal_line() {
    for n in [4, 5] {
        let mut run = with_nofile(n);
        let (status, lines) = run.finish(PROMPT);
        assert_eq!(status.code(), Some(1), "nofile {n}: {}", run.dump());
        let want =
            format!("vinit: fatal: too few file descriptors: RLIMIT_NOFILE is {n}, vinit needs 6");
        assert_eq!(lines, [want], "nofile {n}");
    }
}

/// 6, 7 and 8 descriptors: vinit boots, says once what it does without (6: no FIFO, 7: no
/// inotify watch, 8: no status socket; 9 would be nothing), keeps two descriptors free so re-reading the inittab never
/// fails with EMFILE, reaps, does not spin, and stops on a signal.
#[test]
fn test_nofile_6_to_8_degrade_once_and_still_work() {
    let tools = Tools::vinit();
    for (n, sig) in [(6, libc::SIGTERM), (7, libc::SIGINT), (8, libc::SIGUSR1)] {
        let mut run = with_nofile(n);
        run.expect_line("level 3 ran", EVENT_TIMEOUT);
        let service = child(&run, "sleep", None, EVENT_TIMEOUT);
        let fifo = ns_path(run.pid(), "/run/initctl");
        if n >= 7 {
            wait_for_initctl(run.pid());
        }
        // A changed inittab, re-read on SIGHUP.
        fs::write(
            ns_path(run.pid(), "/etc/inittab"),
            format!("{INITTAB}rd:3:once:/bin/echo re-read at nofile {n}\n"),
        )
        .unwrap();
        run.signal(libc::SIGHUP);
        run.expect_line(&format!("re-read at nofile {n}"), EVENT_TIMEOUT);
        if n >= 7 {
            telinit_q(&run, &tools);
            run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
        } else {
            assert!(fs::symlink_metadata(&fifo).is_err(), "nofile 6 made a FIFO");
        }
        respawns(&run, service);
        health::assert_not_spinning(&run);
        run.signal(sig);
        let status = run.wait_exit(STOP_WITHIN);
        assert_eq!(status.code(), Some(0), "nofile {n}: {}", run.dump());
        let said = |needle: &str| count(&run, needle);
        let (no_fifo, no_watch) = match n {
            6 => (1, 0),
            7 => (0, 1),
            _ => (0, 0),
        };
        assert_eq!(
            said("no /run/initctl"),
            no_fifo,
            "nofile {n}: {}",
            run.dump()
        );
        assert_eq!(
            said("no inotify watch"),
            no_watch,
            "nofile {n}: {}",
            run.dump()
        );
        // The status socket gives way first: at 8 it alone is off, said once.
        assert_eq!(
            said("no status socket"),
            usize::from(n == 8),
            "nofile {n}: {}",
            run.dump()
        );
        assert_eq!(said("EMFILE"), 0, "nofile {n}: {}", run.dump());
    }
}

/// At the tightest limit that boots, every stop signal still stops vinit with exit 0.
#[test]
fn test_nofile_6_every_stop_signal_stops() {
    for sig in [
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGUSR1,
        libc::SIGUSR2,
        libc::SIGPWR,
        37,
        38,
    ] {
        let mut run = with_nofile(6);
        run.expect_line("level 3 ran", EVENT_TIMEOUT);
        // The probe: the limit is vinit's own.
        let limits = fs::read_to_string(format!("/proc/{}/limits", run.pid())).unwrap();
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max open files"))
            .unwrap();
        assert_eq!(line.split_whitespace().nth(3), Some("6"), "{line}");
        run.signal(sig);
        let status = run.wait_exit(STOP_WITHIN);
        assert_eq!(status.code(), Some(0), "signal {sig}: {}", run.dump());
    }
}
