//! The runlevel and supervision state machine: sysvinit's scheduler, boot phases, level
//! changes, respawn throttle and triggered entries, plus the container stop sequence.
//!
//! Sans-IO (quinn-proto's shape): inputs are `handle_*` calls that all take `now`; outputs are
//! `poll_effect(now)` (drain it after every input) and `poll_timeout()` (`None` = no timer).
//! No syscalls, no clock. Behaviour: docs/sysvinit-compatibility.md §1.5, §1.7, §1.8, §2, §4, §9.
//!
//! One type, `Init`, spread over files by concern (each an `impl Init` block), from the top:
//! this file (the state, the phase, `poll_effect` and `poll_timeout`), `inputs` and `stopping`
//! (the inputs; the stop's steps carried out), `transition` (boot phases, single-user),
//! `level_change` (level changes, re-reads, where entering 0 or 6 starts the stop),
//! `kill_round`, `schedule` (the scheduler walk), `critical` (`VINIT_CRITICAL`: an entry
//! whose end stops the container). Small machines of their own below them: `stop`
//! (the stop sequence, shaped like `Sweep`), `throttle` (the rate limits), `timers` (every
//! deadline, one table). `effect` is the vocabulary shared with the driver (`Effect`, a view
//! built when an effect is popped, and the answer to its census) and `notice` the log lines'
//! words.
//!
//! A SIGTERM, downwards: `handle_stop` (stopping) starts a `Stop` and enters level 0
//! (level_change), whose re-read starts a kill round (kill_round); then each `poll_effect`
//! advances the stop first (stopping → stop → sweep), the kill round, the walk (schedule), and
//! the stop's last step is `finish` (stopping): `Sync`, then `Exit`.

mod critical;
mod effect;
mod inputs;
mod kill_round;
mod level_change;
mod lxc;
mod notice;
mod report;
mod schedule;
mod stop;
mod stopping;
#[cfg(test)]
mod tests;
mod throttle;
mod timers;
mod transition;

use core::ffi::CStr;

use heapless::{Deque, Vec};

use crate::inittab::{Action, Entry, Id, Inittab};
use crate::levels::Level;
use crate::limits::{
    DEFAULT_SLEEPTIME_SECS, EFFECT_QUEUE, MAX_DYING, MAX_ENTRIES, REBOOT_PAUSE_SECS,
    VERBOSE_QUEUED_MAX,
};
use crate::runtime::Runtime;
use crate::status::{Exit, Pid};
use crate::sweep::{SIGKILL, SIGTERM};
use crate::time::{Duration, Instant};

pub use critical::Critical;
use effect::Queued;
pub use effect::{Act, Config, Effect, Spawn, StopCause, Trigger};
use kill_round::{Dying, KillRound};
pub use notice::Notice;
pub use report::{EntryReport, State, Summary};
use stop::{Progress, Stop, StopStep};
use throttle::{ForkRetry, RebootLimit, Throttle, Verdict};
use timers::{Deadline, Timers};

/// Where the machine is in its life; `poll_effect` matches it, in one place. A tag of its own
/// (`repr(u8)`), so that `Down` is zero bytes (`Init::UNREAD`), not a value in the stop's niche.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Phase {
    /// Not booted: before `handle_boot`, after the stop (its `Exit` or `Reboot` handed out),
    /// or in the reboot-loop pause (the timer table's `reboot`).
    Down,
    /// The boot phases: sysinit, boot, a boot into single-user (compat §1.8).
    Boot,
    /// A level reached: scheduling, level changes, triggers.
    Running,
    /// The stop sequence: its own triggered entries, its level (0 or 6), the final sweep.
    Stopping(Stop),
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
    /// What `vinit status` reports (report.rs): starts since boot, the last exit, and when the
    /// entry last started, exited or was told to die. The last exit also makes a crash loop's
    /// repeats `-v` lines (`Init::handle_child_exit`).
    starts: u32,
    last_exit: Option<Exit>,
    since: Option<Instant>,
}

