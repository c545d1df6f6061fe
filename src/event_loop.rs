//! Inittab mode's thin driver: the one place where the supervisor meets the kernel.
//!
//! Blocks every signal into one signalfd, reads the inittab, then loops: poll(2) with the
//! supervisor's deadline (none when idle) → read the clock → drain signals, reap children,
//! read requests → feed the supervisor → carry out every action it returns. After the loop
//! starts, nothing is fatal: errors are logged and the loop goes on (catatonit's rule). Each
//! pass reads a bounded number of signals and requests, so no storm from outside starves the
//! rest, and what a storm makes vinit say goes through a `RateLimit`.

use core::ffi::{CStr, c_char};

use heapless::Vec;

use crate::control::Control;
use crate::log;
use crate::log::{Bytes, ErrName, Level as LogLevel, LogLine, RateLimit};
use crate::spawn;
use crate::sys::{self, Envp, Errno, FileError, FileResult, FileUse, SigMask};
use vinit_core::cmdline;
use vinit_core::initctl::{Command, EnvChange, Request};
use vinit_core::inittab::{Entry, Feed, Inittab, InittabError};
use vinit_core::levels::Level;
use vinit_core::limits::{
    CHILD_PATH, CHILD_PATH_VAR, DEFAULT_LEVEL, DEFAULT_STOP_BUDGET_SECS, DROPIN_PATH_MAX, ENV_BUF,
    FD_RESERVE, INIT_ENV_LEN, INIT_ENV_SLOTS, INITSCRIPT, INITTAB_DIR, INITTAB_ERRORS_SHOWN,
    INITTAB_PATH, INITTAB_READ_CHUNK, INITTAB_READ_MAX, MAX_ENV, NOFILE_MIN, OWN_ENV_MAX,
    POWERSTATUS_PATH, SIGNALS_PER_PASS,
};
use vinit_core::status::signal::{
    SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGPIPE, SIGPWR, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2, SIGWINCH,
};
use vinit_core::supervisor::{Action, Config, Init, Notice, StopCause, Trigger};
use vinit_core::time::{self, Duration, Instant};

/// SIGRTMIN+3 as glibc, Go and Docker number it (systemd's halt signal); musl would say 38.
const SIG_SYSTEMD_HALT: u8 = 37;
/// sysvinit 3.10+'s `shutdown -hP now` trigger: glibc's SIGRTMIN+4 (compat §4).
const SIG_SYSVINIT_POWEROFF: u8 = 38;

/// Where the inittab lives and how to stop; from flags and `VINIT_*` variables.
pub struct Settings {
    /// Path of the inittab (`-f FILE`, `VINIT_INITTAB`, default `/etc/inittab`).
    pub inittab: &'static CStr,
    /// The supervisor's settings.
    pub config: Config,
    /// Why vinit boots though it is not PID 1 (as a subreaper); `None` as PID 1.
    pub not_pid1: Option<vinit_core::args::NotPid1>,
}

impl Settings {
    /// Reads the inittab mode's `VINIT_*` variables; a malformed value names the variable.
    /// (`VINIT_STOP_TIMEOUT` is both modes': `args::single_defaults_from_env` reads it.)
    pub fn from_env(envp: &Envp) -> Result<Self, &'static str> {
        let inittab = envp.var_cstr(b"VINIT_INITTAB").unwrap_or(INITTAB_PATH);
        let mut config = Config {
            default_level: Level::from_byte(DEFAULT_LEVEL).unwrap_or(Level::SINGLE),
            stop_budget: Duration::from_secs(DEFAULT_STOP_BUDGET_SECS),
            reboot_exit: None,
            forced_level: None,
        };
        if let Some(v) = envp.var(b"VINIT_REBOOT") {
            config.reboot_exit = match v {
                b"boot" => None,
                _ => {
                    let code = v.strip_prefix(b"exit:").ok_or("VINIT_REBOOT")?;
                    Some(vinit_core::args::parse_number(code, 0, 255).ok_or("VINIT_REBOOT")? as u8)
                }
            };
        }
        if let Some(v) = envp.var(b"VINIT_DEFAULT_LEVEL") {
            config.default_level = match v {
                [b] => Level::from_byte(*b).ok_or("VINIT_DEFAULT_LEVEL")?,
                _ => return Err("VINIT_DEFAULT_LEVEL"),
            };
        }
        Ok(Self {
            inittab,
            config,
            not_pid1: None,
        })
    }
}

