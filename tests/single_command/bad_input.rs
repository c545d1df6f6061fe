//! Bad input: usage errors, tini's spellings, `--help`/`--version`, a command that is
//! missing (127) or not executable (126).

use std::fs;
use std::os::unix::fs::PermissionsExt;

use support::namespace::Launch;
use support::{EVENT_TIMEOUT, TempDir};

use super::{EXIT_TIMEOUT, LEAVES_A_DAEMON};

/// Runs vinit with `args` and returns its exit code and all its output.
fn run_to_end(launch: Launch) -> (Option<i32>, Vec<String>) {
    let mut run = launch.pid1();
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    (status.code(), lines)
}

fn assert_has(lines: &[String], line: &str) {
    assert!(
        lines.iter().any(|l| l == line),
        "no line {line:?} in {lines:#?}"
    );
}

/// A usage error is one line naming what is wrong, then a one-line hint, and exit 2: never
/// the whole usage, and never a silent pick between the two modes' options.
#[test]
fn test_usage_errors_exit_2_with_one_line_and_a_hint() {
    let cases: [(Launch, &str); 10] = [
        (
            Launch::vinit(&["-x", "--", "true"]),
            "vinit: fatal: unknown option: -x",
        ),
        (
            Launch::vinit(&["-gvx", "true"]),
            "vinit: fatal: unknown option: -x",
        ),
        (
            Launch::vinit(&["--"]),
            "vinit: fatal: missing command after --",
        ),
        (
            Launch::vinit(&["-t", "soon", "--", "true"]),
            "vinit: fatal: -t: not a valid number: soon",
        ),
        (
            Launch::vinit(&["-e"]),
            "vinit: fatal: option -e needs a value",
        ),
        (
            Launch::vinit(&["-T0", "true"]),
            "vinit: fatal: -T: 0 is out of range: must be 1-3600",
        ),
        (
            Launch::vinit(&["-e", "256", "true"]),
            "vinit: fatal: -e: 256 is out of range: must be 0-255",
        ),
        // -t is single mode's grace, -f inittab mode's file: this used to boot the inittab
        // with the 9 s budget, -t silently dropped.
        (
            Launch::vinit(&["-t", "5", "-f", "/nonexistent"]),
            "vinit: fatal: -t (single-command mode) cannot be used with -f (inittab mode)",
        ),
        (
            Launch::vinit(&["-f", "/nonexistent", "true"]),
            "vinit: fatal: -f (inittab mode) cannot be used with true (single-command mode)",
        ),
        (
            Launch::vinit(&["--", "true"]).env("VINIT_GRACE", "soon"),
            "vinit: fatal: bad value in environment variable VINIT_GRACE",
        ),
    ];
    for (launch, message) in cases {
        let (code, lines) = run_to_end(launch);
        assert_eq!(code, Some(2), "{message}: {lines:#?}");
        assert_eq!(lines, [message, "try 'vinit --help'"], "{message}");
    }
}

/// tini's and dumb-init's spellings: bundled flags with an attached value (`-vt1`), attached
/// and separate `-e` values, and CMD without `--`; each option is seen to take effect.
#[test]
fn test_tini_spellings_bundled_attached_and_without_dashdash() {
    let stubborn = "trap '' TERM; echo daemon ready; exec sleep 1000";
    let args = [
        "-vt1",
        "-e3",
        "/bin/sh",
        "-c",
        LEAVES_A_DAEMON,
        "main",
        stubborn,
    ];
    let mut run = Launch::vinit(&args).pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.expect_line("daemon ready", EVENT_TIMEOUT);
    run.signal(libc::SIGUSR1);
    // -t1 (attached, bundled after -v): the grace is 1 s.
    run.expect_line("remaining processes, grace 1 s", EVENT_TIMEOUT);
    // -v: a line per reaped process.
    run.expect_line("vinit: info: reaped ", EVENT_TIMEOUT);
    // -e3: CMD's 3 is reported as 0.
    assert_eq!(
        run.wait_exit(EXIT_TIMEOUT).code(),
        Some(0),
        "{}",
        run.dump()
    );

    // tini's `-e 143 -e 0` (separate values) with -g, no `--`: the shell dies of the TERM
    // sent to its group, 143, reported as 0; without -e it would be 143.
    for (remap, code) in [(&["-e", "143", "-e", "0"][..], 0), (&[][..], 143)] {
        let mut args = vec!["-g"];
        args.extend_from_slice(remap);
        args.extend(["/bin/sh", "-c", "echo ready; sleep 1000 & wait"]);
        let mut run = Launch::vinit(&args).pid1();
        run.expect_line("ready", EVENT_TIMEOUT);
        run.signal(libc::SIGTERM);
        assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(code), "{args:?}");
    }
}

