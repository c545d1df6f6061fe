//! One line per event on stderr: `vinit: <level>: <what>: <detail>`, built from a template and
//! its arguments (`vinit_core::display`: `log!` is one call per line) in a fixed buffer and
//! written with exactly one write(2), so it never interleaves with children's output. Lines
//! that do not fit are cut and end in `...`. Errno values print as their symbolic
//! names with a few words (`ENOENT (no such file)`; never musl's strerror table).
//!
//! As an init (`never_block`), a line never waits long for stderr: a reader that stalls costs
//! PID 1 one bounded wait, then lines are dropped and counted until one gets through, which
//! the count precedes. A write to a reader that is gone raises no SIGPIPE for vinit to see.
//! Kinds of lines that a flood from outside can cause go through a `RateLimit`.

use core::convert::Infallible;
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};

use ufmt::uWrite;

use crate::sys::{self, Errno, SigMask};
use vinit_core::display::{Arg, ArgOf, Line, Show};
use vinit_core::fill;
use vinit_core::limits::{LOG_BURST_MAX, LOG_BURST_WINDOW_SECS, LOG_STALL_WAIT_MS};
use vinit_core::status::signal::SIGPIPE;
use vinit_core::time::{Duration, Instant};

/// Set by `never_block`: stderr writes are bounded (PID 1's modes); clients write plainly.
static NEVER_BLOCK: AtomicBool = AtomicBool::new(false);
/// Lines dropped since the last one written (the bits below `STALLED`), and `STALLED`. One
/// word: two statics were each stored at every drop and every line written.
static DROPPED: AtomicU32 = AtomicU32::new(0);
/// `DROPPED`'s top bit: the last line was dropped, so the next ones try once, without the
/// wait. The count below it saturates at 2^31 - 1 lines.
const STALLED: u32 = 1 << 31;
/// fd 2 refused RWF_NOWAIT once (a FIFO, a tty, a file, or a kernel before 6.4): poll first.
static NO_NOWAIT: AtomicBool = AtomicBool::new(false);

/// How bad it is. `Fatal` exists only before the event loop starts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// vinit cannot start; it exits.
    Fatal,
    /// Something failed; vinit carries on.
    Error,
    /// Something odd; vinit carries on.
    Warning,
    /// Something happened.
    Info,
}

/// Each level's prefix, in `Level`'s order, NUL-separated, packed as templates are.
const PREFIXES: &[u8] =
    vinit_core::packed!("vinit: fatal: \0vinit: error: \0vinit: warning: \0vinit: info: ");

/// A log line being built. Writing never fails; overflow is marked with `...`.
pub struct LogLine(Line);

impl LogLine {
    /// Starts a line with its `vinit: <level>: ` prefix.
    pub fn new(level: Level) -> Self {
        let mut line = Self::bare();
        // The level's prefix: data, not a table of slices.
        line.0.write_field(PREFIXES, 0, level as usize, &[]);
        line
    }

    /// A line with no prefix at all (client tools print their own). Not inlined: the clients
    /// start some 30 lines, each a call instead of the stores.
    #[inline(never)]
    pub const fn bare() -> Self {
        Self(Line::new())
    }

    /// Appends raw bytes, cutting at the capacity (4 bytes stay free for `...\n`).
    pub fn push(&mut self, bytes: &[u8]) {
        self.0.push(bytes);
    }

