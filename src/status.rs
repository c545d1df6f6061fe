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
