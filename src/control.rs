//! The /run/initctl FIFO server (compat §5.1, §5.3): created 0600, held open read-write and
//! non-blocking (so there is never an EOF and a writer never blocks while vinit lives),
//! re-created when deleted or replaced, never followed through a symlink, and trusted only
//! when it is vinit's own (owned by its euid, no access for others): anything else at the
//! path is removed and replaced. An inotify watch on its directory wakes the loop when the
//! path changes, so this happens even while vinit is idle (sysvinit polls every 5 s instead,
//! compat §2.10). Requests are found by their magic; bad ones are logged at a bounded rate and
//! dropped; vinit keeps serving. A flood is read a bounded number of reads per loop pass. With
//! too few file descriptors the driver turns the FIFO or the watch off.

use crate::log;
use crate::log::{Level, RateLimit};
use crate::sys::{self, BorrowedFd, Errno, FileError, OwnedFd};
use vinit_core::display::Arg;
use vinit_core::initctl::{self, Command, Front, REQUEST_LEN, Request, RequestError};
use vinit_core::limits::{
    CREATED_DIR_MODE, INITCTL_DIR, INITCTL_MODE, INITCTL_PATH, INITCTL_READ_REQUESTS,
    INITCTL_READS_PER_PASS,
};
use vinit_core::template;
use vinit_core::time::Instant;

/// The FIFO and what vinit knows about it.
#[repr(C)]
pub struct Control {
    fifo: Option<(OwnedFd, sys::FileId)>,
    /// inotify on the FIFO's directory: readable when an entry there changes.
    watch: Option<OwnedFd>,
    /// The FIFO vinit made last: if it fails vinit's own checks, it is not replaced again.
    made: Option<sys::FileId>,
    /// Whether a lasting problem was already reported (once until the FIFO works again).
    complained: bool,
    /// Whether a failed inotify watch was reported (once until a watch is set again).
    watch_complained: bool,
    /// The FIFO may not be held (too few file descriptors). Said as what is off, so that a
    /// new server is zero bytes (the driver's state is a constant in bss).
    fifo_off: bool,
    /// The watch may not be held.
    watch_off: bool,
    /// How many of `buf`'s bytes are held.
    held: usize,
    bogus: Bogus,
    /// Bytes read from the FIFO and not used up: a request's first bytes, at the front, for
    /// the next read (in the driver's bss, not a frame the first request makes resident).
    /// Last, so that the other fields are a short displacement away.
    buf: [u8; REQUEST_LEN * INITCTL_READ_REQUESTS],
}

/// What `complain` was unable to do to /run/initctl: a field of `VERBS` each.
#[derive(Clone, Copy)]
enum Verb {
    Stat,
    Use,
    Remove,
    Create,
}

/// `Verb`'s words in its order, NUL-separated, packed as templates are.
const VERBS: &[u8] = vinit_core::packed!("stat\0use\0remove\0create");

impl Control {
    /// A server for `INITCTL_PATH` (the one path init serves: `VINIT_INITCTL` is the
    /// clients' only); nothing is opened until `check`.
    pub const fn new() -> Self {
        Self {
            fifo: None,
            watch: None,
            complained: false,
            made: None,
            watch_complained: false,
            fifo_off: false,
            watch_off: false,
            buf: [0; REQUEST_LEN * INITCTL_READ_REQUESTS],
            held: 0,
            bogus: Bogus {
                limit: RateLimit::new(),
                skipped: 0,
                // Never read before `skip` sets it.
                magic: 0,
            },
        }
    }

    /// Which long-lived descriptors the server may hold (the driver's fd budget); the watch
    /// only serves the FIFO.
    pub fn share_fds(&mut self, fifo: bool, watch: bool) {
        self.fifo_off = !fifo;
        self.watch_off = !(fifo && watch);
    }

    /// The rate limit of bad requests: its deadline is when their summary is due.
    pub const fn rate_limit(&self) -> &RateLimit {
        &self.bogus.limit
    }