impl Proc {
    const fn running(&self) -> bool {
        self.pid.is_some() || self.spawning
    }

    /// A row `Init::UNREAD` holds until `read_table` writes every row: all zero bytes, so
    /// that a table of them is one memset, written straight into a static (a `default` row,
    /// unset deadline and no exit, is not zero and would be built on the stack and copied).
    /// Never read: its zero deadline and `Code(0)` exit mean nothing.
    const VACANT: Self = Self {
        pid: None,
        spawning: false,
        waiting: false,
        done: false,
        demand: false,
        throttle: Throttle {
            window_start: None,
            count: 0,
            disabled_until: Deadline::at(Instant::from_millis(0)),
        },
        starts: 0,
        last_exit: Some(Exit::Code(0)),
        since: None,
    };

    /// A fresh state: triggered entries start "already executed" (compat §1.5).
    fn fresh(kind: Action) -> Self {
        Self {
            done: is_triggered(kind),
            ..Self::default()
        }
    }
}

/// Every entry's state as `new` makes it for `tab` (one loop for `restart` and re-reads).
#[inline(never)]
fn fresh_procs(procs: &mut [Proc; MAX_ENTRIES], tab: &Inittab) {
    let mut entries = tab.entries().iter();
    for p in procs.iter_mut() {
        *p = entries
            .next()
            .map_or_else(Proc::default, |e| Proc::fresh(e.action));
    }
}

const fn is_triggered(kind: Action) -> bool {
    kind.is_power_group() || matches!(kind, Action::KbRequest)
}

fn writes_utmp(e: &Entry) -> bool {
    crate::cmdline::writes_utmp(&e.process)
}

/// The init state machine. Call order after every input: drain `poll_effect`, then ask
/// `poll_timeout` for the next deadline.
///
/// `repr(C)`, the fields most code reads first: a field in the first 128 bytes is reached with
/// a one-byte displacement, one past the 26 KB of tables with a four-byte one, at every use.
#[repr(C)]
pub struct Init {
    phase: Phase,
    /// The level init is in ('#', '*', '0'-'9', 'S').
    current: Level,
    kill_round: Option<KillRound>,
    /// The previous level's byte for PREVLEVEL and utmp ('N' at boot).
    prev: u8,
    frozen: bool,
    no_more_said: bool,
    /// Whether vinit has any child at all (the edge reports ECHILD).
    children: bool,
    /// What vinit exits with after a halt: a critical entry's status (critical.rs), else 0.
    exit_status: u8,
    /// The level to go to when the boot phases end.
    boot_target: Option<Level>,
    timers: Timers,
    queue: Deque<Queued, EFFECT_QUEUE>,
    config: Config,
    sleeptime: Duration,
    fork: ForkRetry,
    /// The driver's last census (`handle_census`): what the sweep's lines say.
    census: u32,
    dying: Vec<Dying, MAX_DYING>,
    /// Kept across reboots in place.
    reboots: RebootLimit,
    /// Where the table is read from, for the lines that name it (`configure`); `None` only
    /// in `UNREAD`.
    inittab: Option<&'static CStr>,
    /// The id of the last `dying` process reaped, which `handle_child_exit` answers with.
    reaped: Id,
    procs: [Proc; MAX_ENTRIES],
    tab: Inittab,
}

impl Init {
    /// A machine for `tab`, not yet booted.
    pub fn new(tab: Inittab, config: Config) -> Self {
        let mut init = Self {
            tab,
            config,
            ..Self::UNREAD
        };
        init.restart();
        init
    }

