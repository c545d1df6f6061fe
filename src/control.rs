//! The /run/initctl FIFO server (spec §5.1, §5.3): created 0600, held open read-write and
//! non-blocking (so there is never an EOF and a writer never blocks while vinit lives),
//! re-created when deleted or replaced, never followed through a symlink. Bad requests are
//! logged at a bounded rate and dropped; vinit keeps serving.

use core::ffi::CStr;

use crate::initctl::{REQUEST_LEN, Request, RequestError};
use crate::log;
use crate::log::{Bytes, ErrName, Level};
use crate::sys::{self, BorrowedFd, Errno, OwnedFd};
use crate::time::{Duration, Instant};

/// Bad requests logged per window before the rest are only counted (a flood cannot fill
/// the log).
const BOGUS_LOG_MAX: u32 = 5;
const BOGUS_WINDOW: Duration = Duration::from_secs(10);

/// The FIFO and what vinit knows about it.
pub struct Control {
    path: &'static CStr,
    fifo: Option<(OwnedFd, sys::FileId)>,
    /// Whether the "not a fifo" problem was already reported (reported once until it changes).
    complained: bool,
    bogus_window_start: Instant,
    bogus_logged: u32,
    bogus_suppressed: u32,
}

impl Control {
    /// A server for `path`; nothing is opened until `check`.
    pub const fn new(path: &'static CStr) -> Self {
        Self {
            path,
            fifo: None,
            complained: false,
            bogus_window_start: Instant::from_millis(0),
            bogus_logged: 0,
            bogus_suppressed: 0,
        }
    }

    /// The fd to poll, if the FIFO is open.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.fifo.as_ref().map(|(fd, _)| fd.as_fd())
    }

    /// Makes sure the FIFO exists and is the one held open; called on every loop pass, as
    /// sysvinit does (spec §5.1). Costs one lstat(2) when all is well.
    pub fn check(&mut self) {
        match sys::lstat_id(self.path) {
            Ok((id, true)) => {
                if self.fifo.as_ref().is_some_and(|(_, held)| *held == id) {
                    return;
                }
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
                    log!(Level::Error, "unable to stat {}: {}", Bytes(self.path.to_bytes()), ErrName(e));
                }
            }
        }
    }

    fn create(&mut self) {
        // `/run` may be missing in a bare image: create the directory first.
        if let Some(parent) = parent_dir(self.path) {
            let _ = sys::mkdir(parent, 0o755);
        }
        match sys::mkfifo(self.path, 0o600) {
            Ok(()) | Err(Errno::EXIST) => self.open(),
            Err(e) => {
                if !self.complained {
                    self.complained = true;
                    log!(Level::Error, "unable to create {}: {}", Bytes(self.path.to_bytes()), ErrName(e));
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
                    log!(Level::Error, "unable to open {}: {}", Bytes(self.path.to_bytes()), ErrName(e));
                }
            }
        }
    }

    /// Reads everything queued and hands each well-formed request to `f`. A 384-byte write is
    /// atomic (below PIPE_BUF), so a read holds whole requests unless a client wrote junk.
    pub fn read_requests(&mut self, now: Instant, mut f: impl FnMut(&Request<'_>)) {
        let mut buf = [0u8; 4096];
        loop {
            let Some((fd, _)) = self.fifo.as_ref() else { return };
            let n = match rustix_read(fd.as_fd(), &mut buf) {
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
                    Ok(req) => f(&req),
                    Err(e) => self.bogus(now, e),
                }
            }
        }
    }

    fn bogus(&mut self, now: Instant, e: RequestError) {
        if now.since(self.bogus_window_start) >= BOGUS_WINDOW {
            if self.bogus_suppressed > 0 {
                log!(Level::Warning, "{} more bogus initrequests were dropped", self.bogus_suppressed);
            }
            self.bogus_window_start = now;
            self.bogus_logged = 0;
            self.bogus_suppressed = 0;
        }
        if self.bogus_logged >= BOGUS_LOG_MAX {
            self.bogus_suppressed = self.bogus_suppressed.saturating_add(1);
            return;
        }
        self.bogus_logged += 1;
        match e {
            RequestError::BadLength(n) => log!(Level::Warning, "got bogus initrequest: {} bytes", n),
            RequestError::BadMagic(m) => log!(Level::Warning, "got bogus initrequest: bad magic {}", m),
            RequestError::UnknownCommand(c) => {
                log!(Level::Warning, "got unimplemented initrequest: command {}", c);
            }
        }
    }
}

fn rustix_read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> sys::Result<usize> {
    sys::read(fd, buf)
}

/// The directory part of an absolute path, as a C string in a static-lifetime slice.
fn parent_dir(path: &'static CStr) -> Option<&'static CStr> {
    match path.to_bytes() {
        b"/run/initctl" => Some(c"/run"),
        _ => None,
    }
}
