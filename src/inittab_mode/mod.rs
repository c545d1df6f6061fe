//! Inittab mode's driver: the one place where the supervisor meets the kernel.
//!
//! Blocks every signal into one signalfd, reads the inittab, then loops: poll(2) with the
//! supervisor's deadline (none when idle) → read the clock → drain signals, reap children,
//! read requests → feed the supervisor → carry out every action it returns. Every action
//! carries what it needs and every notice words itself: the driver asks the machine nothing
//! back. After the loop starts, nothing is fatal: errors are logged and the loop goes on
//! (catatonit's rule). Each pass reads a bounded number of signals and requests, so no storm
//! from outside starves the rest, and what a storm makes vinit say goes through a `RateLimit`.

mod load;
mod power;
mod service_output;
mod spawn_entry;

use crate::control::Control;
use crate::log;
use crate::log::{Bytes, ErrName, Level as LogLevel, LogLine, RateLimit};
use crate::status_channel::StatusChannel;
use crate::sys::{self, Envp, Errno, Watch};
use load::load_inittab;
use service_output::{ServiceOutput, Watches};
use spawn_entry::{Initscript, spawn_entry};
use vinit_core::child_env::InitEnv;
use vinit_core::initctl::{Command, Request};
use vinit_core::inittab::Inittab;
use vinit_core::limits::{FD_RESERVE, NOFILE_MIN, SIGNALS_PER_PASS};
use vinit_core::settings::Settings;
use vinit_core::status::signal::{
    SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGPIPE, SIGPWR, SIGTERM, SIGTSTP, SIGUSR1, SIGUSR2, SIGWINCH,
};
use vinit_core::supervisor::{Act, Effect, Init, Notice, StopCause, Trigger};
use vinit_core::time::{Duration, Instant};

/// SIGRTMIN+3 as glibc, Go and Docker number it (systemd's halt signal); musl would say 38.
const SIG_SYSTEMD_HALT: u8 = 37;
/// sysvinit 3.10+'s `shutdown -hP now` trigger: glibc's SIGRTMIN+4 (compat §4).
const SIG_SYSVINIT_POWEROFF: u8 = 38;

/// Boots the inittab and runs until the stop sequence ends; returns vinit's exit status.
/// `title`: PID 1's argv, where `init [N]` shows each level entered.
#[inline(never)]
pub fn run(settings: &Settings, envp: Envp, title: Option<sys::ProcTitle>) -> u8 {
    // Already for the inittab's lines: `become_init` comes after them.
    crate::log::never_block();
    let nofile = sys::nofile_limit();
    if let Some(limit) = nofile
        && limit < NOFILE_MIN
    {
        // `NOFILE_MIN` in the text, not an argument built here (checked below).
        log!(
            LogLevel::Fatal,
            "too few file descriptors: RLIMIT_NOFILE is {}, vinit needs 6",
            limit
        );
        return 1;
    }
    let Some(driver) = Driver::place(settings, envp, title) else {
        return 1;
    };
    // Straight into the machine's own table: the staging table is for re-reads only. The
    // boot's effects wait in the machine's queue until the loop starts.
    if !driver.boot(sys::now(), true) {
        return 1;
    }
    let Some(sfd) = crate::init_setup::become_init() else {
        return 1;
    };
    // Never closed: vinit exits when the loop ends, which closes it.
    let sfd = core::mem::ManuallyDrop::new(sfd);
    let status_allowed =
        nofile.is_none_or(|limit| share_fds(&mut driver.control, sfd.as_fd(), limit));
    // Over the closed channel `place` put there (`open(false)` opens nothing): written
    // without its drop, whose close the compiler would write out.
    core::mem::forget(core::mem::replace(
        &mut driver.status,
        StatusChannel::open(status_allowed),
    ));
    // sysvinit sets umask(previous | 022) at start-up (compat §3.2).
    sys::umask_add(0o022);
    crate::log::log_info(
        vinit_core::args::NotPid1::boot_line(settings.not_pid1),
        &[vinit_core::display::ArgOf::log_arg(&Bytes(
            settings.inittab.to_bytes(),
        ))],
    );
    crate::records::link_var_run();
    crate::records::reset_utmp();
    if settings.log_prefix {
        service_output::with_output(nofile, |output| driver.run(sfd.as_fd(), Some(output)))
            .unwrap_or(1)
    } else {
        driver.run(sfd.as_fd(), None)
    }
}