    /// A machine not yet read, as a constant of zero bytes: for PID 1's machine in a static
    /// that no code fills (PID 1's slot is in a `.bss.` section, where a constant with a
    /// non-zero byte does not build: src/sys/static_slot.rs). Every field `restart` sets holds a placeholder of zero bytes until `read_table`
    /// or `reset` runs; call `configure` first.
    pub const UNREAD: Self = {
        const VACANT_PROCS: [Proc; MAX_ENTRIES] = [Proc::VACANT; MAX_ENTRIES];
        const ZERO: Deadline = Deadline::at(Instant::from_millis(0));
        Self {
            tab: Inittab::new(),
            procs: VACANT_PROCS,
            dying: Vec::new(),
            kill_round: Some(KillRound::Pending),
            config: Config {
                default_level: Level::UNSET,
                stop_budget: Duration::ZERO,
                stop_delay: Duration::ZERO,
                reboot_exit: None,
                forced_level: None,
                runtime: Runtime::Other,
                verbose: false,
                critical: Critical::NONE,
            },
            inittab: None,
            reaped: Id::new(),
            phase: Phase::Down,
            current: Level::UNSET,
            prev: 0,
            boot_target: None,
            sleeptime: Duration::ZERO,
            frozen: false,
            no_more_said: false,
            children: false,
            queue: Deque::new(),
            census: 0,
            fork: ForkRetry {
                backoff: Duration::ZERO,
                failures: 0,
                logged: None,
                said: false,
            },
            reboots: RebootLimit {
                window_start: None,
                count: 0,
            },
            timers: Timers {
                kill_round: ZERO,
                fork_retry: ZERO,
                respawn: ZERO,
                reboot: ZERO,
            },
            exit_status: 0,
        }
    };

    /// Gives an `UNREAD` machine its settings and its table's path.
    pub fn configure(&mut self, config: Config, inittab: &'static CStr) {
        self.config = config;
        self.inittab = Some(inittab);
    }

