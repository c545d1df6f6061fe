//! The runlevel and supervision state machine: sysvinit's scheduler, boot phases, level
//! changes, respawn throttle and triggered entries, plus the container stop sequence.
//!
//! Sans-IO (quinn-proto's shape): inputs are `handle_*` calls that all take `now`; outputs are
//! `poll_action(now)` (drain it after every input) and `poll_timeout()` (`None` = no timer).
//! No syscalls, no clock. Behaviour: docs/sysvinit-compatibility.md §1.5, §1.7, §1.8, §2, §4, §9.

mod effect;
mod notice;
mod stop;
#[cfg(test)]
mod tests;
mod throttle;

use heapless::{Deque, Vec};

use crate::inittab::{Action as Kind, Entry, Id, Inittab};
use crate::levels::Level;
use crate::limits::{
    ACTION_QUEUE, DEFAULT_SLEEPTIME_SECS, FORK_LOG_INTERVAL_SECS, FORK_RETRY_FIRST_MS,
    FORK_RETRY_MAX_MS, MAX_DYING, MAX_ENTRIES, REBOOT_PAUSE_SECS,
};
use crate::status::{Exit, Pid};
use crate::sweep::{SIGKILL, SIGTERM, Step, Sweep};
use crate::time::{Duration, Instant};

use effect::Queued;
pub use effect::{Action, Config, Spawn, StopCause, Trigger};
pub use notice::Notice;
use stop::{Dying, KillRound, Stop};
pub use throttle::Throttle;
use throttle::{ForkRetry, RebootLimit};

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
    queue: Deque<Queued, ACTION_QUEUE>,
    /// The driver's last census (`handle_census`): what the sweep's lines say.
    census: u32,
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
            census: 0,
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
            census,
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
        *census = 0;
        *fork = ForkRetry::default();
        *reboot_at = None;
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
            self.log(Notice::StopRequested(cause, self.config.stop_budget));
            self.log(Notice::Stopped(Duration::ZERO));
            self.push(Queued::Exit(0));
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
        self.log(Notice::StopRequested(cause, self.config.stop_budget));
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
    /// or `poll_timeout`. It borrows the machine: carry it out, then report.
    #[must_use]
    pub fn poll_action(&mut self, now: Instant) -> Option<Action<'_>> {
        let queued = self.next(now)?;
        self.view(queued)
    }

    /// `poll_action`'s decision, in the queued form.
    fn next(&mut self, now: Instant) -> Option<Queued> {
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
                        Some(Queued::Reboot)
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
                return Some(Queued::Spawn(slot));
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

    fn log(&mut self, notice: Notice<'static>) {
        self.push(Queued::Log(notice));
    }

    /// Queues an action. The queue holds a signal for every process of a full kill round plus
    /// the log lines around it, and is drained after every input, so it does not fill.
    fn push(&mut self, action: Queued) {
        let _ = self.queue.push_back(action);
    }

    /// The scheduler walk of compat §1.7: the first entry to start, honouring barriers.
    fn next_to_start(&mut self, now: Instant) -> Option<usize> {
        let level = self.current;
        let numeric = level != Level::SYSINIT && level != Level::BOOT && level != Level::SINGLE;
        // Notices go straight to the queue (sized for a full table): a small local buffer here
        // once dropped the "respawning too fast" lines of the 5th and 6th getty throttled in one walk.
        let queue = &mut self.queue;
        let mut notice = |n: Notice<'static>| {
            let _ = queue.push_back(Queued::Log(n));
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
            self.push(Queued::BootTime);
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
                self.log(Notice::NoInitdefault(level.byte(), self.config.inittab));
                level
            }
        }
    }

    fn enter(&mut self, level: Level, prev: u8) {
        self.prev = prev;
        self.current = level;
        self.no_more_said = false;
        self.log(Notice::Entering(level.byte()));
        self.push(Queued::Runlevel {
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
        self.push(Queued::Runlevel {
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
}
