//! The client personalities of the vinit binary: `telinit`/`init`, `shutdown`, `halt`,
//! `poweroff`, `reboot` and `runlevel`, picked by argv[0] or `vinit NAME ...`.
//!
//! They talk to a running init only through the /run/initctl FIFO (384-byte requests, spec
//! §5.4) and read utmp in glibc's layout; halt and reboot call reboot(2) only when forced or
//! already in level 0/6 (compat §6.3). Messages and exit codes (0/1) follow sysvinit 3.x.
//! Left out: wall(1) to logged-in ttys (warnings go to stderr), /etc/nologin, syslog,
//! `shutdown -n` (warned about, then init is used), ifdown/hddown, reboot(2) RESTART2.
//!
//! `VINIT_INITCTL=PATH` replaces /run/initctl; it exists for tests only.
// Reached only from `main`, which the unit-test build does not have.

use core::ffi::CStr;

use crate::log::{Bytes, ErrName, LogLine};
use crate::sys::{self, Envp, Errno, RebootCmd};
use vinit_core::args::{ArgList, UsageError, basename};
use vinit_core::client_args::{self, HaltProgram, InitHalt, Personality, Shutdown, Telinit, When};
use vinit_core::initctl::{self, DATA_LEN, REQUEST_LEN, Request};
use vinit_core::levels::LevelRequest;
use vinit_core::limits::{
    DEFAULT_SLEEPTIME_SECS, FASTBOOT_PATH, FORCEFSCK_PATH, INITCTL_OVERRIDE_VAR, INITCTL_PATH,
    INITCTL_RETRY_MS, INITCTL_TIMEOUT_MS, PATH_MAX, RUNLEVEL_PATH, SHUTDOWN_ALLOW_PATH,
    SHUTDOWN_MESSAGE_MAX, SHUTDOWN_PID_PATH, UTMP_PATH, WTMP_PATH,
};
use vinit_core::status::signal::{SIGCONT, SIGINT, SIGTERM, SIGTSTP};
use vinit_core::time::Duration;
use vinit_core::utmp;

/// Writes one line to stderr: `say!("{}: must be superuser.", Bytes(prog))`.
macro_rules! say {
    ($($arg:tt)*) => {{
        let mut line = LogLine::bare();
        let _ = ufmt::uwrite!(line, $($arg)*);
        line.emit();
    }};
}

/// Runs personality `p` on `args` (argument 0 is the tool's name) and returns the exit
/// status.
pub fn run<A: ArgList + ?Sized>(p: Personality, args: &A, envp: Envp) -> u8 {
    let prog = basename(args.arg(0).unwrap_or_default());
    match p {
        Personality::Telinit => telinit(prog, args, envp),
        Personality::Shutdown => shutdown(args, envp),
        Personality::Halt(kind) => halt(prog, args, kind, envp),
        Personality::Runlevel => runlevel(args),
    }
}

// ---- telinit (compat §6.1) ----

fn telinit<A: ArgList + ?Sized>(prog: &[u8], args: &A, envp: Envp) -> u8 {
    // sysvinit checks this before it even looks at the arguments.
    if sys::geteuid() != 0 {
        say!("{}: must be superuser.", Bytes(prog));
        return 1;
    }
    let cmd = match client_args::parse_telinit(args) {
        Ok(cmd) => cmd,
        Err(UsageError::EnvTooLarge) => {
            say!("{}: -e option data too large", Bytes(prog));
            return 1;
        }
        Err(e) => {
            usage_detail(prog, args, e);
            let mut line = LogLine::bare();
            let _ = ufmt::uwrite!(line, "Usage: {}", Bytes(prog));
            line.push(
                b" {-e VAR[=VAL] | [-t SECONDS] {0|1|2|3|4|5|6|7|8|9|S|s|Q|q|A|a|B|b|C|c|U|u}}",
            );
            line.emit();
            return 1;
        }
    };
    let mut data = [0u8; DATA_LEN];
    let request = match cmd {
        Telinit::Level { level, sleeptime } => Request::run_level(level, sleeptime),
        Telinit::SetEnv(strings) => {
            if initctl::encode_env(&strings, &mut data).is_err() {
                say!("{}: -e option data too large", Bytes(prog));
                return 1;
            }
            Request::set_env(&data)
        }
    };
    match send(prog, envp, &[request]) {
        Ok(()) => 0,
        Err(()) => 1,
    }
}

