//! The test support's own promises (tests/support/namespace.rs): the program really is PID 1
//! (or not), `/run` is a private empty tmpfs, files given for `/etc` appear only inside the
//! namespace, and nothing written to `/etc` inside reaches the host. (The support crate's pure
//! helpers have unit tests of their own, run by `cargo test`.)

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::path::Path;
use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::namespace::Launch;

const EXIT_TIMEOUT: Duration = Duration::from_secs(40);

#[test]
fn test_pid1_is_pid_1_and_not_pid1_is_not() {
    let script = "echo ready; while :; do sleep 1000 & wait $!; done";
    let mut pid1 = Launch::vinit(&["--", "/bin/sh", "-c", script]).pid1();
    let mut plain = Launch::vinit(&["--", "/bin/sh", "-c", script]).not_pid1();
    pid1.expect_line("ready", EVENT_TIMEOUT);
    plain.expect_line("ready", EVENT_TIMEOUT);
    assert_eq!(pid1.ns_pid(), 1);
    assert_ne!(plain.ns_pid(), 1);
    assert_ne!(
        pid1.pid(),
        1,
        "the host pid is the one outside the namespace"
    );
}

#[test]
fn test_etc_overlay_and_run_stay_inside_the_namespace() {
    let name = format!("vinit-harness-{}", std::process::id());
    let script = format!(
        "cat /etc/{name}; echo written > /etc/{name}-new; cat /etc/{name}-new; \
         echo \"run: $(ls -A /run | wc -l) entries\"; head -n 1 /etc/passwd | cut -d: -f1"
    );
    let mut run = Launch::program("/bin/sh", &["-c", &script])
        .etc_file(&name, b"from the test\n")
        .pid1();
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert!(status.success(), "{lines:#?}");
    // The lower layer (the host's /etc) is still visible through the overlay.
    assert_eq!(
        lines,
        ["from the test", "written", "run: 0 entries", "root"]
    );
    assert!(
        !Path::new(&format!("/etc/{name}")).exists(),
        "the fixture leaked to the host"
    );
    assert!(
        !Path::new(&format!("/etc/{name}-new")).exists(),
        "a write leaked to the host"
    );
}
