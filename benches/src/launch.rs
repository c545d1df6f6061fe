//! Starting one init as PID 1 of a fresh PID + mount namespace and driving it from outside.
//!
//! Single-command mode: `unshare --pid --fork --mount-proc -- INIT ARGS...`.
//! Inittab mode: `unshare --mount -- sh -c SETUP` where SETUP mounts, inside that private mount
//! namespace only, an overlay on /etc (so /etc/inittab can be written without touching the
//! host's /etc), tmpfs on /run and /var/log (utmp, wtmp, initctl) and /dev/null on /dev/console,
//! then `exec unshare --pid --fork --mount-proc -- INIT ARGS...`.
//!
//! Either way the harness's child ends up being util-linux `unshare`, and PID 1 is its only
//! child; the harness finds PID 1's host pid there, opens a pidfd on it, and signals it from the
//! parent namespace, as `docker stop` does.

use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::sys;

/// The environment every init starts with (and hands on, unless it adds to it).
pub const ENV: &[(&str, &str)] = &[("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), ("HOME", "/root")];

const INITTAB_SETUP: &str = r#"set -e
scratch=$1; inittab=$2; shift 2
mount -t tmpfs -o mode=0700,size=4m bench-scratch "$scratch"
mkdir "$scratch/upper" "$scratch/work"
mount -t overlay bench-etc -o "lowerdir=/etc,upperdir=$scratch/upper,workdir=$scratch/work" /etc
cp "$inittab" /etc/inittab
mount -t tmpfs -o mode=0755,size=4m bench-run /run
mount -t tmpfs -o mode=0755,size=4m bench-log /var/log
[ -e /dev/console ] && mount --bind /dev/null /dev/console
exec unshare --pid --fork --mount-proc -- "$@"
"#;

/// How PID 1 ended, as its parent (`unshare`) reported it.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Exit(i32),
    /// PID 1 died of this signal: unshare re-raises it on itself, so its own death tells.
    /// SIGKILL cannot be re-raised that way: util-linux 2.38's unshare then prints
    /// "sigprocmask unblock failed" and exits 1, which is read back as SIGKILL.
    Signal(i32),
    /// The harness killed it after the cap: it did not exit on its own.
    KilledAtCap,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exit(c) => write!(f, "{c}"),
            Self::Signal(s) => write!(f, "{}", signal_name(*s)),
            Self::KilledAtCap => write!(f, "KILL at cap"),
        }
    }
}

/// Reads lines from a pipe with a timeout.
pub struct Lines {
    pipe: ChildStdout,
    buf: Vec<u8>,
    eof: bool,
}

impl Lines {
    pub fn new(pipe: ChildStdout) -> Self {
        Self { pipe, buf: Vec::new(), eof: false }
    }

    /// The next line (without its newline), or None on EOF or timeout.
    pub fn line(&mut self, timeout: Duration) -> Option<String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=i).collect();
                return Some(String::from_utf8_lossy(&line[..i]).into_owned());
            }
            if self.eof {
                if self.buf.is_empty() {
                    return None;
                }
                let line = std::mem::take(&mut self.buf);
                return Some(String::from_utf8_lossy(&line).into_owned());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || !sys::readable(&self.pipe, left) {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.pipe.read(&mut chunk) {
                Ok(0) | Err(_) => self.eof = true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
    }
}

pub enum Mode<'a> {
    Single,
    /// Scratch dir (empty, on the host) for the overlay, and the inittab file to install.
    Inittab { scratch: &'a Path, inittab: &'a Path },
}

pub struct Running {
    child: Child,
    pub pid1: i32,
    pidfd: OwnedFd,
    pub out: Lines,
    stdin: Option<ChildStdin>,
    log: PathBuf,
    finished: Option<Status>,
}

/// The exit of PID 1 when it went before the harness could see it (e.g. a usage error).
pub struct EarlyExit {
    pub status: Status,
    pub log: String,
}

