//! Every capacity and fixed number, each with a one-line why. Nothing else holds a literal.
#![forbid(unsafe_code)]

/// Longest log line; longer ones are cut and end in `...`.
pub const LOG_LINE_MAX: usize = 512;
/// Lines of one kind a flood from outside can cause (bad requests, INIT_ variables without
/// room, ignored signals) logged per window; the rest are counted in one line at its end.
pub const LOG_BURST_MAX: u32 = 5;
/// The window of `LOG_BURST_MAX`, in seconds.
pub const LOG_BURST_WINDOW_SECS: u64 = 10;
/// How long a log line may wait for room in a full stderr, and only while lines get through:
/// a stalled reader of vinit's stderr costs PID 1 this once, not once per line.
pub const LOG_STALL_WAIT_MS: u64 = 100;

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

/// Largest stop budget accepted (`-T`, `VINIT_STOP_TIMEOUT`): an hour is past any runtime's
/// grace period.
pub const STOP_BUDGET_MAX_SECS: u64 = 3600;
/// Most ids `VINIT_CRITICAL` names (inittab mode): a container has a handful of main services.
pub const MAX_CRITICAL: usize = 8;
/// Largest `-t` / `VINIT_GRACE`: a day.
pub const GRACE_MAX_SECS: u64 = 86_400;
/// Status of `--` mode when the stop budget ran out and CMD could not even be reaped after its
/// KILL (stuck in the kernel): 128 + SIGKILL, what the runtime would have reported.
pub const EXIT_KILLED: u8 = 137;
/// Deepest chain of parents the sweep of a subreaper follows up from a process to decide
/// whether vinit is its ancestor (container process trees are a few levels deep).
pub const MAX_TREE_DEPTH: u32 = 64;
/// How often that walk starts again when a parent on the chain vanished under it (it died:
/// its children were reparented, so their parent is read again).
pub const TREE_WALK_RETRIES: u32 = 4;
/// A process's name in /proc/PID/stat: the kernel's TASK_COMM_LEN less its NUL.
pub const PROC_NAME_MAX: usize = 15;

/// Longest path vinit builds when searching PATH (PATH_MAX).
pub const PATH_MAX: usize = 4096;
/// Where the kernel lists processes (proc(5)): the sweep of a subreaper reads each
/// `/proc/PID/stat` under it.
pub const PROC_DIR: &core::ffi::CStr = c"/proc";
/// vinit's own executable, compared with PID 1's to tell whether PID 1 is a vinit.
pub const PROC_SELF_EXE: &core::ffi::CStr = c"/proc/self/exe";
/// PID 1's executable.
pub const PID1_EXE: &core::ffi::CStr = c"/proc/1/exe";
/// Bytes read of a `/proc/PID/stat`: the pid, a name of at most `PROC_NAME_MAX` bytes and the
/// two fields after it fit many times over.
pub const PROC_STAT_READ_MAX: usize = 512;

