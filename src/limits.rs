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

// ---- Clients: telinit, shutdown, halt/poweroff/reboot, runlevel (spec §5.4, §6) ----

/// The control FIFO init reads (spec §5.1); 3.x has no fallback path.
pub const INITCTL_PATH: &core::ffi::CStr = c"/run/initctl";
/// Environment variable that replaces `INITCTL_PATH`, for tests only: lets a test talk to a
/// FIFO in a temp dir instead of the host's /run/initctl.
pub const INITCTL_OVERRIDE_VAR: &[u8] = b"VINIT_INITCTL";
/// How long a client keeps trying to open and write the FIFO (sysvinit's `alarm(3)`, §5.4).
pub const INITCTL_TIMEOUT_MS: u64 = 3000;
/// Pause between open attempts while nobody reads the FIFO yet (ENXIO).
pub const INITCTL_RETRY_MS: u64 = 10;
/// telinit's default seconds between SIGTERM and SIGKILL (`-t`, spec §6.1).
pub const DEFAULT_SLEEPTIME_SECS: u32 = 3;
/// Largest `-t` accepted: the field is a C int.
pub const SLEEPTIME_MAX: u64 = i32::MAX as u64;
/// Most `telinit -e` strings: each takes at least 2 of the 368 payload bytes (DATA_LEN / 2).
pub const TELINIT_ENV_MAX: usize = 184;
/// Largest `shutdown +hh:mm` hour count (sysvinit 3.14).
pub const SHUTDOWN_HOURS_MAX: u64 = 99_999;
/// Longest shutdown warning message, words joined by spaces (sysvinit's MESSAGELEN).
pub const SHUTDOWN_MESSAGE_MAX: usize = 256;
/// The utmp file init keeps (spec §6.6).
pub const UTMP_PATH: &core::ffi::CStr = c"/var/run/utmp";
/// The wtmp log; appended to only if it already exists (spec §6.6).
pub const WTMP_PATH: &core::ffi::CStr = c"/var/log/wtmp";
/// One byte: the current level, for systems without utmp (spec §6.6).
pub const RUNLEVEL_PATH: &core::ffi::CStr = c"/var/run/runlevel";
/// Pid of a pending timed shutdown, for `shutdown -c` (spec §6.2).
pub const SHUTDOWN_PID_PATH: &core::ffi::CStr = c"/var/run/shutdown.pid";
/// Created by `shutdown -f` (skip fsck at next boot).
pub const FASTBOOT_PATH: &core::ffi::CStr = c"/fastboot";
/// Created by `shutdown -F` (force fsck at next boot).
pub const FORCEFSCK_PATH: &core::ffi::CStr = c"/forcefsck";
/// Users allowed to shut down with `shutdown -a`.
pub const SHUTDOWN_ALLOW_PATH: &core::ffi::CStr = c"/etc/shutdown.allow";
/// Longest kernel release kept for wtmp's ut_host (uname's field size).
pub const KERNEL_RELEASE_MAX: usize = 65;
