//! The end-of-life sweep, as a pure state machine: every process left gets SIGTERM, then a
//! grace period, then SIGKILL, then vinit waits (bounded) for the last reaps and exits.
//!
//! Each phase ends early the moment nothing is left (the driver reports `all_gone`). Used by
//! single-command mode after the main child exits, and by the stop sequence of inittab mode.
#![forbid(unsafe_code)]

use crate::time::{Duration, Instant};

/// How long to wait for SIGKILLed processes to be reaped before giving up: SIGKILL cannot be
/// caught, so only a process stuck in the kernel (D state) takes longer.
pub const KILL_WAIT: Duration = Duration::from_millis(2000);

/// Where the sweep is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not started.
    Idle,
    /// SIGTERM sent; waiting until `deadline` for everything to exit.
    Term { deadline: Instant },
    /// SIGKILL sent; waiting until `deadline` for the reaps.
    Kill { deadline: Instant },
    /// Finished: nothing left, or the kill wait ran out.
    Done,
}

/// What the driver must do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Send this signal to every remaining process.
    SignalAll(u8),
    /// Nothing to do until the next event or the deadline.
    Wait,
    /// The sweep is over.
    Finished,
}

pub use crate::status::signal::{SIGKILL, SIGTERM};

/// The sweep's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sweep {
    phase: Phase,
    kill_wait: Duration,
}

impl Default for Sweep {
    fn default() -> Self {
        Self::new()
    }
}

impl Sweep {
    /// An idle sweep.
    pub const fn new() -> Self {
        Self {
            phase: Phase::Idle,
            kill_wait: KILL_WAIT,
        }
    }

    /// Current phase.
    pub const fn phase(&self) -> Phase {
        self.phase
    }

    /// Starts the sweep: TERM now, KILL after `grace` (zero grace means KILL at once), then
    /// waiting at most `kill_wait` for the reaps (`KILL_WAIT`, or a stop budget's last share).
    #[must_use]
    pub fn start_within(
        &mut self,
        now: Instant,
        grace: Duration,
        kill_wait: Duration,
        all_gone: bool,
    ) -> Step {
        self.kill_wait = kill_wait;
        if all_gone {
            self.phase = Phase::Done;
            return Step::Finished;
        }
        if grace == Duration::ZERO {
            return self.kill(now);
        }
        self.phase = Phase::Term {
            deadline: now.after(grace),
        };
        Step::SignalAll(SIGTERM)
    }

    /// Cuts the grace period short (a second stop signal): KILL now.
    #[must_use]
    pub fn hurry(&mut self, now: Instant) -> Step {
        match self.phase {
            Phase::Term { .. } => self.kill(now),
            Phase::Idle | Phase::Kill { .. } | Phase::Done => Step::Wait,
        }
    }

    /// Advances on a wake-up: `all_gone` is true when no process is left to wait for.
    #[must_use]
    pub fn poll(&mut self, now: Instant, all_gone: bool) -> Step {
        match self.phase {
            Phase::Idle => Step::Wait,
            Phase::Done => Step::Finished,
            Phase::Term { .. } | Phase::Kill { .. } if all_gone => {
                self.phase = Phase::Done;
                Step::Finished
            }
            Phase::Term { deadline } if now >= deadline => self.kill(now),
            Phase::Kill { deadline } if now >= deadline => {
                self.phase = Phase::Done;
                Step::Finished
            }
            Phase::Term { .. } | Phase::Kill { .. } => Step::Wait,
        }
    }

    /// KILL now, then the wait for the reaps: one copy for the three ways there.
    #[inline(never)]
    fn kill(&mut self, now: Instant) -> Step {
        self.phase = Phase::Kill {
            deadline: now.after(self.kill_wait),
        };
        Step::SignalAll(SIGKILL)
    }

    /// When the driver must wake up next; `None` while idle or done.
    pub const fn deadline(&self) -> Option<Instant> {
        match self.phase {
            Phase::Term { deadline } | Phase::Kill { deadline } => Some(deadline),
            Phase::Idle | Phase::Done => None,
        }
    }
}

/// The stop budget of single-command mode: from the first stop signal forwarded to the main
/// child, everything must be gone by `end`. Whatever still runs at `kill_at` gets KILL, which
/// leaves the budget's last eighth for the reaps (as in inittab mode's stop).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    started: Instant,
    len: Duration,
    /// Computed once, at the start: read at every wake-up while the child runs.
    kill_at: Instant,
}

impl Budget {
    /// A budget of `len` starting at `started`.
    pub const fn new(started: Instant, len: Duration) -> Self {
        let ms = len.millis();
        Self {
            started,
            len,
            kill_at: started.after(Duration::from_millis(ms - ms / 8)),
        }
    }

    /// When it started.
    pub const fn started(&self) -> Instant {
        self.started
    }

    /// Its length.
    pub const fn len(&self) -> Duration {
        self.len
    }