// supervisor (compat §2.2, §2.9) and the stop sequence
/// Starts of one respawn entry allowed inside the window (compat §2.9, MAXSPAWN).
pub const RESPAWN_MAX: u8 = 10;
/// The respawn window (compat §2.9, TESTTIME).
pub const RESPAWN_WINDOW_SECS: u64 = 120;
/// How long a respawning-too-fast entry stays off (compat §2.9, SLEEPTIME).
pub const RESPAWN_DISABLE_SECS: u64 = 300;
/// First pause after a failed fork(2) before spawning is tried again; it doubles on each
/// failure (sysvinit sleeps 5 s: a container's pids limit often frees up sooner).
pub const FORK_RETRY_FIRST_MS: u64 = 50;
/// Longest pause between fork retries: a retry costs one failed fork, and inside a stop's
/// budget (seconds) level 0 still gets several tries.
pub const FORK_RETRY_MAX_MS: u64 = 1000;
/// At most one "cannot fork" line in this long: a fork bomb must not fill the log.
pub const FORK_LOG_INTERVAL_SECS: u64 = 60;
/// Reboots in place allowed inside the window before vinit pauses (sysvinit's respawn rule,
/// compat §2.9, applied to a boot target of 6 or a boot script that always reboots).
pub const REBOOT_MAX: u8 = 10;
/// The reboot window (as the respawn window, compat §2.9).
pub const REBOOT_WINDOW_SECS: u64 = 120;
/// The pause before the next reboot in place once the window is full (as a disabled respawn
/// entry's 5 minutes); a stop signal still ends it at once.
pub const REBOOT_PAUSE_SECS: u64 = 300;
/// Processes of a level change's kill round tracked at once (one per entry is the most).
pub const MAX_DYING: usize = MAX_ENTRIES;
/// Effects the supervisor queues at once: a signal per process of a full kill round, plus
/// the log lines and records around it, or an exit line per entry (one reap pass can end
/// them all) beside a stop's own effects.
pub const EFFECT_QUEUE: usize = MAX_DYING + MAX_ENTRIES + 32;
/// `-v` lines queued at most: past this, a pass's verbose lines are dropped (a reap pass can
/// find any number of orphans), so they never take an effect's room.
pub const VERBOSE_QUEUED_MAX: usize = 16;
/// The whole container stop, signal to exit: inside Docker's 10 s with a second to spare.
pub const DEFAULT_STOP_BUDGET_SECS: u64 = 9;
/// The same under LXC (`container=lxc`): `lxc-stop` waits 60 s before it kills.
pub const LXC_STOP_BUDGET_SECS: u64 = 55;
/// Default level when the inittab has no initdefault (sysvinit would prompt forever, compat §1.8).
pub const DEFAULT_LEVEL: u8 = b'3';
/// The inittab read when neither `-f` nor `VINIT_INITTAB` names one (compat §1.1).
pub const INITTAB_PATH: &core::ffi::CStr = c"/etc/inittab";
/// The drop-in directory: its `*.tab` files add one entry each (compat §1.1 step 3).
pub const INITTAB_DIR: &core::ffi::CStr = c"/etc/inittab.d";
/// Longest drop-in path built (`/etc/inittab.d/` + a file name of up to 255 bytes + NUL).
pub const DROPIN_PATH_MAX: usize = 272;
/// Biggest inittab or drop-in read: real ones are 2-3 KB and at most 64 entries are kept, so
/// a file past this is a mistake or an attack, refused whole rather than cut (a cut line
/// must never run).
pub const INITTAB_READ_MAX: u64 = 4 * 1024 * 1024;
/// Bad lines of one inittab reported one by one; the rest are counted in one line, so a
/// 4 MiB file of bad lines cannot flood the log on every re-read.
pub const INITTAB_ERRORS_SHOWN: u32 = 64;
/// Bytes read per read(2) of an inittab: lines are cut out of each chunk as it comes, so no
/// file is held whole on PID 1's stack (it keeps every stack page it touches).
pub const INITTAB_READ_CHUNK: usize = 1024;
/// Environment strings passed to a child (the container's own plus vinit's).
pub const MAX_ENV: usize = 256;
/// INIT_* variables stored from initctl SETENV (compat §5.5).
pub const INIT_ENV_SLOTS: usize = 16;
/// Longest stored INIT_* string.
pub const INIT_ENV_LEN: usize = 128;
/// Bytes for vinit's own variables (PATH, RUNLEVEL, PREVLEVEL, CONSOLE, SHELL, INIT_VERSION:
/// about 120; the event loop checks the sum at compile time).
pub const OWN_ENV_MAX: usize = 256;
/// Bytes for the variables vinit adds to a child's environment: its own plus every INIT_*
/// slot full, with their NULs, so no stored variable can push another out.
pub const ENV_BUF: usize = OWN_ENV_MAX + INIT_ENV_SLOTS * (INIT_ENV_LEN + 1);
/// The PATH an inittab child gets when vinit's own environment has none, and the PATH the
/// event loop searches then: sysvinit's PATH_DEFAULT (compat §3.1).
pub const CHILD_PATH_VAR: &[u8] = b"PATH=/sbin:/usr/sbin:/bin:/usr/bin";
/// `CHILD_PATH_VAR`'s value.
pub const CHILD_PATH: &[u8] = CHILD_PATH_VAR.split_at(b"PATH=".len()).1;
/// The PATH single-command mode searches for CMD when the environment has none (a FROM
/// scratch image run without `ENV PATH`): Docker's default, as tini finds CMD there.
pub const SEARCH_PATH: &[u8] = b"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// ---- Clients: telinit, shutdown, halt/poweroff/reboot, runlevel (compat §5.4, §6) ----