/// Boots the inittab and runs until the stop sequence ends; returns vinit's exit status.
#[inline(never)]
pub fn run(settings: Settings, envp: Envp) -> u8 {
    // Already for the inittab's lines: `become_init` comes after them.
    crate::log::never_block();
    let nofile = sys::nofile_limit();
    if let Some(limit) = nofile
        && limit < NOFILE_MIN
    {
        log!(
            LogLevel::Fatal,
            "too few file descriptors: RLIMIT_NOFILE is {}, vinit needs {}",
            limit,
            NOFILE_MIN
        );
        return 1;
    }
    // The table is read into the driver's staging table and swapped into the machine: tables
    // are never copied, as every copy would stay resident on PID 1's stack.
    let mut driver = Driver {
        init: Init::new(Inittab::new(), settings.config),
        staging: Inittab::new(),
        inittab: settings.inittab,
        envp,
        init_env: Vec::new(),
        started: sys::now(),
        control: Control::new(vinit_core::limits::INITCTL_PATH),
        initscript_refused: false,
        env_log: RateLimit::new(),
        signal_log: RateLimit::new(),
    };
    if !load_inittab(settings.inittab, &mut driver.staging) {
        log!(
            LogLevel::Fatal,
            "{}: cannot read the inittab",
            Bytes(settings.inittab.to_bytes())
        );
        return 1;
    }
    driver.init.reset(&mut driver.staging);
    let Some(sfd) = crate::init_setup::become_init() else {
        return 1;
    };
    if let Some(limit) = nofile {
        share_fds(&mut driver.control, sfd.as_fd(), limit);
    }
    // sysvinit sets umask(previous | 022) at start-up (compat §3.2).
    sys::umask_add(0o022);
    log!(
        LogLevel::Info,
        "booting {} as {}",
        Bytes(settings.inittab.to_bytes()),
        vinit_core::args::NotPid1::booting_as(settings.not_pid1)
    );
    crate::records::link_var_run();
    crate::records::reset_utmp();
    driver.init.handle_boot(driver.started);
    driver.run(sfd.as_fd())
}

/// Gives the FIFO server the long-lived descriptors that leave `FD_RESERVE` free above the
/// signalfd (descriptors are handed out lowest first), and says once what is off without them.
#[inline(never)]
fn share_fds(control: &mut Control, sfd: sys::BorrowedFd<'_>, limit: u64) {
    let sfd = rustix::fd::AsRawFd::as_raw_fd(&sfd);
    let free = limit.saturating_sub(u64::try_from(sfd).unwrap_or(0).saturating_add(1));
    let fifo = free > FD_RESERVE;
    let watch = free >= 2 + FD_RESERVE;
    control.share_fds(fifo, watch);
    let (what, so) = match (fifo, watch) {
        (false, _) => ("/run/initctl", "telinit and shutdown cannot reach vinit"),
        (true, false) => (
            "inotify watch",
            "a deleted /run/initctl is re-created at the next wakeup",
        ),
        (true, true) => return,
    };
    log!(
        LogLevel::Warning,
        "too few file descriptors (RLIMIT_NOFILE {}): no {}, so {}",
        limit,
        what,
        so
    );
}

/// Reads the inittab and the `/etc/inittab.d/*.tab` drop-ins (compat §1.1) into `tab`; bad
/// lines are logged and skipped, and so is a drop-in that cannot be read. `false` only when
/// the main file cannot be read whole (`tab` is then not to be used).
#[inline(never)]
fn load_inittab(path: &CStr, tab: &mut Inittab) -> bool {
    tab.clear();
    let file = path.to_bytes();
    let mut errors = 0u32;
    let mut report = |e: InittabError| {
        errors = errors.saturating_add(1);
        if errors <= INITTAB_ERRORS_SHOWN {
            report_error(file, &e);
        }
    };
    let read = read_table(path, tab, &mut Feed::inittab(), &mut report);
    tab.add_default_sulogin(&mut report);
    if let Some(more) = errors.checked_sub(INITTAB_ERRORS_SHOWN).filter(|&n| n > 0) {
        log!(
            LogLevel::Error,
            "{}: {} more bad lines not shown",
            Bytes(file),
            more
        );
    }
    if let Err(e) = read {
        log!(LogLevel::Error, "{}: {}: not read", Bytes(file), e);
        return false;
    }
    let _ = sys::for_each_dir_entry(INITTAB_DIR, |name| {
        let name = name.to_bytes();
        if name.len() < 5 || !name.ends_with(b".tab") {
            return;
        }
        let mut full: Vec<u8, DROPIN_PATH_MAX> = Vec::new();
        if full.extend_from_slice(INITTAB_DIR.to_bytes()).is_err()
            || full.push(b'/').is_err()
            || full.extend_from_slice(name).is_err()
            || full.push(0).is_err()
        {
            return;
        }
        let Ok(cpath) = CStr::from_bytes_with_nul(&full) else {
            return;
        };
        let dropin = cpath.to_bytes();
        log!(LogLevel::Info, "Reading: {}", Bytes(dropin));
        let mut report = |e: InittabError| report_error(dropin, &e);
        if let Err(e) = read_table(cpath, tab, &mut Feed::dropin(), &mut report) {
            log!(LogLevel::Error, "{}: {}: skipped", Bytes(dropin), e);
        }
    });
    true
}