// The fatal line's text says the limit.
const _: () = assert!(NOFILE_MIN == 6);

/// Gives the FIFO server the long-lived descriptors that leave `FD_RESERVE` free above the
/// signalfd (descriptors are handed out lowest first), and says once what is off without them.
/// Returns whether the status socket fits too (last, so `vinit status` gives way first).
fn share_fds(control: &mut Control, sfd: sys::BorrowedFd<'_>, limit: u64) -> bool {
    // An open fd's number is never negative: its bits as they are.
    let sfd = rustix::fd::AsRawFd::as_raw_fd(&sfd).cast_unsigned();
    let free = limit.saturating_sub(u64::from(sfd) + 1);
    let fifo = free > FD_RESERVE;
    let watch = free >= 2 + FD_RESERVE;
    control.share_fds(fifo, watch);
    let status = free >= 3 + FD_RESERVE;
    // What is off and what that costs: one field of `FD_SHORTAGES`.
    let shortage = match (fifo, watch) {
        (false, _) => 0,
        (true, false) => 1,
        (true, true) if status => return true,
        (true, true) => 2,
    };
    log!(
        LogLevel::Warning,
        "too few file descriptors (RLIMIT_NOFILE {}): no {}",
        limit,
        log::Field(FD_SHORTAGES, shortage)
    );
    status
}

/// `share_fds`'s line's words, one field per shortage (what is off, so what that costs):
/// packed as templates are, NUL-separated.
const FD_SHORTAGES: &[u8] = vinit_core::packed!(
    "/run/initctl, so telinit and shutdown cannot reach vinit\0inotify watch, so a deleted /run/initctl is re-created at the next wakeup\0status socket, so vinit status cannot reach vinit"
);

crate::sys::big_static! {
    /// Inittab mode's state: zero bytes from the start (no code writes its zeros), taken once
    /// by `Driver::place`, which sets the rest.
    DRIVER: Driver = Driver::UNPLACED
}

crate::sys::big_static! {
    /// Where a re-read inittab is loaded before the machine swaps it in: taken at the first
    /// `telinit` or SIGHUP (`Driver::staging`), so that booting writes none of its pages. An
    /// empty table from the start (zero bytes): taking it writes nothing.
    STAGING: Inittab = Inittab::new(), last
}

#[repr(C)]
struct Driver {
    /// The machine and what feeding it an input needs (`Machine::feed`).
    machine: Machine,
    /// `Envp::EMPTY` only in `UNPLACED` (zero bytes).
    envp: Envp,
    control: Control,
    /// `vinit status`'s socket.
    status: StatusChannel,
    initscript: Initscript,
    /// PID 1's argv, for `init [N]` in ps.
    title: Option<sys::ProcTitle>,
}

/// The supervisor and the rest of what its inputs reach: apart from `Control`, whose reader
/// hands requests to `feed` while it holds its buffer.
#[repr(C)]
struct Machine {
    init: Init,
    /// Where a re-read inittab is loaded before the machine swaps it in: `STAGING`, once the
    /// first `telinit` or SIGHUP asked for it.
    staging: Option<&'static mut Inittab>,
    /// INIT_* variables from initctl SETENV (compat §5.5).
    init_env: InitEnv,
    /// SETENV variables dropped for want of room (a flood of them is one of the storms).
    env_log: RateLimit,
    /// Signals vinit has no use for.
    signal_log: RateLimit,
}