/// The control FIFO init reads (compat §5.1); 3.x has no fallback path.
pub const INITCTL_PATH: &core::ffi::CStr = c"/run/initctl";
/// Environment variable that replaces `INITCTL_PATH`, for tests only: lets a test talk to a
/// FIFO in a temp dir instead of the host's /run/initctl.
pub const INITCTL_OVERRIDE_VAR: &[u8] = b"VINIT_INITCTL";
/// How long a client keeps trying to open and write the FIFO (sysvinit's `alarm(3)`, §5.4).
pub const INITCTL_TIMEOUT_MS: u64 = 3000;
/// Pause between open attempts while nobody reads the FIFO yet (ENXIO).
pub const INITCTL_RETRY_MS: u64 = 10;
/// telinit's default seconds between SIGTERM and SIGKILL (`-t`, compat §6.1).
pub const DEFAULT_SLEEPTIME_SECS: u32 = 3;
/// Largest `-t` accepted: the field is a C int.
pub const SLEEPTIME_MAX: u64 = i32::MAX as u64;
/// Largest `shutdown +hh:mm` hour count (sysvinit 3.14).
pub const SHUTDOWN_HOURS_MAX: u64 = 99_999;
/// Longest shutdown warning message, words joined by spaces (sysvinit's MESSAGELEN).
pub const SHUTDOWN_MESSAGE_MAX: usize = 256;
/// The directory of utmp and the runlevel file; a FROM scratch image may have only `/run`,
/// so vinit links it there at boot, as distributions ship it (`/var/run -> /run`).
pub const VAR_RUN_PATH: &core::ffi::CStr = c"/var/run";
/// What `/var/run` points at, and its parent, when vinit creates the link.
pub const RUN_DIR: &core::ffi::CStr = c"/run";
pub const VAR_DIR: &core::ffi::CStr = c"/var";
/// The utmp file init keeps (compat §6.6).
pub const UTMP_PATH: &core::ffi::CStr = c"/var/run/utmp";
/// The wtmp log; appended to only if it already exists (compat §6.6).
pub const WTMP_PATH: &core::ffi::CStr = c"/var/log/wtmp";
/// One byte: the current level, for systems without utmp (compat §6.6).
pub const RUNLEVEL_PATH: &core::ffi::CStr = c"/var/run/runlevel";
/// Most utmp records scanned for the one a record replaces: a utmp holds a few records per
/// terminal, and a bigger (or huge sparse) one is refused whole, so no scan delays a child's
/// exec or the stop (4096 records are 1.5 MiB, scanned in about a millisecond).
pub const UTMP_MAX_RECORDS: usize = 4096;
/// Written by a UPS daemon before it sends SIGPWR: `F`, `O` or `L` (compat §4).
pub const POWERSTATUS_PATH: &core::ffi::CStr = c"/var/run/powerstatus";
/// Pid of a pending timed shutdown, for `shutdown -c` (compat §6.2).
pub const SHUTDOWN_PID_PATH: &core::ffi::CStr = c"/var/run/shutdown.pid";
/// Created by `shutdown -f` (skip fsck at next boot).
pub const FASTBOOT_PATH: &core::ffi::CStr = c"/fastboot";
/// Created by `shutdown -F` (force fsck at next boot).
pub const FORCEFSCK_PATH: &core::ffi::CStr = c"/forcefsck";
/// Users allowed to shut down with `shutdown -a`.
pub const SHUTDOWN_ALLOW_PATH: &core::ffi::CStr = c"/etc/shutdown.allow";
/// Longest kernel release kept for wtmp's ut_host (uname's field size).
pub const KERNEL_RELEASE_MAX: usize = 65;
/// Mode of the directories vinit creates when an image lacks them (`/run`, `/var`), as
/// distributions ship them.
pub const CREATED_DIR_MODE: u32 = 0o755;
/// Mode of the state files vinit creates (utmp, the runlevel file, shutdown.pid), before the
/// umask: sysvinit's.
pub const STATE_FILE_MODE: u32 = 0o644;
/// How long a utmp writer waits for glibc's lock on utmp, in milliseconds, tried once a
/// millisecond: PID 1 must not hang on a stuck holder (glibc itself gives up after 10 s).
pub const UTMP_LOCK_WAIT_MS: u32 = 100;
/// Size of utmp's ut_line (glibc's layout, compat §6.6): the tty a DEAD_PROCESS record keeps.
pub const UTMP_LINE_MAX: usize = 32;
/// Bytes read of `SHUTDOWN_PID_PATH`: a pid and its newline.
pub const PID_FILE_READ_MAX: usize = 16;

