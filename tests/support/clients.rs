//! Clients inside a running namespace: tools run with `nsenter` into the PID and mount
//! namespaces of a running PID 1 (vinit or Debian's sysvinit), as `docker exec` runs them;
//! vinit's own personalities as symlinks; files of the namespace read from the host.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::{EVENT_TIMEOUT, Inside, TempDir, output_within, vinit, wait_until};

/// Bound for one client run (telinit and shutdown give up on their own after 3 s).
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// The names vinit answers to as a client (compat §6).
pub const PERSONALITIES: [&str; 6] = [
    "telinit", "shutdown", "halt", "poweroff", "reboot", "runlevel",
];

/// A directory of symlinks named after vinit's client personalities, removed on drop.
pub struct Tools(TempDir);

impl Tools {
    /// `telinit`, `shutdown`, `halt`, `poweroff`, `reboot`, `runlevel` → the vinit under test.
    pub fn vinit() -> Self {
        let dir = TempDir::new("tools");
        for name in PERSONALITIES {
            symlink(vinit(), dir.join(name)).unwrap();
        }
        Self(dir)
    }

    /// The absolute path of one tool, as a string for argv.
    pub fn get(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }
}

/// What a client run left.
pub type ClientOutput = Inside;

impl ClientOutput {
    /// Fails unless the client exited 0.
    pub fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "client failed: {self:?}");
        self
    }
}

/// Runs `argv` inside the PID and mount namespaces of host pid `target`, bounded by
/// `CLIENT_TIMEOUT`. The environment carries no `INIT_VERSION`/`RUNLEVEL`, so tools read the
/// level from utmp as they would from a shell (`docker exec`).
pub fn nsrun(target: i32, argv: &[&str]) -> ClientOutput {
    let mut cmd = Command::new("nsenter");
    cmd.args(["-t", &target.to_string(), "-p", "-m", "--"])
        .args(argv)
        .current_dir("/");
    for (name, _) in std::env::vars() {
        if name.starts_with("INIT_") || name.starts_with("VINIT_") || name.ends_with("LEVEL") {
            cmd.env_remove(name);
        }
    }
    output_within(&mut cmd, CLIENT_TIMEOUT).unwrap_or_else(|| {
        panic!("{argv:?} in the namespace of {target} still running after {CLIENT_TIMEOUT:?}")
    })
}

/// `runlevel`'s answer inside the namespace of `target`, e.g. `N 3`.
pub fn runlevel(target: i32, tool: &str) -> String {
    nsrun(target, &[tool]).ok().stdout.trim_end().to_owned()
}

/// A path inside the mount namespace of host pid `pid`, seen from the host.
pub fn ns_path(pid: i32, path: &str) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}/root{path}"))
}

/// returns that line. For PID 1s whose children do not write to the harness's pipes
/// (sysvinit gives its children /dev/console).
/// Polls a file inside the namespace of `pid` until it holds a line containing `needle`;
pub fn wait_for_line_in(pid: i32, path: &str, needle: &str, timeout: Duration) -> String {
    let file = ns_path(pid, path);
    let deadline = Instant::now() + timeout;
    loop {
        let text = fs::read_to_string(&file).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.contains(needle)) {
            return line.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no line containing {needle:?} in {path} within {timeout:?}; it holds:\n{text}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// Takes an exclusive fcntl lock on all of `file` (the lock glibc's utmp writers take); it is
/// released when `file` is closed.
pub fn lock_whole_file(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let lock = libc::flock {
        l_type: libc::F_WRLCK as _,
        l_whence: libc::SEEK_SET as _,
        l_start: 0,
        l_len: 0,
        l_pid: 0,
    };
    // SAFETY: fcntl gets a live fd and a pointer to a live flock for the duration of the call.
    let locked = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETLK, &lock) };
    if locked == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Waits (bounded) until the init in the namespace of host pid `target` has its /run/initctl
/// FIFO: vinit creates it once its event loop runs, after the boot's first actions.
pub fn wait_for_initctl(target: i32) {
    use std::os::unix::fs::FileTypeExt;
    let fifo = ns_path(target, "/run/initctl");
    wait_until("/run/initctl is a FIFO", EVENT_TIMEOUT, || {
        fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo())
    });
}

/// Whether anyone has the FIFO at `path` open for reading: opening it write-only and
/// non-blocking fails with ENXIO when nobody does.
pub fn has_reader(path: &Path) -> bool {
    use std::os::unix::fs::OpenOptionsExt;
    match fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
    {
        Ok(_) => true,
        Err(e) if e.raw_os_error() == Some(libc::ENXIO) => false,
        Err(e) => panic!("open {}: {e}", path.display()),
    }
}
