//! The runlevel and supervision state machine: sysvinit's scheduler, boot phases, level
//! changes, respawn throttle and triggered entries, plus the container stop sequence.
//!
//! Sans-IO (quinn-proto's shape): inputs are `handle_*` calls that all take `now`; outputs are
//! `poll_action(now)` (drain it after every input) and `poll_timeout()` (`None` = no timer).
//! No syscalls, no clock. Behaviour: docs/sysvinit-compatibility.md §1.5, §1.7, §1.8, §2, §4, §9.
#![forbid(unsafe_code)]

use heapless::{Deque, Vec};

use crate::inittab::{Action as Kind, Entry, Id, Inittab};
use crate::levels::Level;
use crate::limits::{
    ACTION_QUEUE, DEFAULT_SLEEPTIME_SECS, FORK_LOG_INTERVAL_SECS, FORK_RETRY_FIRST_MS,
    FORK_RETRY_MAX_MS, MAX_DYING, MAX_ENTRIES, REBOOT_MAX, REBOOT_PAUSE_SECS, REBOOT_WINDOW_SECS,
    RESPAWN_DISABLE_SECS, RESPAWN_MAX, RESPAWN_WINDOW_SECS,
};
use crate::status::{Exit, Pid};
use crate::sweep::{SIGKILL, SIGTERM, Step, Sweep};
use crate::time::{Duration, Instant};

/// How long after a level change's SIGKILL vinit waits for the reaps before it reports the
/// processes that seem to hang and goes on (sysvinit pauses 10 ms, compat §2.2 step 9; a
/// container's reaps can take longer under load, and nothing is lost by waiting a little).
const KILL_SETTLE: Duration = Duration::from_millis(100);

/// Why the container is being stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// SIGTERM (docker stop, Kubernetes, busybox `reboot`).
    Term,
    /// SIGINT: the inittab's `ctrlaltdel` entries run first.
    Int,
    /// SIGPWR without /var/run/powerstatus: `powerwait`/`powerfail` entries run first.
    Power,
    /// SIGUSR1 (busybox halt), SIGRTMIN+3 (systemd halt), signal 38 (sysvinit 3.10+ poweroff).
    Halt,
    /// SIGUSR2 (busybox poweroff).
    Poweroff,
}

/// A sysvinit trigger for the entries created "already executed" (compat §1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// SIGWINCH: `kbrequest`.
    KbRequest,
    /// Power status `F` or none, initctl POWERFAIL: `powerfail` + `powerwait`.
    PowerFail,
    /// Power status `L`, initctl POWERFAILNOW: `powerfailnow`.
    PowerFailNow,
    /// Power status `O`, initctl POWEROK: `powerokwait`.
    PowerOk,
    /// `ctrlaltdel`.
    CtrlAltDel,
}

/// Something worth one log line; the edge words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// `Switching to runlevel: L` (a request; compat §2.1).
    Switching(u8),
    /// `Going single user`.
    GoingSingle,
    /// `Entering runlevel: L` at the end of boot or coming back from S.
    Entering(u8),
    /// No `initdefault` entry: booting this documented default instead of prompting.
    NoInitdefault(u8),
    /// `no more processes left in this runlevel`.
    NoMoreProcesses,
    /// `Id "x" respawning too fast: disabled for 5 minutes`.
    RespawningTooFast(Id),
    /// A disabled entry is allowed to run again.
    Reenabled(Id),
    /// `Sending processes configured via /etc/inittab the TERM signal` (with the count).
    SendingTerm(u16),
    /// `... the KILL signal`.
    SendingKill(u16),
    /// `Pid N [id x] seems to hang`.
    Hang(Pid, Id),
    /// `bad runlevel: c`.
    BadRunlevel(u8),
    /// `Re-reading inittab`.
    Rereading,
    /// `Activating demand-procedures for 'A'`.
    Demand(u8),
    /// `telinit u`: accepted; vinit keeps its state and does not re-exec.
    ReExec,
    /// A stop signal arrived (the cause) and the stop sequence starts.
    StopRequested(StopCause),
    /// A further stop signal: the stop moves on to its next phase now.
    StopHurried,
    /// A level change asked during a stop was turned into a halt (the stop always ends).
    StopOverrides(u8),
    /// This level-0/6 entry was still running when the stop budget's share for the level's
    /// entries ran out; the sweep takes it.
    StopDeadline(Id),
    /// The final sweep: SIGTERM to this many processes, then the grace period.
    SweepTerm(u16),
    /// The grace period ran out: SIGKILL to what is left.
    SweepKill,
    /// The stop is complete after this long.
    Stopped(Duration),
    /// `tstp`: frozen by `halt -f`; `cont`: thawed.
    Frozen(bool),
    /// A stop signal thawed a frozen init: the stop's level-0 entries must run.
    StopThawed,
    /// fork(2) failed for this entry with this errno; spawning is tried again after a
    /// back-off (sysvinit: `cannot fork, retry..`). Once per run of failures, at most once in
    /// `FORK_LOG_INTERVAL_SECS`.
    CannotFork(Id, i32),
    /// A fork worked again after this many failed ones (ends a logged `CannotFork`).
    ForkWorks(u32),
    /// Too many reboots in place inside the window: the next boot waits this long.
    RebootLoop(Duration),
}

/// What the driver must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start `entries()[slot]`, then report with `handle_spawned`.
    Spawn(usize),
    /// kill(2): `pid` < 0 addresses a process group.
    Signal { pid: Pid, sig: u8 },
    /// Signal every process but vinit (the final sweep).
    SignalAll(u8),
    /// A runlevel was entered: RUN_LVL utmp record, `/var/run/runlevel`.
    Runlevel { new: u8, prev: u8 },
    /// The end of the sysinit phase: BOOT_TIME record.
    BootTime,
    /// Write one log line.
    Log(Notice),
    /// sync(2) before leaving.
    Sync,
    /// Exit with this status.
    Exit(u8),
    /// Level 6 is complete: re-read the inittab and boot again in place.
    Reboot,
}

/// Settings the driver chooses (flags and `VINIT_*` variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Level booted when the inittab has no `initdefault` (sysvinit would prompt forever).
    pub default_level: Level,
    /// The whole stop, from the stop signal (or entering 0/6) to exit.
    pub stop_budget: Duration,
    /// `VINIT_REBOOT=exit:N`: level 6 exits with N instead of booting again.
    pub reboot_exit: Option<u8>,
    /// A level from vinit's command line, overriding initdefault (sysvinit's `init 3`).
    pub forced_level: Option<Level>,
}

/// The respawn throttle of one entry (compat §2.9): a fixed 120 s window, 10 starts, then 300 s
/// off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    window_start: Option<Instant>,
    count: u8,
    disabled_until: Option<Instant>,
}

impl Throttle {
    /// Counts a start; `false` when the start must be refused (the 11th inside the window).
    pub fn allow(&mut self, now: Instant) -> bool {
        match self.window_start {
            Some(start) if now.since(start) < Duration::from_secs(RESPAWN_WINDOW_SECS) => {
                self.count = self.count.saturating_add(1);
            }
            _ => {
                self.window_start = Some(now);
                self.count = 0;
            }
        }
        if self.count >= RESPAWN_MAX {
            self.disabled_until = Some(now.after(Duration::from_secs(RESPAWN_DISABLE_SECS)));
            return false;
        }
        true
    }

    /// Takes back the start `allow` just counted: its fork failed, so nothing ran.
    fn refund(&mut self) {
        self.count = self.count.saturating_sub(1);
    }

    /// Whether the entry is disabled at `now`; clears an expired disable (compat §2.9: counter
    /// and window cleared), returning `Some(false)` for "just re-enabled".
    fn check(&mut self, now: Instant) -> Option<bool> {
        match self.disabled_until {
            Some(until) if now >= until => {
                *self = Self::default();
                Some(false)
            }
            Some(_) => Some(true),
            None => None,
        }
    }
}

/// Failed forks (EAGAIN at a pids limit, ENOMEM): no entry starts before `at`, and the
/// back-off doubles up to `FORK_RETRY_MAX_MS`. A failed fork is not a start: the entry is
/// tried again, its respawn throttle is not charged, and a barrier entry still holds the
/// entries after it (nothing starts before the retry, and the retry's walk reaches it first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ForkRetry {
    at: Option<Instant>,
    backoff: Duration,
    /// Failures since the last fork that worked.
    failures: u32,
    /// When the last `CannotFork` line was logged.
    logged: Option<Instant>,
    /// This run of failures was logged, so its end is too.
    said: bool,
}

/// Reboots in place inside a fixed window (compat §2.9's rule, for reboots): a boot target of
/// 6 must not reboot in a busy loop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct RebootLimit {
    window_start: Option<Instant>,
    count: u8,
}

impl RebootLimit {
    /// Counts a reboot; `false` when it must wait for the pause (the window is full).
    fn allow(&mut self, now: Instant) -> bool {
        match self.window_start {
            Some(start) if now.since(start) < Duration::from_secs(REBOOT_WINDOW_SECS) => {}
            _ => {
                *self = Self {
                    window_start: Some(now),
                    count: 0,
                }
            }
        }
        self.count = self.count.saturating_add(1);
        self.count <= REBOOT_MAX
    }
}

/// Run-time state of one inittab entry (same index as the entry).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Proc {
    pid: Option<Pid>,
    /// A Spawn was handed out and not yet confirmed.
    spawning: bool,
    /// A barrier entry that is running: nothing after it starts (compat §1.7).
    waiting: bool,
    /// "already executed" (once/wait/boot entries; triggered entries until triggered).
    done: bool,
    /// Marked by `telinit a|b|c` (compat §2.4).
    demand: bool,
    throttle: Throttle,
}

impl Proc {
    const fn running(&self) -> bool {
        self.pid.is_some() || self.spawning
    }

    /// A fresh state: triggered entries start "already executed" (compat §1.5).
    fn fresh(kind: Kind) -> Self {
        Self {
            done: is_triggered(kind),
            ..Self::default()
        }
    }
}

const fn is_triggered(kind: Kind) -> bool {
    kind.is_power_group() || matches!(kind, Kind::KbRequest)
}

fn writes_utmp(e: &Entry) -> bool {
    crate::cmdline::writes_utmp(&e.process)
}

/// A process of an entry that must die in a level change (compat §2.2 steps 6-9).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dying {
    pid: Pid,
    id: Id,
    /// Write a DEAD_PROCESS record when it is reaped (the entry had no `+`).
    utmp: bool,
    /// Still there after its KILL (reported `seems to hang`): no later round waits for it.
    hung: bool,
}

/// The kill round of a level change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KillRound {
    /// SIGTERM not sent yet; KILL at `deadline`.
    Pending { deadline: Instant },
    /// SIGTERM sent; KILL at `deadline` unless all are gone before.
    Term { deadline: Instant },
    /// SIGKILL sent; report hangs at `deadline`.
    Kill { deadline: Instant },
}

impl KillRound {
    /// The same phase with its deadline no later than `latest`.
    fn capped(self, latest: Instant) -> Self {
        match self {
            Self::Pending { deadline } => Self::Pending {
                deadline: deadline.min(latest),
            },
            Self::Term { deadline } => Self::Term {
                deadline: deadline.min(latest),
            },
            Self::Kill { deadline } => Self::Kill {
                deadline: deadline.min(latest),
            },
        }
    }
}

