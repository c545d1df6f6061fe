//! The container stop sequence as a machine of its own, shaped like `Sweep` (compat §9 design
//! notes): the stop's own triggered entries first, then level 0 (or 6) inside its share of the
//! budget, then the final sweep. It never touches the machine around it: it says what to do
//! next (`StopStep`), and its owner carries that out.

use super::StopCause;
use crate::limits::DEFAULT_SLEEPTIME_SECS;
use crate::sweep::{Step, Sweep};
use crate::time::{Duration, Instant};

/// Where the stop is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// A stop signal arrived and the drain delay (`VINIT_STOP_DELAY`) runs: nothing stops
    /// yet, so a load balancer can take the container out first. Inside the budget.
    Draining,
    /// The stop begins: its own entries (ctrlaltdel, powerwait/powerfail) run first,
    /// then level 0.
    Pending,
    /// In level 0 or 6: the level's entries run until they are done or the entries' share of
    /// the budget runs out.
    Level,
    /// The final sweep: TERM, grace, KILL.
    Sweep,
}

/// What the owner sees of the machine at a wake-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Progress {
    /// A triggered entry of the stop (ctrlaltdel, powerwait/powerfail) is still to run or runs.
    pub(super) triggered_pending: bool,
    /// The level's entries are done and nothing is left to start: no kill round, not frozen.
    pub(super) settled: bool,
    /// No child is left at all.
    pub(super) all_gone: bool,
}

/// What the owner must do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StopStep {
    /// Nothing until the next input or the stop's deadline.
    Wait,
    /// The drain delay is over (or a second stop signal ended it): begin the stop for this
    /// cause, as a stop signal without a delay does.
    Begin(StopCause),
    /// Enter level 0: the stop's own entries are done, or their time is up.
    EnterLevel,
    /// Start the sweep (`start_sweep`): the level's entries are done, or `overdue` (their
    /// share of the budget ran out, and the ones still running are to be named). Any kill
    /// round ends here.
    StartSweep { overdue: bool },
    /// The sweep began: send this signal to every process.
    SweepStarted(u8),
    /// The sweep's grace ran out (or was cut short): send this signal to every process.
    SweepKill(u8),
    /// The stop is complete: reboot in place or exit. How long it took is asked of the stop
    /// (`Stop::took`), so a step fits in a register.
    Done { reboot: bool },
}

/// The stop's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stop {
    /// When the budget started: the stop signal, or entering level 0/6.
    started: Instant,
    /// The whole stop, from `started` to exit.
    budget: Duration,
    /// Level 6: boot again in place at the end.
    reboot: bool,
    /// The stop signal's cause, for the stop that begins after the drain.
    cause: StopCause,
    /// The end of the drain delay.
    drained: Instant,
    stage: Stage,
    sweep: Sweep,
}

impl Stop {
    /// A stop signal (`cause`) arrived at `now`: after `delay` (the drain, from the budget;
    /// `settings` keeps it inside the entries' share), the stop's own entries run first.
    pub(super) const fn requested(
        now: Instant,
        budget: Duration,
        delay: Duration,
        cause: StopCause,
    ) -> Self {
        Self {
            started: now,
            budget,
            reboot: false,
            cause,
            drained: now.after(delay),
            stage: if delay.millis() > 0 {
                Stage::Draining
            } else {
                Stage::Pending
            },
            sweep: Sweep::new(),
        }
    }

    /// The drain is over: the stop's own entries run (the owner marks them).
    pub(super) fn begin(&mut self) {
        self.stage = Stage::Pending;
    }

    /// Level 0 (or 6, `reboot`) was entered at `now` without a stop signal (`telinit 0`, a
    /// boot target of 0).
    pub(super) const fn at_level(now: Instant, reboot: bool, budget: Duration) -> Self {
        Self {
            started: now,
            budget,
            reboot,
            cause: StopCause::Term,
            drained: now,
            stage: Stage::Level,
            sweep: Sweep::new(),
        }
    }

    /// Level 0 (or 6) was entered during the stop: the level's entries run. The budget of a
    /// pending stop goes on; any other starts again at `now`.
    pub(super) fn enter_level(&mut self, now: Instant, reboot: bool) {
        if !matches!(self.stage, Stage::Pending | Stage::Draining) {
            self.started = now;
        }
        self.reboot = reboot;
        self.stage = Stage::Level;
    }

    /// A stop signal during a reboot: the runtime wants it gone, so it ends in exit.
    pub(super) fn halt(&mut self) {
        self.reboot = false;
    }

