//! The rate limits of the machine: the respawn throttle of one entry (compat §2.9), the
//! back-off after failed forks, and the limit on reboots in place.

use super::timers::Deadline;
use crate::limits::{
    FORK_LOG_INTERVAL_SECS, FORK_RETRY_FIRST_MS, FORK_RETRY_MAX_MS, REBOOT_MAX, REBOOT_WINDOW_SECS,
    RESPAWN_DISABLE_SECS, RESPAWN_MAX, RESPAWN_WINDOW_SECS,
};
use crate::time::{Duration, Instant};

/// The respawn throttle of one entry (compat §2.9): a fixed 120 s window, 10 starts, then 300 s
/// off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Throttle {
    pub(super) window_start: Option<Instant>,
    pub(super) count: u8,
    pub(super) disabled_until: Deadline,
}

/// What the throttle says about a respawn's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Disabled: no start, nothing to say.
    Off,
    /// Start it.
    Start,
    /// Its disable just ran out: say so, and start it.
    Reenabled,
    /// One start too many in the window: say so, no start, disabled from now.
    TooFast,
}

impl Throttle {
    /// Whether a respawn may start at `now`, counting the start if so.
    pub(super) fn admit(&mut self, now: Instant) -> Verdict {
        match self.check(now) {
            Some(true) => Verdict::Off,
            // A throttle cleared just now always allows the first start of its new window.
            cleared => match (self.allow(now), cleared.is_some()) {
                (true, true) => Verdict::Reenabled,
                (true, false) => Verdict::Start,
                (false, _) => Verdict::TooFast,
            },
        }
    }

    /// Counts a start; `false` when the start must be refused (the 11th inside the window).
    fn allow(&mut self, now: Instant) -> bool {
        match self.window_start {
            // At most `RESPAWN_MAX`: the start that reaches it disables the entry, and a
            // disabled entry is not counted until `check` clears the throttle.
            Some(start) if now.since(start) < Duration::from_secs(RESPAWN_WINDOW_SECS) => {
                self.count += 1;
            }
            _ => {
                self.window_start = Some(now);
                self.count = 0;
            }
        }
        if self.count >= RESPAWN_MAX {
            self.disabled_until =
                Deadline::at(now.after(Duration::from_secs(RESPAWN_DISABLE_SECS)));
            return false;
        }
        true
    }

    /// Takes back the start `allow` just counted: its fork failed, so nothing ran.
    pub(super) fn refund(&mut self) {
        self.count = self.count.saturating_sub(1);
    }

    /// Whether the entry is disabled at `now`; clears an expired disable (compat §2.9: counter
    /// and window cleared), returning `Some(false)` for "just re-enabled".
    fn check(&mut self, now: Instant) -> Option<bool> {
        if self.disabled_until.due(now) {
            *self = Self::default();
            return Some(false);
        }
        self.disabled_until.is_set().then_some(true)
    }
}

/// Failed forks (EAGAIN at a pids limit, ENOMEM): no entry starts before the timer table's
/// `fork_retry`, and the back-off doubles up to `FORK_RETRY_MAX_MS`. A failed fork is not a start: the entry is
/// tried again, its respawn throttle is not charged, and a barrier entry still holds the
/// entries after it (nothing starts before the retry, and the retry's walk reaches it first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct ForkRetry {
    pub(super) backoff: Duration,
    /// Failures since the last fork that worked.
    pub(super) failures: u32,
    /// When the last `CannotFork` line was logged.
    pub(super) logged: Option<Instant>,
    /// This run of failures was logged, so its end is too.
    pub(super) said: bool,
}

impl ForkRetry {
    /// Counts a failed fork at `now`: returns when to try again, and whether to say so (the
    /// first failure of a run, unless a run was said less than `FORK_LOG_INTERVAL_SECS` ago).
    pub(super) fn failed(&mut self, now: Instant) -> (Instant, bool) {
        // One a retry, and the retries back off to `FORK_RETRY_MAX_MS` (1 s) apart: 2^32 of
        // them take over a century.
        self.failures += 1;
        self.backoff = Duration::from_millis(
            (self.backoff.millis() * 2).clamp(FORK_RETRY_FIRST_MS, FORK_RETRY_MAX_MS),
        );
        let quiet = self
            .logged
            .is_some_and(|t| now.since(t) < Duration::from_secs(FORK_LOG_INTERVAL_SECS));
        let say = self.failures == 1 && !quiet;
        if say {
            self.logged = Some(now);
            self.said = true;
        }
        (now.after(self.backoff), say)
    }

    /// A fork worked: the run of failures is over. Returns its length if the run was said.
    pub(super) fn worked(&mut self) -> Option<u32> {
        let run = core::mem::take(self);
        self.logged = run.logged;
        run.said.then_some(run.failures)
    }
}

/// Reboots in place inside a fixed window (compat §2.9's rule, for reboots): a boot target of
/// 6 must not reboot in a busy loop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct RebootLimit {
    pub(super) window_start: Option<Instant>,
    pub(super) count: u8,
}

impl RebootLimit {
    /// Counts a reboot; `false` when it must wait for the pause (the window is full).
    pub(super) fn allow(&mut self, now: Instant) -> bool {
        match self.window_start {
            Some(start) if now.since(start) < Duration::from_secs(REBOOT_WINDOW_SECS) => {}
            _ => {
                *self = Self {
                    window_start: Some(now),
                    count: 0,
                }
            }
        }
        // At most `REBOOT_MAX` + 1: the reboot refused there waits out a pause longer than
        // the window, so the next one starts a new window.
        const _: () = assert!(crate::limits::REBOOT_PAUSE_SECS > REBOOT_WINDOW_SECS);
        self.count += 1;
        self.count <= REBOOT_MAX
    }
}
