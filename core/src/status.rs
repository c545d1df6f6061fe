//! How a process ended, as a plain value shared by the pure core and the edge.
//!
//! Converted from the raw wait status in `sys`, so tests never build raw statuses.
#![forbid(unsafe_code)]

/// A process id as the kernel hands it out (always > 0 for a real process).
pub type Pid = i32;

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// `exit(code)` or return from main.
    Code(u8),
    /// Killed by this signal.
    Signal(u8),
}

impl Exit {
    /// The shell's convention: the code, or 128 + the signal.
    pub const fn status(self) -> u8 {
        match self {
            Self::Code(c) => c,
            Self::Signal(s) => 128u8.wrapping_add(s),
        }
    }
}

/// Linux signal numbers vinit names (signal(7), x86-64 and every other Linux ABI but a few
/// old ones vinit does not target); one table for every module.
pub mod signal {
    /// Hang-up: re-read the inittab.
    pub const SIGHUP: u8 = 1;
    /// Interrupt: ctrlaltdel, then stop.
    pub const SIGINT: u8 = 2;
    /// Quit.
    pub const SIGQUIT: u8 = 3;
    /// Kill (cannot be caught).
    pub const SIGKILL: u8 = 9;
    /// busybox `halt`.
    pub const SIGUSR1: u8 = 10;
    /// busybox `poweroff`.
    pub const SIGUSR2: u8 = 12;
    /// A write to a pipe nobody reads: ignored by init (sysvinit does too).
    pub const SIGPIPE: u8 = 13;
    /// Terminate: `docker stop`.
    pub const SIGTERM: u8 = 15;
    /// A child changed state.
    pub const SIGCHLD: u8 = 17;
    /// Continue (ends a `halt -f` freeze).
    pub const SIGCONT: u8 = 18;
    /// Terminal stop (starts a `halt -f` freeze).
    pub const SIGTSTP: u8 = 20;
    /// Window change: kbrequest.
    pub const SIGWINCH: u8 = 28;
    /// Power failure (LXC's halt signal).
    pub const SIGPWR: u8 = 30;
}
