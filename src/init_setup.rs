//! What every mode of vinit does to be a proper init: subreap when it is not PID 1, keep
//! inherited fds out of children, take every signal through one signalfd. Shared by
//! single-command and inittab mode (what is left at the end: `processes_left`).
//! vinit installs no signal handler except, in single-command mode, the one that forwards the
//! fault signals (every other signal goes through the signalfd); execve(2) resets a handled
//! signal to its default, so once the dispositions vinit inherited (ignored ones) are reset,
//! every child starts with default ones.

use crate::log::{self, ErrName, Level};
use crate::sys::{self, OwnedFd, SigMask};

/// What failed, for `errno_line`: a field of `FAILURES` each, in its order (a number at each
/// site, not a template's address and length), and the order gives the level (`level`).
#[derive(Clone, Copy)]
pub enum Failure {
    // Fatal.
    BlockSignals,
    CreateSignalfd,
    // Errors.
    Poll,
    ReadSignalfd,
    Wait,
    // Warnings.
    Subreaper,
    Cloexec,
    FaultHandler,
    Chdir,
    SignalAll,
}

impl Failure {
    /// The line's level, from the variant's place.
    fn level(self) -> Level {
        match self as u8 {
            0..=1 => Level::Fatal,
            2..=4 => Level::Error,
            _ => Level::Warning,
        }
    }
}

/// `Failure`'s words in its order, NUL-separated, packed as templates are.
const FAILURES: &[u8] = vinit_core::packed!(
    "unable to block signals\0unable to create signalfd\0poll failed\0unable to read signalfd\0wait failed\0unable to become a child subreaper\0unable to mark inherited fds close-on-exec\0unable to install the fault signal handler\0unable to change directory to /\0unable to signal all processes"
);

/// `WHAT: ERRNO`, the line that says `what` failed and why (`e`): one call at each of the
/// start-up's and single-command mode's sites.
#[inline(never)]
pub fn errno_line(what: Failure, e: sys::Errno) {
    crate::log!(
        what.level(),
        "{}: {}",
        log::Field(FAILURES, what as u8),
        ErrName(e)
    );
}

/// Sets vinit up as an init and returns its signalfd; `None` after logging the fatal line
/// (only before the loop starts: after that vinit never bails).
pub fn become_init() -> Option<OwnedFd> {
    if !prepare(sys::getpid() == 1, SigMask::CATCHABLE) {
        return None;
    }
    signal_fd()
}

/// What must be in place before the first child starts: subreaping, no inherited fd for it,
/// the signals of `blocked` blocked (queued for the signalfd, which may come later), and
/// default dispositions. `false` after logging the fatal line.
pub fn prepare(pid1: bool, blocked: SigMask) -> bool {
    // A stalled reader of vinit's stderr must not stall the init (log.rs).
    crate::log::never_block();
    if !pid1 && let Err(e) = sys::set_child_subreaper() {
        errno_line(Failure::Subreaper, e);
    }
    if let Err(e) = sys::cloexec_inherited_fds() {
        errno_line(Failure::Cloexec, e);
    }
    if let Err(e) = sys::set_signal_mask(blocked) {
        errno_line(Failure::BlockSignals, e);
        return false;
    }
    // Children inherit dispositions through fork and exec: resetting every catchable signal
    // once here (after blocking, so a default action cannot fire meanwhile) gives every child
    // default dispositions without sigaction calls between fork and exec. All of them, not
    // only those /proc/self/status lists as ignored: 62 rt_sigaction calls cost about what
    // reading that file does, without its code.
    sys::reset_signal_dispositions(SigMask(u64::MAX));
    true
}

/// The signalfd every blocked signal is read from; `None` after logging the fatal line.
pub fn signal_fd() -> Option<OwnedFd> {
    match sys::signalfd(SigMask::CATCHABLE) {
        Ok(fd) => Some(fd),
        Err(e) => {
            errno_line(Failure::CreateSignalfd, e);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_their_enum_in_order() {
        log::assert_fields(
            FAILURES,
            &[
                (Failure::BlockSignals as usize, b"unable to block signals"),
                (
                    Failure::CreateSignalfd as usize,
                    b"unable to create signalfd",
                ),
                (Failure::Poll as usize, b"poll failed"),
                (Failure::ReadSignalfd as usize, b"unable to read signalfd"),
                (Failure::Wait as usize, b"wait failed"),
                (
                    Failure::Subreaper as usize,
                    b"unable to become a child subreaper",
                ),
                (
                    Failure::Cloexec as usize,
                    b"unable to mark inherited fds close-on-exec",
                ),
                (
                    Failure::FaultHandler as usize,
                    b"unable to install the fault signal handler",
                ),
                (Failure::Chdir as usize, b"unable to change directory to /"),
                (
                    Failure::SignalAll as usize,
                    b"unable to signal all processes",
                ),
            ],
        );
        assert!(matches!(Failure::CreateSignalfd.level(), Level::Fatal));
        assert!(matches!(Failure::Poll.level(), Level::Error));
        assert!(matches!(Failure::Wait.level(), Level::Error));
        assert!(matches!(Failure::Subreaper.level(), Level::Warning));
        assert!(matches!(Failure::SignalAll.level(), Level::Warning));
    }
}