/// Feeds the configuration file `path` to `tab` a chunk at a time, as `sys::open_file`
/// opens it; a file larger than `INITTAB_READ_MAX` is refused before a line is parsed (and
/// one that grows past it while read, when the bound is reached).
fn read_table(
    path: &CStr,
    tab: &mut Inittab,
    feed: &mut Feed,
    report: &mut dyn FnMut(InittabError),
) -> FileResult<()> {
    let (fd, size) = sys::open_file(path, FileUse::Config)?;
    if size > INITTAB_READ_MAX {
        return Err(FileError::TooBig(size, INITTAB_READ_MAX));
    }
    let mut chunk = [0u8; INITTAB_READ_CHUNK];
    let mut total = 0u64;
    while !feed.done() {
        let n = sys::read_full(fd.as_fd(), &mut chunk)?;
        total += n as u64;
        if total > INITTAB_READ_MAX {
            return Err(FileError::TooBig(total, INITTAB_READ_MAX));
        }
        tab.feed(feed, chunk.get(..n).unwrap_or_default(), report);
        if n < chunk.len() {
            break;
        }
    }
    tab.feed_end(feed, report);
    Ok(())
}

#[inline(never)]
fn report_error(file: &[u8], e: &InittabError) {
    let mut line = LogLine::new(LogLevel::Error);
    let _ = e.render(file, &mut line);
    line.emit();
}

struct Driver {
    init: Init,
    /// Where a re-read inittab is loaded before the machine swaps it in.
    staging: Inittab,
    inittab: &'static CStr,
    envp: Envp,
    /// INIT_* variables from initctl SETENV, as `NAME=VALUE` (compat §5.5).
    init_env: Vec<Vec<u8, INIT_ENV_LEN>, INIT_ENV_SLOTS>,
    started: Instant,
    control: Control,
    /// /etc/initscript was refused and reported; cleared when it is usable or gone.
    initscript_refused: bool,
    /// SETENV variables dropped for want of room (a flood of them is one of the storms).
    env_log: RateLimit,
    /// Signals vinit has no use for.
    signal_log: RateLimit,
}

impl Driver {
    fn run(&mut self, sfd: sys::BorrowedFd<'_>) -> u8 {
        loop {
            let now = sys::now();
            if let Some(code) = self.act(now) {
                return code;
            }
            self.control.check(now);
            self.summarize(now);
            let logs = time::earliest(self.env_log.deadline(), self.signal_log.deadline());
            let deadline = time::earliest(
                time::earliest(self.init.poll_timeout(), self.control.poll_timeout()),
                logs,
            );
            let timeout = time::poll_timeout(now, deadline);
            let fds = [Some(sfd), self.control.fd(), self.control.watch_fd()];
            let [_, fifo_ready, fifo_path_changed] = match sys::wait_readable_fds(fds, timeout) {
                Ok(ready) => ready,
                Err(e) => {
                    log!(LogLevel::Error, "poll failed: {}", ErrName(e));
                    [false; 3]
                }
            };
            if fifo_path_changed {
                // The next pass's `check` re-creates or re-opens the FIFO as needed.
                self.control.drain_watch();
            }
            let now = sys::now();
            self.drain_signals(sfd, now);
            self.reap(now);
            if fifo_ready {
                self.read_requests(now);
            }
        }
    }

    /// Carries out every action the supervisor has; `Some(code)` when vinit must exit.
    #[inline(never)]
    fn act(&mut self, now: Instant) -> Option<u8> {
        while let Some(action) = self.init.poll_action(now) {
            match action {
                Action::Spawn(slot) => match self.spawn(slot) {
                    Ok(pid) => self.init.handle_spawned(now, slot, Some(pid)),
                    Err(Some(e)) => self.init.handle_fork_failed(now, slot, e.raw_os_error()),
                    Err(None) => self.init.handle_spawned(now, slot, None),
                },
                Action::Signal { pid, sig } => {
                    // No such group: the child has not reached its setsid() yet. It still has
                    // vinit's mask (everything blocked), so the signal sent to it waits there
                    // and ends it when it unblocks, before exec (a TERM used to be lost here).
                    let sent = sys::kill(pid, sig).or_else(|e| match e {
                        Errno::SRCH if pid < -1 => sys::kill(-pid, sig),
                        e => Err(e),
                    });
                    if let Err(e) = sent
                        && e != Errno::SRCH
                    {
                        log!(
                            LogLevel::Warning,
                            "unable to send signal {} to {}: {}",
                            sig,
                            pid,
                            ErrName(e)
                        );
                    }
                }
                Action::SignalAll(sig) => crate::processes_left::signal_all(sig),
                Action::Runlevel { new, prev } => self.record_runlevel(new, prev),
                Action::BootTime => self.record_boot(),
                Action::Log(notice) => self.say(&notice),
                Action::Sync => sys::sync(),
                Action::Exit(code) => return Some(code),
                Action::Reboot => {
                    log!(
                        LogLevel::Info,
                        "rebooting in place: reading {} again",
                        Bytes(self.inittab.to_bytes())
                    );
                    load_inittab(self.inittab, &mut self.staging);
                    self.init.reset(&mut self.staging);
                    self.init.handle_boot(now);
                }
            }
        }
        None
    }