impl Driver {
    /// `DRIVER`'s constant: zero bytes, so it stays in bss and no code writes it (a frame's
    /// pages are all made resident at entry, a bss page only when written).
    const UNPLACED: Self = Self {
        machine: Machine {
            init: Init::UNREAD,
            staging: None,
            init_env: InitEnv::new(),
            env_log: RateLimit::new(),
            signal_log: RateLimit::new(),
        },
        envp: Envp::EMPTY,
        control: Control::new(),
        // Opened after `become_init`, within the fd budget.
        status: StatusChannel::CLOSED,
        initscript: Initscript::NEW,
        title: None,
    };

    /// Takes `DRIVER` and sets what is not zero in it; `None` if it was taken before. The
    /// machine's other fields are set by `boot`'s `read_table`.
    #[inline(never)]
    fn place(
        settings: &Settings,
        envp: Envp,
        title: Option<sys::ProcTitle>,
    ) -> Option<&'static mut Self> {
        let driver = DRIVER.take()?;
        driver
            .machine
            .init
            .configure(settings.config, settings.inittab);
        driver.envp = envp;
        driver.title = title;
        // The driver is reached through a pointer, as it was on the stack: code that knew it
        // is `DRIVER` would address every field absolutely (4-byte displacements, ~800 B more).
        Some(core::hint::black_box(driver))
    }

    /// Reads the inittab into the machine's table and boots it (at start-up, `first`, and at
    /// a reboot in place); whether the table was read.
    fn boot(&mut self, now: Instant, first: bool) -> bool {
        let inittab = self.machine.init.inittab();
        let read = self
            .machine
            .init
            .read_table(|tab| load_inittab(inittab, tab, first));
        self.machine.init.handle_boot(now);
        read
    }

    fn run(&mut self, sfd: sys::BorrowedFd<'_>, mut output: Option<&mut ServiceOutput<'_>>) -> u8 {
        loop {
            let now = sys::now();
            if let Some(code) = self.act(now, output.as_deref_mut()) {
                return code;
            }
            self.control.check(now);
            self.summarize(now);
            // The earliest deadline as a plain `min` of milliseconds, `u64::MAX` for none (no
            // branch per `Option`); none: block without a timer.
            let at = |deadline: Option<Instant>| deadline.map_or(u64::MAX, Instant::millis);
            // The rate limits' summaries in one loop: one copy of `deadline`, not three.
            let deadline = [
                self.control.rate_limit(),
                &self.machine.env_log,
                &self.machine.signal_log,
            ]
            .iter()
            .fold(at(self.machine.init.poll_timeout()), |min, limit| {
                min.min(at(limit.deadline()))
            });
            let timeout = (deadline < u64::MAX).then(|| deadline.saturating_sub(now.millis()));
            // Absent fds are watches that poll(2) skips, never ready.
            let mut watches = Watches::new([
                Watch::readable(sfd),
                Watch::readable_if(self.control.fd()),
                Watch::readable_if(self.control.watch_fd()),
                Watch::readable_if(self.status.fd()),
            ]);
            if let Some(output) = output.as_deref() {
                output.watches(&mut watches);
            }
            if let Err(e) = sys::wait_fds(&mut watches.list, timeout) {
                // Nothing is ready then: the kernel sets no readiness when poll(2) fails.
                log!(LogLevel::Error, "poll failed: {}", ErrName(e));
            }
            let [_, fifo_ready, fifo_path_changed, status_asked] = watches.fixed_ready();
            if fifo_path_changed {
                // The next pass's `check` re-creates or re-opens the FIFO as needed.
                self.control.drain_watch();
            }
            let now = sys::now();
            if let Some(output) = output.as_deref_mut() {
                output.serve(&watches);
            }
            self.drain_signals(sfd, now);
            self.reap(now, output.as_deref_mut());
            if fifo_ready {
                self.read_requests(now);
            }
            if status_asked {
                // After the reaps and requests of this pass, so the answer is up to date.
                self.status.serve(&self.machine.init, now);
            }
        }
    }

    /// Carries out every action the supervisor has; `Some(code)` when vinit must exit.
    #[inline(never)]
    fn act(&mut self, now: Instant, mut output: Option<&mut ServiceOutput<'_>>) -> Option<u8> {
        // Bounded: the machine's queue empties, or vinit exits.
        loop {
            // Matched by reference in the slot it is returned to: no copy of the effect first.
            let effect = self.machine.init.poll_effect(now);
            match *effect.as_ref()? {
                Effect::Spawn(ref start) => {
                    let slot = usize::from(start.slot);
                    let pipes = output.as_deref_mut().and_then(|o| o.open(&start.entry.id));
                    let started = spawn_entry(
                        start,
                        &self.envp,
                        &self.machine.init_env,
                        &mut self.initscript,
                        pipes.as_ref(),
                    );
                    let pid = match started {
                        Ok(pid) => {
                            if let (Some(o), Some(p)) = (output.as_deref_mut(), &pipes) {
                                o.started(p, pid);
                            }
                            Some(pid)
                        }
                        Err(Some(e)) => {
                            self.machine
                                .init
                                .handle_fork_failed(now, slot, e.raw_os_error());
                            continue;
                        }
                        Err(None) => None,
                    };
                    self.machine.init.handle_spawned(now, slot, pid);
                }
                Effect::Do(Act::Signal { pid, sig }) => signal(pid, sig),
                Effect::Do(Act::SignalAll(sig)) => crate::processes_left::signal_all(sig),
                Effect::Do(Act::Census) => self
                    .machine
                    .init
                    .handle_census(crate::processes_left::count()),
                Effect::Do(Act::Runlevel { new, prev }) => {
                    crate::records::write_runlevel(new, prev);
                    if let Some(title) = &mut self.title {
                        let mut shown = *b"init [?]";
                        if let Some(level) = shown.get_mut(6) {
                            *level = new;
                        }
                        title.set(&shown);
                    }
                }
                Effect::Do(Act::BootTime) => crate::records::write_boot(),
                Effect::Log(ref notice) => say(notice),
                Effect::Do(Act::Sync) => sys::sync(),
                Effect::Do(Act::Exit(code)) => {
                    if let Some(output) = output {
                        output.finish();
                    }
                    return Some(code);
                }
                Effect::Do(Act::Reboot) => {
                    log!(
                        LogLevel::Info,
                        "rebooting in place: reading {} again",
                        Bytes(self.machine.init.inittab().to_bytes())
                    );
                    self.boot(now, false);
                }
                Effect::Do(Act::RestartContainer) => {
                    // Returns only on failure (EPERM without CAP_SYS_BOOT): the kernel ends
                    // PID 1 with SIGHUP, and LXC starts the container again. On failure the
                    // next effect is the fallback: the reboot in place.
                    if let Err(e) = sys::reboot(sys::RebootCmd::Restart) {
                        log::log_warning_errno(vinit_core::template!(1, "reboot(2): {}"), e);
                    }
                }
            }
        }
    }

    /// The summary lines of the rate-limited kinds whose window is over.
    fn summarize(&mut self, now: Instant) {
        self.control.summarize(now);
        self.machine
            .env_log
            .summarize(now, log::HeldBack::InitVariables);
        self.machine
            .signal_log
            .summarize(now, log::HeldBack::Signals);
    }

    /// Reads at most `SIGNALS_PER_PASS` signals: a storm cannot keep the loop from the rest.
    fn drain_signals(&mut self, sfd: sys::BorrowedFd<'_>, now: Instant) {
        for _ in 0..SIGNALS_PER_PASS {
            let info = match sys::read_signal(sfd) {
                Ok(Some(info)) => info,
                Ok(None) => return,
                Err(e) => {
                    log::log_error_errno(
                        vinit_core::template!(1, "unable to read signalfd: {}"),
                        e,
                    );
                    return;
                }
            };
            let input = SIGNAL_USES
                .iter()
                .find(|(signo, _)| *signo == info.signo)
                .map_or(Input::Ignored(info.signo), |&(_, input)| input);
            self.machine.feed(now, input, 0, &[]);
        }
    }

    fn read_requests(&mut self, now: Instant) {
        let machine = &mut self.machine;
        self.control.read_requests(now, |req: &Request<'_>| {
            let input = match REQUEST_USES.get(usize::from(req.command as u8)) {
                Some(Input::Level(_)) => Input::Level(req.runlevel),
                Some(&input) => input,
                None => Input::Nothing,
            };
            machine.feed(now, input, req.sleeptime, req.data);
        });
    }

    #[inline(never)]
    fn reap(&mut self, now: Instant, mut output: Option<&mut ServiceOutput<'_>>) {
        loop {
            match sys::reap_any() {
                Ok(Some((pid, exit))) => {
                    // Its last lines before anything said of its exit.
                    if let Some(output) = output.as_deref_mut() {
                        output.reaped(pid);
                    }
                    if let Some(id) = self.machine.init.handle_child_exit(now, pid, exit) {
                        crate::records::write_dead_process(id, pid);
                    }
                }
                // Children left, none exited yet; or none at all (ECHILD).
                found @ (Ok(None) | Err(Errno::CHILD)) => {
                    self.machine.init.handle_children(found.is_ok());
                    break;
                }
                Err(e) => {
                    log::log_error_errno(vinit_core::template!(1, "wait failed: {}"), e);
                    break;
                }
            }
        }
        // Not a tail call: it would be a copy of this function's epilogue.
        core::hint::black_box(());
    }
}