/// The container stop sequence (compat §9 design notes; issue "container lifecycle").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// Running normally.
    None,
    /// A stop signal arrived; its own entries (ctrlaltdel, powerwait/powerfail) run first,
    /// then level 0.
    Pending { started: Instant },
    /// In level 0 or 6: the level's entries run until they are done or `started` + the
    /// entries' share of the budget.
    Level { started: Instant, reboot: bool },
    /// The final sweep: TERM, grace, KILL.
    Sweep { started: Instant, reboot: bool },
}

/// The init state machine. Call order after every input: drain `poll_action`, then ask
/// `poll_timeout` for the next deadline.
pub struct Init {
    tab: Inittab,
    procs: [Proc; MAX_ENTRIES],
    dying: Vec<Dying, MAX_DYING>,
    kill_round: Option<KillRound>,
    config: Config,
    /// The level init is in ('#', '*', '0'-'9', 'S').
    current: Level,
    /// The previous level's byte for PREVLEVEL and utmp ('N' at boot).
    prev: u8,
    /// The level to go to when the boot phases end.
    boot_target: Option<Level>,
    boot_done: bool,
    booted: bool,
    sleeptime: Duration,
    frozen: bool,
    no_more_said: bool,
    /// Whether vinit has any child at all (the edge reports ECHILD).
    children: bool,
    stop: Stop,
    sweep: Sweep,
    queue: Deque<Action, ACTION_QUEUE>,
    fork: ForkRetry,
    /// Kept across reboots in place.
    reboots: RebootLimit,
    /// A reboot in place waiting out the reboot-loop pause (level 6 is done, nothing runs).
    reboot_at: Option<Instant>,
}

