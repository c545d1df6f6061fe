//! Signal rewriting (`-r FROM:TO`, `VINIT_REWRITE`) and the parent-death signal (`-p SIG`),
//! issue 15 items 4 and 5.

use support::namespace::Launch;
use support::{EVENT_TIMEOUT, vinit, wait_until};

use super::{EXIT_TIMEOUT, sh, with_options};

/// Reports TERM, QUIT, INT, USR1 and WINCH by name and keeps running; INT ends it (exit 5).
const REPORTS: &str = r#"
    for s in TERM QUIT USR1 WINCH; do trap "echo main got $s" $s; done
    trap 'echo main got INT; exit 5' INT
    echo main ready
    while :; do sleep 1000 & wait $!; done
"#;

/// `-r 15:3` (and `VINIT_REWRITE=TERM:SIGQUIT`): `docker stop`'s SIGTERM reaches CMD as
/// SIGQUIT, and the stop budget still runs: CMD, which survives QUIT, is killed at 7/8 of it
/// (status 137), the line naming the signal vinit received.
#[test]
fn test_rewritten_stop_signal_reaches_the_child_and_the_budget_runs() {
    for launch in [
        Launch::vinit(&with_options(&["-T", "2", "-r", "15:3"], REPORTS)),
        Launch::vinit(&with_options(&["-T", "2"], REPORTS)).env("VINIT_REWRITE", "TERM:SIGQUIT"),
    ] {
        let mut run = launch.pid1();
        run.expect_line("main ready", EVENT_TIMEOUT);
        run.signal(libc::SIGTERM);
        run.expect_line("main got QUIT", EVENT_TIMEOUT);
        run.expect_line("after signal 15 (budget 2000 ms)", EVENT_TIMEOUT);
        let (status, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(status.code(), Some(137), "{lines:#?}");
        assert!(
            !lines.iter().any(|l| l.contains("main got TERM")),
            "{lines:#?}"
        );
    }
}

/// `-r 15:0` drops SIGTERM: CMD never sees it and no stop starts; a later signal still gets
/// through, and the next stop signal (INT, not rewritten) ends CMD.
#[test]
fn test_dropped_signal_never_reaches_the_child() {
    let mut run = Launch::vinit(&with_options(&["-r", "TERM:0", "-T", "1"], REPORTS)).pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    // WINCH is numbered after TERM: had TERM been forwarded, it would have been read from
    // the signalfd and sent first.
    run.signal(libc::SIGWINCH);
    run.expect_line("main got WINCH", EVENT_TIMEOUT);
    run.signal(libc::SIGINT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(5), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.contains("main got TERM")),
        "{lines:#?}"
    );
    // Negative control: without -r the same TERM does reach it.
    let mut run = Launch::vinit(&sh(REPORTS)).pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line("main got TERM", EVENT_TIMEOUT);
}

#[test]
fn test_bad_rewrites_and_signals_exit_2_naming_them() {
    let cases = [
        (
            Launch::vinit(&["-r", "15", "--", "true"]),
            "vinit: fatal: -r: not FROM:TO signals: 15",
        ),
        (
            Launch::vinit(&["-r", "TERM:NOPE", "true"]),
            "vinit: fatal: -r: not FROM:TO signals: TERM:NOPE",
        ),
        (
            Launch::vinit(&["-p", "65", "true"]),
            "vinit: fatal: -p: not a signal: 65",
        ),
        (
            Launch::vinit(&["--", "true"]).env("VINIT_REWRITE", "15:3,x"),
            "vinit: fatal: bad value in environment variable VINIT_REWRITE",
        ),
        (
            Launch::vinit(&["-r", "15:3", "-f", "/nonexistent"]),
            "vinit: fatal: -r (single-command mode) cannot be used with -f (inittab mode)",
        ),
    ];
    for (launch, message) in cases {
        let mut run = launch.pid1();
        let (status, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(status.code(), Some(2), "{message}: {lines:#?}");
        assert_eq!(lines, [message, "try 'vinit --help'"], "{message}");
    }
}

/// vinit (not PID 1) under a parent shell that is then killed (SIGKILL: no chance to pass
/// anything on): with `-p TERM` the kernel sends vinit SIGTERM, which acts as the stop signal
/// it is (forwarded to CMD); without `-p`, vinit and CMD carry on under the namespace's init.
#[test]
fn test_parent_death_signal_stops_vinit() {
    // The namespace's PID 1 waits for this shell, which stays; the parent is its child.
    let script = r#"
        /bin/sh -c '"$V_BIN" "$@" -- /bin/sh -c "$REPORTS" & echo "parent ready"; wait' parent "$@" &
        while :; do sleep 1000 & wait $!; done
    "#;
    for with_p in [true, false] {
        let mut args = vec!["-c", script, "keeper"];
        if with_p {
            args.extend(["-p", "SIGTERM"]);
        }
        // bash, not sh: the harness is sh, and its short-lived forks must not be taken for
        // the keeper when the harness looks for it by executable.
        let mut run = Launch::program("/bin/bash", &args)
            .env("V_BIN", vinit())
            .env("REPORTS", REPORTS)
            .not_pid1();
        run.expect_line("parent ready", EVENT_TIMEOUT);
        run.expect_line("main ready", EVENT_TIMEOUT);
        let own = std::fs::canonicalize(vinit()).unwrap();
        let (shell, vinit_pid) = support::procfs::children(run.pid())
            .into_iter()
            .find_map(|c| {
                let v = support::procfs::children(c)
                    .into_iter()
                    .find(|&g| support::procfs::exe(g).as_deref() == Some(own.as_path()))?;
                Some((c, v))
            })
            .expect("vinit under its parent shell");
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &shell.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        wait_until("the parent shell is reaped", EVENT_TIMEOUT, || {
            !std::path::Path::new(&format!("/proc/{shell}")).exists()
        });
        if with_p {
            run.expect_line("main got TERM", EVENT_TIMEOUT);
        } else {
            // WINCH is numbered after TERM: had a TERM been pending, vinit would have read
            // and forwarded it first.
            let sent = std::process::Command::new("kill")
                .args(["-WINCH", &vinit_pid.to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            run.expect_line("main got WINCH", EVENT_TIMEOUT);
            assert!(
                !run.history().iter().any(|l| l.contains("main got TERM")),
                "{:#?}",
                run.history()
            );
        }
    }
}
