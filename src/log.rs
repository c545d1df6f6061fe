//! One line per event on stderr: `vinit: <level>: <what>: <detail>`, built with ufmt in a
//! fixed buffer and written with exactly one write(2), so it never interleaves with children's
//! output. Lines that do not fit are cut and end in `...`. Errno values print as their symbolic
//! names (never musl's strerror table).

use core::convert::Infallible;

use heapless::Vec;
use ufmt::{Formatter, uDisplay, uWrite};

use crate::limits::LOG_LINE_MAX;
use crate::sys::{self, Errno};

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

impl Level {
    const fn prefix(self) -> &'static str {
        match self {
            Self::Fatal => "vinit: fatal: ",
            Self::Error => "vinit: error: ",
            Self::Warning => "vinit: warning: ",
            Self::Info => "vinit: info: ",
        }
    }
}

/// A log line being built. Writing never fails; overflow is marked with `...`.
pub struct LogLine {
    buf: Vec<u8, LOG_LINE_MAX>,
    cut: bool,
}

impl LogLine {
    /// Starts a line with its `vinit: <level>: ` prefix.
    pub fn new(level: Level) -> Self {
        let mut line = Self {
            buf: Vec::new(),
            cut: false,
        };
        line.push(level.prefix().as_bytes());
        line
    }

    /// A line with no prefix at all (client tools print their own).
    pub const fn bare() -> Self {
        Self {
            buf: Vec::new(),
            cut: false,
        }
    }

    /// Appends raw bytes, cutting at the capacity (4 bytes stay free for `...\n`).
    pub fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.buf.len() + 4 >= LOG_LINE_MAX {
                self.cut = true;
                return;
            }
            let _ = self.buf.push(b);
        }
    }

    /// What has been written so far.
    #[cfg(test)]
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Ends the line and writes it to stderr with one write(2). Errors are dropped: there is
    /// nowhere else to report them.
    pub fn emit(self) {
        self.emit_to(sys::stderr());
    }

    /// Ends the line and writes it to `fd`.
    pub fn emit_to(mut self, fd: sys::BorrowedFd<'_>) {
        if self.cut {
            let _ = self.buf.extend_from_slice(b"...");
        }
        let _ = self.buf.push(b'\n');
        let _ = sys::write_all(fd, &self.buf);
    }
}

impl uWrite for LogLine {
    type Error = Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Infallible> {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// Writes one log line: `log!(Level::Info, "child {} exited", pid)`.
#[macro_export]
macro_rules! log {
    ($level:expr, $($arg:tt)*) => {{
        let mut line = $crate::log::LogLine::new($level);
        let _ = ufmt::uwrite!(line, $($arg)*);
        line.emit();
    }};
}

/// Bytes that may not be UTF-8 (paths, inittab text), shown with bad bytes as `?`.
pub struct Bytes<'a>(pub &'a [u8]);

impl uDisplay for Bytes<'_> {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        let mut rest = self.0;
        while !rest.is_empty() {
            match core::str::from_utf8(rest) {
                Ok(s) => return f.write_str(s),
                Err(e) => {
                    let good = rest.get(..e.valid_up_to()).unwrap_or_default();
                    f.write_str(core::str::from_utf8(good).unwrap_or_default())?;
                    f.write_str("?")?;
                    rest = rest.get(e.valid_up_to() + 1..).unwrap_or_default();
                }
            }
        }
        Ok(())
    }
}

/// An errno shown by its symbolic name (`ENOENT`), or `errno N` when it is not in the table.
pub struct ErrName(pub Errno);

impl uDisplay for ErrName {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match errno_name(self.0) {
            Some(name) => f.write_str(name),
            None => {
                f.write_str("errno ")?;
                ufmt::uwrite!(f, "{}", self.0.raw_os_error())
            }
        }
    }
}

