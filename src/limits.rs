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

// supervisor (spec §2.2, §2.9) and the stop sequence
/// TERM→KILL gap of a level change when the request gives none (spec §2.2, WAIT_BETWEEN_SIGNALS).
pub const DEFAULT_SLEEPTIME_SECS: u64 = 3;
/// Starts of one respawn entry allowed inside the window (spec §2.9, MAXSPAWN).
pub const RESPAWN_MAX: u8 = 10;
/// The respawn window (spec §2.9, TESTTIME).
pub const RESPAWN_WINDOW_SECS: u64 = 120;
/// How long a respawning-too-fast entry stays off (spec §2.9, SLEEPTIME).
pub const RESPAWN_DISABLE_SECS: u64 = 300;
/// Processes of a level change's kill round tracked at once (one per entry is the most).
pub const MAX_DYING: usize = MAX_ENTRIES;
/// The whole container stop, signal to exit: inside Docker's 10 s with a second to spare.
pub const DEFAULT_STOP_BUDGET_SECS: u64 = 9;
/// Default level when the inittab has no initdefault (sysvinit would prompt forever, spec §1.8).
pub const DEFAULT_LEVEL: u8 = b'3';
/// Biggest inittab file read (the real ones are 2-3 KB).
pub const INITTAB_FILE_MAX: usize = 32 * 1024;
/// Environment strings passed to a child (the container's own plus vinit's).
pub const MAX_ENV: usize = 256;
/// Bytes for the variables vinit adds to a child's environment.
pub const ENV_BUF: usize = 2048;
/// INIT_* variables stored from initctl SETENV (spec §5.5).
pub const INIT_ENV_SLOTS: usize = 16;
/// Longest stored INIT_* string.
pub const INIT_ENV_LEN: usize = 128;
/// The initctl FIFO (spec §5.1).
pub const INITCTL_PATH: &core::ffi::CStr = c"/run/initctl";
