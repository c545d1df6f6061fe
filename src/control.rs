//! The /run/initctl FIFO server (spec §5.1, §5.3): created 0600, held open read-write and
//! non-blocking (so there is never an EOF and a writer never blocks while vinit lives),
//! re-created when deleted or replaced, never followed through a symlink. An inotify watch on
//! its directory wakes the loop when the path changes, so this happens even while vinit is
//! idle (sysvinit polls every 5 s instead, spec §2.10). Bad requests are logged at a bounded
//! rate and dropped; vinit keeps serving. A flood is read a bounded number of requests per
//! loop pass. With too few file descriptors the driver turns the FIFO or the watch off.

use core::ffi::CStr;

use crate::initctl::{Command, REQUEST_LEN, Request, RequestError};
use crate::limits::{INITCTL_READ_REQUESTS, INITCTL_READS_PER_PASS};
use crate::log;
use crate::log::{Bytes, ErrName, Level, RateLimit};
use crate::sys::{self, BorrowedFd, Errno, OwnedFd};
use crate::time::Instant;

/// The FIFO and what vinit knows about it.
pub struct Control {
    path: &'static CStr,
    fifo: Option<(OwnedFd, sys::FileId)>,
    /// inotify on the FIFO's directory: readable when an entry there changes.
    watch: Option<OwnedFd>,
    /// Whether the "not a fifo" problem was already reported (reported once until it changes).
    complained: bool,
    /// Whether a failed inotify watch was reported (once until a watch is set again).
    watch_complained: bool,
    /// The FIFO may be held (enough file descriptors).
    fifo_allowed: bool,
    /// The watch may be held.
    watch_allowed: bool,
    bogus: RateLimit,
}

impl Control {
    /// A server for `path`; nothing is opened until `check`.
    pub const fn new(path: &'static CStr) -> Self {
        Self {
            path,
            fifo: None,
            watch: None,
            complained: false,
            watch_complained: false,
            fifo_allowed: true,
            watch_allowed: true,
            bogus: RateLimit::new(),
        }
    }

    /// Which long-lived descriptors the server may hold (the driver's fd budget); the watch
    /// only serves the FIFO.
    pub fn share_fds(&mut self, fifo: bool, watch: bool) {
        self.fifo_allowed = fifo;
        self.watch_allowed = fifo && watch;
    }