impl Init {
    /// A machine for `tab`, not yet booted.
    pub fn new(tab: Inittab, config: Config) -> Self {
        let mut procs = [Proc::default(); MAX_ENTRIES];
        for (p, e) in procs.iter_mut().zip(tab.entries()) {
            *p = Proc::fresh(e.action);
        }
        Self {
            tab,
            procs,
            dying: Vec::new(),
            kill_round: None,
            config,
            current: Level::SYSINIT,
            prev: b'N',
            boot_target: None,
            boot_done: false,
            booted: false,
            sleeptime: Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64),
            frozen: false,
            no_more_said: false,
            children: false,
            stop: Stop::None,
            sweep: Sweep::new(),
            queue: Deque::new(),
            fork: ForkRetry::default(),
            reboots: RebootLimit::default(),
            reboot_at: None,
        }
    }

    /// Level 6 done, booting again in place: the machine `new` makes, with `fresh` as its
    /// table (the old table is left in `fresh`). Call `handle_boot` next. Field by field, not
    /// `*self = new(..)`: that builds a second 26 KB machine on PID 1's stack. The destructuring
    /// names every field, so a new one cannot be forgotten here.
    pub fn reset(&mut self, fresh: &mut Inittab) {
        let Self {
            tab,
            procs,
            dying,
            kill_round,
            config: _,
            current,
            prev,
            boot_target,
            boot_done,
            booted,
            sleeptime,
            frozen,
            no_more_said,
            children,
            stop,
            sweep,
            queue,
            fork,
            reboots: _,
            reboot_at,
        } = self;
        core::mem::swap(tab, fresh);
        let mut entries = tab.entries().iter();
        for p in procs.iter_mut() {
            *p = entries
                .next()
                .map_or_else(Proc::default, |e| Proc::fresh(e.action));
        }
        dying.clear();
        *kill_round = None;
        *current = Level::SYSINIT;
        *prev = b'N';
        *boot_target = None;
        *boot_done = false;
        *booted = false;
        *sleeptime = Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64);
        *frozen = false;
        *no_more_said = false;
        *children = false;
        *stop = Stop::None;
        *sweep = Sweep::new();
        queue.clear();
        *fork = ForkRetry::default();
        *reboot_at = None;
    }

    /// Whether this start of `slot` is a quick restart inside its respawn window: its exec
    /// failure was already reported once, so a getty with no tty logs one line, not ten.
    pub fn is_quick_restart(&self, slot: usize) -> bool {
        self.procs.get(slot).is_some_and(|p| p.throttle.count > 0)
    }

    /// The settings it was made with.
    pub const fn config(&self) -> Config {
        self.config
    }

    /// The entries, in sysvinit's list order; `Spawn(slot)` indexes this.
    pub fn entries(&self) -> &[Entry] {
        self.tab.entries()
    }

    /// RUNLEVEL for children: the current level, `S` during the boot phases (compat §3.1).
    pub fn runlevel_env(&self) -> u8 {
        match self.current {
            l if l == Level::SYSINIT || l == Level::BOOT => b'S',
            l => l.byte(),
        }
    }

    /// PREVLEVEL for children ('N' at boot).
    pub const fn prevlevel_env(&self) -> u8 {
        self.prev
    }

    /// The current level ('#', '*', digits, 'S').
    pub const fn current(&self) -> Level {
        self.current
    }

    /// The pid of a running entry, by id.
    #[cfg(test)]
    pub fn pid_of(&self, id: &[u8]) -> Option<Pid> {
        let slot = self.tab.position(id)?;
        self.procs.get(slot)?.pid
    }

    // ---------------------------------------------------------------- inputs

    /// Starts the boot: sysinit entries first (pseudo-level `#`, compat §1.8 step 5).
    pub fn handle_boot(&mut self, _now: Instant) {
        self.booted = true;
        self.current = Level::SYSINIT;
        self.prev = b'N';
    }

    /// The driver's answer to `Spawn(slot)`: the child's pid, or `None` if the entry cannot
    /// start at all (its command is malformed: it counts as an immediate exit with status 1,
    /// which feeds the respawn throttle). A failed fork is `handle_fork_failed`.
    pub fn handle_spawned(&mut self, _now: Instant, slot: usize, pid: Option<Pid>) {
        let Some(p) = self.procs.get_mut(slot) else {
            return;
        };
        p.spawning = false;
        p.pid = pid;
        if pid.is_none() {
            p.waiting = false;
            return;
        }
        self.children = true;
        let fork = core::mem::take(&mut self.fork);
        self.fork.logged = fork.logged;
        if fork.said {
            self.log(Notice::ForkWorks(fork.failures));
        }
    }

    /// The driver's answer to `Spawn(slot)` when fork(2) failed with `errno`: the start is
    /// undone (not counted, not "already executed", the barrier kept) and spawning pauses for
    /// the back-off.
    pub fn handle_fork_failed(&mut self, now: Instant, slot: usize, errno: i32) {
        let (Some(p), Some(e)) = (self.procs.get_mut(slot), self.tab.entries().get(slot)) else {
            return;
        };
        p.spawning = false;
        p.waiting = false;
        if matches!(e.action, Kind::Respawn | Kind::OnDemand) {
            p.throttle.refund();
        } else {
            p.done = false;
        }
        let f = &mut self.fork;
        f.failures = f.failures.saturating_add(1);
        f.backoff = Duration::from_millis(
            (f.backoff.millis() * 2).clamp(FORK_RETRY_FIRST_MS, FORK_RETRY_MAX_MS),
        );
        f.at = Some(now.after(f.backoff));
        let quiet = f
            .logged
            .is_some_and(|t| now.since(t) < Duration::from_secs(FORK_LOG_INTERVAL_SECS));
        if f.failures == 1 && !quiet {
            f.logged = Some(now);
            f.said = true;
            let id = e.id.clone();
            self.log(Notice::CannotFork(id, errno));
        }
    }

    /// A child was reaped (any child: orphans are ignored here). Returns the entry id whose
    /// DEAD_PROCESS utmp record the driver writes at once (compat §6.6; none for orphans and `+`
    /// entries); returned, not queued, so a reap of a whole table never competes with the
    /// actions of a stop for queue room.
    #[must_use]
    pub fn handle_child_exit(&mut self, _now: Instant, pid: Pid, _exit: Exit) -> Option<Id> {
        if let Some(i) = self.dying.iter().position(|d| d.pid == pid) {
            let d = self.dying.swap_remove(i);
            return d.utmp.then_some(d.id);
        }
        let i = self.procs.iter().position(|p| p.pid == Some(pid))?;
        if let Some(p) = self.procs.get_mut(i) {
            p.pid = None;
            p.waiting = false;
        }
        self.tab
            .entries()
            .get(i)
            .filter(|e| writes_utmp(e))
            .map(|e| e.id.clone())
    }

    /// What the edge's last reap found: whether vinit has any child left at all (orphans
    /// included; `false` when waitpid said ECHILD).
    pub fn handle_children(&mut self, present: bool) {
        self.children = present;
    }

    /// SIGTSTP (true) / SIGCONT (false): `halt -f` freezes init around reboot(2) (compat §4).
    /// A stop signal thaws it (`handle_stop`).
    pub fn handle_freeze(&mut self, frozen: bool) {
        if self.frozen != frozen {
            self.frozen = frozen;
            self.log(Notice::Frozen(frozen));
        }
    }

    /// A sysvinit trigger (SIGWINCH, SIGPWR with a power status, initctl power commands).
    pub fn handle_trigger(&mut self, _now: Instant, trigger: Trigger) {
        if !self.booted {
            return;
        }
        for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
            let hit = match trigger {
                Trigger::KbRequest => e.action == Kind::KbRequest,
                Trigger::PowerFail => matches!(e.action, Kind::PowerFail | Kind::PowerWait),
                Trigger::PowerFailNow => e.action == Kind::PowerFailNow,
                Trigger::PowerOk => e.action == Kind::PowerOkWait,
                Trigger::CtrlAltDel => e.action == Kind::CtrlAltDel,
            };
            if hit {
                p.done = false;
            }
        }
    }

    /// A stop signal from the runtime: a stop always ends in exit (compat §9 design notes).
    pub fn handle_stop(&mut self, now: Instant, cause: StopCause) {
        if self.reboot_at.take().is_some() {
            // Between boots, in the reboot-loop pause: nothing runs, level 6 stopped it all.
            self.log(Notice::StopRequested(cause));
            self.log(Notice::Stopped(Duration::ZERO));
            self.push(Action::Exit(0));
            return;
        }
        if self.frozen {
            // `halt -f` froze spawning and never thawed it; the stop needs level 0 to run.
            self.frozen = false;
            self.log(Notice::StopThawed);
        }
        match self.stop {
            Stop::None => {}
            Stop::Pending { .. } => return self.hurry(now),
            // A stop signal during a reboot turns it into a halt: the runtime wants it gone.
            Stop::Level { started, .. } => {
                self.stop = Stop::Level {
                    started,
                    reboot: false,
                };
                return self.hurry(now);
            }
            Stop::Sweep { started, .. } => {
                self.stop = Stop::Sweep {
                    started,
                    reboot: false,
                };
                return self.hurry(now);
            }
        }
        self.log(Notice::StopRequested(cause));
        let trigger = match cause {
            StopCause::Int => Some(Trigger::CtrlAltDel),
            StopCause::Power => Some(Trigger::PowerFail),
            StopCause::Term | StopCause::Halt | StopCause::Poweroff => None,
        };
        if let Some(trigger) = trigger {
            self.handle_trigger(now, trigger);
            if self.triggered_pending() {
                self.stop = Stop::Pending { started: now };
                return;
            }
        }
        self.stop = Stop::Pending { started: now };
        self.enter_stop_level(now, false);
    }

    /// An initctl RUNLVL request (or telinit by signal-free means): `byte` as sent, with the
    /// request's sleeptime; `fresh` is the re-read inittab (`None` keeps the current one).
    pub fn handle_level_request(
        &mut self,
        now: Instant,
        byte: u8,
        sleeptime: Duration,
        fresh: Option<&mut Inittab>,
    ) {
        if !self.booted {
            // The reboot-loop pause: the next boot reads the inittab anyway; only a stop counts.
            return;
        }
        self.sleeptime = sleeptime;
        match byte.to_ascii_uppercase() {
            b'Q' => {
                self.log(Notice::Rereading);
                self.reload(now, fresh);
            }
            b'U' => {
                self.log(Notice::ReExec);
            }
            letter @ (b'A' | b'B' | b'C') => {
                if self.current != Level::SINGLE {
                    self.log(Notice::Demand(letter));
                    for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
                        if e.levels.contains_demand(letter) {
                            p.demand = true;
                            p.done = false;
                        }
                    }
                }
                self.reload(now, fresh);
            }
            other => match Level::from_byte(other) {
                Some(level) if level != Level::SYSINIT && level != Level::BOOT => {
                    self.change_level(now, level, fresh);
                }
                _ => {
                    // compat §2.6: logged, then handled like `q`.
                    self.log(Notice::BadRunlevel(byte));
                    self.reload(now, fresh);
                }
            },
        }
    }

    /// SIGHUP: re-read and apply the differences (compat §2.5).
    pub fn handle_reload(&mut self, now: Instant, fresh: &mut Inittab) {
        if self.booted {
            self.reload(now, Some(fresh));
        }
    }

    // ---------------------------------------------------------------- outputs

    /// The next thing the driver must do, `None` when there is nothing until the next input
    /// or `poll_timeout`.
    #[must_use]
    pub fn poll_action(&mut self, now: Instant) -> Option<Action> {
        // A past retry time is cleared here, before any early return, so `poll_timeout` never
        // reports a deadline that has gone by (the driver would wake up at once, again and
        // again).
        if self.fork.at.is_some_and(|at| now >= at) {
            self.fork.at = None;
        }
        // Bounded: every pass either returns an action, changes phase, or ends the loop.
        for _ in 0..8 {
            if let Some(a) = self.queue.pop_front() {
                return Some(a);
            }
            if !self.booted {
                return match self.reboot_at {
                    Some(at) if now >= at => {
                        self.reboot_at = None;
                        // The first reboot of a new window.
                        let _ = self.reboots.allow(now);
                        Some(Action::Reboot)
                    }
                    _ => None,
                };
            }
            if let Some(a) = self.advance_stop(now) {
                return Some(a);
            }
            let in_round = self.kill_round.is_some();
            if let Some(a) = self.advance_kill_round(now) {
                return Some(a);
            }
            // A round that just ended may let the stop move on: look at it again now, not at
            // its deadline (a stop with no level-0 entries once waited 5.6 s here).
            if !self.queue.is_empty() || (in_round && self.kill_round.is_none()) {
                continue;
            }
            if self.kill_round.is_some()
                || self.frozen
                || self.fork.at.is_some()
                || matches!(self.stop, Stop::Sweep { .. })
            {
                return None;
            }
            if let Some(slot) = self.next_to_start(now) {
                return Some(Action::Spawn(slot));
            }
            if !self.queue.is_empty() {
                continue;
            }
            if !self.transition(now) {
                return self.queue.pop_front();
            }
        }
        self.queue.pop_front()
    }

    /// When the driver must call `poll_action` again even if nothing happens; `None` means
    /// block without a timer.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let kill = self.kill_round.map(|k| match k {
            KillRound::Pending { deadline }
            | KillRound::Term { deadline }
            | KillRound::Kill { deadline } => deadline,
        });
        let stop = match self.stop {
            Stop::Level { started, .. } | Stop::Pending { started } => {
                Some(started.after(self.entries_share()))
            }
            Stop::Sweep { .. } => self.sweep.deadline(),
            Stop::None => None,
        };
        let throttle = self
            .procs
            .iter()
            .filter_map(|p| p.throttle.disabled_until)
            .min();
        [kill, stop, throttle, self.fork.at, self.reboot_at]
            .into_iter()
            .flatten()
            .min()
    }

    // ---------------------------------------------------------------- internals

    fn log(&mut self, notice: Notice) {
        self.push(Action::Log(notice));
    }

    /// Queues an action. The queue holds a signal for every process of a full kill round plus
    /// the log lines around it, and is drained after every input, so it does not fill.
    fn push(&mut self, action: Action) {
        let _ = self.queue.push_back(action);
    }

    /// The scheduler walk of compat §1.7: the first entry to start, honouring barriers.
    fn next_to_start(&mut self, now: Instant) -> Option<usize> {
        let level = self.current;
        let numeric = level != Level::SYSINIT && level != Level::BOOT && level != Level::SINGLE;
        // Notices go straight to the queue (sized for a full table): a small local buffer here
        // once dropped the "respawning too fast" lines of the 5th and 6th getty throttled in one walk.
        let queue = &mut self.queue;
        let mut notice = |n: Notice| {
            let _ = queue.push_back(Action::Log(n));
        };
        let mut found = None;
        for (slot, (p, e)) in self.procs.iter_mut().zip(self.tab.entries()).enumerate() {
            if p.waiting {
                break;
            }
            if p.running() {
                continue;
            }
            let here = e.levels.contains(level) || (p.demand && numeric);
            if !here {
                p.waiting = false;
                if !is_triggered(e.action) {
                    p.done = false;
                }
                continue;
            }
            let start = match e.action {
                Kind::Off | Kind::InitDefault => false,
                Kind::Respawn | Kind::OnDemand => {
                    if e.action == Kind::OnDemand && !p.demand {
                        false
                    } else {
                        match p.throttle.check(now) {
                            Some(true) => false,
                            Some(false) => {
                                notice(Notice::Reenabled(e.id.clone()));
                                p.throttle.allow(now) || {
                                    notice(Notice::RespawningTooFast(e.id.clone()));
                                    false
                                }
                            }
                            None => {
                                p.throttle.allow(now) || {
                                    notice(Notice::RespawningTooFast(e.id.clone()));
                                    false
                                }
                            }
                        }
                    }
                }
                _ => !p.done,
            };
            if start {
                p.spawning = true;
                if !matches!(e.action, Kind::Respawn | Kind::OnDemand) {
                    p.done = true;
                }
                p.waiting = e.action.waits();
                found = Some(slot);
                break;
            }
        }
        found
    }

    /// Whether anything but `boot` entries runs (the boot phases' test, compat §1.8).
    fn busy(&self) -> bool {
        self.procs
            .iter()
            .zip(self.tab.entries())
            .any(|(p, e)| p.running() && e.action != Kind::Boot)
    }

    /// Boot-phase and single-user transitions (compat §1.8 steps 6-9); true if the level moved.
    fn transition(&mut self, now: Instant) -> bool {
        if self.busy() {
            return false;
        }
        let level = self.current;
        if level == Level::SYSINIT {
            self.push(Action::BootTime);
            let target = self.boot_target();
            self.boot_target = Some(target);
            if target == Level::SINGLE {
                self.current = Level::SINGLE;
            } else {
                self.current = Level::BOOT;
            }
            return true;
        }
        if level == Level::BOOT {
            let target = self.boot_target.unwrap_or(self.config.default_level);
            self.enter(target, b'N');
            self.boot_done = true;
            if target.byte() == b'0' || target.byte() == b'6' {
                self.begin_stop_level(now, target.byte() == b'6');
            }
            return true;
        }
        if level == Level::SINGLE {
            let target = self.boot_target();
            if !self.boot_done && target != Level::SINGLE {
                self.current = Level::BOOT;
                self.boot_target = Some(target);
                return true;
            }
            self.boot_done = true;
            // Entries whose field is exactly S run again next time (compat §1.8 step 8).
            for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
                if e.levels == crate::levels::Levels::parse_field(b"S") {
                    p.done = false;
                }
            }
            if target == Level::SINGLE {
                return false;
            }
            self.enter(target, b'S');
            return true;
        }
        if !self.no_more_said && !matches!(self.stop, Stop::Level { .. }) {
            self.no_more_said = true;
            self.log(Notice::NoMoreProcesses);
        }
        false
    }

    /// The initdefault level, or the configured default when there is none.
    fn boot_target(&mut self) -> Level {
        if let Some(level) = self.config.forced_level {
            return level;
        }
        match self.tab.initdefault() {
            Some(level) => level,
            None => {
                let level = self.config.default_level;
                self.log(Notice::NoInitdefault(level.byte()));
                level
            }
        }
    }

    fn enter(&mut self, level: Level, prev: u8) {
        self.prev = prev;
        self.current = level;
        self.no_more_said = false;
        self.log(Notice::Entering(level.byte()));
        self.push(Action::Runlevel {
            new: level.byte(),
            prev,
        });
    }

    /// A level change request (compat §2.2), or the stop's move to level 0.
    fn change_level(&mut self, now: Instant, level: Level, fresh: Option<&mut Inittab>) {
        let mut level = level;
        if !matches!(self.stop, Stop::None) && level.byte() != b'0' {
            // A stop always ends in a stop: a reboot (or anything else) asked by the stop's own
            // entries becomes a halt.
            self.log(Notice::StopOverrides(level.byte()));
            level = Level::digit(0).unwrap_or(level);
        }
        if level == self.current {
            return;
        }
        if level == Level::SINGLE {
            self.log(Notice::GoingSingle);
        } else {
            self.log(Notice::Switching(level.byte()));
        }
        let prev = if self.current == Level::SYSINIT || self.current == Level::BOOT {
            b'N'
        } else {
            self.current.byte()
        };
        self.prev = prev;
        self.current = level;
        self.boot_done = true;
        self.no_more_said = false;
        self.push(Action::Runlevel {
            new: level.byte(),
            prev,
        });
        self.apply(now, fresh);
        match level.byte() {
            b'0' => self.begin_stop_level(now, false),
            b'6' => self.begin_stop_level(now, true),
            _ => {}
        }
    }

    fn reload(&mut self, now: Instant, fresh: Option<&mut Inittab>) {
        self.apply(now, fresh);
    }

    /// Re-reads: match entries by id, decide who must die, carry state (compat §2.2 step 5),
    /// reset the throttle (step 10), and start the kill round if anyone must die.
    /// `fresh` is the re-read table, swapped in at the end (the old one is left in it): tables
    /// are never copied, as every copy would stay resident on PID 1's stack.
    fn apply(&mut self, now: Instant, fresh: Option<&mut Inittab>) {
        let level = self.current;
        let mut procs = [Proc::default(); MAX_ENTRIES];
        let mut dying_added = false;
        // Without a fresh table the current one is compared with itself, not with a copy.
        let tab = fresh.as_deref().unwrap_or(&self.tab);
        for (p, e) in procs.iter_mut().zip(tab.entries()) {
            *p = Proc::fresh(e.action);
        }
        for (old, e) in self.procs.iter().zip(self.tab.entries()) {
            let new_slot = tab.position(&e.id);
            let new_entry = new_slot.and_then(|s| tab.entries().get(s));
            let must_die = match new_entry {
                None => true,
                Some(n) if n.action != e.action => true,
                Some(n) => {
                    n.action != Kind::Boot
                        && !n.levels.contains(level)
                        && (level == Level::SINGLE || !old.demand)
                }
            };
            if must_die {
                if let Some(pid) = old.pid
                    && self
                        .dying
                        .push(Dying {
                            pid,
                            id: e.id.clone(),
                            utmp: writes_utmp(e),
                            hung: false,
                        })
                        .is_ok()
                {
                    dying_added = true;
                }
                continue;
            }
            if let Some(p) = new_slot.and_then(|s| procs.get_mut(s)) {
                let demand = old.demand && level != Level::SINGLE;
                *p = Proc {
                    demand,
                    throttle: Throttle::default(),
                    ..*old
                };
            }
        }
        for p in procs.iter_mut() {
            p.throttle = Throttle::default();
        }
        self.procs = procs;
        if let Some(tab) = fresh {
            core::mem::swap(&mut self.tab, tab);
        }
        let deadline = self.kill_deadline(now);
        if dying_added {
            self.kill_round = Some(KillRound::Pending { deadline });
        } else if !matches!(self.stop, Stop::None)
            && let Some(round) = self.kill_round
        {
            // A round of an earlier request (`telinit -t 600 5`) must not hold the stop's
            // level 0 back: it gets the stop's bound too.
            self.kill_round = Some(round.capped(deadline));
        }
    }

    /// The kill round's KILL deadline: the request's sleep time (compat §2.2). During a stop the
    /// runtime asked for, at least sysvinit's default 3 s (a `shutdown -t1` written for a
    /// machine halt must not cut a service's flush short) and at most two thirds of what is
    /// left of the entries' share of the budget: the level's own entries (`rc 0`) start only
    /// after the round, so a service that ignores SIGTERM must not use up their time. The
    /// round ends early anyway the moment everything has exited.
    fn kill_deadline(&self, now: Instant) -> Instant {
        match self.stop {
            Stop::Pending { started } | Stop::Level { started, .. } => {
                let floor = self
                    .sleeptime
                    .max(Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64));
                let left = started.after(self.entries_share()).since(now);
                now.after(floor.min(Duration::from_millis(left.millis() * 2 / 3)))
            }
            Stop::None | Stop::Sweep { .. } => now.after(self.sleeptime),
        }
    }

    /// Signals the process group of every process of the kill round (not the ones an earlier
    /// round found hung: they have had their KILL), after a notice with their count.
    fn signal_dying(&mut self, sig: u8, notice: fn(u16) -> Notice) {
        let n = self.dying.iter().filter(|d| !d.hung).count();
        self.log(notice(n as u16));
        for i in 0..self.dying.len() {
            if let Some(pid) = self.dying.get(i).filter(|d| !d.hung).map(|d| d.pid) {
                self.push(Action::Signal { pid: -pid, sig });
            }
        }
    }

    fn advance_kill_round(&mut self, now: Instant) -> Option<Action> {
        let round = self.kill_round?;
        match round {
            // Everyone already exited (their exits can be reaped in the same wake-up as the
            // request that started the round), or only hung ones are left: nothing to wait for.
            _ if self.dying.iter().all(|d| d.hung) => self.kill_round = None,
            KillRound::Pending { deadline } => {
                self.signal_dying(SIGTERM, Notice::SendingTerm);
                self.kill_round = Some(KillRound::Term { deadline });
            }
            KillRound::Term { deadline } if now >= deadline => {
                self.signal_dying(SIGKILL, Notice::SendingKill);
                self.kill_round = Some(KillRound::Kill {
                    deadline: now.after(KILL_SETTLE),
                });
            }
            KillRound::Kill { deadline } if now >= deadline => {
                for i in 0..self.dying.len() {
                    if let Some(d) = self.dying.get_mut(i).filter(|d| !d.hung) {
                        d.hung = true;
                        let notice = Notice::Hang(d.pid, d.id.clone());
                        self.log(notice);
                    }
                }
                // They stay in `dying`, so their exit is recognised later; scheduling goes on.
                self.kill_round = None;
            }
            KillRound::Term { .. } | KillRound::Kill { .. } => {}
        }
        self.queue.pop_front()
    }

    // ---------------------------------------------------------------- stop sequence

    /// The share of the stop budget for the level's entries (and the level change's kill
    /// round): what is left after the sweep's grace and kill reserve.
    fn entries_share(&self) -> Duration {
        let budget = self.config.stop_budget.millis();
        Duration::from_millis(budget - budget / 4 - budget / 8)
    }

    fn sweep_grace(&self) -> Duration {
        Duration::from_millis(self.config.stop_budget.millis() / 4)
    }

    fn triggered_pending(&self) -> bool {
        self.procs.iter().zip(self.tab.entries()).any(|(p, e)| {
            matches!(
                e.action,
                Kind::CtrlAltDel | Kind::PowerFail | Kind::PowerWait
            ) && e.levels.contains(self.current)
                && (!p.done || p.running())
        })
    }

    fn enter_stop_level(&mut self, now: Instant, reboot: bool) {
        let level = Level::digit(if reboot { 6 } else { 0 });
        if let Some(level) = level {
            let before = self.current;
            self.change_level(now, level, None);
            if before == level {
                self.begin_stop_level(now, reboot);
            }
        }
    }

    fn begin_stop_level(&mut self, now: Instant, reboot: bool) {
        let started = match self.stop {
            Stop::Pending { started } => started,
            Stop::None | Stop::Level { .. } | Stop::Sweep { .. } => now,
        };
        self.stop = Stop::Level { started, reboot };
    }

    /// Whether the level's own entries (not respawners) are finished.
    fn level_entries_done(&self) -> bool {
        self.procs.iter().zip(self.tab.entries()).all(|(p, e)| {
            !p.running() || matches!(e.action, Kind::Respawn | Kind::OnDemand | Kind::Boot)
        })
    }

    fn start_sweep(&mut self, now: Instant, started: Instant, reboot: bool) -> Option<Action> {
        self.stop = Stop::Sweep { started, reboot };
        let deadline = started.after(self.config.stop_budget);
        let kill_reserve = Duration::from_millis(self.config.stop_budget.millis() / 8);
        let latest_kill =
            Instant::from_millis(deadline.millis().saturating_sub(kill_reserve.millis()));
        let grace = self.sweep_grace().min(latest_kill.since(now));
        let kill_wait = deadline.since(now.after(grace));
        let count = self.procs.iter().filter(|p| p.running()).count() + self.dying.len();
        match self
            .sweep
            .start_within(now, grace, kill_wait, !self.children)
        {
            Step::SignalAll(sig) => {
                self.log(Notice::SweepTerm(count as u16));
                Some(Action::SignalAll(sig))
            }
            Step::Finished | Step::Wait => self.finish(now, started, reboot),
        }
    }

    fn finish(&mut self, now: Instant, started: Instant, reboot: bool) -> Option<Action> {
        self.log(Notice::Stopped(now.since(started)));
        self.push(Action::Sync);
        match (reboot, self.config.reboot_exit) {
            (true, None) if self.reboots.allow(now) => self.push(Action::Reboot),
            (true, None) => {
                let pause = Duration::from_secs(REBOOT_PAUSE_SECS);
                self.log(Notice::RebootLoop(pause));
                self.reboot_at = Some(now.after(pause));
            }
            (true, Some(code)) => self.push(Action::Exit(code)),
            (false, _) => self.push(Action::Exit(0)),
        }
        self.stop = Stop::None;
        self.booted = false;
        self.queue.pop_front()
    }

    fn advance_stop(&mut self, now: Instant) -> Option<Action> {
        match self.stop {
            Stop::None => None,
            Stop::Pending { started } => {
                if now >= started.after(self.entries_share()) || !self.triggered_pending() {
                    self.enter_stop_level(now, false);
                }
                None
            }
            Stop::Level { started, reboot } => {
                let deadline = started.after(self.entries_share());
                if now >= deadline {
                    let mut late: Vec<Id, MAX_ENTRIES> = Vec::new();
                    for (p, e) in self.procs.iter().zip(self.tab.entries()) {
                        if p.running() && !matches!(e.action, Kind::Respawn | Kind::OnDemand) {
                            let _ = late.push(e.id.clone());
                        }
                    }
                    for id in late {
                        self.log(Notice::StopDeadline(id));
                    }
                    self.kill_round = None;
                    return self.start_sweep(now, started, reboot);
                }
                if self.kill_round.is_none()
                    && !self.frozen
                    && self.level_entries_done()
                    && self.nothing_to_start()
                {
                    return self.start_sweep(now, started, reboot);
                }
                None
            }
            Stop::Sweep { started, reboot } => match self.sweep.poll(now, !self.children) {
                Step::Wait => None,
                Step::SignalAll(sig) => {
                    self.log(Notice::SweepKill);
                    Some(Action::SignalAll(sig))
                }
                Step::Finished => self.finish(now, started, reboot),
            },
        }
    }

    /// Whether the scheduler walk would start nothing (checked without side effects).
    fn nothing_to_start(&self) -> bool {
        let level = self.current;
        for (p, e) in self.procs.iter().zip(self.tab.entries()) {
            if p.waiting {
                return false;
            }
            if p.running() || !e.levels.contains(level) {
                continue;
            }
            match e.action {
                Kind::Off | Kind::InitDefault | Kind::Respawn | Kind::OnDemand => {}
                _ if !p.done => return false,
                _ => {}
            }
        }
        true
    }

    /// A further stop signal: move on to the next phase at once.
    fn hurry(&mut self, now: Instant) {
        self.log(Notice::StopHurried);
        match self.stop {
            Stop::None => {}
            Stop::Pending { started } => {
                self.stop = Stop::Level {
                    started,
                    reboot: false,
                };
                self.enter_stop_level(now, false);
                if let Some(a) = self.start_sweep(now, started, false) {
                    self.push(a);
                }
            }
            Stop::Level { started, reboot } => {
                self.kill_round = None;
                if let Some(a) = self.start_sweep(now, started, reboot) {
                    self.push(a);
                }
            }
            Stop::Sweep { .. } => {
                if let Step::SignalAll(sig) = self.sweep.hurry(now) {
                    self.log(Notice::SweepKill);
                    self.push(Action::SignalAll(sig));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::String;
    use std::vec::Vec as StdVec;

    /// `poll_action`, checking what the driver relies on when it returns `None`: the driver
    /// then sleeps until an input or `poll_timeout`, so nothing may be left that a second look
    /// at the same instant would do (a stop once stalled 5.6 s that way), and the deadline is
    /// still ahead (one behind would make PID 1 spin).
    fn next_action(init: &mut Init, now: Instant) -> Option<Action> {
        let action = init.poll_action(now);
        if action.is_none()
            && let Some(late) = init.poll_action(now)
        {
            panic!("poll_action went idle with work left: {late:?}");
        }
        // A deadline already passed would make the driver's poll return at once, forever.
        if action.is_none()
            && let Some(t) = init.poll_timeout()
        {
            assert!(
                t > now,
                "idle with a deadline in the past: {t:?} at {now:?}"
            );
        }
        action
    }

    /// A fake world: answers spawns with fake pids and keeps a virtual clock.
    struct World {
        init: Init,
        now: u64,
        next_pid: Pid,
        /// Every action seen, spawns rendered as `spawn <id>`.
        seen: StdVec<String>,
        exit_code: Option<u8>,
        rebooted: bool,
        /// fork(2) fails (EAGAIN) while set: `forkfail <id>`.
        fork_fails: bool,
    }

    const EAGAIN: i32 = 11;

    fn config() -> Config {
        Config {
            default_level: Level::digit(3).unwrap(),
            stop_budget: Duration::from_secs(8),
            reboot_exit: None,
            forced_level: None,
        }
    }

    fn tab(text: &str) -> Inittab {
        let mut t = Inittab::new();
        t.load(text.as_bytes(), &mut |e| panic!("bad fixture line: {e:?}"));
        t
    }

    fn boot(text: &str) -> World {
        boot_with(text, config())
    }

    fn boot_with(text: &str, config: Config) -> World {
        let mut w = World {
            init: Init::new(tab(text), config),
            now: 1_000,
            next_pid: 100,
            seen: StdVec::new(),
            exit_code: None,
            rebooted: false,
            fork_fails: false,
        };
        w.init.handle_boot(w.t());
        w.drive();
        w
    }

    impl World {
        fn t(&self) -> Instant {
            Instant::from_millis(self.now)
        }

        /// Drains actions; bounded so a livelock fails the test.
        fn drive(&mut self) {
            for _ in 0..1000 {
                let now = self.t();
                let Some(a) = next_action(&mut self.init, now) else {
                    return;
                };
                match a {
                    Action::Spawn(slot) if self.fork_fails => {
                        let id = String::from_utf8(self.init.entries()[slot].id.to_vec()).unwrap();
                        self.seen.push(format!("forkfail {id}"));
                        self.init.handle_fork_failed(self.t(), slot, EAGAIN);
                    }
                    Action::Spawn(slot) => {
                        let id = String::from_utf8(self.init.entries()[slot].id.to_vec()).unwrap();
                        self.seen.push(format!("spawn {id}"));
                        self.next_pid += 1;
                        self.init
                            .handle_spawned(self.t(), slot, Some(self.next_pid));
                    }
                    Action::Signal { pid, sig } => self.seen.push(format!("kill {pid} {sig}")),
                    Action::SignalAll(sig) => self.seen.push(format!("killall {sig}")),
                    Action::Runlevel { new, prev } => {
                        self.seen
                            .push(format!("runlevel {}{}", prev as char, new as char));
                    }
                    Action::BootTime => self.seen.push("boottime".into()),
                    Action::Log(n) => self.seen.push(format!("log {n:?}")),
                    Action::Sync => self.seen.push("sync".into()),
                    Action::Exit(c) => {
                        self.seen.push(format!("exit {c}"));
                        self.exit_code = Some(c);
                    }
                    Action::Reboot => {
                        self.seen.push("reboot".into());
                        self.rebooted = true;
                    }
                }
            }
            panic!("livelock: poll_action never went idle");
        }

        fn take(&mut self) -> StdVec<String> {
            core::mem::take(&mut self.seen)
        }

        fn spawns(&mut self) -> StdVec<String> {
            self.take()
                .into_iter()
                .filter(|s| s.starts_with("spawn"))
                .collect()
        }

        fn pid(&self, id: &str) -> Pid {
            self.init
                .pid_of(id.as_bytes())
                .unwrap_or_else(|| panic!("{id} not running"))
        }

        fn exits(&mut self, id: &str, code: u8) {
            let pid = self.pid(id);
            self.exit_pid(pid, code);
        }

        fn exit_pid(&mut self, pid: Pid, code: u8) {
            let _ = self.init.handle_child_exit(self.t(), pid, Exit::Code(code));
            self.drive();
        }

        fn advance(&mut self, ms: u64) {
            self.now += ms;
            self.drive();
        }

        /// Advances the clock to the next deadline, as the driver's poll would.
        fn advance_to_deadline(&mut self) {
            let d = self.init.poll_timeout().expect("a deadline");
            self.now = self.now.max(d.millis());
            self.drive();
        }

        fn request(&mut self, level: u8) {
            self.init
                .handle_level_request(self.t(), level, Duration::from_secs(3), None);
            self.drive();
        }
    }

    const BASIC: &str = "\
id:3:initdefault:
si::sysinit:/etc/rcS
bw::bootwait:/etc/bootwait
b1::boot:/etc/boot
l3:3:wait:/etc/rc 3
l0:0:wait:/etc/rc 0
o3:3:once:/bin/once
r1:23:respawn:/bin/svc1
";

    #[test]
    fn test_boot_runs_sysinit_then_boot_then_level_behind_the_barrier() {
        let mut w = boot(BASIC);
        assert_eq!(w.spawns(), ["spawn si"]);
        w.exits("si", 0);
        let seen = w.take();
        assert!(seen.contains(&"boottime".to_string()));
        // bootwait is a barrier: boot (after it in the list) waits.
        assert_eq!(
            seen.iter()
                .filter(|s| s.starts_with("spawn"))
                .collect::<StdVec<_>>(),
            ["spawn bw"]
        );
        w.exits("bw", 0);
        // `boot` entries run but do not hold the boot phase: the level is entered at once.
        let seen = w.take();
        let spawns: StdVec<_> = seen.iter().filter(|s| s.starts_with("spawn")).collect();
        assert_eq!(spawns, ["spawn b1", "spawn l3"]);
        assert!(seen.contains(&"runlevel N3".to_string()));
        // l3 is a barrier: o3 and r1 wait for it.
        w.exits("l3", 0);
        assert_eq!(w.spawns(), ["spawn o3", "spawn r1"]);
        assert_eq!(w.init.runlevel_env(), b'3');
        assert_eq!(w.init.poll_timeout(), None);
    }

    #[test]
    fn test_sysinit_sees_runlevel_s_and_prevlevel_n() {
        let w = boot(BASIC);
        assert_eq!(w.init.runlevel_env(), b'S');
        assert_eq!(w.init.prevlevel_env(), b'N');
    }

    #[test]
    fn test_no_initdefault_boots_the_configured_level() {
        let mut w = boot("r:3:respawn:/bin/svc\n");
        let seen = w.take();
        assert!(
            seen.iter().any(|s| s.contains("NoInitdefault(51)")),
            "{seen:?}"
        );
        assert!(seen.contains(&"spawn r".to_string()));
    }

    #[test]
    fn test_forced_level_overrides_initdefault() {
        let mut c = config();
        c.forced_level = Level::digit(5);
        let mut w = boot_with(
            "id:3:initdefault:\nr5:5:respawn:/bin/x\nr3:3:respawn:/bin/y\n",
            c,
        );
        assert_eq!(w.spawns(), ["spawn r5"]);
    }

    #[test]
    fn test_respawn_throttled_after_10_in_2_minutes() {
        let mut w = boot("id:3:initdefault:\ng:3:respawn:/sbin/getty tty1\n");
        let mut starts = w.spawns().len();
        for _ in 0..20 {
            if w.init.pid_of(b"g").is_none() {
                break;
            }
            w.exits("g", 1);
            starts += w.spawns().len();
        }
        assert_eq!(starts, 10, "sysvinit allows 10 starts in the window");
        assert!(w.init.pid_of(b"g").is_none());
        // Disabled for 5 minutes, with a timer armed for the re-enable.
        let deadline = w.init.poll_timeout().unwrap();
        assert_eq!(deadline.millis(), w.now + 300_000);
        w.advance(299_000);
        assert!(w.spawns().is_empty());
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.contains(&"spawn g".to_string()), "{seen:?}");
    }

    #[test]
    fn test_every_entry_throttled_in_one_walk_is_reported() {
        let mut text = String::from("id:3:initdefault:\n");
        for i in 1..=6 {
            text.push_str(&format!("{i}:3:respawn:/sbin/getty tty{i}\n"));
        }
        let mut w = boot(&text);
        let ids = ["1", "2", "3", "4", "5", "6"];
        let mut seen = StdVec::new();
        for _ in 0..11 {
            // All six exit before the loop runs again, so one walk restarts (or refuses) all.
            let pids: StdVec<Pid> = ids
                .iter()
                .filter_map(|id| w.init.pid_of(id.as_bytes()))
                .collect();
            for pid in pids {
                let _ = w.init.handle_child_exit(w.t(), pid, Exit::Code(1));
            }
            w.drive();
            seen.extend(w.take());
        }
        let throttled = seen
            .iter()
            .filter(|s| s.contains("RespawningTooFast"))
            .count();
        assert_eq!(throttled, 6, "{seen:?}");
    }

    #[test]
    fn test_respawn_window_is_fixed_not_sliding() {
        let mut w = boot("id:3:initdefault:\ng:3:respawn:/bin/x\n");
        for _ in 0..9 {
            w.advance(10_000);
            w.exits("g", 0);
        }
        // 10 starts in 90 s; after the window (120 s from the first) the count starts over.
        w.advance(40_000);
        w.exits("g", 0);
        assert!(w.init.pid_of(b"g").is_some());
    }

    #[test]
    fn test_level_change_term_then_kill_after_sleeptime() {
        let mut w = boot(
            "id:3:initdefault:\na:3:respawn:/bin/a\nb:35:respawn:/bin/b\nc:5:respawn:/bin/c\n",
        );
        let pa = w.pid("a");
        let pb = w.pid("b");
        w.take();
        w.request(b'5');
        let seen = w.take();
        assert!(seen.contains(&"runlevel 35".to_string()));
        assert!(seen.contains(&format!("kill {} 15", -pa)), "{seen:?}");
        assert!(
            !seen.iter().any(|s| s.contains(&pb.to_string())),
            "b stays: {seen:?}"
        );
        // Nothing new starts while the kill round runs.
        assert!(!seen.contains(&"spawn c".to_string()));
        w.advance(2_999);
        assert!(w.take().is_empty());
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.contains(&format!("kill {} 9", -pa)), "{seen:?}");
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.iter().any(|s| s.contains("Hang")), "{seen:?}");
        assert!(seen.contains(&"spawn c".to_string()), "{seen:?}");
    }

    #[test]
    fn test_level_change_signals_every_process_of_a_full_table() {
        let mut text = String::from("id:3:initdefault:\n");
        for i in 0..60 {
            text.push_str(&format!("r{i}:3:respawn:/bin/r\n"));
        }
        let mut w = boot(&text);
        assert_eq!(w.spawns().len(), 60);
        w.request(b'5');
        let terms = w
            .take()
            .iter()
            .filter(|s| s.starts_with("kill -") && s.ends_with(" 15"))
            .count();
        assert_eq!(terms, 60, "no signal may be dropped");
    }

    #[test]
    fn test_level_change_ends_early_when_killed_processes_exit() {
        let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nc:5:respawn:/bin/c\n");
        let pa = w.pid("a");
        w.request(b'5');
        w.take();
        w.advance(50);
        w.exit_pid(pa, 0);
        assert_eq!(w.spawns(), ["spawn c"]);
    }

    #[test]
    fn test_exits_name_the_entry_for_its_dead_process_record() {
        let mut w = boot("id:3:initdefault:\na:35:respawn:/bin/a\np:3:respawn:+/bin/p\n");
        let (pa, pp) = (w.pid("a"), w.pid("p"));
        let dead = w.init.handle_child_exit(w.t(), pa, Exit::Code(0));
        assert_eq!(dead.as_deref(), Some(&b"a"[..]));
        assert_eq!(
            w.init.handle_child_exit(w.t(), pp, Exit::Code(0)),
            None,
            "`+`"
        );
        assert_eq!(
            w.init.handle_child_exit(w.t(), 9999, Exit::Code(0)),
            None,
            "orphan"
        );
        w.drive();
        // One killed in a level change (a `dying` process) gets its record too.
        let (pa, pp) = (w.pid("a"), w.pid("p"));
        w.request(b'4');
        let dead = w.init.handle_child_exit(w.t(), pa, Exit::Signal(15));
        assert_eq!(dead.as_deref(), Some(&b"a"[..]));
        assert_eq!(w.init.handle_child_exit(w.t(), pp, Exit::Signal(15)), None);
    }

    /// Level 6's in-place reboot resets the machine field by field: it must then boot exactly
    /// as a new one does, whatever state it was in.
    #[test]
    fn test_reset_boots_like_a_new_machine() {
        let mut w = boot(BASIC);
        w.request(b'5');
        w.advance(1_000);
        w.init.handle_freeze(true);
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        let mut fresh = tab(BASIC);
        w.init.reset(&mut fresh);
        w.take();
        w.init.handle_boot(w.t());
        w.drive();
        let new = boot(BASIC);
        assert_eq!(w.take(), new.seen);
        assert_eq!(w.init.current(), new.init.current());
    }

    #[test]
    fn test_request_for_current_level_does_nothing() {
        let mut w = boot("id:3:initdefault:\no:3:once:/bin/o\n");
        w.exits("o", 0);
        w.take();
        w.request(b'3');
        assert!(w.take().is_empty());
    }

    #[test]
    fn test_once_runs_again_after_leaving_and_coming_back() {
        let mut w = boot("id:3:initdefault:\no:3:once:/bin/o\n");
        w.exits("o", 0);
        w.request(b'4');
        w.request(b'3');
        assert!(w.spawns().contains(&"spawn o".to_string()));
    }

    #[test]
    fn test_reload_applies_a_diff() {
        let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nb:3:respawn:/bin/b\n");
        let pa = w.pid("a");
        let pb = w.pid("b");
        w.take();
        let mut fresh = tab("id:3:initdefault:\nb:3:respawn:/bin/b2\nc:3:respawn:/bin/c\n");
        w.init.handle_reload(w.t(), &mut fresh);
        w.drive();
        let seen = w.take();
        assert!(
            seen.contains(&format!("kill {} 15", -pa)),
            "a vanished: {seen:?}"
        );
        assert!(
            !seen.iter().any(|s| s.contains(&format!("{}", -pb))),
            "b kept: {seen:?}"
        );
        assert_eq!(w.pid("b"), pb);
        w.exit_pid(pa, 0);
        assert_eq!(w.spawns(), ["spawn c"]);
    }

    #[test]
    fn test_reload_kills_entry_whose_action_changed_to_off() {
        let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\n");
        let pa = w.pid("a");
        w.take();
        w.init
            .handle_reload(w.t(), &mut tab("id:3:initdefault:\na:3:off:/bin/a\n"));
        w.drive();
        assert!(w.take().contains(&format!("kill {} 15", -pa)));
    }

    #[test]
    fn test_reexec_request_keeps_children() {
        let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\n");
        let pa = w.pid("a");
        w.take();
        w.request(b'u');
        let seen = w.take();
        assert_eq!(seen, ["log ReExec"]);
        assert_eq!(w.pid("a"), pa);
    }

    #[test]
    fn test_ondemand_letters_mark_entries_without_level_change() {
        let mut w = boot("id:3:initdefault:\nx:a:once:/usr/bin/startDM\nd:b:ondemand:/bin/d\n");
        w.take();
        w.request(b'a');
        let seen = w.take();
        assert!(seen.contains(&"spawn x".to_string()), "{seen:?}");
        assert!(!seen.iter().any(|s| s.starts_with("runlevel")));
        assert_eq!(w.init.current(), Level::digit(3).unwrap());
    }

    #[test]
    fn test_bad_runlevel_is_logged_and_acts_as_q() {
        let mut w = boot("id:3:initdefault:\n");
        w.take();
        w.request(b'z');
        assert!(w.take().iter().any(|s| s.contains("BadRunlevel(122)")));
    }

    #[test]
    fn test_single_user_returns_to_initdefault_when_its_processes_end() {
        let mut w = boot("id:3:initdefault:\nsu:S:wait:/sbin/sulogin\nr:3:respawn:/bin/r\n");
        w.take();
        let pr = w.pid("r");
        w.request(b'S');
        w.exit_pid(pr, 0);
        assert!(w.take().contains(&"spawn su".to_string()));
        w.exits("su", 0);
        let seen = w.take();
        assert!(seen.contains(&"runlevel S3".to_string()), "{seen:?}");
        assert_eq!(w.init.prevlevel_env(), b'S');
    }

    #[test]
    fn test_sigterm_runs_level0_then_term_then_kill() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\nl0:0:wait:/etc/rc 0\n");
        let pr = w.pid("r");
        w.take();
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        let seen = w.take();
        assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
        assert!(seen.contains(&format!("kill {} 15", -pr)));
        w.advance(20);
        w.exit_pid(pr, 0);
        assert_eq!(w.spawns(), ["spawn l0"]);
        w.advance(30);
        w.exits("l0", 0);
        let seen = w.take();
        assert!(seen.contains(&"killall 15".to_string()), "{seen:?}");
        // An orphan ignores TERM: KILL after the grace period, then exit 0.
        w.advance_to_deadline();
        assert!(w.take().contains(&"killall 9".to_string()));
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
        let seen = w.take();
        assert!(seen.contains(&"sync".to_string()));
    }

    #[test]
    fn test_sigterm_kills_a_term_ignoring_service_in_time_for_level0() {
        // Budget 8 s: the entries' share is 5 s; KILL comes after the default 3 s (below two
        // thirds of the share), not at 5 s, where the sweep would start and rc 0 never run.
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\nl0:0:wait:/etc/rc 0\n");
        let pr = w.pid("r");
        let start = w.now;
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert!(w.take().contains(&format!("kill {} 15", -pr)));
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.contains(&format!("kill {} 9", -pr)), "{seen:?}");
        assert_eq!(w.now - start, 3_000);
        w.advance(5);
        w.exit_pid(pr, 137);
        assert_eq!(w.spawns(), ["spawn l0"]);
        w.exits("l0", 0);
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
    }

    #[test]
    fn test_stop_ends_early_when_nothing_is_left() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        let pr = w.pid("r");
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        w.advance(10);
        w.exit_pid(pr, 0);
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
        assert!(w.now < 1_100);
    }

    /// As the driver does it: the reap (exit, then "no children left") and one drain of the
    /// actions, with no extra wake-up. A stop whose level 0 has no entries once waited here for
    /// the entries' share of the budget (5.6 s), because the kill round ended without the stop
    /// being looked at again.
    #[test]
    fn test_stop_without_level0_entries_ends_when_the_kill_round_does() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        let pr = w.pid("r");
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert!(w.take().contains(&format!("kill {} 15", -pr)));
        w.now += 10;
        let _ = w.init.handle_child_exit(w.t(), pr, Exit::Signal(15));
        w.init.handle_children(false);
        w.drive();
        assert_eq!(w.exit_code, Some(0), "{:?}", w.seen);
    }

    /// The same when the service's exit is reaped in the same wake-up as the stop signal, before
    /// the kill round has sent anything.
    #[test]
    fn test_stop_ends_when_the_service_exits_together_with_the_stop_signal() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        let pr = w.pid("r");
        w.init.handle_stop(w.t(), StopCause::Term);
        let _ = w.init.handle_child_exit(w.t(), pr, Exit::Code(0));
        w.init.handle_children(false);
        w.drive();
        assert_eq!(w.exit_code, Some(0), "{:?}", w.seen);
    }

    #[test]
    fn test_hung_level0_entry_is_bounded_by_the_budget() {
        let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert!(w.take().contains(&"spawn l0".to_string()));
        let start = w.now;
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.iter().any(|s| s.contains("StopDeadline")), "{seen:?}");
        assert!(seen.contains(&"killall 15".to_string()));
        w.advance_to_deadline();
        assert!(w.take().contains(&"killall 9".to_string()));
        w.advance_to_deadline();
        assert_eq!(w.exit_code, Some(0));
        assert!(
            w.now - start <= 8_000,
            "inside the budget: {}",
            w.now - start
        );
    }

    #[test]
    fn test_sigint_runs_ctrlaltdel_first_and_reboot_becomes_halt() {
        let mut w = boot(
            "id:3:initdefault:\nca:12345:ctrlaltdel:/sbin/shutdown -r now\nl6:6:wait:/etc/rc 6\nl0:0:wait:/etc/rc 0\n",
        );
        w.take();
        w.init.handle_stop(w.t(), StopCause::Int);
        w.drive();
        assert_eq!(w.spawns(), ["spawn ca"]);
        // The entry asks for a reboot over initctl: it becomes a halt.
        let pca = w.pid("ca");
        w.request(b'6');
        let seen = w.take();
        assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
        w.exit_pid(pca, 0);
        assert_eq!(w.spawns(), ["spawn l0"]);
    }

    #[test]
    fn test_stop_kill_round_waits_at_least_the_default_sleeptime() {
        let mut w = boot(
            "id:3:initdefault:\nca::ctrlaltdel:/sbin/shutdown -t1 -a -r now\nr:3:respawn:/bin/db\nl0:0:wait:/etc/rc 0\n",
        );
        let pr = w.pid("r");
        w.init.handle_stop(w.t(), StopCause::Int);
        w.drive();
        let pca = w.pid("ca");
        // The ctrlaltdel entry asks for level 6 with a 1 s sleep time: a halt, and the db
        // still gets the default 3 s (capped at two thirds of the entries' share) before any KILL.
        w.init
            .handle_level_request(w.t(), b'6', Duration::from_secs(1), None);
        w.drive();
        assert!(w.take().contains(&format!("kill {} 15", -pr)));
        w.advance(1_500);
        assert!(
            !w.take().contains(&format!("kill {} 9", -pr)),
            "no KILL after the request's 1 s"
        );
        w.exit_pid(pca, 0);
        w.exit_pid(pr, 0);
        assert!(w.take().contains(&"spawn l0".to_string()));
    }

    #[test]
    fn test_level_change_outside_a_stop_uses_the_request_sleeptime() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/db\n");
        let pr = w.pid("r");
        w.init
            .handle_level_request(w.t(), b'5', Duration::from_secs(1), None);
        w.drive();
        w.advance(999);
        assert!(!w.take().contains(&format!("kill {} 9", -pr)));
        w.advance(1);
        assert!(w.take().contains(&format!("kill {} 9", -pr)));
    }

    #[test]
    fn test_sigint_without_level_change_still_stops() {
        let mut w = boot("id:3:initdefault:\nca::ctrlaltdel:/bin/log-it\nl0:0:wait:/etc/rc 0\n");
        w.take();
        w.init.handle_stop(w.t(), StopCause::Int);
        w.drive();
        assert_eq!(w.spawns(), ["spawn ca"]);
        w.exits("ca", 0);
        let seen = w.take();
        assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
        assert!(seen.contains(&"spawn l0".to_string()));
    }

    #[test]
    fn test_second_stop_signal_hurries() {
        let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        w.take();
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert!(w.take().contains(&"killall 15".to_string()));
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert!(w.take().contains(&"killall 9".to_string()));
    }

    #[test]
    fn test_telinit_6_reboots_in_place() {
        let mut w = boot("id:3:initdefault:\nl6:6:wait:/etc/rc 6\n");
        w.take();
        w.request(b'6');
        assert_eq!(w.spawns(), ["spawn l6"]);
        w.exits("l6", 0);
        w.init.handle_children(false);
        w.advance(1);
        assert!(w.rebooted);
        assert_eq!(w.exit_code, None);
    }

    #[test]
    fn test_reboot_exit_setting() {
        let mut c = config();
        c.reboot_exit = Some(7);
        let mut w = boot_with("id:3:initdefault:\n", c);
        w.request(b'6');
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(7));
    }

    #[test]
    fn test_power_trigger_runs_power_entries_only_when_triggered() {
        let mut w =
            boot("id:3:initdefault:\npf::powerwait:/etc/pf start\npo::powerokwait:/etc/pf stop\n");
        assert!(w.spawns().is_empty());
        w.init.handle_trigger(w.t(), Trigger::PowerFail);
        w.drive();
        assert_eq!(w.spawns(), ["spawn pf"]);
        w.exits("pf", 0);
        assert!(w.spawns().is_empty(), "runs once per trigger");
        w.init.handle_trigger(w.t(), Trigger::PowerOk);
        w.drive();
        assert_eq!(w.spawns(), ["spawn po"]);
    }

    #[test]
    fn test_kbrequest_on_trigger() {
        let mut w = boot("id:3:initdefault:\nkb::kbrequest:/bin/kb\n");
        assert!(w.spawns().is_empty());
        w.init.handle_trigger(w.t(), Trigger::KbRequest);
        w.drive();
        assert_eq!(w.spawns(), ["spawn kb"]);
    }

    #[test]
    fn test_frozen_init_spawns_nothing_until_thawed() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/r\n");
        w.take();
        w.init.handle_freeze(true);
        w.exits("r", 0);
        assert!(w.spawns().is_empty());
        w.init.handle_freeze(false);
        w.drive();
        assert_eq!(w.spawns(), ["spawn r"]);
    }

    #[test]
    fn test_idle_has_no_timer() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/r\n");
        w.take();
        assert_eq!(w.init.poll_timeout(), None);
    }

    #[test]
    fn test_fixtures_boot_in_sysvinit_order() {
        let debian =
            core::str::from_utf8(include_bytes!("../../tests/fixtures/inittab/debian-12")).unwrap();
        let mut w = boot(debian);
        assert_eq!(w.spawns(), ["spawn si"]);
        w.exits("si", 0);
        assert_eq!(w.spawns(), ["spawn l2"]);
        w.exits("l2", 0);
        assert_eq!(
            w.spawns(),
            [
                "spawn 1", "spawn 2", "spawn 3", "spawn 4", "spawn 5", "spawn 6"
            ]
        );
        let gentoo =
            core::str::from_utf8(include_bytes!("../../tests/fixtures/inittab/gentoo-amd64"))
                .unwrap();
        let mut w = boot(gentoo);
        assert_eq!(w.spawns(), ["spawn si"]);
        w.exits("si", 0);
        assert_eq!(w.spawns(), ["spawn rc"]);
        w.exits("rc", 0);
        assert_eq!(w.spawns(), ["spawn l3"]);
        w.exits("l3", 0);
        assert_eq!(
            w.spawns(),
            [
                "spawn c1", "spawn c2", "spawn c3", "spawn c4", "spawn c5", "spawn c6"
            ]
        );
        // Stop: level 0 runs telinit u, openrc shutdown, halt.sh in order.
        let gettys: StdVec<Pid> = ["c1", "c2", "c3", "c4", "c5", "c6"]
            .iter()
            .map(|id| w.pid(id))
            .collect();
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        for pid in gettys {
            w.exit_pid(pid, 0);
        }
        assert_eq!(w.spawns(), ["spawn l0u"]);
        w.exits("l0u", 0);
        assert_eq!(w.spawns(), ["spawn l0"]);
        w.exits("l0", 0);
        assert_eq!(w.spawns(), ["spawn l0s"]);
        w.exits("l0s", 0);
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
    }

    // ------------------------------------------------------------ failed forks

    /// Counts the actions of `seen` that start with `prefix`.
    fn count(seen: &[String], prefix: &str) -> usize {
        seen.iter().filter(|s| s.starts_with(prefix)).count()
    }

    /// A pids limit: the respawn's fork fails 30 times in a row. Each failure pauses spawning
    /// (50 ms, doubling to 1 s), none counts as a start (the throttle never disables the
    /// entry), one line says so, and the first fork that works ends it with one line.
    #[test]
    fn test_fork_failures_are_retried_with_backoff_and_never_count_as_respawns() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        w.take();
        w.fork_fails = true;
        w.exits("r", 0);
        let mut waits = StdVec::new();
        for _ in 0..30 {
            let at = w.init.poll_timeout().expect("a retry timer");
            waits.push(at.millis() - w.now);
            w.advance_to_deadline();
        }
        assert_eq!(&waits[..6], [50, 100, 200, 400, 800, 1000]);
        assert!(waits.iter().all(|&ms| ms <= 1000), "{waits:?}");
        let seen = w.take();
        assert_eq!(count(&seen, "forkfail r"), 31, "{seen:?}");
        assert_eq!(count(&seen, "log CannotFork"), 1, "{seen:?}");
        assert!(!seen.iter().any(|s| s.contains("RespawningTooFast")));
        w.fork_fails = false;
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.contains(&"spawn r".to_string()), "{seen:?}");
        assert!(seen.contains(&"log ForkWorks(31)".to_string()), "{seen:?}");
        assert_eq!(w.init.poll_timeout(), None, "no timer once it works");
        // The respawn window was not charged: nine quick restarts are still allowed.
        for _ in 0..8 {
            w.exits("r", 1);
        }
        assert!(!w.take().iter().any(|s| s.contains("RespawningTooFast")));
    }

    /// A `wait` entry whose fork fails still holds the entries after it, and runs (once) when
    /// fork works again; the `once` entry after it waits for its exit.
    #[test]
    fn test_fork_failure_keeps_the_wait_barrier_and_runs_the_entry_later() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        w.take();
        w.fork_fails = true;
        let mut fresh =
            tab("id:3:initdefault:\nr:34:respawn:/bin/svc\nw4:4:wait:/w\no4:4:once:/o\n");
        w.init
            .handle_level_request(w.t(), b'4', Duration::from_secs(3), Some(&mut fresh));
        w.drive();
        assert_eq!(
            w.take(),
            [
                "log Switching(52)",
                "runlevel 34",
                "forkfail w4",
                "log CannotFork([119, 52], 11)"
            ]
        );
        for _ in 0..5 {
            w.advance_to_deadline();
        }
        let seen = w.take();
        assert_eq!(count(&seen, "forkfail w4"), 5, "{seen:?}");
        assert_eq!(
            count(&seen, "forkfail o4"),
            0,
            "the barrier holds: {seen:?}"
        );
        w.fork_fails = false;
        w.advance_to_deadline();
        assert_eq!(w.spawns(), ["spawn w4"]);
        w.exits("w4", 0);
        assert_eq!(w.spawns(), ["spawn o4"]);
        w.exits("o4", 0);
        assert!(w.spawns().is_empty(), "each ran once");
    }

    /// The boot phases do not move on past a sysinit entry that could not fork.
    #[test]
    fn test_fork_failure_of_sysinit_holds_the_boot() {
        let mut w = World {
            init: Init::new(tab(BASIC), config()),
            now: 1_000,
            next_pid: 100,
            seen: StdVec::new(),
            exit_code: None,
            rebooted: false,
            fork_fails: true,
        };
        w.init.handle_boot(w.t());
        w.drive();
        w.advance_to_deadline();
        w.advance_to_deadline();
        let seen = w.take();
        assert_eq!(seen.iter().filter(|s| *s == "forkfail si").count(), 3);
        assert!(!seen.contains(&"boottime".to_string()), "{seen:?}");
        w.fork_fails = false;
        w.advance_to_deadline();
        assert_eq!(w.spawns(), ["spawn si"]);
    }

    /// Level 0's `rc 0` cannot fork when the stop begins: it is retried inside the budget and
    /// runs when fork works again; the sweep waits for it.
    #[test]
    fn test_fork_failure_during_a_stop_retries_rc0_within_the_budget() {
        let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
        w.take();
        w.fork_fails = true;
        let start = w.now;
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        while w.now - start < 2_000 {
            w.advance_to_deadline();
        }
        let seen = w.take();
        assert!(count(&seen, "forkfail l0") >= 4, "{seen:?}");
        assert!(!seen.contains(&"killall 15".to_string()), "{seen:?}");
        w.fork_fails = false;
        w.advance_to_deadline();
        assert_eq!(w.spawns(), ["spawn l0"]);
        assert!(
            w.now - start < 5_000,
            "inside the entries' share of the budget"
        );
        w.exits("l0", 0);
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
    }

    /// Two runs of failures inside a minute: one "cannot fork" line; a run after the minute
    /// gets its own.
    #[test]
    fn test_cannot_fork_lines_are_rate_limited() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
        let mut lines = 0;
        for pause in [0, 10_000, 61_000] {
            w.advance(pause);
            w.fork_fails = true;
            w.exits("r", 0);
            w.advance_to_deadline();
            w.fork_fails = false;
            w.advance_to_deadline();
            let seen = w.take();
            lines += count(&seen, "log CannotFork");
            assert!(seen.contains(&"spawn r".to_string()), "{seen:?}");
        }
        assert_eq!(lines, 2);
    }

    // ------------------------------------------------------------ freeze, reboot loop, rounds

    /// SIGTSTP, then a stop: the stop thaws (one line), level 0 runs at once, exit 0 without
    /// waiting for the entries' share of the budget.
    #[test]
    fn test_stop_while_frozen_thaws_and_runs_level0() {
        let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
        w.init.handle_freeze(true);
        w.drive();
        w.take();
        let start = w.now;
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        let seen = w.take();
        assert!(seen.contains(&"log StopThawed".to_string()), "{seen:?}");
        assert!(seen.contains(&"spawn l0".to_string()), "{seen:?}");
        w.exits("l0", 0);
        w.init.handle_children(false);
        w.advance(1);
        assert_eq!(w.exit_code, Some(0));
        assert!(w.now - start < 100);
    }

    /// Boots the machine again after each `Reboot`, as the driver does; returns the reboots.
    fn reboot_in_place(w: &mut World, text: &str) -> usize {
        let mut reboots = 0;
        while w.rebooted && reboots < 100 {
            reboots += 1;
            w.rebooted = false;
            w.init.reset(&mut tab(text));
            w.init.handle_boot(w.t());
            w.drive();
        }
        reboots
    }

    /// A boot target of 6 with nothing to run: 10 reboots in place at once, then a 5-minute
    /// pause (a timer, one line) in which requests are ignored and a stop exits 0 at once.
    #[test]
    fn test_reboot_loop_pauses_and_a_stop_ends_the_pause() {
        let text = "id:6:initdefault:\n";
        let mut w = boot(text);
        assert!(w.rebooted);
        assert_eq!(reboot_in_place(&mut w, text), 10);
        let seen = w.take();
        assert_eq!(count(&seen, "log RebootLoop"), 1, "{seen:?}");
        assert_eq!(
            w.init.poll_timeout().map(Instant::millis),
            Some(w.now + 300_000)
        );
        w.request(b'3');
        assert!(w.take().is_empty(), "requests wait for the next boot");
        // The pause ends: one more burst.
        w.advance_to_deadline();
        assert!(w.rebooted);
        assert_eq!(reboot_in_place(&mut w, text), 10);
        w.advance(1_000);
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        assert_eq!(w.exit_code, Some(0));
        assert!(!w.rebooted);
    }

    /// A process that survives its KILL (stuck in the kernel) is reported once and no later
    /// kill round waits for it: the next level change ends when its own process exits.
    #[test]
    fn test_a_hung_process_does_not_hold_later_kill_rounds() {
        let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nb:4:respawn:/bin/b\n");
        let pa = w.pid("a");
        w.request(b'4');
        w.advance_to_deadline();
        w.advance_to_deadline();
        let seen = w.take();
        assert_eq!(count(&seen, "log Hang"), 1, "{seen:?}");
        assert!(seen.contains(&"spawn b".to_string()), "{seen:?}");
        let pb = w.pid("b");
        w.request(b'3');
        let seen = w.take();
        assert!(seen.contains(&format!("kill {} 15", -pb)), "{seen:?}");
        assert!(!seen.contains(&format!("kill {} 15", -pa)), "{seen:?}");
        assert!(seen.contains(&"log SendingTerm(1)".to_string()), "{seen:?}");
        w.advance(10);
        w.exit_pid(pb, 0);
        assert_eq!(w.spawns(), ["spawn a"]);
        assert_eq!(count(&w.take(), "log Hang"), 0);
        // Its exit, whenever it comes, is still recognised.
        assert_eq!(
            w.init
                .handle_child_exit(w.t(), pa, Exit::Signal(9))
                .as_deref(),
            Some(&b"a"[..])
        );
    }

    /// `telinit -t 600 5` leaves a TERM-ignoring service in a 10-minute kill round; a stop
    /// then bounds the round as its own (KILL after at most two thirds of the entries' share)
    /// and level 0 runs.
    #[test]
    fn test_stop_bounds_a_long_kill_round_of_an_earlier_request() {
        let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/db\nl0:0:wait:/etc/rc 0\n");
        let pr = w.pid("r");
        w.init
            .handle_level_request(w.t(), b'5', Duration::from_secs(600), None);
        w.drive();
        assert!(w.take().contains(&format!("kill {} 15", -pr)));
        let start = w.now;
        w.init.handle_stop(w.t(), StopCause::Term);
        w.drive();
        w.advance_to_deadline();
        let seen = w.take();
        assert!(seen.contains(&format!("kill {} 9", -pr)), "{seen:?}");
        assert!(w.now - start <= 3_334, "KILL after {} ms", w.now - start);
        w.exit_pid(pr, 137);
        assert_eq!(w.spawns(), ["spawn l0"]);
    }

    // ------------------------------------------------------------ seeded chaos

    /// xorshift64*: a fixed, dependency-free sequence per seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A world whose processes obey signals: TERM ends a process after a random delay unless
    /// it ignores TERM, KILL ends it at once; processes of `wait` entries in level 0 may hang.
    struct Chaos {
        init: Init,
        now: u64,
        next_pid: Pid,
        rng: Rng,
        /// Live pid -> (exits at this time if set, ignores TERM).
        live: std::collections::BTreeMap<Pid, (Option<u64>, bool)>,
        exit_code: Option<u8>,
    }

    impl Chaos {
        fn t(&self) -> Instant {
            Instant::from_millis(self.now)
        }

        fn drive(&mut self) {
            for _ in 0..10_000 {
                let now = self.t();
                let Some(a) = next_action(&mut self.init, now) else {
                    return;
                };
                match a {
                    Action::Spawn(slot) if self.rng.below(10) == 0 => {
                        // A pids limit or ENOMEM, now and then.
                        self.init.handle_fork_failed(self.t(), slot, 11);
                    }
                    Action::Spawn(slot) => {
                        self.next_pid += 1;
                        let pid = self.next_pid;
                        // Some processes end by themselves, some ignore TERM.
                        let ends = match self.rng.below(6) {
                            0 => Some(self.now + self.rng.below(10)),
                            1 | 2 => Some(self.now + self.rng.below(3_000)),
                            _ => None,
                        };
                        let stubborn = self.rng.below(8) == 0;
                        self.live.insert(pid, (ends, stubborn));
                        self.init.handle_spawned(self.t(), slot, Some(pid));
                    }
                    Action::Signal { pid, sig } => self.signal(pid.abs(), sig),
                    Action::SignalAll(sig) => {
                        let pids: StdVec<Pid> = self.live.keys().copied().collect();
                        for p in pids {
                            self.signal(p, sig);
                        }
                    }
                    Action::Exit(c) => {
                        self.exit_code = Some(c);
                        return;
                    }
                    Action::Reboot => {
                        // The driver builds a new Init here; this history is over.
                        self.exit_code = Some(u8::MAX);
                        return;
                    }
                    Action::Runlevel { .. } | Action::BootTime | Action::Log(_) | Action::Sync => {}
                }
            }
            panic!("livelock");
        }

        fn signal(&mut self, pid: Pid, sig: u8) {
            let delay = self.rng.below(1_500);
            if let Some(p) = self.live.get_mut(&pid) {
                match sig {
                    SIGKILL => p.0 = Some(self.now),
                    SIGTERM if !p.1 => {
                        let at = self.now + delay;
                        p.0 = Some(p.0.map_or(at, |t| t.min(at)));
                    }
                    _ => {}
                }
            }
        }

        /// Reaps what is due, as the driver does: every exit, then whether children are left.
        fn reap_due(&mut self) {
            let due: StdVec<Pid> = self
                .live
                .iter()
                .filter(|(_, v)| v.0.is_some_and(|t| t <= self.now))
                .map(|(p, _)| *p)
                .collect();
            for pid in due {
                self.live.remove(&pid);
                let _ = self.init.handle_child_exit(self.t(), pid, Exit::Code(0));
            }
            self.init.handle_children(!self.live.is_empty());
            self.drive();
        }

        /// Sleeps as the driver would: to the next exit or the supervisor's deadline.
        fn sleep(&mut self) {
            let exit = self.live.values().filter_map(|v| v.0).min();
            let deadline = self.init.poll_timeout().map(Instant::millis);
            let wake = match (exit, deadline) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => self.now + 1 + self.rng.below(5_000),
            };
            self.now = self.now.max(wake);
            self.reap_due();
        }
    }

    const CHAOS_TABS: [&str; 7] = [
        BASIC,
        "id:3:initdefault:\ns1:3:respawn:/s1\ns2:345:respawn:/s2\n",
        "id:3:initdefault:\nsi::sysinit:/si\nw:3:wait:/w\no:3:once:/o\nr:3:respawn:/r\nl0:0:wait:/rc0\n",
        "id:2:initdefault:\nr2:2:respawn:/r\nr3:3:respawn:/r\nd:a:ondemand:/d\nca::ctrlaltdel:/sd\nl0:0:wait:/rc0\nl6:6:wait:/rc6\n",
        "id:3:initdefault:\np::powerwait:/pw\nr:3:respawn:/r\nk::kbrequest:/k\nl0:0:once:/o0\nl0b:0:wait:/rc0\n",
        "si::sysinit:/si\nbw::bootwait:/bw\nf1:3:respawn:/f\nf2:3:respawn:/f\npn::powerfailnow:/pn\npo::powerokwait:/po\n",
        "id:5:initdefault:\nw5:5:wait:/w\nr:12345:respawn:/r\nS1:S:wait:/single\nl0:0:wait:/rc0\nl6:6:wait:/rc6\n",
    ];

    /// Seeded random histories (exits, level requests, triggers, time) followed by a runtime
    /// stop: the supervisor never livelocks, never goes idle with work left, and always exits 0
    /// within its budget plus the final kill wait, whatever the processes do.
    #[test]
    fn test_chaos_histories_always_stop_within_the_budget() {
        // VINIT_CHAOS_SEEDS=N runs more for a deep local check.
        let seeds = std::env::var("VINIT_CHAOS_SEEDS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(3000u64);
        for seed in 1..=seeds {
            let mut w = Chaos {
                init: Init::new(tab(CHAOS_TABS[(seed % 7) as usize]), config()),
                now: 1_000,
                next_pid: 100,
                rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
                live: std::collections::BTreeMap::new(),
                exit_code: None,
            };
            w.init.handle_boot(w.t());
            w.drive();
            for _ in 0..w.rng.below(40) {
                match w.rng.below(14) {
                    0 | 1 => {
                        let level = b"012345S6abcqux"[w.rng.below(14) as usize];
                        let sleeptime = Duration::from_millis(w.rng.below(4_000));
                        w.init.handle_level_request(w.t(), level, sleeptime, None);
                        w.drive();
                    }
                    2 => {
                        let trigger = [
                            Trigger::KbRequest,
                            Trigger::PowerFail,
                            Trigger::PowerFailNow,
                            Trigger::PowerOk,
                            Trigger::CtrlAltDel,
                        ][w.rng.below(5) as usize];
                        w.init.handle_trigger(w.t(), trigger);
                        w.drive();
                    }
                    3 => {
                        let mut fresh = tab(CHAOS_TABS[w.rng.below(7) as usize]);
                        w.init.handle_reload(w.t(), &mut fresh);
                        w.drive();
                    }
                    4 => {
                        // SIGTSTP / SIGCONT (compat §4); a freeze may still hold when the stop
                        // comes.
                        w.init.handle_freeze(w.rng.below(2) == 0);
                        w.drive();
                    }
                    _ => w.sleep(),
                }
                if w.exit_code.is_some() {
                    break;
                }
            }
            if w.exit_code.is_some() {
                // Ended by a level-0 or level-6 request; the clean ending is checked below for
                // the rest.
                assert!(matches!(w.exit_code, Some(0 | u8::MAX)), "seed {seed}");
                continue;
            }
            let cause =
                [StopCause::Term, StopCause::Int, StopCause::Power][w.rng.below(3) as usize];
            let stop_at = w.now;
            w.init.handle_stop(w.t(), cause);
            w.drive();
            // A second stop signal, sometimes, somewhere in the stop.
            let mut hurry_at = (w.rng.below(4) == 0).then(|| w.now + w.rng.below(6_000));
            for _ in 0..10_000 {
                if hurry_at.is_some_and(|at| w.now >= at) {
                    hurry_at = None;
                    w.init.handle_stop(w.t(), StopCause::Term);
                    w.drive();
                }
                if w.exit_code.is_some() {
                    break;
                }
                w.sleep();
            }
            assert_eq!(w.exit_code, Some(0), "seed {seed}");
            let took = w.now - stop_at;
            assert!(
                took <= 8_000 + crate::sweep::KILL_WAIT.millis(),
                "seed {seed}: stop took {took} ms"
            );
        }
    }
}