    /// The summary lines of the rate-limited kinds whose window is over.
    #[inline(never)]
    fn summarize(&mut self, now: Instant) {
        self.control.summarize(now);
        self.env_log
            .summarize(now, "INIT_ variables were dropped: no room");
        self.signal_log.summarize(now, "signals were ignored");
    }

    /// Reads at most `SIGNALS_PER_PASS` signals: a storm cannot keep the loop from the rest.
    #[inline(never)]
    fn drain_signals(&mut self, sfd: sys::BorrowedFd<'_>, now: Instant) {
        for _ in 0..SIGNALS_PER_PASS {
            let info = match sys::read_signal(sfd) {
                Ok(Some(info)) => info,
                Ok(None) => return,
                Err(e) => {
                    log!(LogLevel::Error, "unable to read signalfd: {}", ErrName(e));
                    return;
                }
            };
            match info.signo {
                SIGCHLD => {}
                SIGTERM => self.init.handle_stop(now, StopCause::Term),
                SIGINT => self.init.handle_stop(now, StopCause::Int),
                SIGUSR1 | SIG_SYSTEMD_HALT => self.init.handle_stop(now, StopCause::Halt),
                SIGUSR2 | SIG_SYSVINIT_POWEROFF => self.init.handle_stop(now, StopCause::Poweroff),
                SIGPWR => self.on_power(now),
                SIGHUP => {
                    if load_inittab(self.inittab, &mut self.staging) {
                        self.init.handle_reload(now, &mut self.staging);
                    }
                }
                SIGWINCH => self.init.handle_trigger(now, Trigger::KbRequest),
                SIGTSTP => self.init.handle_freeze(true),
                SIGCONT => self.init.handle_freeze(false),
                // sysvinit ignores it; vinit's own log writes take theirs back (log.rs).
                SIGPIPE => {}
                other => {
                    if self.signal_log.allow(now) {
                        log!(LogLevel::Info, "ignoring signal {}", other);
                    }
                }
            }
        }
    }