impl Running {
    /// Starts `bin args...` as PID 1 and waits until its host pid is known.
    pub fn start(bin: &Path, args: &[OsString], mode: Mode<'_>, log: &Path) -> Result<Self, EarlyExit> {
        let mut cmd = Command::new("unshare");
        match mode {
            Mode::Single => {
                cmd.args(["--pid", "--fork", "--mount-proc", "--"]);
            }
            Mode::Inittab { scratch, inittab } => {
                cmd.args(["--mount", "--propagation", "private", "--", "/bin/sh", "-c", INITTAB_SETUP, "sh"]);
                cmd.arg(scratch).arg(inittab);
            }
        }
        cmd.arg(bin).args(args);
        let log_file = File::create(log).map_err(|e| early(Status::Exit(-1), &format!("log: {e}")))?;
        cmd.env_clear()
            .envs(ENV.iter().copied())
            .current_dir("/")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file));
        let mut child = cmd.spawn().map_err(|e| early(Status::Exit(-1), &format!("spawn unshare: {e}")))?;
        let host = child.id() as i32;
        let deadline = Instant::now() + Duration::from_secs(10);
        let pid1 = loop {
            if let Some(p) = sys::children(host).into_iter().find(|&p| sys::is_namespace_init(p)) {
                break p;
            }
            if let Ok(Some(st)) = child.try_wait() {
                return Err(early(to_status(st, log), &read_log(log)));
            }
            if Instant::now() > deadline {
                for p in sys::children(host) {
                    sys::kill(p, libc::SIGKILL);
                }
                let _ = child.kill();
                let _ = child.wait();
                return Err(early(Status::KilledAtCap, "PID 1 never appeared"));
            }
            sleep(Duration::from_micros(200));
        };
        let Some(pidfd) = sys::pidfd_open(pid1) else {
            let st = child.wait().map(|s| to_status(s, log)).unwrap_or(Status::Exit(-1));
            return Err(early(st, &read_log(log)));
        };
        let out = Lines::new(child.stdout.take().expect("piped stdout"));
        let stdin = child.stdin.take();
        Ok(Self { child, pid1, pidfd, out, stdin, log: log.to_path_buf(), finished: None })
    }

    /// Waits for the probe's "ready" line.
    pub fn ready(&mut self, timeout: Duration) -> Result<(), String> {
        match self.out.line(timeout) {
            Some(l) if l == "ready" => Ok(()),
            Some(l) => Err(format!("unexpected line from probe: {l:?}")),
            None => Err(format!("probe not ready: {}", self.log_tail())),
        }
    }

    pub fn alive(&self) -> bool {
        !sys::readable(&self.pidfd, Duration::ZERO)
    }

    /// Writes to the probe's stdin (the orphan test's go signal).
    pub fn poke(&mut self) {
        if let Some(s) = self.stdin.as_mut() {
            let _ = s.write_all(b"g");
            let _ = s.flush();
        }
    }

    /// Waits up to `timeout` for PID 1 to be gone; true if it went.
    pub fn gone_within(&self, timeout: Duration) -> bool {
        sys::readable(&self.pidfd, timeout)
    }

    /// Sends `sig` to PID 1 from the parent namespace and times how long PID 1 takes to be gone
    /// (pidfd readable: PID 1 exited and the kernel killed and reaped the rest of the namespace).
    /// Past `cap` it is SIGKILLed, as Docker does after the grace period.
    pub fn stop(&mut self, sig: i32, cap: Duration) -> (Option<Duration>, Status) {
        let t0 = Instant::now();
        sys::kill(self.pid1, sig);
        let gone = self.gone_within(cap);
        let latency = t0.elapsed();
        if gone {
            (Some(latency), self.finish())
        } else {
            (None, self.kill_at_cap())
        }
    }

    /// SIGKILLs PID 1 (Docker's end after the grace period) and reaps its parent.
    pub fn kill_at_cap(&mut self) -> Status {
        sys::kill(self.pid1, libc::SIGKILL);
        self.finish();
        self.finished = Some(Status::KilledAtCap);
        Status::KilledAtCap
    }

    /// Waits for PID 1's parent and returns how PID 1 ended.
    pub fn finish(&mut self) -> Status {
        if let Some(s) = &self.finished {
            return s.clone();
        }
        self.stdin = None;
        let st = match self.child.wait() {
            Ok(st) => to_status(st, &self.log),
            Err(_) => Status::Exit(-1),
        };
        self.finished = Some(st.clone());
        st
    }

    /// Waits up to `timeout` for PID 1 to exit by itself, then kills it.
    pub fn finish_within(&mut self, timeout: Duration) -> Status {
        if self.gone_within(timeout) { self.finish() } else { self.kill_at_cap() }
    }

    pub fn log_tail(&self) -> String {
        read_log(&self.log)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.finished.is_none() {
            // SIGKILL reaches a stopped PID 1 too; the kernel then kills the whole namespace.
            sys::kill(self.pid1, libc::SIGKILL);
            let _ = self.child.wait();
        }
    }
}

pub fn signal_name(sig: i32) -> String {
    let name = match sig {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTERM => "SIGTERM",
        libc::SIGUSR1 => "SIGUSR1",
        libc::SIGUSR2 => "SIGUSR2",
        _ => return format!("signal {sig}"),
    };
    name.to_string()
}

fn early(status: Status, log: &str) -> EarlyExit {
    EarlyExit { status, log: log.to_string() }
}

fn to_status(st: ExitStatus, log: &Path) -> Status {
    if let Some(sig) = st.signal() {
        return Status::Signal(sig);
    }
    let code = st.code().unwrap_or(-1);
    if code == 1 && read_log(log).contains("sigprocmask unblock failed") {
        return Status::Signal(libc::SIGKILL);
    }
    Status::Exit(code)
}

/// The last lines of a log, on one line, for notes.
pub fn read_log(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let tail = &lines[lines.len().saturating_sub(2)..];
    tail.join(" | ").chars().take(200).collect()
}

/// One start-up latency sample: `unshare ... probe exec INIT ARGS... probe stamp`. The probe,
/// already PID 1 of the new namespace, prints CLOCK_MONOTONIC just before it execs the init;
/// the init starts the probe again, which prints the clock as its first act. The difference is
/// execve of PID 1 → first instruction of its child, without unshare's namespace set-up (whose
/// mount and RCU work varies by milliseconds on a busy machine).
pub fn startup_sample(argv: &[OsString]) -> Option<u64> {
    let mut cmd = Command::new("unshare");
    cmd.args(["--pid", "--fork", "--mount-proc", "--"])
        .args(argv)
        .env_clear()
        .envs(ENV.iter().copied())
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().ok()?;
    let mut out = Lines::new(child.stdout.take()?);
    let before = out.line(Duration::from_secs(5));
    let after = before.as_ref().and_then(|_| out.line(Duration::from_secs(5)));
    if after.is_none() {
        for p in sys::children(child.id() as i32) {
            sys::kill(p, libc::SIGKILL);
        }
        let _ = child.kill();
    }
    let _ = child.wait();
    let t0: u64 = before?.trim().parse().ok()?;
    let t1: u64 = after?.trim().parse().ok()?;
    t1.checked_sub(t0)
}