// inittab (compat §1)

/// inittab line buffer of sysvinit 3.14: a line holds at most `LINE_MAX - 2` = 254 characters
/// plus its newline (compat §1.2).
pub const LINE_MAX: usize = 256;
/// Longest id field: the size of utmp's `ut_id` (compat §1.3).
pub const ID_MAX: usize = 4;
/// Longest runlevels field (compat §1.3).
pub const RUNLEVELS_MAX: usize = 11;
/// Longest action field (compat §1.3).
pub const ACTION_MAX: usize = 32;
/// Longest process field, sysvinit 3.14's limit (3.06 had 127) (compat §1.3, §1.9).
pub const PROCESS_MAX: usize = 256;
/// Entries kept from /etc/inittab plus /etc/inittab.d; more are reported and skipped.
pub const MAX_ENTRIES: usize = 64;
/// Words of a directly executed process field: program + 13 arguments (compat §1.6 step 4).
pub const MAX_WORDS: usize = 14;
/// The shell that runs process fields with special characters (compat §1.6 step 3).
pub const SHELL: &[u8] = b"/bin/sh";
/// The script every entry runs through when it exists (compat §1.6 step 2).
pub const INITSCRIPT: &core::ffi::CStr = c"/etc/initscript";
/// argv buffer of one entry: the initscript form
/// `/bin/sh\0/etc/initscript\0<id>\0<runlevels>\0<action>\0<process>\0` is the longest.
pub const CMDLINE_MAX: usize = SHELL.len()
    + 1
    + INITSCRIPT.to_bytes().len()
    + 1
    + ID_MAX
    + 1
    + RUNLEVELS_MAX
    + 1
    + ACTION_MAX
    + 1
    + PROCESS_MAX
    + 1;

// initctl FIFO server

/// Requests read from /run/initctl per read(2): the buffer is a whole number of 384-byte
/// requests, so a queue of valid requests is never split across two reads. One: a bigger
/// buffer is stack the first `telinit` makes resident for good (ten took PID 1's first request
/// a page deeper than boot); a flood is bounded per pass by `INITCTL_READS_PER_PASS` anyway.
pub const INITCTL_READ_REQUESTS: usize = 1;
/// read(2)s of /run/initctl per loop pass: a flood of requests cannot keep the loop from
/// signals and reaping (the FIFO stays readable, so the next pass comes at once).
pub const INITCTL_READS_PER_PASS: usize = 8;
/// The directory of `INITCTL_PATH`: created when missing (a bare image) and watched, so a
/// deleted FIFO is re-created at once.
pub const INITCTL_DIR: &core::ffi::CStr = c"/run";
/// Mode of the FIFO vinit creates: only its owner may write requests (compat §5.1).
pub const INITCTL_MODE: u32 = 0o600;

// status socket (`vinit status`)

/// The socket PID 1 answers `vinit status` on: a unix SOCK_SEQPACKET socket, mode 0600, made at
/// boot (a stale one is replaced), apart from /run/initctl so sysvinit's clients never see it.
pub const STATUS_SOCKET_PATH: &core::ffi::CStr = c"/run/vinit.sock";
/// Connections accepted per loop pass: a flood of `vinit status` costs bounded work per pass
/// (the rest wait in the backlog for the next pass, which comes at once).
pub const STATUS_REQUESTS_PER_PASS: usize = 8;
/// Connections the kernel queues for PID 1 (listen(2)'s backlog); more are refused.
pub const STATUS_BACKLOG: i32 = 16;
/// How long `vinit status` waits for PID 1's reply.
pub const STATUS_TIMEOUT_MS: u64 = 3000;