/// One line saying what was wrong, in getopt's words where it has them.
fn usage_detail<A: ArgList + ?Sized>(prog: &[u8], args: &A, e: UsageError) {
    let arg = |i: usize| Bytes(args.arg(i).unwrap_or_default());
    match e {
        UsageError::UnknownOption(_, c) => {
            say!("{}: invalid option -- '{}'", Bytes(prog), Bytes(&[c]));
        }
        UsageError::MissingValue(_, c) => {
            say!(
                "{}: option requires an argument -- '{}'",
                Bytes(prog),
                Bytes(&[c])
            );
        }
        UsageError::BadValue(at) | UsageError::BadLevel(at) | UsageError::OutOfRange(at, ..) => {
            say!(
                "{}: invalid argument: {}",
                Bytes(prog),
                Bytes(at.bytes(args))
            );
        }
        UsageError::ExtraOperand(i) => say!("{}: extra argument: {}", Bytes(prog), arg(i)),
        // The rest have their own words (or are vinit's own, never a client's).
        UsageError::MissingOperand
        | UsageError::HaltModeWithoutHalt
        | UsageError::EnvTooLarge
        | UsageError::MissingCommand
        | UsageError::WrongMode(..) => {}
    }
}

/// The FIFO path: /run/initctl, or `VINIT_INITCTL` (tests only).
fn initctl_path(envp: Envp, buf: &mut CPath) -> Option<&CStr> {
    match envp.var(INITCTL_OVERRIDE_VAR) {
        Some(p) => buf.set(p),
        None => Some(INITCTL_PATH),
    }
}