    #[inline(never)]
    fn read_requests(&mut self, now: Instant) {
        let Self {
            control,
            init,
            init_env,
            inittab,
            staging,
            env_log,
            ..
        } = self;
        control.read_requests(now, |req: &Request<'_>| {
            let sleeptime = Duration::from_secs(u64::from(req.sleeptime));
            match req.command {
                Command::RunLevel => {
                    // sysvinit re-reads the inittab on every request (compat §2.2 step 5).
                    let fresh = load_inittab(inittab, staging).then_some(&mut *staging);
                    init.handle_level_request(now, req.runlevel, sleeptime, fresh);
                }
                Command::PowerFail => init.handle_trigger(now, Trigger::PowerFail),
                Command::PowerFailNow => init.handle_trigger(now, Trigger::PowerFailNow),
                Command::PowerOk => init.handle_trigger(now, Trigger::PowerOk),
                Command::SetEnv | Command::UnsetEnv => {
                    for change in vinit_core::initctl::env_changes(req.data) {
                        if !apply_env(init_env, &change) && env_log.allow(now) {
                            log!(
                                LogLevel::Warning,
                                "INIT_ variable {} dropped: no room",
                                Bytes(change.name())
                            );
                        }
                    }
                }
                // Dropped by `Control` as bogus before they get here.
                Command::Start | Command::Bsd => {}
            }
        });
    }

    /// SIGPWR: with /var/run/powerstatus, sysvinit's power semantics; without, LXC's halt
    /// signal: the power entries run, then the stop (compat §4).
    #[inline(never)]
    fn on_power(&mut self, now: Instant) {
        let mut status = [0u8; 1];
        let read = sys::open_file(POWERSTATUS_PATH, FileUse::ReadState)
            .and_then(|(fd, _)| Ok(sys::read_full(fd.as_fd(), &mut status)?));
        match read {
            Ok(n) if n > 0 => {
                let _ = sys::unlink(POWERSTATUS_PATH);
                let trigger = match status {
                    [b'O'] => Trigger::PowerOk,
                    [b'L'] => Trigger::PowerFailNow,
                    _ => Trigger::PowerFail,
                };
                self.init.handle_trigger(now, trigger);
            }
            Ok(_) | Err(FileError::Sys(Errno::NOENT)) => {
                self.init.handle_stop(now, StopCause::Power);
            }
            Err(e) => {
                log!(
                    LogLevel::Error,
                    "{}: {}: ignored",
                    Bytes(POWERSTATUS_PATH.to_bytes()),
                    e
                );
                self.init.handle_stop(now, StopCause::Power);
            }
        }
    }

    /// Whether entries run through /etc/initscript: it is there and passes `open_file`'s
    /// checks for configuration (a FIFO would hang every entry's shell, a file another user
    /// owns would run their script as root). A refused one is reported once while it stays.
    fn initscript_usable(&mut self) -> bool {
        match sys::open_file(INITSCRIPT, FileUse::Config) {
            Ok(_) => {
                self.initscript_refused = false;
                true
            }
            Err(FileError::Sys(Errno::NOENT)) => {
                self.initscript_refused = false;
                false
            }
            Err(e) => {
                if !self.initscript_refused {
                    self.initscript_refused = true;
                    log!(
                        LogLevel::Error,
                        "{}: {}: not used",
                        Bytes(INITSCRIPT.to_bytes()),
                        e
                    );
                }
                false
            }
        }
    }

    #[inline(never)]
    fn reap(&mut self, now: Instant) {
        loop {
            match sys::reap_any() {
                Ok(Some((pid, exit))) => {
                    if let Some(id) = self.init.handle_child_exit(now, pid, exit) {
                        crate::records::write_dead_process(&id, pid);
                    }
                }
                Ok(None) => {
                    self.init.handle_children(true);
                    return;
                }
                Err(Errno::CHILD) => {
                    self.init.handle_children(false);
                    return;
                }
                Err(e) => {
                    log!(LogLevel::Error, "wait failed: {}", ErrName(e));
                    return;
                }
            }
        }
    }

    /// Forks and execs an entry; the child gets a clean state (spawn.rs) and the environment
    /// of compat §3.1 on top of the container's own. `Err(Some(errno))`: fork(2) failed (the
    /// supervisor retries); `Err(None)`: the entry cannot start at all (logged).
    #[inline(never)]
    fn spawn(&mut self, slot: usize) -> Result<sys::Pid, Option<Errno>> {
        let entry = self.init.entries().get(slot).ok_or(None)?.clone();
        // sysvinit runs every entry through /etc/initscript when it is there, except in
        // single-user mode (compat §1.6 step 2).
        let initscript =
            self.init.current() != vinit_core::levels::Level::SINGLE && self.initscript_usable();
        let parsed = cmdline::parse_process(&entry.process).and_then(|mut p| {
            if initscript {
                p.command = cmdline::initscript_command(
                    &entry.id,
                    &entry.levels_text,
                    entry.action.name(),
                    &entry.process,
                )?;
            }
            Ok(p)
        });
        let process = match parsed {
            Ok(p) => p,
            Err(_) => {
                log!(
                    LogLevel::Error,
                    "id \"{}\": command too long",
                    Bytes(&entry.id)
                );
                return Err(None);
            }
        };
        let mut env = EnvBlock::new();
        env.build(
            &self.envp,
            &self.init_env,
            self.init.runlevel_env(),
            self.init.prevlevel_env(),
        );
        let mut argv: Vec<*const c_char, 16> = Vec::new();
        for i in 0..process.command.word_count() {
            if let Some(w) = process.command.word(i) {
                let _ = argv.push(w.as_ptr());
            }
        }
        let _ = argv.push(core::ptr::null());
        let Some(prog) = process.command.word(0) else {
            log!(
                LogLevel::Error,
                "id \"{}\": empty command",
                Bytes(&entry.id)
            );
            return Err(None);
        };
        let path = env.path();
        let quiet = self.init.is_quick_restart(slot);
        match sys::fork() {
            Ok(sys::Forked::Child) => {
                // First, so vinit can signal the entry's group as soon as possible (see
                // Action::Signal for the moment before it).
                let _ = sys::setsid();
                // The parent reports the lines it dropped; the child only its own.
                crate::log::forget_dropped();
                if !process.no_utmp {
                    crate::records::write_init_process(&entry.id, sys::getpid());
                }
                exec_entry(&entry, prog, &argv, &env, path, quiet)
            }
            Ok(sys::Forked::Parent(pid)) => Ok(pid),
            // Logged by the supervisor, at a bounded rate.
            Err(e) => Err(Some(e)),
        }
    }

    fn record_runlevel(&self, new: u8, prev: u8) {
        crate::records::write_runlevel(new, prev);
    }

    fn record_boot(&self) {
        crate::records::write_boot();
    }

    #[inline(never)]
    fn say(&self, notice: &Notice) {
        let level = match notice {
            Notice::CannotFork(..) | Notice::RebootLoop(_) => LogLevel::Warning,
            _ => LogLevel::Info,
        };
        let mut line = LogLine::new(level);
        let w = &mut line;
        let _ = match notice {
            Notice::Switching(l) => ufmt::uwrite!(w, "Switching to runlevel: {}", Bytes(&[*l])),
            Notice::GoingSingle => ufmt::uwrite!(w, "Going single user"),
            Notice::Entering(l) => ufmt::uwrite!(w, "Entering runlevel: {}", Bytes(&[*l])),
            Notice::NoInitdefault(l) => ufmt::uwrite!(
                w,
                "no initdefault entry in {}: booting runlevel {} (VINIT_DEFAULT_LEVEL)",
                Bytes(self.inittab.to_bytes()),
                Bytes(&[*l])
            ),
            Notice::NoMoreProcesses => ufmt::uwrite!(w, "no more processes left in this runlevel"),
            Notice::RespawningTooFast(id) => {
                ufmt::uwrite!(
                    w,
                    "Id \"{}\" respawning too fast: disabled for 5 minutes",
                    Bytes(id)
                )
            }
            Notice::Reenabled(id) => ufmt::uwrite!(w, "Id \"{}\" enabled again", Bytes(id)),
            Notice::SendingTerm(n) => ufmt::uwrite!(
                w,
                "Sending processes configured via /etc/inittab the TERM signal ({} {})",
                n,
                processes(u32::from(*n))
            ),
            Notice::SendingKill(n) => ufmt::uwrite!(
                w,
                "Sending processes configured via /etc/inittab the KILL signal ({} {})",
                n,
                processes(u32::from(*n))
            ),
            Notice::Hang(pid, id) => {
                ufmt::uwrite!(w, "Pid {} [id {}] seems to hang", pid, Bytes(id))
            }
            Notice::BadRunlevel(b) => ufmt::uwrite!(w, "bad runlevel: {}", Bytes(&[*b])),
            Notice::Rereading => ufmt::uwrite!(w, "Re-reading inittab"),
            Notice::Demand(l) => {
                ufmt::uwrite!(w, "Activating demand-procedures for '{}'", Bytes(&[*l]))
            }
            Notice::ReExec => ufmt::uwrite!(
                w,
                "re-exec requested (telinit u): state kept, nothing to do"
            ),
            Notice::StopRequested(cause) => {
                let (sig, what) = match cause {
                    StopCause::Term => ("SIGTERM", "runlevel 0"),
                    StopCause::Int => ("SIGINT", "ctrlaltdel entries, then runlevel 0"),
                    StopCause::Power => ("SIGPWR", "powerwait/powerfail entries, then runlevel 0"),
                    StopCause::Halt => ("halt signal", "runlevel 0"),
                    StopCause::Poweroff => ("poweroff signal", "runlevel 0"),
                };
                ufmt::uwrite!(
                    w,
                    "stop: {} received: {}, budget {} ms",
                    sig,
                    what,
                    self.init.config().stop_budget.millis()
                )
            }
            Notice::StopHurried => {
                ufmt::uwrite!(w, "stop: another stop signal: skipping to the next phase")
            }
            Notice::StopOverrides(l) => {
                ufmt::uwrite!(
                    w,
                    "stop: runlevel {} requested during the stop: halting instead",
                    Bytes(&[*l])
                )
            }
            Notice::StopDeadline(id) => {
                let cmd = self
                    .init
                    .entries()
                    .iter()
                    .find(|e| e.id == *id)
                    .map(|e| &e.process[..]);
                ufmt::uwrite!(
                    w,
                    "stop: id \"{}\" ({}) still running when its share of the stop budget ran out: killing it",
                    Bytes(id),
                    Bytes(cmd.unwrap_or_default())
                )
            }
            Notice::SweepTerm(_) => {
                let n = crate::processes_left::count();
                ufmt::uwrite!(w, "stop: sending TERM to {} remaining {}", n, processes(n))
            }
            Notice::SweepKill => {
                let n = crate::processes_left::count();
                ufmt::uwrite!(
                    w,
                    "stop: grace period over: sending KILL to {} {}",
                    n,
                    processes(n)
                )
            }
            Notice::Stopped(d) => ufmt::uwrite!(w, "stop: complete in {} ms", d.millis()),
            Notice::Frozen(true) => ufmt::uwrite!(w, "frozen (SIGTSTP): no spawning until SIGCONT"),
            Notice::Frozen(false) => ufmt::uwrite!(w, "thawed (SIGCONT)"),
            Notice::StopThawed => ufmt::uwrite!(
                w,
                "stop: thawed: spawning was frozen (SIGTSTP), and runlevel 0 must run"
            ),
            Notice::CannotFork(id, errno) => ufmt::uwrite!(
                w,
                "cannot fork for id \"{}\": {}: retrying (at most every {} ms)",
                Bytes(id),
                ErrName(Errno::from_raw_os_error((*errno).clamp(1, 4095))),
                vinit_core::limits::FORK_RETRY_MAX_MS
            ),
            Notice::ForkWorks(n) => ufmt::uwrite!(
                w,
                "fork works again after {} failed {}",
                n,
                if *n == 1 { "attempt" } else { "attempts" }
            ),
            Notice::RebootLoop(pause) => ufmt::uwrite!(
                w,
                "reboot loop: {} reboots in place within {} s: next boot in {} s (a stop signal still stops)",
                vinit_core::limits::REBOOT_MAX,
                vinit_core::limits::REBOOT_WINDOW_SECS,
                pause.millis() / 1000
            ),
        };
        line.emit();
    }
}