    /// Whether the scheduler may start entries (not during the sweep).
    pub(super) fn spawns(&self) -> bool {
        self.stage != Stage::Sweep
    }

    /// Whether the stop runs its level's entries.
    pub(super) fn in_level(&self) -> bool {
        self.stage == Stage::Level
    }

    /// The share of the budget for the level's entries (and a level change's kill round):
    /// what is left after the sweep's grace and kill reserve.
    fn entries_share(&self) -> Duration {
        let budget = self.budget.millis();
        Duration::from_millis(budget - budget / 4 - budget / 8)
    }

    /// Out of line: the stop's deadline, its poll and a kill round's deadline each ask.
    #[inline(never)]
    fn entries_deadline(&self) -> Instant {
        self.started.after(self.entries_share())
    }

    /// The stop's next deadline.
    pub(super) fn deadline(&self) -> Option<Instant> {
        match self.stage {
            Stage::Draining => Some(self.drained),
            Stage::Pending | Stage::Level => Some(self.entries_deadline()),
            Stage::Sweep => self.sweep.deadline(),
        }
    }

    /// A kill round's KILL deadline during the stop: at least sysvinit's default 3 s (a
    /// `shutdown -t1` written for a machine halt must not cut a service's flush short) and at
    /// most two thirds of what is left of the entries' share of the budget: the level's own
    /// entries (`rc 0`) start only after the round, so a service that ignores SIGTERM must not
    /// use up their time. In the sweep, the request's `sleeptime`.
    pub(super) fn kill_deadline(&self, now: Instant, sleeptime: Duration) -> Instant {
        match self.stage {
            Stage::Draining | Stage::Pending | Stage::Level => {
                let floor = sleeptime.max(Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64));
                let left = self.entries_deadline().since(now);
                now.after(floor.min(Duration::from_millis(left.millis() * 2 / 3)))
            }
            Stage::Sweep => now.after(sleeptime),
        }
    }

    /// Advances on a wake-up.
    pub(super) fn poll(&mut self, now: Instant, progress: Progress) -> StopStep {
        // Computed once for both stages that ask.
        let overdue = now >= self.entries_deadline();
        match self.stage {
            Stage::Draining if now >= self.drained => StopStep::Begin(self.cause),
            Stage::Draining => StopStep::Wait,
            Stage::Pending if overdue || !progress.triggered_pending => StopStep::EnterLevel,
            Stage::Pending => StopStep::Wait,
            Stage::Level if overdue => StopStep::StartSweep { overdue: true },
            Stage::Level if progress.settled => StopStep::StartSweep { overdue: false },
            Stage::Level => StopStep::Wait,
            Stage::Sweep => match self.sweep.poll(now, progress.all_gone) {
                Step::Wait => StopStep::Wait,
                Step::SignalAll(sig) => StopStep::SweepKill(sig),
                Step::Finished => self.done(),
            },
        }
    }

    /// Starts the final sweep at `now`: a grace of a quarter of the budget (less if the
    /// budget's KILL point comes first), then KILL, and the budget's last eighth for the reaps.
    pub(super) fn start_sweep(&mut self, now: Instant, all_gone: bool) -> StopStep {
        self.stage = Stage::Sweep;
        let budget = self.budget.millis();
        let deadline = self.started.after(self.budget);
        // The deadline is the budget after the start: an eighth of it back is no underflow.
        let latest_kill = Instant::from_millis(deadline.millis() - budget / 8);
        let grace = Duration::from_millis(budget / 4).min(latest_kill.since(now));
        let kill_wait = deadline.since(now.after(grace));
        match self.sweep.start_within(now, grace, kill_wait, all_gone) {
            Step::SignalAll(sig) => StopStep::SweepStarted(sig),
            Step::Finished | Step::Wait => self.done(),
        }
    }

    /// A further stop signal: move on to the next stage at once. From `Pending`, the owner
    /// enters level 0 and starts the sweep; from `Draining`, it begins the stop.
    pub(super) fn hurry(&mut self, now: Instant) -> StopStep {
        match self.stage {
            Stage::Draining => StopStep::Begin(self.cause),
            Stage::Pending => StopStep::EnterLevel,
            Stage::Level => StopStep::StartSweep { overdue: false },
            Stage::Sweep => match self.sweep.hurry(now) {
                Step::SignalAll(sig) => StopStep::SweepKill(sig),
                Step::Wait | Step::Finished => StopStep::Wait,
            },
        }
    }

    const fn done(&self) -> StopStep {
        StopStep::Done {
            reboot: self.reboot,
        }
    }

    /// How long the stop took, at its end (`StopStep::Done`).
    pub(super) const fn took(&self, now: Instant) -> Duration {
        now.since(self.started)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::{SIGKILL, SIGTERM};

    const fn t(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    const IDLE: Progress = Progress {
        triggered_pending: false,
        settled: false,
        all_gone: false,
    };

    #[test]
    fn test_pending_waits_for_its_entries_then_enters_the_level() {
        let mut s = Stop::requested(
            t(0),
            Duration::from_secs(8),
            Duration::ZERO,
            StopCause::Term,
        );
        let busy = Progress {
            triggered_pending: true,
            ..IDLE
        };
        assert_eq!(s.poll(t(10), busy), StopStep::Wait);
        assert_eq!(s.deadline(), Some(t(5_000)));
        assert_eq!(s.poll(t(20), IDLE), StopStep::EnterLevel);
        assert_eq!(s.poll(t(5_000), busy), StopStep::EnterLevel);
        // The budget goes on from the stop signal.
        s.enter_level(t(30), false);
        assert_eq!(s.deadline(), Some(t(5_000)));
    }

    #[test]
    fn test_draining_waits_inside_the_budget_then_begins() {
        let budget = Duration::from_secs(8);
        let mut s = Stop::requested(t(0), budget, Duration::from_secs(2), StopCause::Int);
        assert!(s.spawns());
        assert_eq!(s.deadline(), Some(t(2_000)));
        assert_eq!(s.poll(t(1_999), IDLE), StopStep::Wait);
        assert_eq!(s.poll(t(2_000), IDLE), StopStep::Begin(StopCause::Int));
        s.begin();
        // The budget runs from the signal: the entries' share ends at 5 s, not 7 s.
        assert_eq!(s.deadline(), Some(t(5_000)));
        s.enter_level(t(2_010), false);
        assert_eq!(s.deadline(), Some(t(5_000)));
        // A second stop signal ends the drain at once.
        let mut s = Stop::requested(t(0), budget, Duration::from_secs(2), StopCause::Term);
        assert_eq!(s.hurry(t(500)), StopStep::Begin(StopCause::Term));
    }

    #[test]
    fn test_level_sweeps_when_settled_or_overdue() {
        let mut s = Stop::at_level(t(1_000), true, Duration::from_secs(8));
        assert_eq!(s.poll(t(1_500), IDLE), StopStep::Wait);
        let settled = Progress {
            settled: true,
            ..IDLE
        };
        assert_eq!(
            s.poll(t(1_600), settled),
            StopStep::StartSweep { overdue: false }
        );
        assert_eq!(
            s.poll(t(6_000), IDLE),
            StopStep::StartSweep { overdue: true }
        );
        // A level entered again during the stop starts the budget again.
        s.enter_level(t(2_000), false);
        assert_eq!(s.deadline(), Some(t(7_000)));
    }

    #[test]
    fn test_sweep_inside_the_budget_then_done() {
        let mut s = Stop::at_level(t(0), true, Duration::from_secs(8));
        assert_eq!(
            s.start_sweep(t(1_000), false),
            StopStep::SweepStarted(SIGTERM)
        );
        assert!(!s.spawns());
        assert_eq!(s.deadline(), Some(t(3_000)));
        assert_eq!(s.poll(t(3_000), IDLE), StopStep::SweepKill(SIGKILL));
        assert_eq!(s.deadline(), Some(t(8_000)));
        let gone = Progress {
            all_gone: true,
            ..IDLE
        };
        assert_eq!(s.poll(t(3_100), gone), StopStep::Done { reboot: true });
        assert_eq!(s.took(t(3_100)), Duration::from_millis(3_100));
    }

    #[test]
    fn test_hurry_moves_on_one_stage() {
        let mut s = Stop::requested(
            t(0),
            Duration::from_secs(8),
            Duration::ZERO,
            StopCause::Term,
        );
        assert_eq!(s.hurry(t(1)), StopStep::EnterLevel);
        s.enter_level(t(1), false);
        assert_eq!(s.hurry(t(2)), StopStep::StartSweep { overdue: false });
        let _ = s.start_sweep(t(2), false);
        assert_eq!(s.hurry(t(3)), StopStep::SweepKill(SIGKILL));
        assert_eq!(s.hurry(t(4)), StopStep::Wait);
        s.halt();
        let gone = Progress {
            all_gone: true,
            ..IDLE
        };
        assert_eq!(s.poll(t(5), gone), StopStep::Done { reboot: false });
        assert_eq!(s.took(t(5)), Duration::from_millis(5));
    }
}
