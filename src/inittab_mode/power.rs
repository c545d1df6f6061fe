//! SIGPWR: with /var/run/powerstatus, sysvinit's power semantics; without, LXC's halt signal:
//! the power entries run, then the stop (compat §4).

use super::Input;
use crate::log;
use crate::log::Level;
use crate::sys::{self, Errno, FileError, FileUse};
use vinit_core::limits::POWERSTATUS_PATH;
use vinit_core::supervisor::{StopCause, Trigger};

/// Reads (and removes) /var/run/powerstatus: `O` is power back, `L` low battery, anything
/// else a failure (a trigger); no file, or an empty one, is LXC's halt signal (a stop).
#[inline(never)]
pub(super) fn power_event() -> Input {
    let mut status = [0u8; 1];
    // The open's error reported where it lies, the read's apart: one error gathered from
    // both was taken apart into registers and stored back for the report.
    let read = match sys::open_file(POWERSTATUS_PATH, FileUse::ReadState) {
        Ok((fd, _)) => sys::read_full(fd.as_fd(), &mut status),
        Err(e) => return refused(e),
    };
    match read {
        Ok(n) if n > 0 => {
            let _ = sys::unlink(POWERSTATUS_PATH);
            Input::Trigger(match status {
                [b'O'] => Trigger::PowerOk,
                [b'L'] => Trigger::PowerFailNow,
                _ => Trigger::PowerFail,
            })
        }
        Ok(_) => Input::Stop(StopCause::Power),
        Err(e) => refused(FileError::Sys(e)),
    }
}

/// No usable /var/run/powerstatus: LXC's halt signal; said unless there is no file.
fn refused(e: FileError) -> Input {
    if !matches!(e, FileError::Sys(Errno::NOENT)) {
        log::file_line(Level::Error, POWERSTATUS_PATH, e, log::Outcome::Ignored);
    }
    Input::Stop(StopCause::Power)
}