/// Why a file was refused, in words: `a fifo`, `owned by uid 1000`, `EROFS`.
impl uDisplay for sys::FileError {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match *self {
            Self::Sys(e) => ErrName(e).fmt(f),
            Self::Kind(kind) => f.write_str(match kind {
                sys::S_IFLNK => "a symlink (not followed)",
                sys::S_IFIFO => "a fifo",
                sys::S_IFREG => "a regular file",
                0o040_000 => "a directory",
                0o020_000 => "a character device",
                0o060_000 => "a block device",
                0o140_000 => "a socket",
                _ => "not a regular file",
            }),
            Self::Owner(uid) => ufmt::uwrite!(f, "owned by uid {}", uid),
            Self::Mode(m) => ufmt::uwrite!(f, "mode {}, open to other users", Octal(m)),
            Self::WritableByOthers(m) => {
                ufmt::uwrite!(f, "mode {}, writable by other users", Octal(m))
            }
            Self::Links(n) => ufmt::uwrite!(f, "{} hard links", n),
            Self::TooBig(size, max) => {
                ufmt::uwrite!(f, "{} bytes, more than the {} vinit reads", size, max)
            }
            Self::Locked(e) => ufmt::uwrite!(f, "locked by another process ({})", ErrName(e)),
        }
    }
}

/// Permission bits as four octal digits (`0644`).
struct Octal(u32);

impl uDisplay for Octal {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        Bytes(&[9, 6, 3, 0].map(|shift| b'0' + ((self.0 >> shift) & 7) as u8)).fmt(f)
    }
}

fn errno_name(e: Errno) -> Option<&'static str> {
    const NAMES: [(Errno, &str); 26] = [
        (Errno::NOENT, "ENOENT"),
        (Errno::ACCESS, "EACCES"),
        (Errno::PERM, "EPERM"),
        (Errno::CHILD, "ECHILD"),
        (Errno::SRCH, "ESRCH"),
        (Errno::AGAIN, "EAGAIN"),
        (Errno::INTR, "EINTR"),
        (Errno::NOEXEC, "ENOEXEC"),
        (Errno::TOOBIG, "E2BIG"),
        (Errno::MFILE, "EMFILE"),
        (Errno::NOMEM, "ENOMEM"),
        (Errno::NXIO, "ENXIO"),
        (Errno::PIPE, "EPIPE"),
        (Errno::EXIST, "EEXIST"),
        (Errno::NOTDIR, "ENOTDIR"),
        (Errno::ISDIR, "EISDIR"),
        (Errno::LOOP, "ELOOP"),
        (Errno::NAMETOOLONG, "ENAMETOOLONG"),
        (Errno::BADF, "EBADF"),
        (Errno::INVAL, "EINVAL"),
        (Errno::NOSPC, "ENOSPC"),
        (Errno::ROFS, "EROFS"),
        (Errno::NOSYS, "ENOSYS"),
        (Errno::TXTBSY, "ETXTBSY"),
        (Errno::IO, "EIO"),
        (Errno::NOTTY, "ENOTTY"),
    ];
    NAMES.iter().find(|(n, _)| *n == e).map(|(_, s)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_has_prefix_and_is_cut_with_marker() {
        let mut line = LogLine::new(Level::Warning);
        let _ = ufmt::uwrite!(line, "x {} {}", 42u32, ErrName(Errno::NOENT));
        assert_eq!(line.as_bytes(), b"vinit: warning: x 42 ENOENT");
        let mut long = LogLine::new(Level::Info);
        for _ in 0..LOG_LINE_MAX {
            long.push(b"a");
        }
        assert!(long.cut);
        assert!(long.as_bytes().len() < LOG_LINE_MAX);
    }

    #[test]
    fn bytes_show_invalid_utf8_as_question_marks() {
        let mut line = LogLine::bare();
        let _ = ufmt::uwrite!(line, "{}", Bytes(b"a\xffb"));
        assert_eq!(line.as_bytes(), b"a?b");
        let mut line = LogLine::bare();
        let _ = ufmt::uwrite!(line, "{}", ErrName(Errno::from_raw_os_error(200)));
        assert_eq!(line.as_bytes(), b"errno 200");
    }
}