    /// Appends a template and its arguments: `fill!(LogLine::write, [&mut line], "{}", x)`.
    pub fn write(&mut self, template: &[u8], args: &[Arg<'_>]) {
        self.0.write(template, args);
    }

    /// The line itself, for what writes into a `Line`.
    pub const fn line(&mut self) -> &mut Line {
        &mut self.0
    }

    /// What has been written so far.
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Ends the line and writes it to stderr with one write(2). Errors are dropped: there is
    /// nowhere else to report them (after `never_block`, they are counted). By reference: a
    /// 512-byte line moved into every call site's `emit` cost a copy each (about 900 bytes of
    /// code in all). The line is spent afterwards.
    pub fn emit(&mut self) {
        let bytes = self.0.finish();
        if NEVER_BLOCK.load(Ordering::Relaxed) && !stderr_is_file() {
            write_bounded(sys::stderr(), bytes);
        } else {
            write_plain(sys::stderr(), bytes);
        }
    }

    /// Ends the line and writes it to `fd`, waiting as long as the reader needs (clients).
    pub fn emit_to(&mut self, fd: sys::BorrowedFd<'_>) {
        write_plain(fd, self.0.finish());
    }
}

/// Writes one line with its level's prefix: what `log!` calls (one call per line) for a
/// level that is not a constant one of `log_error`, `log_warning` or `log_info`.
#[inline(always)]
pub fn log_line(level: Level, template: &[u8], args: &[Arg<'_>]) {
    log_at(template, args, level);
}

/// `log_line`'s body, the level last: a level's own entry (`log_warning`) then only sets it
/// and jumps here, with the other arguments already in place.
#[inline(never)]
fn log_at(template: &[u8], args: &[Arg<'_>], level: Level) {
    let mut line = LogLine::new(level);
    line.write(template, args);
    line.emit();
}

/// `log_line` at `Level::Error`: what `log!(Level::Error, ...)` calls. The level set once
/// here, not at each of the sites (3 bytes each); not inlined, or it would be again.
#[inline(never)]
pub fn log_error(template: &[u8], args: &[Arg<'_>]) {
    log_at(template, args, Level::Error);
}

/// `log_line` at `Level::Warning` (`log_error`).
#[inline(never)]
pub fn log_warning(template: &[u8], args: &[Arg<'_>]) {
    log_at(template, args, Level::Warning);
}

/// A warning whose one argument is `e` (`template`: one `{}`), for the failed calls of inittab
/// mode and its control paths: out of line, so the argument is not built in the frame around
/// each site.
#[inline(never)]
pub fn log_warning_errno(template: &[u8], e: Errno) {
    log_warning(template, &[ErrName(e).log_arg()]);
}

/// `log_error` of a line whose only argument is an errno (`log_warning_errno`'s twin).
#[inline(never)]
pub fn log_error_errno(template: &[u8], e: Errno) {
    log_error(template, &[ErrName(e).log_arg()]);
}

/// `log_line` at `Level::Info` (`log_error`).
#[inline(never)]
pub fn log_info(template: &[u8], args: &[Arg<'_>]) {
    log_at(template, args, Level::Info);
}

/// Writes a packed text (`vinit_core::packed!`: help texts, each line ending with a newline)
/// to `fd`, unpacked a line at a time.
pub fn write_packed(fd: sys::BorrowedFd<'_>, packed: &[u8]) {
    // Bounded: the text has a newline per line.
    for n in 0.. {
        let mut line = LogLine::bare();
        if !line.0.write_field(packed, u16::from(b'\n'), n, &[]) {
            return;
        }
        line.emit_to(fd);
    }
}

/// From now on, a log line never waits for stderr longer than `LOG_STALL_WAIT_MS`, and only
/// once until a line gets through again (called when vinit becomes an init). A regular file
/// has no reader to stall: it is written as before (a file system that takes RWF_NOWAIT may
/// still answer EAGAIN for a moment, which must not drop lines).
pub fn never_block() {
    NEVER_BLOCK.store(true, Ordering::Relaxed);
}

/// Whether fd 2 is a regular file: fstat(2) at the first line, not at start-up (most runs of
/// single-command mode write none, and start-up is on the way to CMD).
fn stderr_is_file() -> bool {
    // 0: not asked yet; 1: a regular file; 2: not one.
    static STDERR_KIND: AtomicU8 = AtomicU8::new(0);
    let mut kind = STDERR_KIND.load(Ordering::Relaxed);
    // Stored once, when first asked: not stored back at every line.
    if kind == 0 {
        kind = 2 - u8::from(sys::is_regular_file(sys::stderr()));
        STDERR_KIND.store(kind, Ordering::Relaxed);
    }
    kind == 1
}

/// Forgets the lines the parent dropped: a child reports only its own (after fork).
pub fn forget_dropped() {
    // Still stalled: the child's first line tries once, as the parent's would.
    DROPPED.store(DROPPED.load(Ordering::Relaxed) & STALLED, Ordering::Relaxed);
}

fn write_plain(fd: sys::BorrowedFd<'_>, bytes: &[u8]) {
    if sys::write_all(fd, bytes) == Err(Errno::PIPE) {
        took_back_sigpipe();
    }
}

/// A write to a pipe nobody reads raised SIGPIPE for vinit itself; it is blocked into the
/// signalfd, where single-command mode would forward it to CMD and inittab mode would wake up
/// and log it (a line that raises the next SIGPIPE: the spin of issue #10). Take it back now.
fn took_back_sigpipe() {
    sys::discard_pending(SigMask(1 << (SIGPIPE - 1)));
}

/// One line to a stderr that may have a stalled reader: written whole, or dropped and counted.
/// A count left from earlier drops goes out first, as its own line.
fn write_bounded(fd: sys::BorrowedFd<'_>, line: &[u8]) {
    let dropped = DROPPED.load(Ordering::Relaxed) & !STALLED;
    if dropped > 0 {
        let mut note = LogLine::new(Level::Warning);
        fill!(
            LogLine::write,
            [&mut note],
            "{} log lines dropped: stderr was not writable",
            dropped
        );
        if try_write(fd, note.0.finish()).is_err() {
            drop_line();
            return;
        }
        // The reader is back: the line may wait for room again.
        DROPPED.store(0, Ordering::Relaxed);
    }
    match try_write(fd, line) {
        // No count is left here: it was 0, or reset after the note.
        Ok(()) => DROPPED.store(0, Ordering::Relaxed),
        Err(_) => drop_line(),
    }
}

fn drop_line() {
    // A load and a store, not `fetch_update`'s compare-and-swap loop: vinit has one thread
    // (a vfork child runs while its parent waits).
    let dropped = DROPPED.load(Ordering::Relaxed);
    DROPPED.store((dropped | STALLED).saturating_add(1), Ordering::Relaxed);
}

/// Writes `bytes` without blocking on a full pipe: RWF_NOWAIT where fd 2 takes it (a pipe
/// on Linux 6.4+, a socket), else a poll(2) for room first. Waits `LOG_STALL_WAIT_MS` for room
/// once, unless the previous line was dropped. A line is under PIPE_BUF, so a pipe takes it
/// whole or not at all; a short write (a socket) leaves it cut, and it counts as dropped.
fn try_write(fd: sys::BorrowedFd<'_>, bytes: &[u8]) -> Result<(), Errno> {
    let mut may_wait = DROPPED.load(Ordering::Relaxed) & STALLED == 0;
    // Read once and stored back once, after the passes: not at the end of each.
    let mut poll_first = NO_NOWAIT.load(Ordering::Relaxed);
    // Bounded: a second pass follows only the wait, which clears `may_wait`.
    let wrote = loop {
        let wait = if may_wait { LOG_STALL_WAIT_MS } else { 0 };
        match write_unblocked(fd, bytes, &mut poll_first, wait) {
            Ok(n) if n == bytes.len() => break Ok(()),
            Ok(_) => break Err(Errno::IO),
            // RWF_NOWAIT found no room: wait for it once, then try again.
            Err(Errno::AGAIN) if may_wait && !poll_first => {
                may_wait = false;
                let _ = sys::wait_writable(fd, LOG_STALL_WAIT_MS);
            }
            Err(e) => break Err(e),
        }
    };
    NO_NOWAIT.store(poll_first, Ordering::Relaxed);
    if wrote == Err(Errno::PIPE) {
        took_back_sigpipe();
    }
    wrote
}

/// One write of `bytes` to `fd` that never blocks: RWF_NOWAIT while `fd` takes it, else
/// (`poll_first`, set when it refuses: a tty, a FIFO, a pipe before Linux 6.4) a poll(2) for
/// room of at most `wait_ms` first. EAGAIN when there is no room. The log's lines and the
/// services' output (`VINIT_LOG_PREFIX`) both write this way. The `Result` is made here, at
/// the caller, from `write_unblocked_raw`'s one register.
#[inline(always)]
pub fn write_unblocked(
    fd: sys::BorrowedFd<'_>,
    bytes: &[u8],
    poll_first: &mut bool,
    wait_ms: u64,
) -> Result<usize, Errno> {
    let rc = write_unblocked_raw(fd, bytes, poll_first, wait_ms);
    // A failure is -errno, in -4095..=-1 (`write_unblocked_raw`). Testing that range, not
    // only the sign, shows the optimiser the errno rustix asserts is in range (no panic path,
    // no clamp).
    if (-4095..0).contains(&rc) {
        Err(Errno::from_raw_os_error(-(rc as i32)))
    } else {
        Ok(rc as usize)
    }
}

/// `write_unblocked`'s body: the count written, or -errno. One register: a `Result<usize,
/// Errno>` (16 bytes, payloads of two sizes) would come back through memory.
#[inline(never)]
fn write_unblocked_raw(
    fd: sys::BorrowedFd<'_>,
    bytes: &[u8],
    poll_first: &mut bool,
    wait_ms: u64,
) -> isize {
    let wrote = 'write: {
        if !*poll_first {
            match sys::write_nowait(fd, bytes) {
                Err(Errno::OPNOTSUPP | Errno::INVAL | Errno::NOSYS) => *poll_first = true,
                done => break 'write done,
            }
        }
        match sys::wait_writable(fd, wait_ms) {
            Ok(true) => sys::write(fd, bytes),
            Ok(false) => Err(Errno::AGAIN),
            Err(e) => Err(e),
        }
    };
    match wrote {
        // A write's count is at most `bytes.len()`, which fits an isize.
        Ok(n) => n as isize,
        Err(e) => -(e.raw_os_error() as isize),
    }
}

/// Lines of one kind at a bounded rate: `LOG_BURST_MAX` per window, the rest counted and
/// reported in one summary line once the window is over, so a flood from outside costs a
/// bounded number of lines and none goes unreported. Pure: the caller passes the time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    window_start: Instant,
    logged: u32,
    suppressed: u32,
}

impl RateLimit {
    const WINDOW: Duration = Duration::from_secs(LOG_BURST_WINDOW_SECS);

    /// No line logged yet.
    pub const fn new() -> Self {
        Self {
            window_start: Instant::from_millis(0),
            logged: 0,
            suppressed: 0,
        }
    }

    /// Whether a line of this kind may be written at `now`; if not, it is counted for the
    /// summary.
    pub fn allow(&mut self, now: Instant) -> bool {
        if now >= self.window_end() {
            self.window_start = now;
            self.logged = 0;
        }
        if self.logged < LOG_BURST_MAX {
            self.logged += 1;
            return true;
        }
        self.suppressed = self.suppressed.saturating_add(1);
        false
    }

    /// Logs `vinit: warning: N more <what>` for the lines held back in a window that is over
    /// (once); nothing when there is nothing to report yet.
    pub fn summarize(&mut self, now: Instant, what: HeldBack) {
        if let Some(n) = self.take_summary(now) {
            crate::log!(
                Level::Warning,
                "{} more {}",
                n,
                Field(HELD_BACK, what as u8)
            );
        }
    }

    /// The number of lines held back in a window that is over (once).
    fn take_summary(&mut self, now: Instant) -> Option<u32> {
        if self.suppressed == 0 || now < self.window_end() {
            return None;
        }
        let n = self.suppressed;
        self.suppressed = 0;
        Some(n)
    }

    /// When a summary is due; `None` when nothing is held back (no timer).
    pub fn deadline(&self) -> Option<Instant> {
        (self.suppressed > 0).then(|| self.window_end())
    }

    fn window_end(&self) -> Instant {
        self.window_start.after(Self::WINDOW)
    }
}

/// The kinds of lines a `RateLimit` holds back, as its summary says them: a field of
/// `HELD_BACK` each (a number at each site, not an address and a length).
#[derive(Clone, Copy)]
pub enum HeldBack {
    InitVariables,
    Signals,
    BogusRequests,
}

/// `HeldBack`'s words in its order, NUL-separated, packed as templates are.
const HELD_BACK: &[u8] = vinit_core::packed!(
    "INIT_ variables were dropped: no room\0signals were ignored\0bogus initrequests were dropped"
);

impl uWrite for LogLine {
    type Error = Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Infallible> {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Writes one log line: `log!(Level::Info, "child {} exited", pid)` (`{}` for each argument;
/// see `vinit_core::display`). A level written as `Level::Error`, `Warning` or `Info` (or
/// `LogLevel::...`) calls that level's own entry, any other level `log_line`.
#[macro_export]
macro_rules! log {
    ($l:ident::Error, $($arg:tt)*) => {{
        // The level as written, checked to be a log level (and its import used).
        let _: $crate::log::Level = $l::Error;
        vinit_core::fill!($crate::log::log_error, [], $($arg)*)
    }};
    ($l:ident::Warning, $($arg:tt)*) => {{
        // The level as written, checked to be a log level (and its import used).
        let _: $crate::log::Level = $l::Warning;
        vinit_core::fill!($crate::log::log_warning, [], $($arg)*)
    }};
    ($l:ident::Info, $($arg:tt)*) => {{
        // The level as written, checked to be a log level (and its import used).
        let _: $crate::log::Level = $l::Info;
        vinit_core::fill!($crate::log::log_info, [], $($arg)*)
    }};
    ($level:expr, $($arg:tt)*) => {
        vinit_core::fill!($crate::log::log_line, [$level], $($arg)*)
    };
}

pub use vinit_core::display::{Bytes, Field, Packed};

/// An errno shown by its symbolic name and a short text (`ENOENT (no such file)`), or
/// `errno N` when it is not in the table (`vinit_core::display::ErrName` for the syscall
/// crate's type).
pub struct ErrName(pub Errno);

impl ArgOf for ErrName {
    fn log_arg(&self) -> Arg<'_> {
        kernel_errno(self.0)
    }
}

/// An errno as the syscall crate holds it, the kernel's `-errno` in 16 bits (the negations
/// cancel out: no instruction at the call site).
fn kernel_errno<'a>(e: Errno) -> Arg<'a> {
    Arg::Errno((e.raw_os_error() as u16).wrapping_neg())
}

/// Why a file was refused, in words: `a fifo`, `owned by uid 1000`, `EROFS`. Each kind is a
/// field of `FILE_ERRORS` and up to two arguments, written by one call: the field's number is
/// the variant's tag, where a template per arm was an address and a length each.
impl Show for sys::FileError {
    fn show(&self, line: &mut Line) {
        let none = Arg::Unsigned(0);
        let digits;
        // In `FileError`'s order, as `FILE_ERRORS`' fields are.
        let field = match self {
            Self::Sys(_) => 0,
            Self::Kind(_) => 1,
            Self::Owner(_) => 2,
            Self::Mode(_) => 3,
            Self::WritableByOthers(_) => 4,
            Self::Links(_) => 5,
            Self::TooBig(..) => 6,
            Self::Locked(_) => 7,
        };
        let (first, second) = match *self {
            Self::Sys(e) | Self::Locked(e) => (kernel_errno(e), none),
            // The name at the type's place in FILE_KINDS (`S_IFMT >> 12`), if it has one.
            Self::Kind(kind) => {
                let start = line.as_bytes().len();
                line.write_field(FILE_KINDS, 0, (kind >> 12) as usize, &[]);
                if line.as_bytes().len() > start {
                    return;
                }
                (none, none)
            }
            Self::Owner(uid) => (Arg::Unsigned(uid.into()), none),
            Self::Mode(m) | Self::WritableByOthers(m) => {
                digits = octal(m);
                (Arg::Text(&digits), none)
            }
            Self::Links(n) => (Arg::Unsigned(n), none),
            Self::TooBig(size, max) => (Arg::Unsigned(size), Arg::Unsigned(max.into())),
        };
        line.write_field(FILE_ERRORS, 0, field, &[first, second]);
    }
}

/// `FileError`'s words in its variants' order, NUL-separated, packed as templates are (a
/// type without a name in `FILE_KINDS` is `not a regular file`).
const FILE_ERRORS: &[u8] = vinit_core::template!(
    8,
    "{}\0not a regular file\0owned by uid {}\0mode {}, open to other users\0mode {}, writable \
by other users\0{} hard links\0{} bytes, more than the {} vinit reads\0locked by another process \
({})"
);

/// The file types by their `S_IFMT` bits shifted down (inode(7): 1 a FIFO ... 12 a socket),
/// NUL-separated, packed as templates are; an empty one has no name.
const FILE_KINDS: &[u8] = vinit_core::packed!(
    "\0a fifo\0a character device\0\0a directory\0\0a block device\0\0a regular file\0\0a symlink (not followed)\0\0a socket"
);

/// Permission bits as four octal digits (`0644`).
fn octal(mode: u32) -> [u8; 4] {
    // One digit per 3 bits, the last from the lowest: `mode`'s low 12 bits, spread a byte
    // per digit.
    let mut digits = [0; 4];
    let mut rest = mode;
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (rest & 7) as u8;
        rest >>= 3;
    }
    digits
}

/// What became of a file vinit refused or could not use, the end of its line (`: not used`):
/// a field of `FILE_OUTCOMES` each (a number at each site, not an address and a length).
#[derive(Clone, Copy)]
pub enum Outcome {
    /// Nothing more is said.
    Unsaid,
    NotUsed,
    Ignored,
    RecordsNotWritten,
    ReplacedByOwnFifo,
    InittabUnreadable,
    NotRead,
    Skipped,
}

/// `Outcome`'s words in its order, each with its `: `, NUL-separated, packed as templates are.
const FILE_OUTCOMES: &[u8] = vinit_core::packed!(
    "\0: not used\0: ignored\0: records not written\0: replaced by vinit's own fifo\0: cannot read the inittab\0: not read\0: skipped"
);

/// `PATH: why: what`: the line for a file vinit refused or could not use, one copy for every
/// site that says it.
pub fn file_line(level: Level, path: &core::ffi::CStr, e: sys::FileError, what: Outcome) {
    fill!(
        file_error_line,
        [level, e, what],
        "{}: ",
        Bytes(path.to_bytes())
    );
}

/// A line that says why a file was refused: `template` and its `args`, then `e`, then
/// `what`. `e` is shown by a direct call, not as an `Arg`:
/// the `dyn Show` vtable an `Arg` needs would make its code count as called by every mode
/// (.cargo/cold-text), single mode's text included.
#[inline(never)]
pub fn file_error_line(
    level: Level,
    e: sys::FileError,
    what: Outcome,
    template: &[u8],
    args: &[Arg<'_>],
) {
    let mut line = LogLine::new(level);
    line.write(template, args);
    e.show(line.line());
    line.0.write_field(FILE_OUTCOMES, 0, what as usize, &[]);
    line.emit();
}

/// Checks a packed text whose fields (cut at NUL) are picked by number, an enum's order being
/// the text's: `expected` pairs each number with its words, and the text has no more fields.
#[cfg(test)]
pub fn assert_fields(text: &[u8], expected: &[(usize, &[u8])]) {
    let mut said = std::vec::Vec::new();
    for n in 0..64 {
        let mut line = vinit_core::display::Line::new();
        let more = line.write_field(text, 0, n, &[]);
        said.push(line.as_bytes().to_vec());
        if !more {
            break;
        }
    }
    assert_eq!(said.len(), expected.len());
    for (n, words) in expected {
        assert_eq!(said[*n], *words, "field {n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_outcomes_and_held_back_are_their_enums_in_order() {
        assert_fields(
            FILE_OUTCOMES,
            &[
                (Outcome::Unsaid as usize, b""),
                (Outcome::NotUsed as usize, b": not used"),
                (Outcome::Ignored as usize, b": ignored"),
                (
                    Outcome::RecordsNotWritten as usize,
                    b": records not written",
                ),
                (
                    Outcome::ReplacedByOwnFifo as usize,
                    b": replaced by vinit's own fifo",
                ),
                (
                    Outcome::InittabUnreadable as usize,
                    b": cannot read the inittab",
                ),
                (Outcome::NotRead as usize, b": not read"),
                (Outcome::Skipped as usize, b": skipped"),
            ],
        );
        assert_fields(
            HELD_BACK,
            &[
                (
                    HeldBack::InitVariables as usize,
                    b"INIT_ variables were dropped: no room",
                ),
                (HeldBack::Signals as usize, b"signals were ignored"),
                (
                    HeldBack::BogusRequests as usize,
                    b"bogus initrequests were dropped",
                ),
            ],
        );
    }

    #[test]
    fn line_has_prefix_and_is_cut_with_marker() {
        let mut line = LogLine::new(Level::Warning);
        fill!(
            LogLine::write,
            [&mut line],
            "x {} {}",
            42u32,
            ErrName(Errno::NOENT)
        );
        assert_eq!(
            line.as_bytes(),
            b"vinit: warning: x 42 ENOENT (no such file)"
        );
        let mut long = LogLine::new(Level::Info);
        for _ in 0..vinit_core::limits::LOG_LINE_MAX {
            long.push(b"a");
        }
        assert!(long.0.is_cut());
        assert!(long.as_bytes().len() < vinit_core::limits::LOG_LINE_MAX);
    }

    #[test]
    fn rate_limit_logs_a_burst_then_counts_and_reports_once() {
        let mut r = RateLimit::new();
        let t0 = Instant::from_millis(50_000);
        let logged = (0..100).filter(|_| r.allow(t0)).count();
        assert_eq!(logged, LOG_BURST_MAX as usize);
        let end = t0.after(RateLimit::WINDOW);
        assert_eq!(r.deadline(), Some(end));
        assert_eq!(r.take_summary(Instant::from_millis(end.millis() - 1)), None);
        assert_eq!(r.take_summary(end), Some(100 - LOG_BURST_MAX));
        assert_eq!(r.take_summary(end), None);
        assert_eq!(r.deadline(), None, "no timer once reported");
        // A new window logs a new burst.
        assert!(r.allow(end));
    }

    #[test]
    fn rate_limit_keeps_a_count_the_caller_did_not_take() {
        let mut r = RateLimit::new();
        let t0 = Instant::from_millis(50_000);
        for _ in 0..7 {
            r.allow(t0);
        }
        // The next window starts before the summary was taken: the count is kept.
        let later = t0.after(Duration::from_secs(LOG_BURST_WINDOW_SECS + 1));
        assert!(r.allow(later));
        assert_eq!(r.take_summary(later), None);
        let end = later.after(RateLimit::WINDOW);
        assert_eq!(r.take_summary(end), Some(2));
    }

    #[test]
    fn bounded_write_gives_up_on_a_full_pipe_after_one_short_wait() {
        use rustix::fd::AsFd;
        let (rd, wr) = rustix::pipe::pipe().unwrap();
        rustix::pipe::fcntl_setpipe_size(&wr, 4096).unwrap();
        let fd = wr.as_fd();
        // Both ways: RWF_NOWAIT (a pipe(2) pipe on Linux 6.4+), then poll(2) for room (as for
        // a FIFO). The static is this test's alone.
        for no_nowait in [false, true] {
            NO_NOWAIT.store(no_nowait, Ordering::Relaxed);
            let filler = [b'f'; 4096];
            assert_eq!(rustix::io::write(fd, &filler).unwrap(), 4096);
            let started = std::time::Instant::now();
            assert_eq!(try_write(fd, b"vinit: info: x\n"), Err(Errno::AGAIN));
            let waited = started.elapsed();
            assert!(
                waited >= core::time::Duration::from_millis(LOG_STALL_WAIT_MS)
                    && waited < core::time::Duration::from_secs(2),
                "{waited:?}"
            );
            // Room again: the line goes through whole.
            let mut buf = [0u8; 8192];
            assert_eq!(rustix::io::read(&rd, &mut buf).unwrap(), 4096);
            assert_eq!(try_write(fd, b"vinit: info: y\n"), Ok(()));
            assert_eq!(rustix::io::read(&rd, &mut buf).unwrap(), 15);
            assert_eq!(buf.get(..15).unwrap(), b"vinit: info: y\n");
            if !no_nowait && kernel_at_least(6, 4) {
                assert!(
                    !NO_NOWAIT.load(Ordering::Relaxed),
                    "pipes take RWF_NOWAIT since Linux 6.4"
                );
            }
        }
    }

    fn kernel_at_least(major: u32, minor: u32) -> bool {
        let release = sys::kernel_release();
        let text = core::str::from_utf8(&release).unwrap();
        let mut parts = text.split(|c: char| !c.is_ascii_digit());
        let have: (u32, u32) = (
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        );
        have >= (major, minor)
    }

    #[test]
    fn core_names_errno_values_as_the_kernel_numbers_them() {
        let ours = [
            Errno::NOENT,
            Errno::ACCESS,
            Errno::PERM,
            Errno::CHILD,
            Errno::SRCH,
            Errno::AGAIN,
            Errno::INTR,
            Errno::NOEXEC,
            Errno::TOOBIG,
            Errno::MFILE,
            Errno::NOMEM,
            Errno::NXIO,
            Errno::PIPE,
            Errno::EXIST,
            Errno::NOTDIR,
            Errno::ISDIR,
            Errno::LOOP,
            Errno::NAMETOOLONG,
            Errno::BADF,
            Errno::INVAL,
            Errno::NOSPC,
            Errno::ROFS,
            Errno::NOSYS,
            Errno::TXTBSY,
            Errno::IO,
            Errno::NOTTY,
        ];
        let numbers = vinit_core::display::ERRNO_NUMBERS;
        let names = vinit_core::display::ERRNO_TEXT.lines();
        assert_eq!(ours.len(), numbers.len());
        assert_eq!(ours.len(), names.clone().count());
        for ((e, n), name) in ours.iter().zip(numbers).zip(names) {
            assert_eq!(e.raw_os_error(), i32::from(n), "{name}");
        }
    }

    #[test]
    fn permission_bits_show_as_four_octal_digits() {
        assert_eq!(&octal(0o644), b"0644");
        assert_eq!(&octal(0o1777), b"1777");
        assert_eq!(&octal(0o100_606), b"0606");
        assert_eq!(&octal(0), b"0000");
    }

    #[test]
    fn file_kinds_show_by_name() {
        let shown = |kind: u32| {
            let mut line = LogLine::bare();
            sys::FileError::Kind(kind).show(line.line());
            std::string::String::from_utf8(line.as_bytes().to_vec()).unwrap()
        };
        assert_eq!(shown(0o120_000), "a symlink (not followed)");
        assert_eq!(shown(0o010_000), "a fifo");
        assert_eq!(shown(0o100_000), "a regular file");
        assert_eq!(shown(0o040_000), "a directory");
        assert_eq!(shown(0o020_000), "a character device");
        assert_eq!(shown(0o060_000), "a block device");
        assert_eq!(shown(0o140_000), "a socket");
        assert_eq!(shown(0), "not a regular file");
        assert_eq!(shown(0o030_000), "not a regular file");
        assert_eq!(shown(0o170_000), "not a regular file");
    }

    #[test]
    fn file_errors_show_in_words() {
        use sys::FileError;
        let shown = |e: FileError| {
            let mut line = LogLine::bare();
            e.show(line.line());
            std::string::String::from_utf8(line.as_bytes().to_vec()).unwrap()
        };
        assert_eq!(
            shown(FileError::Sys(Errno::ROFS)),
            "EROFS (read-only file system)"
        );
        assert_eq!(shown(FileError::Owner(1000)), "owned by uid 1000");
        assert_eq!(
            shown(FileError::Mode(0o666)),
            "mode 0666, open to other users"
        );
        assert_eq!(
            shown(FileError::WritableByOthers(0o646)),
            "mode 0646, writable by other users"
        );
        assert_eq!(shown(FileError::Links(2)), "2 hard links");
        assert_eq!(
            shown(FileError::TooBig(70_000, 65_536)),
            "70000 bytes, more than the 65536 vinit reads"
        );
        assert_eq!(
            shown(FileError::Locked(Errno::AGAIN)),
            "locked by another process (EAGAIN (try again))"
        );
    }

    #[test]
    fn bytes_show_invalid_utf8_as_question_marks() {
        let mut line = LogLine::bare();
        fill!(LogLine::write, [&mut line], "{}", Bytes(b"a\xffb"));
        assert_eq!(line.as_bytes(), b"a?b");
        let mut line = LogLine::bare();
        fill!(
            LogLine::write,
            [&mut line],
            "{}",
            ErrName(Errno::from_raw_os_error(200))
        );
        assert_eq!(line.as_bytes(), b"errno 200");
    }
}