/// SETENV: replace every stored variable of that name; store it if it has a value, in the
/// first of 16 slots (dropped when full, as sysvinit does; compat §5.5). `false` when it was
/// dropped: too long, or no free slot.
fn apply_env(
    store: &mut Vec<Vec<u8, INIT_ENV_LEN>, INIT_ENV_SLOTS>,
    change: &EnvChange<'_>,
) -> bool {
    let (name, value) = match change {
        EnvChange::Set { name, value } => (*name, Some(*value)),
        EnvChange::Unset { name } => (*name, None),
    };
    store.retain(|kv| name_of(kv) != name);
    let Some(value) = value else {
        return true;
    };
    let mut kv: Vec<u8, INIT_ENV_LEN> = Vec::new();
    let fits = kv.extend_from_slice(name).is_ok()
        && kv.push(b'=').is_ok()
        && kv.extend_from_slice(value).is_ok();
    fits && store.push(kv).is_ok()
}

/// The child side of an entry's start, after its setsid(): never returns. On failure it logs
/// sysvinit's `cannot execute "prog"` and exits 1, which feeds the respawn throttle (compat §1.6
/// step 7).
fn exec_entry(
    entry: &Entry,
    prog: &CStr,
    argv: &[*const c_char],
    env: &EnvBlock,
    path: &[u8],
    quiet: bool,
) -> ! {
    let _ = sys::set_signal_mask(SigMask(0));
    let envp = env.ptrs();
    let mut err = spawn::exec_search(prog, argv, envp, path);
    if err == Errno::NOEXEC {
        // A script without `#!`: retry through the shell (compat §1.6 step 6).
        if let Ok(shell) = cmdline::shell_command(&entry.process) {
            let mut sargv: Vec<*const c_char, 4> = Vec::new();
            for i in 0..shell.word_count() {
                if let Some(w) = shell.word(i) {
                    let _ = sargv.push(w.as_ptr());
                }
            }
            let _ = sargv.push(core::ptr::null());
            if let Some(sh) = shell.word(0) {
                err = sys::execve(sh, &sargv, envp);
            }
        }
    }
    if quiet {
        sys::exit(1);
    }
    let mut line = LogLine::new(LogLevel::Error);
    let _ = ufmt::uwrite!(
        line,
        "id \"{}\": cannot execute \"{}\": {}",
        Bytes(&entry.id),
        Bytes(prog.to_bytes()),
        ErrName(err)
    );
    line.emit();
    sys::exit(1)
}