    /// Where the table is read from (empty before `configure`). Not inlined: the `None` test
    /// would be code at each of its callers.
    #[inline(never)]
    pub fn inittab(&self) -> &'static CStr {
        self.inittab.unwrap_or_default()
    }

    /// Level 6 done, booting again in place: the machine `new` makes, with `fresh` as its
    /// table (the old table is left in `fresh`). Call `handle_boot` next. Field by field, not
    /// `*self = new(..)`: that builds a second 26 KB machine on PID 1's stack. The destructuring
    /// names every field, so a new one cannot be forgotten here.
    pub fn reset(&mut self, fresh: &mut Inittab) {
        self.tab.exchange(fresh);
        self.restart();
    }

    /// `reset` with a table `read` straight into the machine's own, for start-up: no second
    /// table is written (`reset`'s swap writes every page of both, and PID 1 keeps its tables
    /// in bss, where a page costs nothing until written). Returns what `read` returns; the
    /// machine is reset either way.
    pub fn read_table(&mut self, read: impl FnOnce(&mut Inittab) -> bool) -> bool {
        let read = read(&mut self.tab);
        self.restart();
        read
    }

    /// The machine `new` makes, with the table it has.
    fn restart(&mut self) {
        let Self {
            tab,
            procs,
            dying,
            kill_round,
            config: _,
            inittab: _,
            reaped: _,
            phase,
            current,
            prev,
            boot_target,
            sleeptime,
            frozen,
            no_more_said,
            children,
            queue,
            census,
            fork,
            reboots: _,
            timers,
            exit_status,
        } = self;
        fresh_procs(procs, tab);
        dying.clear();
        *kill_round = None;
        *phase = Phase::Down;
        *current = Level::SYSINIT;
        *prev = b'N';
        *boot_target = None;
        *sleeptime = Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64);
        *frozen = false;
        *no_more_said = false;
        *children = false;
        queue.clear();
        *census = 0;
        *fork = ForkRetry::default();
        *timers = Timers::default();
        *exit_status = 0;
    }

    /// The current level ('#', '*', digits, 'S').
    pub const fn current(&self) -> Level {
        self.current
    }

    /// The pid of a running entry, by id.
    #[cfg(test)]
    pub fn pid_of(&self, id: &[u8]) -> Option<Pid> {
        let slot = self.tab.position(id)?;
        self.procs.get(usize::from(slot))?.pid
    }

    // ---------------------------------------------------------------- outputs

    /// The next thing the driver must do, `None` when there is nothing until the next input
    /// or `poll_timeout`. It borrows the machine: carry it out, then report.
    #[must_use]
    #[inline(never)]
    pub fn poll_effect(&mut self, now: Instant) -> Option<Effect<'_>> {
        let queued = self.next(now)?;
        self.view(queued)
    }

    /// `poll_effect`'s decision, in the queued form.
    fn next(&mut self, now: Instant) -> Option<Queued> {
        // A past retry time is cleared here, before any early return, so `poll_timeout` never
        // reports a deadline that has gone by (the driver would wake up at once, again and
        // again).
        if self.timers.fork_retry.due(now) {
            self.timers.fork_retry = Deadline::NONE;
        }
        // Bounded: every pass either returns an effect, changes phase, or ends the loop.
        for _ in 0..8 {
            if let Some(a) = self.queue.pop_front() {
                return Some(a);
            }
            let may_spawn = match &self.phase {
                Phase::Down => return self.poll_reboot(now),
                Phase::Boot | Phase::Running => true,
                Phase::Stopping(_) => {
                    // Handed out by the next pass, in the order queued.
                    if self.advance_stop(now) {
                        continue;
                    }
                    matches!(&self.phase, Phase::Stopping(stop) if stop.spawns())
                }
            };
            let in_round = self.kill_round.is_some();
            // What the round queues is handed out by the next pass.
            self.advance_kill_round(now);
            // A round that just ended may let the stop move on: look at it again now, not at
            // its deadline (a stop with no level-0 entries once waited 5.6 s here).
            if !self.queue.is_empty() || (in_round && self.kill_round.is_none()) {
                continue;
            }
            if self.kill_round.is_some()
                || self.frozen
                || self.timers.fork_retry.is_set()
                || !may_spawn
            {
                return None;
            }
            if let Some(slot) = self.next_to_start(now) {
                return Some(self.spawn(slot));
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

    /// When the driver must call `poll_effect` again even if nothing happens; `None` means
    /// block without a timer.
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Instant> {
        let stop = match &self.phase {
            Phase::Stopping(stop) => stop.deadline(),
            Phase::Down | Phase::Boot | Phase::Running => None,
        };
        self.timers.earliest(Deadline::from(stop))
    }

    // ---------------------------------------------------------------- internals

    /// The start of `slot`, which the scheduler walk has chosen.
    fn spawn(&self, slot: usize) -> Queued {
        Queued::Spawn(slot)
    }

    /// Down: the end of the reboot-loop pause boots again.
    fn poll_reboot(&mut self, now: Instant) -> Option<Queued> {
        if !self.timers.reboot.due(now) {
            return None;
        }
        self.timers.reboot = Deadline::NONE;
        // The first reboot of a new window.
        let _ = self.reboots.allow(now);
        Some(Queued::Do(Act::Reboot))
    }

    fn log(&mut self, notice: Notice<'static>) {
        self.push(Queued::Log(notice));
    }

    /// Queues an effect that needs nothing from the table: the `Act` goes in a register, where
    /// a `Queued` is built in memory at every call site.
    #[inline(never)]
    fn act(&mut self, act: Act) {
        self.push(Queued::Do(act));
    }

    /// Queues an effect. The queue holds a signal for every process of a full kill round plus
    /// the log lines around it, and is drained after every input, so it does not fill.
    #[inline(never)]
    fn push(&mut self, action: Queued) {
        enqueue(&mut self.queue, action);
    }
}

/// `Init::push` for a caller that holds the queue apart from the machine. Out of line, and the
/// one caller of `push_back`: the effect `push_back` hands back when full is returned in memory,
/// and no call site then makes room for one.
#[inline(never)]
fn enqueue(queue: &mut Deque<Queued, EFFECT_QUEUE>, action: Queued) {
    let _ = queue.push_back(action);
}
