//! What every mode of vinit does to be a proper init: subreap when it is not PID 1, keep
//! inherited fds out of children, take every signal through one signalfd. Shared by
//! single-command and inittab mode (what is left at the end: `processes_left`).
//! vinit installs no signal handler except, in single-command mode, the one that forwards the
//! fault signals (every other signal goes through the signalfd); execve(2) resets a handled
//! signal to its default, so once the dispositions vinit inherited (ignored ones) are reset,
//! every child starts with default ones.

use crate::log::{self, ErrName, Level};
use crate::sys::{self, OwnedFd, SigMask};
use vinit_core::display::ArgOf;
use vinit_core::template;

/// A line whose one `{}` is an errno (`template!(1, ...)`): one call at each of the start-up's
/// and single-command mode's sites, not an argument array built at each.
#[inline(never)]
pub fn errno_line(level: Level, template: &[u8], e: sys::Errno) {
    log::log_line(level, template, &[ErrName(e).log_arg()]);
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
        errno_line(
            Level::Warning,
            template!(1, "unable to become a child subreaper: {}"),
            e,
        );
    }
    if let Err(e) = sys::cloexec_inherited_fds() {
        errno_line(
            Level::Warning,
            template!(1, "unable to mark inherited fds close-on-exec: {}"),
            e,
        );
    }
    if let Err(e) = sys::set_signal_mask(blocked) {
        errno_line(Level::Fatal, template!(1, "unable to block signals: {}"), e);
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
            errno_line(
                Level::Fatal,
                template!(1, "unable to create signalfd: {}"),
                e,
            );
            None
        }
    }
}
