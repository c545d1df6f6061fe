//! Every capacity and fixed number, each with a one-line why. Nothing else holds a literal.
#![forbid(unsafe_code)]

/// Longest log line; longer ones are cut and end in `...`.
pub const LOG_LINE_MAX: usize = 512;

/// Exit status after a panic (a bug): EX_SOFTWARE.
pub const EXIT_INTERNAL: u8 = 70;
/// Exit status for a usage error.
pub const EXIT_USAGE: u8 = 2;
/// Command found but not executable (shell convention).
pub const EXIT_NOT_EXECUTABLE: u8 = 126;
/// Command not found (shell convention).
pub const EXIT_NOT_FOUND: u8 = 127;

/// Default grace between SIGTERM and SIGKILL after the main child of `--` mode exits, in
/// seconds: fits inside Docker's 10 s stop timeout with room for the kill and reap.
pub const DEFAULT_GRACE_SECS: u64 = 5;

/// Longest path vinit builds when searching PATH (PATH_MAX).
pub const PATH_MAX: usize = 4096;
