//! Every deadline of the machine in one table: `poll_timeout` is its earliest entry, and an
//! idle machine has none (the driver then blocks without a timer).

use crate::time::Instant;

/// One slot per kind of deadline; a slot is set exactly while its machine waits for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Timers {
    /// The kill round's next step: its KILL, or its report of hung processes.
    pub(super) kill_round: Option<Instant>,
    /// The stop's next step: the end of the entries' share of the budget, or the sweep's.
    pub(super) stop: Option<Instant>,
    /// Spawning resumes after a failed fork.
    pub(super) fork_retry: Option<Instant>,
    /// The earliest end of a respawn throttle's disable.
    pub(super) respawn: Option<Instant>,
    /// The reboot-loop pause ends: boot again.
    pub(super) reboot: Option<Instant>,
}

impl Timers {
    /// The next deadline, `None` when nothing is scheduled.
    pub(super) fn earliest(&self) -> Option<Instant> {
        [
            self.kill_round,
            self.stop,
            self.fork_retry,
            self.respawn,
            self.reboot,
        ]
        .into_iter()
        .flatten()
        .min()
    }
}

/// Whether `slot` is set and its time has come at `now`.
pub(super) fn due(slot: Option<Instant>, now: Instant) -> bool {
    slot.is_some_and(|at| now >= at)
}
