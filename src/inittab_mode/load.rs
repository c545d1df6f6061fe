//! Reading the inittab: the main file, then the `/etc/inittab.d/*.tab` drop-ins (compat §1.1),
//! a chunk at a time into a table; bad lines are logged (a bounded number of them).

use core::ffi::CStr;

use heapless::Vec;

use crate::log;
use crate::log::{Bytes, Level, LogLine};
use crate::sys::{self, FileError, FileResult, FileUse};
use vinit_core::inittab::{Feed, Inittab, InittabError};
use vinit_core::limits::{
    DROPIN_PATH_MAX, INITTAB_DIR, INITTAB_ERRORS_SHOWN, INITTAB_READ_CHUNK, INITTAB_READ_MAX,
};

/// Reads the inittab and the `/etc/inittab.d/*.tab` drop-ins (compat §1.1) into `tab`; bad
/// lines are logged and skipped, and so is a drop-in that cannot be read. `false` only when
/// the main file cannot be read whole (`tab` is then not to be used), said in one line: a
/// fatal one at start-up (`at_start`), where vinit exits.
#[inline(never)]
pub fn load_inittab(path: &CStr, tab: &mut Inittab, at_start: bool) -> bool {
    tab.clear();
    let (level, what) = if at_start {
        (Level::Fatal, log::Outcome::InittabUnreadable)
    } else {
        (Level::Error, log::Outcome::NotRead)
    };
    if !read_table(path, tab, true, level, what) {
        return false;
    }
    let _ = sys::for_each_dir_entry(INITTAB_DIR, |entry| {
        let name = entry.to_bytes();
        if name.len() < 5 || !name.ends_with(b".tab") {
            return;
        }
        // The directory and its `/`, then the name with its own NUL: two pieces, not a table
        // of four built on the stack.
        // The directory is in the vector from the start (its fit checked at compile time):
        // one checked extend.
        let mut full: Vec<u8, DROPIN_PATH_MAX> = Vec::from_array(DROPIN_DIR);
        if full.extend_from_slice(entry.to_bytes_with_nul()).is_err() {
            return;
        }
        let Some(cpath) = sys::c_str(&full) else {
            return;
        };
        log!(Level::Info, "Reading: {}", Bytes(cpath.to_bytes()));
        read_table(cpath, tab, false, Level::Error, log::Outcome::Skipped);
    });
    true
}

// A file's bad lines, fewer than its bytes, fit `read_table`'s `u32` count.
const _: () = assert!(INITTAB_READ_MAX < u32::MAX as u64);

/// `INITTAB_DIR` and the `/` before a drop-in's name (where its NUL was), made at compile time.
const DROPIN_DIR: [u8; INITTAB_DIR.to_bytes_with_nul().len()] = {
    let mut dir = [b'/'; INITTAB_DIR.to_bytes_with_nul().len()];
    let (mut to, mut from): (&mut [u8], &[u8]) = (&mut dir, INITTAB_DIR.to_bytes());
    while let ([t, to_rest @ ..], [f, from_rest @ ..]) = (to, from) {
        *t = *f;
        (to, from) = (to_rest, from_rest);
    }
    dir
};

/// Feeds the configuration file `path` to `tab` a chunk at a time, as `sys::open_file`
/// opens it; a file larger than `INITTAB_READ_MAX` is refused before a line is parsed (and
/// one that grows past it while read, when the bound is reached). A file that cannot be read
/// whole is one line, `path: why: what`, at `level`; `false` then. Bad lines are logged: every
/// one of a drop-in's; of the main file (`main`), `INITTAB_ERRORS_SHOWN` and then their count,
/// the `~~` line sysvinit adds (compat §1.1 step 2) among them. One reporter for both, so the
/// machine's parser gets one kind of callback.
fn read_table(
    path: &CStr,
    tab: &mut Inittab,
    main: bool,
    level: Level,
    what: log::Outcome,
) -> bool {
    let file = path.to_bytes();
    let mut errors = 0u32;
    let mut report = |e: InittabError| {
        // At most one per line of one file, which is under `INITTAB_READ_MAX` bytes (below).
        errors += 1;
        if !main || errors <= INITTAB_ERRORS_SHOWN {
            report_error(file, &e);
        }
    };
    let mut feed = Feed::new(!main);
    // The open's error said where it lies, the read's apart: one error gathered from both
    // was taken apart into registers and stored back for the line. The file is closed after
    // it is fed, whatever the outcome.
    let read = match sys::open_file(path, FileUse::Config) {
        Ok((fd, size)) => match feed_fd(fd.as_fd(), size, tab, &mut feed, &mut report) {
            Ok(()) => true,
            Err(e) => {
                log::file_line(level, path, e, what);
                false
            }
        },
        Err(e) => {
            log::file_line(level, path, e, what);
            false
        }
    };
    if main {
        tab.add_default_sulogin(&mut report);
        if errors > INITTAB_ERRORS_SHOWN {
            log!(
                Level::Error,
                "{}: {} more bad lines not shown",
                Bytes(file),
                errors - INITTAB_ERRORS_SHOWN
            );
        }
    }
    read
}

fn feed_fd(
    fd: sys::BorrowedFd<'_>,
    size: u64,
    tab: &mut Inittab,
    feed: &mut Feed,
    report: &mut dyn FnMut(InittabError),
) -> FileResult<()> {
    if size > INITTAB_READ_MAX {
        return Err(FileError::TooBig(size, INITTAB_READ_MAX as u32));
    }
    let mut chunk = [0u8; INITTAB_READ_CHUNK];
    let mut total = 0u64;
    while !feed.done() {
        let n = sys::read_full(fd, &mut chunk)?;
        total += n as u64;
        if total > INITTAB_READ_MAX {
            return Err(FileError::TooBig(total, INITTAB_READ_MAX as u32));
        }
        tab.feed(feed, chunk.get(..n).unwrap_or_default(), report);
        if n < chunk.len() {
            break;
        }
    }
    tab.feed_end(feed, report);
    Ok(())
}

#[inline(never)]
fn report_error(file: &[u8], e: &InittabError) {
    let mut line = LogLine::new(Level::Error);
    e.render(file, line.line());
    line.emit();
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_dropins_path_is_the_directory_then_a_slash() {
        assert_eq!(&super::DROPIN_DIR, b"/etc/inittab.d/");
    }
}