    /// When the summary of dropped bad requests is due (`None`: no timer).
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.bogus.deadline()
    }

    /// Logs how many bad requests went unlogged in a window that is over.
    pub fn summarize(&mut self, now: Instant) {
        self.bogus.summarize(now, "bogus initrequests were dropped");
    }

    /// The fd to poll, if the FIFO is open.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.fifo.as_ref().map(|(fd, _)| fd.as_fd())
    }

    /// The inotify fd to poll, if the directory is watched: readable means "call `check`".
    pub fn watch_fd(&self) -> Option<BorrowedFd<'_>> {
        self.watch.as_ref().map(OwnedFd::as_fd)
    }

    /// Empties the inotify queue; the next `check` looks at the path itself.
    pub fn drain_watch(&self) {
        if let Some(fd) = &self.watch {
            sys::drain(fd.as_fd());
        }
    }

    /// Makes sure the FIFO exists and is the one held open; called on every loop pass, as
    /// sysvinit does (spec §5.1). Costs one lstat(2) when all is well.
    pub fn check(&mut self) {
        if !self.fifo_allowed {
            return;
        }
        if let Ok((id, true)) = sys::lstat_id(self.path)
            && self.fifo.as_ref().is_some_and(|(_, held)| *held == id)
        {
            return;
        }
        // Something changed: watch the directory afresh first (it may be a new /run), so a
        // change after the lstat below still wakes the loop.
        self.watch = None;
        if self.watch_allowed {
            self.watch = parent_dir(self.path).and_then(|dir| self.new_watch(dir));
        }
        match sys::lstat_id(self.path) {
            Ok((_, true)) => {
                self.fifo = None;
                self.open();
            }
            Ok((_, false)) => {
                self.fifo = None;
                if !self.complained {
                    self.complained = true;
                    log!(
                        Level::Error,
                        "{} is not a fifo: telinit and shutdown cannot reach vinit until it is removed",
                        Bytes(self.path.to_bytes())
                    );
                }
            }
            Err(Errno::NOENT) => {
                self.fifo = None;
                self.create();
            }
            Err(e) => {
                self.fifo = None;
                if !self.complained {
                    self.complained = true;
                    log!(
                        Level::Error,
                        "unable to stat {}: {}",
                        Bytes(self.path.to_bytes()),
                        ErrName(e)
                    );
                }
            }
        }
    }

    /// An inotify watch on `dir`; a failure other than a missing directory (the inotify
    /// instance limit, EMFILE) is reported once: the FIFO is then re-created only when the
    /// loop wakes up for something else.
    fn new_watch(&mut self, dir: &CStr) -> Option<OwnedFd> {
        match sys::watch_dir_entries(dir) {
            Ok(fd) => {
                self.watch_complained = false;
                Some(fd)
            }
            Err(Errno::NOENT) => None,
            Err(e) => {
                if !self.watch_complained {
                    self.watch_complained = true;
                    log!(
                        Level::Warning,
                        "no inotify watch on {}: {}: a deleted {} is re-created at the next wakeup",
                        Bytes(dir.to_bytes()),
                        ErrName(e),
                        Bytes(self.path.to_bytes())
                    );
                }
                None
            }
        }
    }

    fn create(&mut self) {
        // `/run` may be missing in a bare image: create the directory first.
        if let Some(parent) = parent_dir(self.path) {
            let _ = sys::mkdir(parent, 0o755);
            if self.watch.is_none() && self.watch_allowed {
                self.watch = self.new_watch(parent);
            }
        }
        match sys::mkfifo(self.path, 0o600) {
            Ok(()) | Err(Errno::EXIST) => self.open(),
            Err(e) => {
                if !self.complained {
                    self.complained = true;
                    log!(
                        Level::Error,
                        "unable to create {}: {}",
                        Bytes(self.path.to_bytes()),
                        ErrName(e)
                    );
                }
            }
        }
    }

    fn open(&mut self) {
        match sys::open_fifo(self.path) {
            Ok(held) => {
                self.complained = false;
                self.fifo = Some(held);
            }
            Err(e) => {
                if !self.complained {
                    self.complained = true;
                    log!(
                        Level::Error,
                        "unable to open {}: {}",
                        Bytes(self.path.to_bytes()),
                        ErrName(e)
                    );
                }
            }
        }
    }

    /// Reads what is queued, at most `INITCTL_READS_PER_PASS` reads (the rest waits for the
    /// next pass), and hands each well-formed request to `f`. A 384-byte write is atomic
    /// (below PIPE_BUF), so the pipe holds whole requests unless a client wrote junk; reading
    /// a whole number of them at a time keeps the next read aligned.
    pub fn read_requests(&mut self, now: Instant, mut f: impl FnMut(&Request<'_>)) {
        let mut buf = [0u8; REQUEST_LEN * INITCTL_READ_REQUESTS];
        for _ in 0..INITCTL_READS_PER_PASS {
            let Some((fd, _)) = self.fifo.as_ref() else {
                return;
            };
            let n = match sys::read(fd.as_fd(), &mut buf) {
                Ok(0) | Err(Errno::AGAIN) => return,
                Ok(n) => n,
                Err(Errno::INTR) => continue,
                Err(e) => {
                    log!(Level::Error, "error reading initrequest: {}", ErrName(e));
                    return;
                }
            };
            let data = buf.get(..n).unwrap_or_default();
            for chunk in data.chunks(REQUEST_LEN) {
                match Request::parse(chunk) {
                    // Never implemented by init (spec §5.2): logged with the bogus ones, so
                    // a flood of them is rate-limited too.
                    Ok(req) if matches!(req.command, Command::Start | Command::Bsd) => {
                        self.bogus(now, RequestError::UnknownCommand(req.command.code()));
                    }
                    Ok(req) => f(&req),
                    Err(e) => self.bogus(now, e),
                }
            }
        }
    }

    fn bogus(&mut self, now: Instant, e: RequestError) {
        // A window that ended during this read reports its count before the new one logs.
        self.summarize(now);
        if !self.bogus.allow(now) {
            return;
        }
        match e {
            RequestError::BadLength(n) => {
                log!(Level::Warning, "got bogus initrequest: {} bytes", n);
            }
            RequestError::BadMagic(m) => {
                log!(Level::Warning, "got bogus initrequest: bad magic {}", m);
            }
            RequestError::UnknownCommand(c) => {
                log!(
                    Level::Warning,
                    "got unimplemented initrequest: command {}",
                    c
                );
            }
            RequestError::BadLevel(l) => match u8::try_from(l) {
                Ok(b) if b.is_ascii_graphic() => {
                    log!(Level::Warning, "bad runlevel: {}", Bytes(&[b]));
                }
                _ => log!(Level::Warning, "bad runlevel: code {}", l),
            },
        }
    }
}

/// The directory part of an absolute path, as a C string in a static-lifetime slice.
fn parent_dir(path: &'static CStr) -> Option<&'static CStr> {
    match path.to_bytes() {
        b"/run/initctl" => Some(c"/run"),
        _ => None,
    }
}