/// Writes `requests` to the FIFO, each with one write(2), giving up after 3 s (compat §5.4).
/// Errors are reported as sysvinit words them, prefixed with `prog`.
fn send(prog: &[u8], envp: Envp, requests: &[Request<'_>]) -> Result<(), ()> {
    let mut buf = CPath::new();
    let Some(path) = initctl_path(envp, &mut buf) else {
        say!("{}: bad {}", Bytes(prog), Bytes(INITCTL_OVERRIDE_VAR));
        return Err(());
    };
    let shown = Bytes(path.to_bytes());
    let deadline = sys::now().after(Duration::from_millis(INITCTL_TIMEOUT_MS));
    let timeout = || {
        say!(
            "{}: timeout opening/writing control channel {}",
            Bytes(prog),
            shown
        );
    };
    // Nobody reading yet (ENXIO): init may be between two opens of its FIFO; retry.
    let fd = loop {
        match sys::open_fifo_writer(path) {
            Ok(fd) => break fd,
            Err(Errno::NXIO | Errno::INTR) if sys::now() < deadline => {
                sys::sleep_ms(INITCTL_RETRY_MS);
            }
            Err(Errno::NXIO | Errno::INTR) => {
                timeout();
                return Err(());
            }
            Err(e) => {
                say!("{}: {}: {}", Bytes(prog), shown, ErrText(e));
                return Err(());
            }
        }
    };
    for request in requests {
        let mut bytes = [0u8; REQUEST_LEN];
        request.emit(&mut bytes);
        // 384 bytes < PIPE_BUF: a non-blocking write takes all of it or fails with EAGAIN.
        loop {
            match sys::write_all(fd.as_fd(), &bytes) {
                Ok(()) => break,
                Err(Errno::AGAIN) => {
                    let left = deadline.since(sys::now()).millis();
                    if left == 0 || !matches!(sys::wait_writable(fd.as_fd(), left), Ok(true)) {
                        timeout();
                        return Err(());
                    }
                }
                Err(e) => {
                    say!("{}: {}: {}", Bytes(prog), shown, ErrText(e));
                    return Err(());
                }
            }
        }
    }
    Ok(())
}

// ---- shutdown (compat §6.2) ----

const SHUTDOWN_USAGE: &str =
    "Usage:\t  shutdown [-akrhPHfFncqQ] [-t sec] [-i X] time [warning message]
\t\t  -a:      use /etc/shutdown.allow
\t\t  -k:      don't really shutdown, only warn.
\t\t  -r:      reboot after shutdown.
\t\t  -h:      halt after shutdown.
\t\t  -P:      halt action is to turn off power (only with -h).
\t\t  -H:      halt action is to just halt (only with -h).
\t\t  -f:      do a 'fast' reboot (skip fsck).
\t\t  -F:      Force fsck on reboot.
\t\t  -n:      not supported: init is always used.
\t\t  -c:      cancel a running shutdown.
\t\t  -q, -Q:  accepted; warnings go to stderr.
\t\t  -t secs: delay between TERM and KILL for init.
\t\t  -i X:    go to runlevel X (0156aAbBcCsS).
\t\t  ** the \"time\" argument is mandatory! (try \"now\") **
";

fn shutdown<A: ArgList + ?Sized>(args: &A, envp: Envp) -> u8 {
    let prog: &[u8] = b"shutdown";
    if sys::geteuid() != 0 {
        say!("shutdown: you must be root to do that!");
        let _ = sys::write_all(sys::stderr(), SHUTDOWN_USAGE.as_bytes());
        return 1;
    }
    let s = match client_args::parse_shutdown(args) {
        Ok(s) => s,
        Err(UsageError::BadLevel(at)) => {
            say!("shutdown: `{}': bad runlevel", Bytes(at.bytes(args)));
            return 1;
        }
        Err(e) => {
            if e == UsageError::HaltModeWithoutHalt {
                say!("shutdown: -H and -P flags can only be used along with -h flag.");
            }
            usage_detail(prog, args, e);
            let _ = sys::write_all(sys::stderr(), SHUTDOWN_USAGE.as_bytes());
            return 1;
        }
    };
    // sysvinit checks logins on virtual consoles; a container has none, so with the file
    // present nobody is authorised.
    if s.use_allow && sys::exists(SHUTDOWN_ALLOW_PATH) {
        say!("shutdown: no authorized users logged in.");
        return 1;
    }
    if s.no_init {
        say!("shutdown: warning: -n is not supported; asking init instead");
    }
    let mut message: heapless::Vec<u8, SHUTDOWN_MESSAGE_MAX> = heapless::Vec::new();
    if let Some(first) = s.message {
        join_words(args, first, &mut message);
    }
    let pending = read_pid_file();
    if s.cancel {
        return cancel(envp, pending, &message);
    }
    if pending.is_some_and(sys::process_exists) {
        say!("shutdown: already running.");
        return 1;
    }
    go_down(&s, envp, &message)
}

/// The message words from `first` on, joined by spaces, cut at a word boundary
/// (sysvinit's 256-byte MESSAGELEN).
fn join_words<A: ArgList + ?Sized, const N: usize>(
    args: &A,
    first: usize,
    out: &mut heapless::Vec<u8, N>,
) {
    let mut i = first;
    while let Some(word) = args.arg(i) {
        if out.len() + word.len() + 1 > N {
            break;
        }
        if !out.is_empty() {
            let _ = out.push(b' ');
        }
        let _ = out.extend_from_slice(word);
        i += 1;
    }
}

/// The pid in /var/run/shutdown.pid, if there is a positive one.
fn read_pid_file() -> Option<sys::Pid> {
    let fd = sys::open_read(SHUTDOWN_PID_PATH).ok()?;
    let mut buf = [0u8; 16];
    let n = sys::read_full(fd.as_fd(), &mut buf).ok()?;
    let digits = buf.get(..n)?.split(|b| !b.is_ascii_digit()).next()?;
    vinit_core::args::parse_number(digits, 1, i32::MAX as u64).map(|p| p as sys::Pid)
}

fn cancel(envp: Envp, pending: Option<sys::Pid>, message: &[u8]) -> u8 {
    let Some(pid) = pending else {
        say!("shutdown: cannot find pid of running shutdown.");
        return 1;
    };
    let mut data = [0u8; DATA_LEN];
    if initctl::encode_env(&[InitHalt::Unset.env_string()], &mut data).is_ok() {
        let _ = send(b"shutdown", envp, &[Request::set_env(&data)]);
    }
    if sys::kill(pid, SIGINT).is_err() {
        say!("shutdown: not running.");
        return 1;
    }
    if !message.is_empty() {
        say!("{}", Bytes(message));
    }
    0
}

/// "for system halt", "for reboot", "to maintenance mode", or "to runlevel X".
struct NewState(u8);

impl ufmt::uDisplay for NewState {
    fn fmt<W: ufmt::uWrite + ?Sized>(
        &self,
        f: &mut ufmt::Formatter<'_, W>,
    ) -> Result<(), W::Error> {
        match self.0 {
            b'0' => f.write_str("for system halt"),
            b'6' => f.write_str("for reboot"),
            b'1' => f.write_str("to maintenance mode"),
            level => {
                f.write_str("to runlevel ")?;
                ufmt::uDisplay::fmt(&Bytes(&[level]), f)
            }
        }
    }
}

/// Minutes until `when`, 0 for now; `hh:mm` is UTC (see `sys::utc_hour_minute`).
fn minutes_until(when: When) -> u32 {
    match when {
        When::Now => 0,
        When::InMinutes(m) => m,
        When::At { hour, minute } => {
            let (h, m) = sys::utc_hour_minute(sys::wall_clock().0);
            let now = u32::from(h) * 60 + u32::from(m);
            (u32::from(hour) * 60 + u32::from(minute) + 1440 - now) % 1440
        }
    }
}

/// sysvinit's warning schedule: every minute under 10, every 15 under 60, every 30 under
/// 180, then hourly.
const fn needs_warning(minutes: u32) -> bool {
    match minutes {
        0..10 => true,
        10..60 => minutes.is_multiple_of(15),
        60..180 => minutes.is_multiple_of(30),
        _ => minutes.is_multiple_of(60),
    }
}

fn warn(message: &[u8], level: u8, minutes: u32) {
    if !message.is_empty() {
        say!("{}", Bytes(message));
    }
    match minutes {
        0 => say!("The system is going down {} NOW!", NewState(level)),
        1 => say!("The system is going DOWN {} in 1 minute!", NewState(level)),
        m => say!(
            "The system is going DOWN {} in {} minutes!",
            NewState(level),
            m
        ),
    }
}

fn go_down(s: &Shutdown, envp: Envp, message: &[u8]) -> u8 {
    if s.fast_boot {
        let _ = sys::write_file(FASTBOOT_PATH, b"");
    }
    if s.force_fsck {
        let _ = sys::write_file(FORCEFSCK_PATH, b"");
    }
    let minutes = minutes_until(s.when);
    if minutes > 0 && wait_for_time(s.level.byte(), minutes, message).is_err() {
        // Cancelled by `shutdown -c` (SIGINT) or SIGTERM: sysvinit's stopit().
        let _ = sys::unlink(SHUTDOWN_PID_PATH);
        remove_boot_flags(s);
        say!("\nShutdown cancelled.");
        return 0;
    }
    warn(message, s.level.byte(), 0);
    if s.warn_only {
        sys::sleep_ms(1000);
        let _ = sys::unlink(SHUTDOWN_PID_PATH);
        remove_boot_flags(s);
        say!("\nShutdown cancelled.");
        return 0;
    }
    if minutes > 0 {
        let _ = sys::unlink(SHUTDOWN_PID_PATH);
    }
    sys::sync();
    // sysvinit sends INIT_HALT, then execs `init [-t SEC] LEVEL`; both requests go here.
    let mut data = [0u8; DATA_LEN];
    if initctl::encode_env(&[s.init_halt.env_string()], &mut data).is_err() {
        return 1;
    }
    let sleeptime = s.sleeptime.unwrap_or(DEFAULT_SLEEPTIME_SECS);
    let requests = [
        Request::set_env(&data),
        Request::run_level(s.level, sleeptime),
    ];
    match send(b"shutdown", envp, &requests) {
        Ok(()) => 0,
        Err(()) => {
            remove_boot_flags(s);
            1
        }
    }
}

fn remove_boot_flags(s: &Shutdown) {
    if s.fast_boot {
        let _ = sys::unlink(FASTBOOT_PATH);
    }
    if s.force_fsck {
        let _ = sys::unlink(FORCEFSCK_PATH);
    }
}

/// Writes the pid file and waits `minutes`, warning on sysvinit's schedule; `Err` if SIGINT
/// or SIGTERM came first.
fn wait_for_time(level: u8, minutes: u32, message: &[u8]) -> Result<(), ()> {
    let mut pid: heapless::String<16> = heapless::String::new();
    let _ = ufmt::uwriteln!(pid, "{}", sys::getpid());
    match sys::write_file(SHUTDOWN_PID_PATH, pid.as_bytes()) {
        Ok(()) | Err(sys::FileError::Sys(Errno::ROFS)) => {}
        Err(_) => say!(
            "shutdown: warning: cannot open {}",
            Bytes(SHUTDOWN_PID_PATH.to_bytes())
        ),
    }
    let mask = sys::SigMask((1 << (SIGINT - 1)) | (1 << (SIGTERM - 1)));
    let signals = sys::set_signal_mask(mask)
        .and_then(|_| sys::signalfd(mask))
        .ok();
    let start = sys::now();
    let deadline = start.after(Duration::from_secs(u64::from(minutes) * 60));
    let mut warned_at = None;
    loop {
        let now = sys::now();
        let left_ms = deadline.since(now).millis();
        if left_ms == 0 {
            return Ok(());
        }
        let left_min = left_ms.div_ceil(60_000) as u32;
        if warned_at != Some(left_min) && needs_warning(left_min) {
            warn(message, level, left_min);
        }
        warned_at = Some(left_min);
        // Wake at the next whole minute before the deadline, or at the deadline.
        let step = match left_ms % 60_000 {
            0 => 60_000,
            r => r,
        };
        match &signals {
            Some(fd) => {
                if matches!(sys::wait_readable(fd.as_fd(), Some(step)), Ok(true))
                    && matches!(sys::read_signal(fd.as_fd()), Ok(Some(_)))
                {
                    return Err(());
                }
            }
            None => sys::sleep_ms(step),
        }
    }
}

// ---- halt, poweroff, reboot (compat §6.3) ----

fn halt<A: ArgList + ?Sized>(prog: &[u8], args: &A, kind: HaltProgram, envp: Envp) -> u8 {
    let h = match client_args::parse_halt(args, kind) {
        Ok(h) => h,
        Err(e) => {
            usage_detail(prog, args, e);
            say!(
                "usage: {} [-d] [-f] [-h] [-i] [-n] [-p] [-w] [-k] [-m MSG] [-t SEC]",
                Bytes(prog)
            );
            return 1;
        }
    };
    if sys::geteuid() != 0 {
        say!("{}: must be superuser.", Bytes(prog));
        return 1;
    }
    if !h.force && !h.wtmp_only {
        let level = current_level(envp);
        if h.program == HaltProgram::Reboot && h.kexec && level != Some(b'6') {
            say!("ERROR: using -k at this runlevel requires also -f");
            return 1;
        }
        if level.is_none() {
            say!(
                "WARNING: could not determine runlevel - doing soft {}",
                Bytes(prog)
            );
            say!(
                "  (it's better to use shutdown instead of {} from the command line)",
                Bytes(prog)
            );
        }
        if !matches!(level, Some(b'0' | b'6')) {
            // sysvinit execs `shutdown -h -H|-P now` or `shutdown -r now`; same thing here.
            let (level, init_halt) = match h.program {
                HaltProgram::Halt => (LevelRequest::HALT, InitHalt::Halt),
                HaltProgram::PowerOff => (LevelRequest::HALT, InitHalt::PowerOff),
                HaltProgram::Reboot => (LevelRequest::REBOOT, InitHalt::Unset),
            };
            let s = Shutdown::now(level, init_halt, h.sleeptime);
            return go_down(&s, envp, b"");
        }
    }
    if !h.no_wtmp {
        let (sec, usec) = sys::wall_clock();
        let record = utmp::shutdown_record(sec as i32, usec as i32, &sys::kernel_release());
        let _ = sys::append_existing(WTMP_PATH, &record);
    }
    if h.wtmp_only {
        return 0;
    }
    if !h.no_sync {
        sys::sync();
    }
    if h.program == HaltProgram::Reboot {
        if h.kexec {
            let _ = sys::reboot(RebootCmd::Kexec);
        }
        let _ = sys::reboot(RebootCmd::Restart);
    } else {
        let _ = sys::reboot(RebootCmd::CadOn);
        // Stop init so it does not respawn anything while the kernel goes down.
        let _ = sys::kill(1, SIGTSTP);
        if h.program == HaltProgram::PowerOff {
            let _ = sys::reboot(RebootCmd::PowerOff);
        }
        let _ = sys::reboot(RebootCmd::Halt);
    }
    // Still here: reboot(2) failed (EPERM without CAP_SYS_BOOT). sysvinit undoes what it did
    // and exits 0 without a word (compat §6.3 step 4).
    let _ = sys::reboot(RebootCmd::CadOff);
    let _ = sys::kill(1, SIGCONT);
    0
}

/// The current level: `RUNLEVEL` when started by init (`INIT_VERSION` set), else utmp's
/// RUN_LVL record, else /var/run/runlevel (compat §6.3 step 1).
fn current_level(envp: Envp) -> Option<u8> {
    if envp.var(b"INIT_VERSION").is_some()
        && let Some(level) = envp.var(b"RUNLEVEL")
    {
        return Some(level.first().copied().unwrap_or(0));
    }
    if let Some((_, cur)) = utmp_runlevel(UTMP_PATH) {
        return Some(cur);
    }
    runlevel_file()
}

/// The first RUN_LVL record of a utmp file, read one record at a time.
fn utmp_runlevel(path: &CStr) -> Option<(u8, u8)> {
    let fd = sys::open_read(path).ok()?;
    let mut record = [0u8; utmp::RECORD_LEN];
    loop {
        if sys::read_full(fd.as_fd(), &mut record).ok()? < utmp::RECORD_LEN {
            return None;
        }
        if let Some(found) = utmp::find_runlevel(&record) {
            return Some(found);
        }
    }
}

/// The one byte of /var/run/runlevel.
fn runlevel_file() -> Option<u8> {
    let fd = sys::open_read(RUNLEVEL_PATH).ok()?;
    let mut byte = [0u8; 1];
    match sys::read_full(fd.as_fd(), &mut byte) {
        Ok(1) => byte.first().copied(),
        _ => None,
    }
}

// ---- runlevel (compat §6.4) ----

fn runlevel<A: ArgList + ?Sized>(args: &A) -> u8 {
    let parsed = match client_args::parse_runlevel(args) {
        Ok(r) => r,
        Err(_) => {
            say!("usage: runlevel [utmp]");
            return 1;
        }
    };
    let mut buf = CPath::new();
    let path = match parsed.utmp {
        Some(i) => match buf.set(args.arg(i).unwrap_or_default()) {
            Some(p) => p,
            None => {
                say!("runlevel: path too long");
                return 1;
            }
        },
        None => UTMP_PATH,
    };
    let answer = utmp_runlevel(path).or_else(|| runlevel_file().map(|c| (b'N', c)));
    let mut line = LogLine::bare();
    let status = match answer {
        Some((prev, cur)) => {
            line.push(&[prev, b' ', cur]);
            0
        }
        None => {
            line.push(b"unknown");
            1
        }
    };
    line.emit_to(sys::stdout());
    status
}

// ---- helpers ----

/// A NUL-terminated copy of a path from argv or the environment.
struct CPath([u8; PATH_MAX + 1]);

impl CPath {
    const fn new() -> Self {
        Self([0; PATH_MAX + 1])
    }

    /// Copies `bytes` in; `None` if it is too long or holds a NUL.
    fn set(&mut self, bytes: &[u8]) -> Option<&CStr> {
        *self.0.get_mut(bytes.len())? = 0;
        for (d, s) in self.0.iter_mut().zip(bytes) {
            *d = *s;
        }
        CStr::from_bytes_with_nul(self.0.get(..=bytes.len())?).ok()
    }
}

/// perror(3)'s text for the errors a client meets opening a path; the symbolic name for
/// anything else (vinit carries no strerror table).
struct ErrText(Errno);

impl ufmt::uDisplay for ErrText {
    fn fmt<W: ufmt::uWrite + ?Sized>(
        &self,
        f: &mut ufmt::Formatter<'_, W>,
    ) -> Result<(), W::Error> {
        match self.0 {
            Errno::NOENT => f.write_str("No such file or directory"),
            Errno::ACCESS => f.write_str("Permission denied"),
            Errno::NOTDIR => f.write_str("Not a directory"),
            Errno::PIPE => f.write_str("Broken pipe"),
            e => ufmt::uDisplay::fmt(&ErrName(e), f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_schedule_matches_sysvinit() {
        let warned: Vec<u32> = (0..200).filter(|&m| needs_warning(m)).collect();
        assert_eq!(
            warned,
            [
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 30, 45, 60, 90, 120, 150, 180
            ]
        );
        assert!(needs_warning(240) && !needs_warning(210));
    }

    #[test]
    fn new_state_words() {
        let show = |level| {
            let mut line = LogLine::bare();
            let _ = ufmt::uwrite!(line, "{}", NewState(level));
            String::from_utf8(line.as_bytes().to_vec()).unwrap()
        };
        assert_eq!(show(b'0'), "for system halt");
        assert_eq!(show(b'6'), "for reboot");
        assert_eq!(show(b'1'), "to maintenance mode");
        assert_eq!(show(b'S'), "to runlevel S");
    }

    #[test]
    fn message_words_are_joined_and_cut_at_a_word() {
        let args: [&[u8]; 4] = [b"shutdown", b"now", b"going", b"down"];
        let mut out: heapless::Vec<u8, 16> = heapless::Vec::new();
        join_words(&args[..], 2, &mut out);
        assert_eq!(&out[..], b"going down");
        let mut small: heapless::Vec<u8, 8> = heapless::Vec::new();
        join_words(&args[..], 2, &mut small);
        assert_eq!(&small[..], b"going");
    }

    #[test]
    fn cpath_copies_and_terminates() {
        let mut buf = CPath::new();
        assert_eq!(buf.set(b"/tmp/x").unwrap().to_bytes(), b"/tmp/x");
        assert!(buf.set(b"a\0b").is_none());
        assert!(buf.set(&[b'a'; PATH_MAX + 1]).is_none());
        assert!(buf.set(&[b'a'; PATH_MAX]).is_some());
    }

    #[test]
    fn utc_clock_and_relative_minutes() {
        assert_eq!(sys::utc_hour_minute(0), (0, 0));
        assert_eq!(sys::utc_hour_minute(1_700_000_000), (22, 13));
        assert_eq!(sys::utc_hour_minute(-60), (23, 59));
        assert_eq!(minutes_until(When::Now), 0);
        assert_eq!(minutes_until(When::InMinutes(7)), 7);
        assert!(minutes_until(When::At { hour: 0, minute: 0 }) < 1440);
    }
}
