//! How values show in a log line, with ufmt: bytes that may not be UTF-8 (`Bytes`), errno
//! values by their symbolic names with a short text (`ErrName`, never musl's strerror table),
//! signals by name (`SigName`), how a process ended (`ExitShown`), and the plural of "process".

use ufmt::{Formatter, uDisplay, uWrite};

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

/// An errno value (Linux's numbers) shown by its symbolic name and a short text
/// (`ENOENT (no such file)`), or `errno N` when it is not in the table.
pub struct ErrName(pub i32);

impl uDisplay for ErrName {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match ERRNO_NAMES.iter().find(|(n, _)| *n == self.0) {
            Some((_, shown)) => f.write_str(shown),
            None => ufmt::uwrite!(f, "errno {}", self.0),
        }
    }
}

/// A signal shown by its name (`SIGSEGV`), or `signal N` when it has none (real-time ones).
pub struct SigName(pub u8);

impl uDisplay for SigName {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match crate::signal_spec::signal_name(self.0) {
            Some(name) => ufmt::uwrite!(f, "SIG{}", Bytes(name)),
            None => ufmt::uwrite!(f, "signal {}", self.0),
        }
    }
}

/// How a process ended, for a log line: `exited with status 1` / `killed by SIGSEGV`.
pub struct ExitShown(pub crate::status::Exit);

impl uDisplay for ExitShown {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match self.0 {
            crate::status::Exit::Code(c) => ufmt::uwrite!(f, "exited with status {}", c),
            crate::status::Exit::Signal(s) => ufmt::uwrite!(f, "killed by {}", SigName(s)),
        }
    }
}

/// The errno values vinit can meet, with Linux's generic numbers (asm-generic/errno*.h: the
/// numbers of every architecture vinit builds for; the edge's unit test checks them against
/// its syscall crate), and a few words each for readers who do not know the names (in the
/// same string: one slice per errno, not two).
pub const ERRNO_NAMES: [(i32, &str); 26] = [
    (2, "ENOENT (no such file)"),
    (13, "EACCES (permission denied)"),
    (1, "EPERM (not permitted)"),
    (10, "ECHILD (no child)"),
    (3, "ESRCH (no such process)"),
    (11, "EAGAIN (try again)"),
    (4, "EINTR (interrupted)"),
    (8, "ENOEXEC (bad executable format)"),
    (7, "E2BIG (argument list too long)"),
    (24, "EMFILE (too many open files)"),
    (12, "ENOMEM (out of memory)"),
    (6, "ENXIO (no such device or reader)"),
    (32, "EPIPE (broken pipe)"),
    (17, "EEXIST (exists)"),
    (20, "ENOTDIR (not a directory)"),
    (21, "EISDIR (is a directory)"),
    (40, "ELOOP (too many symlinks)"),
    (36, "ENAMETOOLONG (name too long)"),
    (9, "EBADF (bad fd)"),
    (22, "EINVAL (invalid argument)"),
    (28, "ENOSPC (no space left)"),
    (30, "EROFS (read-only file system)"),
    (38, "ENOSYS (not implemented)"),
    (26, "ETXTBSY (text file busy)"),
    (5, "EIO (I/O error)"),
    (25, "ENOTTY (not a tty)"),
];

/// `process` or `processes`, for a count.
pub const fn processes(n: u32) -> &'static str {
    if n == 1 { "process" } else { "processes" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(d: impl uDisplay) -> std::string::String {
        let mut s = heapless::String::<64>::new();
        ufmt::uwrite!(s, "{}", d).unwrap();
        s.as_str().into()
    }

    #[test]
    fn bytes_show_invalid_utf8_as_question_marks() {
        assert_eq!(shown(Bytes(b"a\xffb")), "a?b");
        assert_eq!(shown(Bytes(b"/etc/inittab")), "/etc/inittab");
        // One `?` per byte that does not start a valid sequence.
        assert_eq!(shown(Bytes(b"x\xe2\x82")), "x??");
    }

    #[test]
    fn errno_values_show_by_name_and_text_or_number() {
        assert_eq!(shown(ErrName(2)), "ENOENT (no such file)");
        assert_eq!(shown(ErrName(11)), "EAGAIN (try again)");
        assert_eq!(shown(ErrName(200)), "errno 200");
    }

    #[test]
    fn signals_show_by_name_or_number() {
        assert_eq!(shown(SigName(1)), "SIGHUP");
        assert_eq!(shown(SigName(11)), "SIGSEGV");
        assert_eq!(shown(SigName(15)), "SIGTERM");
        assert_eq!(shown(SigName(31)), "SIGSYS");
        assert_eq!(shown(SigName(0)), "signal 0");
        assert_eq!(shown(SigName(37)), "signal 37");
    }

    #[test]
    fn exits_show_their_status_or_signal() {
        use crate::status::Exit;
        assert_eq!(shown(ExitShown(Exit::Code(1))), "exited with status 1");
        assert_eq!(shown(ExitShown(Exit::Signal(11))), "killed by SIGSEGV");
    }
}