#[test]
fn test_help_and_version() {
    for flag in ["-V", "--version"] {
        let (code, lines) = run_to_end(Launch::vinit(&[flag]));
        assert_eq!(code, Some(0));
        assert_eq!(lines, [format!("vinit {}", env!("CARGO_PKG_VERSION"))]);
    }
    for flag in ["-h", "--help"] {
        let (code, lines) = run_to_end(Launch::vinit(&[flag]));
        assert_eq!(code, Some(0));
        assert!(lines[0].starts_with("usage: vinit "), "{lines:#?}");
        let text = lines.join("\n");
        // Both modes, the clients, and every VINIT_* variable with its default.
        for needle in [
            "[-f INITTAB] [LEVEL]",
            "[--] CMD [ARG...]",
            "telinit init shutdown halt poweroff reboot runlevel",
            "VINIT_STOP_TIMEOUT, default 9",
            "VINIT_GRACE, default 5",
            "default /etc/inittab (VINIT_INITTAB)",
            "VINIT_DEFAULT_LEVEL (default 3)",
            "VINIT_REBOOT=boot|exit:N (default boot)",
            "VINIT_KILL_GROUP=1",
            "VINIT_VERBOSE=1",
            "VINIT_REMAP_EXIT=",
            "VINIT_SUBREAPER",
            "VINIT_INITCTL",
            "VINIT_STOP_DELAY, default 0",
            "VINIT_CRITICAL=ID,...",
            "VINIT_LOG_PREFIX=1",
        ] {
            assert!(text.contains(needle), "--help lacks {needle:?}:\n{text}");
        }
        assert!(lines.iter().all(|l| l.len() <= 100), "{text}");
    }
}

#[test]
fn test_command_not_found_is_127() {
    for cmd in ["vinit-no-such-command", "/nonexistent/vinit-cmd"] {
        let (code, lines) = run_to_end(Launch::vinit(&["--", cmd]));
        assert_eq!(code, Some(127));
        assert_has(
            &lines,
            &format!("vinit: error: cannot execute \"{cmd}\": ENOENT (no such file)"),
        );
    }
}

#[test]
fn test_command_not_executable_is_126() {
    let dir = TempDir::new("noexec");
    let plain = dir.join("plain-file");
    fs::write(&plain, "echo never\n").unwrap();
    fs::set_permissions(&plain, fs::Permissions::from_mode(0o644)).unwrap();
    let garbage = dir.join("not-a-program");
    fs::write(&garbage, [0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3]).unwrap();
    fs::set_permissions(&garbage, fs::Permissions::from_mode(0o755)).unwrap();
    let cases = [
        (
            plain.to_str().unwrap().to_owned(),
            "EACCES (permission denied)",
        ),
        (
            dir.path().to_str().unwrap().to_owned(),
            "EACCES (permission denied)",
        ),
        (
            garbage.to_str().unwrap().to_owned(),
            "ENOEXEC (bad executable format)",
        ),
    ];
    for (cmd, errno) in cases {
        let (code, lines) = run_to_end(Launch::vinit(&["--", &cmd]));
        assert_eq!(code, Some(126), "{cmd}");
        assert_has(
            &lines,
            &format!("vinit: error: cannot execute \"{cmd}\": {errno}"),
        );
    }
}
