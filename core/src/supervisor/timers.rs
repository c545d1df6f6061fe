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
        let at = [
            self.kill_round,
            self.stop,
            self.fork_retry,
            self.respawn,
            self.reboot,
        ]
        .into_iter()
        .fold(NEVER, |at, slot| at.min(millis_or_never(slot)));
        (at < NEVER).then_some(Instant::from_millis(at))
    }
}

/// A deadline as milliseconds, `NEVER` for none: the earliest of several is then a plain
/// `min`, without a branch per `Option`. No real deadline is that far (585 million years).
const NEVER: u64 = u64::MAX;

/// `slot` in milliseconds, `NEVER` when unset.
fn millis_or_never(slot: Option<Instant>) -> u64 {
    slot.map_or(NEVER, Instant::millis)
}

/// Whether `slot` is set and its time has come at `now`.
pub(super) fn due(slot: Option<Instant>, now: Instant) -> bool {
    slot.is_some_and(|at| now >= at)
}