impl Machine {
    /// The staging table, `STAGING` taken the first time it is needed; `None` never happens
    /// after that (the one slot is taken here only).
    fn staging<'a>(slot: &'a mut Option<&'static mut Inittab>) -> Option<&'a mut Inittab> {
        if slot.is_none() {
            *slot = STAGING.take();
        }
        slot.as_deref_mut()
    }

    /// Hands a signal's or a request's input to the machine: one path for both, so each
    /// input has one call site. A request's sleeptime (seconds) and payload come beside the
    /// input (0 and empty for a signal), so that `Input` and the signal table stay small.
    #[inline(never)]
    fn feed(&mut self, now: Instant, input: Input, sleeptime: u32, data: &[u8]) {
        let input = match input {
            Input::Power => power::power_event(),
            other => other,
        };
        let init = &mut self.init;
        match input {
            Input::Stop(cause) => init.handle_stop(now, cause),
            Input::Trigger(trigger) => init.handle_trigger(now, trigger),
            Input::Freeze(frozen) => init.handle_freeze(frozen),
            Input::Reload | Input::Level(..) => {
                // sysvinit re-reads the inittab on every request (compat §2.2 step 5).
                let fresh = Self::staging(&mut self.staging).and_then(|staging| {
                    load_inittab(init.inittab(), staging, false).then_some(staging)
                });
                match input {
                    Input::Level(byte) => init.handle_level_request(
                        now,
                        byte,
                        Duration::from_secs(u64::from(sleeptime)),
                        fresh,
                    ),
                    // SIGHUP: only a table that was read replaces the one in use.
                    _ => {
                        if let Some(fresh) = fresh {
                            init.handle_reload(now, fresh);
                        }
                    }
                }
            }
            Input::Env => {
                for change in vinit_core::initctl::env_changes(data) {
                    if !self.init_env.apply(&change) && self.env_log.allow(now) {
                        log!(
                            LogLevel::Warning,
                            "INIT_ variable {} dropped: no room",
                            Bytes(change.name())
                        );
                    }
                }
            }
            Input::Ignored(signo) => {
                if self.signal_log.allow(now) {
                    log!(LogLevel::Info, "ignoring signal {}", signo);
                }
            }
            Input::Nothing | Input::Power => {}
        }
        // No arm ends in a tail call: each would be a copy of this function's epilogue (17
        // bytes), where a call returns to the one epilogue.
        core::hint::black_box(());
    }
}

