//! Single-command mode end to end (issue #2 item 5): the release binary as PID 1 of a new PID
//! namespace (or as PID 2 for subreaper mode), signalled from outside as a container runtime
//! does. Children are small /bin/sh scripts that print one line per event; the test waits for
//! those lines, never for a fixed time. Each property test that could pass vacuously has a
//! negative control showing its probe sees the failure.
//!
//! This file holds what the topics share; each topic is a file of its own.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::time::Duration;

mod bad_input;
mod drain;
mod exit_status;
mod idle;
mod inheritance;
mod reaping;
mod rewrite;
mod signals;
mod survivors;

/// Bound for a run that should end promptly.
const EXIT_TIMEOUT: Duration = Duration::from_secs(40);

/// The signals a container runtime may send that must reach the child, with their names.
const FORWARDED: [(i32, &str); 7] = [
    (libc::SIGTERM, "TERM"),
    (libc::SIGINT, "INT"),
    (libc::SIGHUP, "HUP"),
    (libc::SIGQUIT, "QUIT"),
    (libc::SIGUSR1, "USR1"),
    (libc::SIGUSR2, "USR2"),
    (libc::SIGWINCH, "WINCH"),
];

fn sh(script: &str) -> Vec<String> {
    ["--", "/bin/sh", "-c", script]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn with_options(options: &[&str], script: &str) -> Vec<String> {
    options
        .iter()
        .map(|s| s.to_string())
        .chain(sh(script))
        .collect()
}

/// Starts a daemon, waits for the test's USR1 (forwarded by vinit), and exits 3. The daemon is
/// given by $1: it must print "daemon ready" once set up.
const LEAVES_A_DAEMON: &str = r#"
    sh -c "$1" &
    trap 'exit 3' USR1
    echo main ready
    while :; do sleep 1000 & wait $!; done
"#;
