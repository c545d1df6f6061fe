//! The rate limits of the machine: the respawn throttle of one entry (compat §2.9), the
//! back-off after failed forks, and the limit on reboots in place.

use crate::limits::{
    REBOOT_MAX, REBOOT_WINDOW_SECS, RESPAWN_DISABLE_SECS, RESPAWN_MAX, RESPAWN_WINDOW_SECS,
};
use crate::time::{Duration, Instant};

/// The respawn throttle of one entry (compat §2.9): a fixed 120 s window, 10 starts, then 300 s
/// off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Throttle {
    pub(super) window_start: Option<Instant>,
    pub(super) count: u8,
    pub(super) disabled_until: Option<Instant>,
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
    pub(super) fn refund(&mut self) {
        self.count = self.count.saturating_sub(1);
    }

    /// Whether the entry is disabled at `now`; clears an expired disable (compat §2.9: counter
    /// and window cleared), returning `Some(false)` for "just re-enabled".
    pub(super) fn check(&mut self, now: Instant) -> Option<bool> {
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
pub(super) struct ForkRetry {
    pub(super) at: Option<Instant>,
    pub(super) backoff: Duration,
    /// Failures since the last fork that worked.
    pub(super) failures: u32,
    /// When the last `CannotFork` line was logged.
    pub(super) logged: Option<Instant>,
    /// This run of failures was logged, so its end is too.
    pub(super) said: bool,
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
        self.count = self.count.saturating_add(1);
        self.count <= REBOOT_MAX
    }
}