/// What a signal or a request asks of the machine (compat §4, §5.2). The variants that share
/// an arm of `Machine::feed` are next to each other, so that each pair is one range check.
#[derive(Clone, Copy)]
enum Input {
    Nothing,
    /// Read /var/run/powerstatus: a trigger, or a stop (power.rs).
    Power,
    Stop(StopCause),
    Trigger(Trigger),
    Freeze(bool),
    /// Read the inittab again.
    Reload,
    /// A RUNLVL request: the level byte as sent.
    Level(u8),
    /// A SETENV or UNSETENV request: its payload's changes.
    Env,
    /// A signal vinit has no use for: logged at a bounded rate.
    Ignored(u8),
}

/// The signals vinit acts on; any other is logged and ignored. A table, not match arms: one
/// call site per input.
const SIGNAL_USES: [(u8, Input); 13] = [
    (SIGCHLD, Input::Nothing),
    // sysvinit ignores it; vinit's own log writes take theirs back (log.rs).
    (SIGPIPE, Input::Nothing),
    (SIGTERM, Input::Stop(StopCause::Term)),
    (SIGINT, Input::Stop(StopCause::Int)),
    (SIGUSR1, Input::Stop(StopCause::Halt)),
    (SIG_SYSTEMD_HALT, Input::Stop(StopCause::SystemdHalt)),
    (SIGUSR2, Input::Stop(StopCause::Poweroff)),
    (SIG_SYSVINIT_POWEROFF, Input::Stop(StopCause::Poweroff)),
    (SIGPWR, Input::Power),
    (SIGHUP, Input::Reload),
    (SIGWINCH, Input::Trigger(Trigger::KbRequest)),
    (SIGTSTP, Input::Freeze(true)),
    (SIGCONT, Input::Freeze(false)),
];

