//! Every deadline of the machine in one table, but the stop's (its state gives it, so no slot
//! has to be kept in step with it): `poll_timeout` is the earliest of them, and an idle machine
//! has none (the driver then blocks without a timer).

use crate::time::Instant;

/// One slot per kind of deadline; a slot is set exactly while its machine waits for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Timers {
    /// The kill round's next step: its KILL, or its report of hung processes.
    pub(super) kill_round: Deadline,
    /// Spawning resumes after a failed fork.
    pub(super) fork_retry: Deadline,
    /// The earliest end of a respawn throttle's disable.
    pub(super) respawn: Deadline,
    /// The reboot-loop pause ends: boot again.
    pub(super) reboot: Deadline,
}

impl Timers {
    /// The next deadline, the stop's (`stop`) included; `None` when nothing is scheduled.
    pub(super) fn earliest(&self, stop: Deadline) -> Option<Instant> {
        (self.kill_round)
            .min(stop)
            .min(self.fork_retry)
            .min(self.respawn)
            .min(self.reboot)
            .get()
    }
}

/// One slot of the table: a time on the clock in milliseconds, or `NONE` (the largest, so
/// that testing a slot is one compare and the earliest of several a plain `min`, without a
/// branch per `Option`). No real deadline is that far (585 million years; a deadline that
/// saturates there is never reached anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Deadline(u64);

impl Default for Deadline {
    fn default() -> Self {
        Self::NONE
    }
}

impl Deadline {
    /// Unset.
    pub(super) const NONE: Self = Self(u64::MAX);

    /// Set to `at`.
    pub(super) const fn at(at: Instant) -> Self {
        Self(at.millis())
    }

    /// Set to `at`, or unset.
    pub(super) fn from(at: Option<Instant>) -> Self {
        at.map_or(Self::NONE, Self::at)
    }

    /// The time, `None` when unset.
    pub(super) fn get(self) -> Option<Instant> {
        (self != Self::NONE).then_some(Instant::from_millis(self.0))
    }

    /// Whether it is set.
    pub(super) fn is_set(self) -> bool {
        self != Self::NONE
    }

    /// Whether it is set and its time has come at `now`: one compare, as the clock never
    /// reaches `NONE`.
    pub(super) fn due(self, now: Instant) -> bool {
        now.millis() >= self.0
    }

    /// Brings a set deadline forward to `latest` at the latest.
    pub(super) fn cap(&mut self, latest: Instant) {
        if self.is_set() {
            self.0 = self.0.min(latest.millis());
        }
    }
}
