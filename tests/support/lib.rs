//! What vinit's test suites share, in one crate (the suites name it `support`): the real
//! binary as PID 1 of a new PID + mount namespace (`namespace`), what `/proc` says about it
//! (`procfs`), clients and raw `/run/initctl` requests inside a running namespace (`clients`,
//! `initctl`), Debian's sysvinit for the interoperability tests (`sysvinit`), a real Docker
//! engine (`docker`), real distributions booting in it (`distros`), in a real Podman
//! (`podman`) and in LXC system containers (`lxc`).
//!
//! Rules every suite gets from here: every wait has a bound; what the program
//! prints is the event waited for, never a fixed sleep; nothing on the host is written except
//! the support code's own directories (under the temp dir and the target dir); a test that
//! cannot get what it needs (root, a tool, an engine) fails loudly, never skips.
//!
//! The binary under test is found at run time (`vinit()`): cargo sets `CARGO_BIN_EXE_vinit`
//! for the integration tests it runs, and `VINIT_TEST_BINARY=FILE` points every suite at
//! another build instead.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]
#![allow(unsafe_code)] // libc calls (kill, geteuid, fcntl), each with a SAFETY line

pub mod clients;
pub mod distros;
pub mod docker;
pub mod initctl;
pub mod lxc;
pub mod namespace;
pub mod podman;
pub mod procfs;
pub mod runner;
pub mod sysvinit;
pub mod table;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// The binary under test: the file named by `VINIT_TEST_BINARY` (a negative control: the same
/// tests run against an older build, e.g. to see a regression test fail on the code before
/// its fix), else the one cargo just built (`CARGO_BIN_EXE_vinit`, which cargo sets when it
/// runs an integration test, as well as when it builds one).
pub fn vinit() -> &'static str {
    static BINARY: OnceLock<String> = OnceLock::new();
    BINARY.get_or_init(|| {
        std::env::var("VINIT_TEST_BINARY")
            .or_else(|_| std::env::var("CARGO_BIN_EXE_vinit"))
            .expect(
                "no binary to test: run the suites with `cargo test` (which sets \
                 CARGO_BIN_EXE_vinit) or name one with VINIT_TEST_BINARY=FILE",
            )
    })
}

/// Cargo's target directory (the outermost ancestor of the running test with cargo's
/// `CACHEDIR.TAG`; `target/`, not `target/<triple>/`), where the support code keeps what
/// outlives one run: Debian's packages (`debian-tools/`), the Docker work directory
/// (`docker/`), the distributions' root filesystems (`distros/`). Every build configuration
/// shares them.
pub fn target_dir() -> &'static Path {
    static TARGET: OnceLock<PathBuf> = OnceLock::new();
    TARGET.get_or_init(|| {
        let test = std::env::current_exe().expect("the test's own path");
        test.ancestors()
            .filter(|d| d.join("CACHEDIR.TAG").is_file())
            .last()
            .unwrap_or_else(|| {
                panic!(
                    "{} is not under a cargo target directory (no CACHEDIR.TAG above it)",
                    test.display()
                )
            })
            .to_owned()
    })
}

/// The repository, for the files the support code reads: fixtures, scripts, examples.
pub fn repo_dir() -> &'static Path {
    // This crate lives at tests/support.
    let support = Path::new(env!("CARGO_MANIFEST_DIR"));
    support.ancestors().nth(2).unwrap_or(support)
}

/// The default bound for one expected event.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause between two reads of /proc while polling for a state with a bound.
pub(crate) const POLL_STEP: Duration = Duration::from_millis(2);

/// Fails the test unless it runs as root: PID namespaces and mounts need it, and a skipped
/// test cannot fail.
pub fn require_root() {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let euid = unsafe { libc::geteuid() };
    assert!(
        euid == 0,
        "vinit's integration tests must run as root (they create PID and mount namespaces with \
         unshare(1)); run `cargo test --release` as root. Refusing to skip: a skipped test cannot fail."
    );
}

/// A directory under the host's temp dir, removed on drop. Unique per process and call, so
/// tests running in parallel never share one.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("vinit-test-{}-{tag}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// `name` inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Runs `cmd` with stdin on /dev/null and its output captured, waiting at most `timeout`;
/// `None` (after SIGKILLing it) when it runs longer.
pub fn output_within(cmd: &mut Command, timeout: Duration) -> Option<Inside> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", cmd.get_program()));
    let pid = child.id() as i32;
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(timeout) {
        Ok(out) => {
            let out = out.unwrap();
            Some(Inside {
                code: out.status.code(),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            })
        }
        Err(_) => {
            // SAFETY: kill has no memory-safety preconditions; the child is not reaped yet
            // (its waiter thread is still blocked), so the pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            None
        }
    }
}

/// What a command run with `output_within` (`Running::exec_inside`, `clients::nsrun`) did.
#[derive(Debug)]
pub struct Inside {
    /// Its exit code (None if killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Polls `condition` every few milliseconds until it holds; fails after `timeout` with `what`.
pub fn wait_until(what: &str, timeout: Duration, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(
            Instant::now() < deadline,
            "{what}: not true within {timeout:?}"
        );
        thread::sleep(POLL_STEP);
    }
}