// event loop (inittab mode)

/// Signals read from the signalfd per loop pass: a storm from outside cannot keep the loop
/// from reaping and serving the FIFO.
pub const SIGNALS_PER_PASS: usize = 64;
/// Fewest file descriptors (RLIMIT_NOFILE) inittab mode starts with: stdin, stdout, stderr,
/// the signalfd, and two for reading the inittab with a drop-in (also utmp, /proc scans).
pub const NOFILE_MIN: u64 = 6;
/// Descriptors kept free for those short-lived opens: the FIFO and the inotify watch are held
/// only when this many stay free (RLIMIT_NOFILE 6: neither, 7: the FIFO, 8: both, 9: the status
/// socket too).
pub const FD_RESERVE: u64 = 2;
/// Descriptors a spawn takes with `VINIT_LOG_PREFIX=1` (two pipes; the write ends are closed
/// after the fork): it keeps the plain fds when these plus `FD_RESERVE` are not free.
pub const SERVICE_PIPE_FDS: u64 = 4;

// service output (`VINIT_LOG_PREFIX=1`)

/// Longest line of a service's output framed whole: a longer one is cut into pieces of this
/// size, marked `id+| ` (line_framing). Each stream of each service keeps a buffer this big
/// (2 × `SERVICE_STREAMS` of them: 72 KiB of PID 1's stack with their state, only with the
/// prefix on).
pub const SERVICE_LINE_MAX: usize = 512;
/// Services whose stdout and stderr go through vinit at once: one per entry. A stream lives
/// until every writer is gone (a daemon an entry left behind may hold it), so a spawn that
/// finds no free pair keeps the plain fds (logged).
pub const SERVICE_STREAMS: usize = MAX_ENTRIES;
/// read(2)s of one service's pipe per loop pass: a chatty service cannot starve the loop (the
/// pipe stays readable, so the next pass comes at once).
pub const SERVICE_READS_PER_PASS: usize = 8;
/// read(2)s of a pipe right after its process was reaped, for what it wrote just before it
/// exited: a full pipe (64 KiB) is 128 reads; a daemon still writing to it is read by the loop.
pub const SERVICE_DRAIN_READS: usize = 160;
/// How long the stop waits for a full stdout/stderr to take the services' last lines.
pub const SERVICE_FLUSH_WAIT_MS: u64 = 100;
/// At vinit's exit, the rounds of `SERVICE_DRAIN_READS` reads per stream that empty the
/// pipes (with 512-byte reads: up to 20 MB a stream; the wait above ends a stalled reader).
pub const SERVICE_FINISH_ROUNDS: usize = 256;

// signals and accounts (single-command mode's -r and -p, the setuidgid personality)

/// Highest signal number (Linux's SIGRTMAX): `-r` and `-p` take 1 to this; the rewrite table
/// has one slot per signal, so it is bounded by it.
pub const SIGNAL_MAX: u8 = 64;
/// The user database setuidgid reads (passwd(5)).
pub const PASSWD_PATH: &core::ffi::CStr = c"/etc/passwd";
/// The group database setuidgid reads (group(5)).
pub const GROUP_PATH: &core::ffi::CStr = c"/etc/group";
/// Bytes read of each of them: a container's files are a few KB; this bound also bounds
/// every line's length and the number of lines walked.
pub const ACCOUNTS_READ_MAX: usize = 64 * 1024;
/// Supplementary groups setuidgid sets at most (the kernel takes 65536): a user in more is
/// refused, not cut short.
pub const GROUPS_MAX: usize = 64;
/// Exit status of setuidgid when it cannot drop privileges (daemontools', s6's and chpst's
/// "temporary failure" 111): unknown user or group, unreadable files, setgid/setuid refused.
pub const EXIT_SETUIDGID: u8 = 111;
