//! How values show in a log line, with ufmt: bytes that may not be UTF-8 (`Bytes`), errno
//! values by their symbolic names (`ErrName`, never musl's strerror table), and the plural
//! of "process".

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

/// An errno value (Linux's numbers) shown by its symbolic name (`ENOENT`), or `errno N` when
/// it is not in the table.
pub struct ErrName(pub i32);

impl uDisplay for ErrName {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        match errno_name(self.0) {
            Some(name) => f.write_str(name),
            None => {
                f.write_str("errno ")?;
                ufmt::uwrite!(f, "{}", self.0)
            }
        }
    }
}

/// The errno values vinit can meet, with Linux's generic numbers (asm-generic/errno*.h: the
/// numbers of every architecture vinit builds for; the edge's unit test checks them against
/// its syscall crate).
pub const ERRNO_NAMES: [(i32, &str); 26] = [
    (2, "ENOENT"),
    (13, "EACCES"),
    (1, "EPERM"),
    (10, "ECHILD"),
    (3, "ESRCH"),
    (11, "EAGAIN"),
    (4, "EINTR"),
    (8, "ENOEXEC"),
    (7, "E2BIG"),
    (24, "EMFILE"),
    (12, "ENOMEM"),
    (6, "ENXIO"),
    (32, "EPIPE"),
    (17, "EEXIST"),
    (20, "ENOTDIR"),
    (21, "EISDIR"),
    (40, "ELOOP"),
    (36, "ENAMETOOLONG"),
    (9, "EBADF"),
    (22, "EINVAL"),
    (28, "ENOSPC"),
    (30, "EROFS"),
    (38, "ENOSYS"),
    (26, "ETXTBSY"),
    (5, "EIO"),
    (25, "ENOTTY"),
];

fn errno_name(errno: i32) -> Option<&'static str> {
    ERRNO_NAMES
        .iter()
        .find(|(n, _)| *n == errno)
        .map(|(_, s)| *s)
}

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
    fn errno_values_show_by_name_or_number() {
        assert_eq!(shown(ErrName(2)), "ENOENT");
        assert_eq!(shown(ErrName(11)), "EAGAIN");
        assert_eq!(shown(ErrName(200)), "errno 200");
    }
}
