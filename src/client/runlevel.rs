//! runlevel (compat §6.4): the previous and current level from utmp's RUN_LVL record, else
//! the current one from /var/run/runlevel.

use core::ffi::CStr;

use super::{RUNLEVEL_PATH_TOO_LONG, RUNLEVEL_USAGE, read_head, say};
use crate::sys;
use vinit_core::limits::{PATH_MAX, RUNLEVEL_PATH, UTMP_PATH};
use vinit_core::utmp;

/// `utmp_arg` is argument 1 (the utmp path) as argv holds it, if there is one;
/// `extra_operand`: there is an argument 2 (`client_args::parse_runlevel`'s one error).
/// Not inlined: in `client::run` it took 134 bytes (its line's bytes stored in run's large
/// frame), out of line 117.
#[inline(never)]
pub(super) fn runlevel(extra_operand: bool, utmp_arg: Option<&CStr>) -> u8 {
    if extra_operand {
        return say(RUNLEVEL_USAGE);
    }
    let path = match utmp_arg {
        Some(p) if p.to_bytes().len() > PATH_MAX => {
            return say(RUNLEVEL_PATH_TOO_LONG);
        }
        Some(p) => p,
        None => UTMP_PATH,
    };
    let levels;
    let (line, status): (&[u8], u8) = match previous_and_current(path) {
        Some((prev, cur)) => {
            levels = [prev, b' ', cur, b'\n'];
            (&levels, 0)
        }
        None => (b"unknown\n", 1),
    };
    let _ = sys::write_all(sys::stdout(), line);
    status
}

/// The previous and current level: from the first RUN_LVL record of the utmp file at `path`,
/// else `N` and the level in /var/run/runlevel. The one lookup of runlevel and halt.
#[inline(never)]
pub(super) fn previous_and_current(path: &CStr) -> Option<(u8, u8)> {
    utmp_runlevel(path).or_else(|| runlevel_file().map(|c| (b'N', c)))
}

/// The first RUN_LVL record of a utmp file, read one record at a time.
fn utmp_runlevel(path: &CStr) -> Option<(u8, u8)> {
    // Never closed: runlevel and halt exit soon after (the kernel closes it then).
    let fd = core::mem::ManuallyDrop::new(sys::open_read(path).ok()?);
    let mut record = [0u8; utmp::RECORD_LEN];
    loop {
        if sys::read_full(fd.as_fd(), &mut record).ok()? < utmp::RECORD_LEN {
            return None;
        }
        if let Some(found) = utmp::find_runlevel(&record) {
            return Some(found);
        }
    }
}

/// The one byte of /var/run/runlevel.
fn runlevel_file() -> Option<u8> {
    match read_head(RUNLEVEL_PATH, &mut [0u8; 1])? {
        [level] => Some(*level),
        _ => None,
    }
}
