//! What every mode of vinit does to be a proper init: subreap when it is not PID 1, keep
//! inherited fds out of children, take every signal through one signalfd; and, at the end,
//! count and signal whatever is left. Shared by single-command and inittab mode.
//! vinit installs no signal handler (every signal goes through the signalfd), so once the
//! dispositions it inherited as ignored are reset, every child starts with default ones.

use crate::log;
use crate::log::{ErrName, Level};
use crate::sys::{self, Errno, OwnedFd, SigMask};

/// Sets vinit up as an init and returns its signalfd; `None` after logging the fatal line
/// (only before the loop starts: after that vinit never bails).
pub fn become_init() -> Option<OwnedFd> {
    // A stalled reader of vinit's stderr must not stall the init (log.rs).
    crate::log::never_block();
    if sys::getpid() != 1
        && let Err(e) = sys::set_child_subreaper()
    {
        log!(
            Level::Warning,
            "unable to become a child subreaper: {}",
            ErrName(e)
        );
    }
    if let Err(e) = sys::cloexec_inherited_fds() {
        log!(
            Level::Warning,
            "unable to mark inherited fds close-on-exec: {}",
            ErrName(e)
        );
    }
    if let Err(e) = sys::set_signal_mask(SigMask::CATCHABLE) {
        log!(Level::Fatal, "unable to block signals: {}", ErrName(e));
        return None;
    }
    // Children inherit dispositions through fork and exec: resetting what vinit inherited as
    // ignored, once here (after blocking, so a default action cannot fire meanwhile), gives
    // every child default dispositions without 64 sigaction calls between fork and exec.
    sys::reset_signal_dispositions(sys::ignored_signals());
    match sys::signalfd(SigMask::CATCHABLE) {
        Ok(fd) => Some(fd),
        Err(e) => {
            log!(Level::Fatal, "unable to create signalfd: {}", ErrName(e));
            None
        }
    }
}

/// Signals every process left. As PID 1, kill(-1) reaches the whole namespace; otherwise only
/// vinit's own children (the orphans it subreaps and what its children left): kill(-1) would
/// reach the whole machine.
pub fn signal_all(sig: u8) {
    if sys::getpid() == 1 {
        if let Err(e) = sys::kill(-1, sig)
            && e != Errno::SRCH
        {
            log!(
                Level::Warning,
                "unable to signal all processes: {}",
                ErrName(e)
            );
        }
        return;
    }
    let me = sys::getpid();
    let _ = sys::scan_processes(|pid, ppid| {
        if ppid == me {
            let _ = sys::kill(pid, sig);
        }
    });
}

/// How many processes `signal_all` would reach (for the log).
pub fn count_left() -> u32 {
    let me = sys::getpid();
    let pid1 = me == 1;
    let mut n = 0;
    let _ = sys::scan_processes(|_, ppid| {
        if pid1 || ppid == me {
            n += 1;
        }
    });
    n
}