/// What each request asks of the machine, by its command's wire code (`Command`'s
/// discriminant); `Level`'s byte is the request's. A table, not match arms.
const REQUEST_USES: [Input; 8] = [
    // Start: dropped by `Control` as bogus before it gets here, as Bsd is.
    Input::Nothing,
    Input::Level(0),
    Input::Trigger(Trigger::PowerFail),
    Input::Trigger(Trigger::PowerFailNow),
    Input::Trigger(Trigger::PowerOk),
    Input::Nothing,
    // SetEnv, UnsetEnv.
    Input::Env,
    Input::Env,
];

// The table's order is the wire codes.
const _: () = assert!(
    Command::RunLevel as u8 == 1
        && Command::PowerFail as u8 == 2
        && Command::PowerFailNow as u8 == 3
        && Command::PowerOk as u8 == 4
        && Command::SetEnv as u8 == 6
        && Command::UnsetEnv as u8 == 7
);

/// kill(2) for `Act::Signal`. No such group: the child has not reached its setsid() yet.
/// It still has vinit's mask (everything blocked), so the signal sent to it waits there and
/// ends it when it unblocks, before exec (a TERM used to be lost here).
fn signal(pid: sys::Pid, sig: u8) {
    // One call site for both tries: the group, then the child.
    let mut target = pid;
    let sent = loop {
        match sys::kill(target, sig) {
            Err(Errno::SRCH) if target < -1 => target = -target,
            sent => break sent,
        }
    };
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

/// Writes a notice as one log line.
#[inline(never)]
fn say(notice: &Notice<'_>) {
    let mut line = LogLine::new(if notice.warns() {
        LogLevel::Warning
    } else {
        LogLevel::Info
    });
    notice.render(line.line());
    line.emit();
}