    /// When whatever is left gets KILL.
    pub const fn kill_at(&self) -> Instant {
        self.kill_at
    }

    /// When the sweep must be over.
    pub const fn end(&self) -> Instant {
        self.started.after(self.len)
    }

    /// The grace and kill wait of a sweep started at `now` that wants `grace`: KILL goes out by
    /// `kill_at` at the latest, and the wait for the reaps ends by `end` (and within
    /// `KILL_WAIT`).
    pub fn bound(&self, now: Instant, grace: Duration) -> (Duration, Duration) {
        let grace = grace.min(self.kill_at().since(now));
        let kill_wait = KILL_WAIT.min(self.end().since(now.after(grace)));
        (grace, kill_wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn t(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    impl Sweep {
        fn start(&mut self, now: Instant, grace: Duration, all_gone: bool) -> Step {
            self.start_within(now, grace, KILL_WAIT, all_gone)
        }
    }

    #[test]
    fn test_idle_has_no_deadline() {
        let mut s = Sweep::new();
        assert_eq!(s.deadline(), None);
        assert_eq!(s.poll(t(5), true), Step::Wait);
    }

    #[test]
    fn test_term_then_kill_after_grace() {
        let mut s = Sweep::new();
        assert_eq!(
            s.start(t(0), Duration::from_secs(3), false),
            Step::SignalAll(SIGTERM)
        );
        assert_eq!(s.deadline(), Some(t(3000)));
        assert_eq!(s.poll(t(2999), false), Step::Wait);
        assert_eq!(s.poll(t(3000), false), Step::SignalAll(SIGKILL));
        assert_eq!(s.deadline(), Some(t(3000 + KILL_WAIT.millis())));
        assert_eq!(s.poll(t(3001), true), Step::Finished);
        assert_eq!(s.deadline(), None);
    }

    #[test]
    fn test_ends_early_when_all_gone() {
        let mut s = Sweep::new();
        assert_eq!(
            s.start(t(0), Duration::from_secs(3), false),
            Step::SignalAll(SIGTERM)
        );
        assert_eq!(s.poll(t(50), true), Step::Finished);
        let mut s = Sweep::new();
        assert_eq!(s.start(t(0), Duration::from_secs(3), true), Step::Finished);
    }

    #[test]
    fn test_zero_grace_and_hurry_kill_at_once() {
        let mut s = Sweep::new();
        assert_eq!(
            s.start(t(0), Duration::ZERO, false),
            Step::SignalAll(SIGKILL)
        );
        let mut s = Sweep::new();
        let _ = s.start(t(0), Duration::from_secs(3), false);
        assert_eq!(s.hurry(t(10)), Step::SignalAll(SIGKILL));
        assert_eq!(s.hurry(t(11)), Step::Wait);
    }

    #[test]
    fn test_budget_kills_at_seven_eighths_and_ends_on_time() {
        let b = Budget::new(t(1000), Duration::from_secs(8));
        assert_eq!(b.kill_at(), t(8000));
        assert_eq!(b.end(), t(9000));
        // A sweep started early keeps its grace; the kill wait ends by the budget's end.
        assert_eq!(
            b.bound(t(1500), Duration::from_secs(5)),
            (Duration::from_secs(5), Duration::from_millis(2000))
        );
        // A grace that would run past the kill point is cut to it.
        assert_eq!(
            b.bound(t(4000), Duration::from_secs(30)),
            (Duration::from_secs(4), Duration::from_secs(1))
        );
        // Past the kill point: KILL at once, and only what is left of the budget to reap.
        assert_eq!(
            b.bound(t(8500), Duration::from_secs(5)),
            (Duration::ZERO, Duration::from_millis(500))
        );
        assert_eq!(
            b.bound(t(9500), Duration::from_secs(5)),
            (Duration::ZERO, Duration::ZERO)
        );
    }

    #[test]
    fn test_budget_sweep_finishes_by_the_end_whatever_is_left() {
        let b = Budget::new(t(0), Duration::from_secs(1));
        let mut s = Sweep::new();
        let (grace, kill_wait) = b.bound(t(100), Duration::from_secs(5));
        assert_eq!(
            s.start_within(t(100), grace, kill_wait, false),
            Step::SignalAll(SIGTERM)
        );
        assert_eq!(s.poll(t(874), false), Step::Wait);
        assert_eq!(s.poll(t(875), false), Step::SignalAll(SIGKILL));
        assert_eq!(s.deadline(), Some(t(1000)));
        assert_eq!(s.poll(t(1000), false), Step::Finished);
    }

    #[test]
    fn test_kill_wait_is_bounded() {
        let mut s = Sweep::new();
        let _ = s.start(t(0), Duration::ZERO, false);
        assert_eq!(s.poll(t(KILL_WAIT.millis()), false), Step::Finished);
    }
}