/// vinit's own variables (compat §3.1). sysvinit sets them after the INIT_* ones, so they
/// replace a SETENV variable of the same name (INIT_VERSION).
const INIT_VERSION: &[u8] = concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")).as_bytes();
const CONSOLE: &[u8] = b"CONSOLE=/dev/console";
const SHELL_VAR: &[u8] = b"SHELL=/bin/sh";
/// `RUNLEVEL=x` and `PREVLEVEL=x`, with their NULs.
const LEVEL_VARS_LEN: usize = b"RUNLEVEL=x".len() + b"PREVLEVEL=x".len() + 2;
const _: () = assert!(
    CHILD_PATH_VAR.len()
        + CONSOLE.len()
        + SHELL_VAR.len()
        + INIT_VERSION.len()
        + 4
        + LEVEL_VARS_LEN
        <= OWN_ENV_MAX,
    "vinit's own variables must fit in OWN_ENV_MAX"
);

/// A child's environment: the container's own variables, then the INIT_* ones from SETENV,
/// then sysvinit's five (compat §3.1) — later ones replace earlier ones of the same name. vinit's
/// own go into the buffer first and the buffer has room for all 16 INIT_* slots after them, so
/// a long INIT_* variable can never push RUNLEVEL, PREVLEVEL or INIT_VERSION out.
struct EnvBlock {
    buf: Vec<u8, ENV_BUF>,
    /// Offsets of vinit's own strings in `buf`.
    own: Vec<u16, { INIT_ENV_SLOTS + 8 }>,
    /// Indices of the container's variables that are kept.
    inherited: Vec<u16, MAX_ENV>,
    envp: Envp,
    ptrs: Vec<*const c_char, { MAX_ENV + INIT_ENV_SLOTS + 9 }>,
}

impl EnvBlock {
    fn new() -> Self {
        Self {
            buf: Vec::new(),
            own: Vec::new(),
            inherited: Vec::new(),
            envp: Envp::empty(),
            ptrs: Vec::new(),
        }
    }

    /// Adds one `NAME=VALUE` string; `false` (nothing added) when it does not fit.
    fn add(&mut self, parts: &[&[u8]]) -> bool {
        let start = self.buf.len();
        let fits = parts.iter().all(|p| self.buf.extend_from_slice(p).is_ok())
            && self.buf.push(0).is_ok()
            && self.own.push(start as u16).is_ok();
        if !fits {
            self.buf.truncate(start);
        }
        fits
    }