    /// Logs how many bad requests went unlogged in a window that is over.
    pub fn summarize(&mut self, now: Instant) {
        self.bogus.summarize(now);
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

    /// Makes sure the FIFO exists, is vinit's own and is the one held open; called on every
    /// loop pass, as sysvinit does (compat §5.1). Costs one lstat(2) when all is well. Anything
    /// else at the path (another user's FIFO, one others may open, a symlink, a file) is
    /// removed and replaced by a new FIFO, and said so; what cannot be fixed is said once.
    #[inline(never)]
    pub fn check(&mut self, now: Instant) {
        if self.fifo_off {
            return;
        }
        let found = sys::lstat_id(INITCTL_PATH);
        if let Ok((id, _)) = found
            && self.fifo.as_ref().is_some_and(|(_, held)| *held == id)
        {
            return;
        }
        self.start_over();
        let (id, kind) = match found {
            Ok(found) => found,
            Err(Errno::NOENT) => return self.create(),
            Err(e) => return self.complain(Verb::Stat, FileError::Sys(e)),
        };
        // One result for both outcomes: `hold`'s error is not copied into a second value.
        let mut held = Err(FileError::Kind(kind));
        if kind == sys::S_IFIFO {
            held = self.hold();
        }
        let Err(refused) = held else { return };
        if self.made == Some(id) {
            // vinit's own FIFO fails its own checks (a file system that gives files another
            // owner): replacing it again would only loop.
            return self.complain(Verb::Use, refused);
        }
        match sys::unlink(INITCTL_PATH) {
            Ok(()) => {
                if self.bogus.may_log(now) {
                    log::file_line(
                        Level::Warning,
                        INITCTL_PATH,
                        refused,
                        log::Outcome::ReplacedByOwnFifo,
                    );
                }
                self.create();
            }
            // A directory, a mount point, a read-only /run: telinit cannot reach vinit.
            Err(e) => self.complain(Verb::Remove, FileError::Sys(e)),
        }
    }

    /// Something changed at the path: watch the directory afresh first (it may be a new
    /// /run), so a change after `check`'s lstat still wakes the loop; then let go of the FIFO
    /// held. Out of line: `check` reaches it from either outcome of the lstat, and the
    /// compiler wrote it out for each.
    #[inline(never)]
    fn start_over(&mut self) {
        self.rewatch();
        self.fifo = None;
        self.held = 0;
    }

    /// Drops the watch and, if it may be held, sets a new inotify watch on `INITCTL_DIR`; a
    /// failure other than a missing directory (the inotify instance limit, EMFILE) is reported
    /// once: the FIFO is then re-created only when the loop wakes up for something else.
    /// One place for `check` and `create`: the old watch is closed before the new one opens.
    fn rewatch(&mut self) {
        self.watch = None;
        if self.watch_off {
            return;
        }
        match sys::watch_dir_entries(INITCTL_DIR) {
            Ok(fd) => {
                self.watch_complained = false;
                self.watch = Some(fd);
            }
            Err(Errno::NOENT) => {}
            Err(e) => {
                if !self.watch_complained {
                    self.watch_complained = true;
                    crate::log::log_warning_errno(
                        template!(
                            1,
                            "no inotify watch on /run: {}: a deleted /run/initctl is re-created at the next wakeup"
                        ),
                        e,
                    );
                }
            }
        }
    }

    /// Creates the FIFO (and `/run`, missing in a bare image) and opens it.
    fn create(&mut self) {
        let _ = sys::mkdir(INITCTL_DIR, CREATED_DIR_MODE);
        if self.watch.is_none() {
            self.rewatch();
        }
        if let Err(e) = sys::mkfifo(INITCTL_PATH, INITCTL_MODE) {
            // EEXIST: something appeared meanwhile; its inotify event brings `check` back.
            if e != Errno::EXIST {
                self.complain(Verb::Create, FileError::Sys(e));
            }
            return;
        }
        self.made = sys::lstat_id(INITCTL_PATH).ok().map(|(id, _)| id);
        if let Err(e) = self.hold() {
            self.complain(Verb::Use, e);
        }
    }

    /// Opens the FIFO at the path and holds it: it works again. The slot is empty here
    /// (`start_over` let go of the old FIFO before `check` gets this far), so it is filled
    /// without the drop of an old value, whose close the compiler would write out.
    fn hold(&mut self) -> Result<(), FileError> {
        let fifo = sys::open_fifo(INITCTL_PATH)?;
        debug_assert!(self.fifo.is_none());
        core::mem::forget(self.fifo.replace(fifo));
        self.complained = false;
        Ok(())
    }

    /// Logs a problem that lasts (`unable to VERB /run/initctl: why`), once until the FIFO
    /// works again.
    fn complain(&mut self, verb: Verb, e: FileError) {
        if !self.complained {
            self.complained = true;
            // The path in the template: `INITCTL_PATH` is fixed (the one path init serves).
            const _: () = assert!(matches!(INITCTL_PATH.to_bytes(), b"/run/initctl"));
            vinit_core::fill!(
                log::file_error_line,
                [Level::Error, e, log::Outcome::Unsaid],
                "unable to {} /run/initctl: ",
                log::Field(VERBS, verb as u8)
            );
        }
    }

    /// Reads what is queued, at most `INITCTL_READS_PER_PASS` reads (a flood waits for the
    /// next pass, so signals and reaps are not held up), and hands each well-formed request
    /// to `f`. A 384-byte write is atomic (below PIPE_BUF), so the pipe holds whole requests
    /// unless a client wrote junk; then, unlike sysvinit (compat §5.3), the next request is
    /// found by its magic (`initctl::front`), so junk costs only itself, never the requests
    /// behind it. Whatever is left once the pipe is empty is not a whole request: one bogus
    /// request.
    pub fn read_requests(&mut self, now: Instant, mut f: impl FnMut(&Request<'_>)) {
        let Self {
            fifo: Some((fd, _)),
            buf,
            held,
            bogus,
            ..
        } = self
        else {
            return;
        };
        for _ in 0..INITCTL_READS_PER_PASS {
            let n = match sys::read(fd.as_fd(), buf.get_mut(*held..).unwrap_or_default()) {
                Ok(n) => n,
                Err(Errno::INTR) => continue,
                Err(Errno::AGAIN) => 0,
                Err(e) => {
                    log::log_error_errno(template!(1, "error reading initrequest: {}"), e);
                    0
                }
            };
            if n == 0 {
                // The pipe is empty: what is left is not a whole request.
                bogus.skip(buf.get(..*held).unwrap_or_default());
                *held = 0;
                bogus.flush(now);
                return;
            }
            *held += n;
            let mut at = 0;
            // Bounded: every pass uses up at least one byte, or stops.
            while let Some(data) = buf.get(at..*held) {
                match initctl::front(data) {
                    Front::Partial => break,
                    Front::Junk(len) => {
                        bogus.skip(data.get(..len).unwrap_or_default());
                        at += len;
                    }
                    Front::Request(parsed) => {
                        bogus.flush(now);
                        // Never implemented by init (compat §5.2): logged with the bogus
                        // ones, so a flood of them is rate-limited too (one call to report).
                        let parsed = parsed.and_then(|req| match req.command {
                            Command::Start | Command::Bsd => {
                                Err(RequestError::UnknownCommand(req.command.code()))
                            }
                            _ => Ok(req),
                        });
                        match parsed {
                            Ok(req) => f(&req),
                            Err(e) => bogus.report(now, e),
                        }
                        at += REQUEST_LEN;
                    }
                }
            }
            // Keep what is left (a request's first bytes) at the front for the next read:
            // moved down byte by byte (a rotate is a bigger routine, and the rest is spent).
            let at = at.min(*held);
            for i in at..*held {
                if let Some(&b) = buf.get(i)
                    && let Some(to) = buf.get_mut(i - at)
                {
                    *to = b;
                }
            }
            *held -= at;
        }
        // At the bound with the FIFO still readable: the next loop pass goes on from here.
    }
}

/// Bad requests and skipped bytes, logged at a bounded rate (a flood cannot fill the log).
struct Bogus {
    limit: RateLimit,
    /// Bytes skipped while looking for the next request, not reported yet.
    skipped: usize,
    /// The magic field the first run of them started with; `initctl::MAGIC` also when it held
    /// none (under 4 bytes): either way no bad magic to name. A plain number as wide as the
    /// fields around it: undefined bytes (an `Option`'s `None`, padding) made the driver's
    /// setup build `Control` in its frame and copy it.
    magic: u64,
}

impl Bogus {
    /// Counts bytes skipped while looking for the next request. Not inlined: the reader has
    /// two calls.
    #[inline(never)]
    fn skip(&mut self, bytes: &[u8]) {
        if self.skipped == 0 {
            self.magic = match bytes {
                [a, b, c, d, ..] => u32::from_ne_bytes([*a, *b, *c, *d]).into(),
                _ => initctl::MAGIC.into(),
            };
        }
        self.skipped += bytes.len();
    }

    /// Logs how many bad requests went unlogged in a window that is over.
    fn summarize(&mut self, now: Instant) {
        self.limit.summarize(now, log::HeldBack::BogusRequests);
    }

    /// Whether one more complaint fits in the window; the suppressed ones are counted and said
    /// in one line when the window is over.
    fn may_log(&mut self, now: Instant) -> bool {
        // A window that ended during this read reports its count before the new one logs.
        self.summarize(now);
        self.limit.allow(now)
    }

    /// Reports the skipped bytes as one bogus request.
    fn flush(&mut self, now: Instant) {
        let len = core::mem::take(&mut self.skipped);
        if len == 0 || !self.may_log(now) {
            return;
        }
        let len = Arg::Unsigned(len as u64);
        let m = self.magic;
        let (template, args): (&[u8], _) = if m != u64::from(initctl::MAGIC) {
            (
                template!(2, "got bogus initrequest: bad magic {} ({} bytes skipped)"),
                [Arg::Unsigned(m), len],
            )
        } else {
            (template!(1, "got bogus initrequest: {} bytes"), [len, len])
        };
        log::log_warning(template, &args);
    }

    /// Logs a bad request, at a bounded rate. Out of line: inlined in the reader, itself inlined
    /// in the driver's loop, it cost 16 bytes more.
    #[inline(never)]
    fn report(&mut self, now: Instant, e: RequestError) {
        if !self.may_log(now) {
            return;
        }
        let level;
        let (template, arg): (&[u8], _) = match e {
            RequestError::UnknownCommand(c) => (
                template!(1, "got unimplemented initrequest: command {}"),
                Arg::Unsigned(c.into()),
            ),
            RequestError::BadLevel(l) => match u8::try_from(l) {
                Ok(b) if b.is_ascii_graphic() => {
                    level = [b];
                    (template!(1, "bad runlevel: {}"), Arg::Text(&level))
                }
                _ => (
                    template!(1, "bad runlevel: code {}"),
                    Arg::Unsigned(l.into()),
                ),
            },
            // `initctl::front` hands over only whole requests that start with the magic:
            // framing errors are `flush`'s to report.
            RequestError::BadLength(_) | RequestError::BadMagic(_) => return,
        };
        log::log_warning(template, &[arg]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_are_their_enum_in_order() {
        log::assert_fields(
            VERBS,
            &[
                (Verb::Stat as usize, b"stat"),
                (Verb::Use as usize, b"use"),
                (Verb::Remove as usize, b"remove"),
                (Verb::Create as usize, b"create"),
            ],
        );
    }
}
