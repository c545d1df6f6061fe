//! Clients inside a running namespace: tools run with `nsenter` into the PID and mount
//! namespaces of a running PID 1 (vinit or Debian's sysvinit), vinit's own personalities as
//! symlinks, Debian's `sysvinit-core`/`sysvinit-utils` fetched at test time, and raw writes to
//! the namespace's `/run/initctl` from outside (spec §5.2 layout, encoded here independently
//! of core/src/initctl.rs so the two are checked against each other).

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use super::{TempDir, vinit};

/// Bound for one client run (telinit and shutdown give up on their own after 3 s).
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

/// The names vinit answers to as a client (spec §6).
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
pub type ClientOutput = super::Inside;

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
    super::output_within(&mut cmd, CLIENT_TIMEOUT).unwrap_or_else(|| {
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

// ------------------------------------------------------------------------------------------
// Raw requests (spec §5.2)

pub const MAGIC: u32 = 0x0309_1969;
pub const REQUEST_LEN: usize = 384;
pub const CMD_RUNLVL: u32 = 1;
pub const CMD_SETENV: u32 = 6;

/// A 384-byte request in native (little-endian on x86-64) byte order.
pub fn request(magic: u32, cmd: u32, runlevel: u8, sleeptime: u32, data: &[u8]) -> Vec<u8> {
    let mut r = vec![0u8; REQUEST_LEN];
    r[0..4].copy_from_slice(&magic.to_ne_bytes());
    r[4..8].copy_from_slice(&cmd.to_ne_bytes());
    r[8..12].copy_from_slice(&u32::from(runlevel).to_ne_bytes());
    r[12..16].copy_from_slice(&sleeptime.to_ne_bytes());
    r[16..16 + data.len()].copy_from_slice(data);
    r
}

/// A valid RUNLVL request for `level`, sleeptime 3.
pub fn runlevel_request(level: u8) -> Vec<u8> {
    request(MAGIC, CMD_RUNLVL, level, 3, &[])
}

/// Writes `chunks` to `/run/initctl` of the namespace of `pid` from outside, one write(2)
/// each, all within `timeout` (a reader that stops reading makes the writer block: the
/// bound catches it). Refuses to follow a symlink at the path.
pub fn write_initctl(pid: i32, chunks: Vec<Vec<u8>>, timeout: Duration) {
    let path = ns_path(pid, "/run/initctl");
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let result = (|| -> std::io::Result<()> {
            let mut fifo = fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path)?;
            for chunk in &chunks {
                let n = fifo.write(chunk)?;
                assert_eq!(n, chunk.len(), "short write to the FIFO");
            }
            Ok(())
        })();
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(result) => result.unwrap(),
        Err(_) => panic!("writing to /run/initctl of {pid} did not finish within {timeout:?}"),
    }
}

// ------------------------------------------------------------------------------------------
// Debian's sysvinit

/// Debian's `sysvinit-core` and `sysvinit-utils`, unpacked (`dpkg -x`) under
/// `target/debian-tools/root`, downloaded with `apt-get download` the first time. Fails loudly
/// when they cannot be fetched: a skipped interoperability test cannot fail.
pub fn debian_sysvinit() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(fetch_debian_sysvinit)
}

fn fetch_debian_sysvinit() -> PathBuf {
    // CARGO_TARGET_TMPDIR is target/<triple>/tmp here: cache at the target dir's root (the
    // outermost one with cargo's CACHEDIR.TAG), so every build configuration shares one
    // download.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp
        .ancestors()
        .filter(|d| d.join("CACHEDIR.TAG").is_file())
        .last()
        .unwrap_or_else(|| tmp.parent().unwrap());
    let cache = target.join("debian-tools");
    let root = cache.join("root");
    let complete = |root: &Path| {
        ["sbin/init", "sbin/shutdown", "sbin/halt", "sbin/runlevel"]
            .iter()
            .all(|f| root.join(f).is_file())
    };
    if complete(&root) {
        return root;
    }
    let work = cache.join(format!("work-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let out = Command::new("apt-get")
        .args(["download", "sysvinit-core", "sysvinit-utils"])
        .current_dir(&work)
        .output();
    let ok = matches!(&out, Ok(o) if o.status.success());
    assert!(
        ok,
        "cannot fetch Debian's sysvinit packages with `apt-get download sysvinit-core \
         sysvinit-utils` (needed for the interoperability tests; CI has the apt mirror; \
         try `apt-get update`): {}",
        match &out {
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        }
    );
    let unpacked = work.join("root");
    for deb in fs::read_dir(&work).unwrap().flatten() {
        if deb.path().extension().is_some_and(|e| e == "deb") {
            let status = Command::new("dpkg")
                .arg("-x")
                .arg(deb.path())
                .arg(&unpacked)
                .status()
                .expect("cannot run dpkg -x");
            assert!(status.success(), "dpkg -x {} failed", deb.path().display());
        }
    }
    assert!(
        complete(&unpacked),
        "the packages lack init, shutdown, halt or runlevel"
    );
    // Another test process may have won the race; either copy will do.
    if fs::rename(&unpacked, &root).is_err() {
        assert!(
            complete(&root),
            "cannot move {} to {}",
            unpacked.display(),
            root.display()
        );
    }
    let _ = fs::remove_dir_all(&work);
    root
}

/// Setup lines that put Debian's /sbin tools (init, telinit, shutdown, halt, poweroff,
/// reboot, runlevel) in the namespace's /sbin, over the host's, through an overlay whose
/// upper layer lives on the namespace's /run: Debian's `halt` execs `/sbin/shutdown` and its
/// `shutdown` execs `/sbin/init` by absolute path.
pub fn debian_sbin_setup() -> String {
    let root = debian_sysvinit();
    format!(
        "sbin=$(readlink -f /sbin)\n\
         mkdir -p /run/.debian-sbin/upper /run/.debian-sbin/work\n\
         cp -a '{}'/sbin/. /run/.debian-sbin/upper/\n\
         mount -t overlay debian-sbin -o lowerdir=$sbin,upperdir=/run/.debian-sbin/upper,workdir=/run/.debian-sbin/work $sbin",
        root.display()
    )
}

/// Polls a file inside the namespace of `pid` until it holds a line containing `needle`;
/// returns that line. For PID 1s whose children do not write to the harness's pipes
/// (sysvinit gives its children /dev/console).
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
#[allow(dead_code)] // not every test binary uses it
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
#[allow(dead_code)] // not every test binary uses it
pub fn wait_for_initctl(target: i32) {
    use std::os::unix::fs::FileTypeExt;
    let fifo = ns_path(target, "/run/initctl");
    super::wait_until("/run/initctl is a FIFO", super::EVENT_TIMEOUT, || {
        fs::symlink_metadata(&fifo).is_ok_and(|m| m.file_type().is_fifo())
    });
}

/// Whether anyone has the FIFO at `path` open for reading: opening it write-only and
/// non-blocking fails with ENXIO when nobody does.
#[allow(dead_code)] // not every test binary uses it
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