    fn build(&mut self, envp: &Envp, init_env: &[Vec<u8, INIT_ENV_LEN>], runlevel: u8, prev: u8) {
        self.envp = *envp;
        let has_path = envp.var(b"PATH").is_some();
        // vinit's own first: they fit by construction (OWN_ENV_MAX).
        if !has_path {
            self.add(&[CHILD_PATH_VAR]);
        }
        self.add(&[b"RUNLEVEL=", &[runlevel]]);
        self.add(&[b"PREVLEVEL=", &[prev]]);
        self.add(&[CONSOLE]);
        self.add(&[SHELL_VAR]);
        self.add(&[INIT_VERSION]);
        for kv in init_env {
            // sysvinit sets its own after the INIT_* ones: INIT_VERSION replaces a SETENV one.
            if self.own_names().any(|n| n == name_of(kv)) {
                continue;
            }
            // Never full: ENV_BUF has room for every slot after vinit's own.
            let _ = self.add(&[kv]);
        }
        for i in 0..envp.len() {
            let Some(kv) = envp.get(i) else { continue };
            let name = name_of(kv.to_bytes());
            if name.starts_with(b"VINIT_") || self.own_names().any(|n| n == name) {
                continue;
            }
            if self.inherited.push(i as u16).is_err() {
                log!(
                    LogLevel::Warning,
                    "child environment full: {} dropped",
                    Bytes(name)
                );
            }
        }
        self.ptrs.clear();
        for &i in &self.inherited {
            if let Some(kv) = self.envp.get(usize::from(i)) {
                let _ = self.ptrs.push(kv.as_ptr());
            }
        }
        for &off in &self.own {
            if let Some(s) = self.buf.get(usize::from(off)..) {
                let _ = self.ptrs.push(s.as_ptr().cast());
            }
        }
        let _ = self.ptrs.push(core::ptr::null());
    }

    fn own_names(&self) -> impl Iterator<Item = &[u8]> {
        self.own
            .iter()
            .filter_map(|&off| self.buf.get(usize::from(off)..))
            .map(|s| {
                let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
                name_of(s.get(..end).unwrap_or_default())
            })
    }

    fn path(&self) -> &[u8] {
        self.envp.var(b"PATH").unwrap_or(CHILD_PATH)
    }

    fn ptrs(&self) -> &[*const c_char] {
        &self.ptrs
    }
}

const fn processes(n: u32) -> &'static str {
    if n == 1 { "process" } else { "processes" }
}

fn name_of(kv: &[u8]) -> &[u8] {
    match kv.iter().position(|&b| b == b'=') {
        Some(eq) => kv.get(..eq).unwrap_or_default(),
        None => kv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(env: &EnvBlock) -> std::vec::Vec<std::string::String> {
        env.own
            .iter()
            .map(|&off| {
                let s = &env.buf[usize::from(off)..];
                let end = s.iter().position(|&b| b == 0).unwrap();
                std::string::String::from_utf8(s[..end].to_vec()).unwrap()
            })
            .collect()
    }

    fn set(store: &mut Vec<Vec<u8, INIT_ENV_LEN>, INIT_ENV_SLOTS>, kv: &[u8]) -> bool {
        let eq = kv.iter().position(|&b| b == b'=').unwrap();
        let change = EnvChange::Set {
            name: &kv[..eq],
            value: &kv[eq + 1..],
        };
        apply_env(store, &change)
    }

    #[test]
    fn sixteen_longest_init_variables_leave_vinits_own_in_place() {
        let mut store = Vec::new();
        for i in 0..INIT_ENV_SLOTS {
            let mut kv = std::format!("INIT_V{i:02}=").into_bytes();
            kv.resize(INIT_ENV_LEN - 1, b'x');
            assert!(set(&mut store, &kv));
        }
        // The 17th has no slot: dropped, and the caller is told.
        assert!(!set(&mut store, b"INIT_LATE=1"));
        assert_eq!(store.len(), INIT_ENV_SLOTS);
        let mut env = EnvBlock::new();
        env.build(&Envp::empty(), &store, b'5', b'3');
        let got = strings(&env);
        for own in [
            "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
            "RUNLEVEL=5",
            "PREVLEVEL=3",
            "CONSOLE=/dev/console",
            "SHELL=/bin/sh",
            concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")),
        ] {
            assert!(got.iter().any(|s| s == own), "{own} missing from {got:?}");
        }
        assert_eq!(
            got.iter()
                .filter(|s| s.starts_with("INIT_V0") || s.starts_with("INIT_V1"))
                .count(),
            16
        );
        assert_eq!(
            env.ptrs().len(),
            got.len() + 1,
            "every string has a pointer, then NULL"
        );
    }

    #[test]
    fn a_setenv_init_version_does_not_replace_vinits() {
        let mut store = Vec::new();
        assert!(set(&mut store, b"INIT_VERSION=fake"));
        assert!(set(&mut store, b"INIT_HALT=POWEROFF"));
        let mut env = EnvBlock::new();
        env.build(&Envp::empty(), &store, b'3', b'N');
        let got = strings(&env);
        let versions: std::vec::Vec<_> = got
            .iter()
            .filter(|s| s.starts_with("INIT_VERSION="))
            .collect();
        assert_eq!(
            versions,
            [concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION"))]
        );
        assert!(got.iter().any(|s| s == "INIT_HALT=POWEROFF"), "{got:?}");
    }
}
