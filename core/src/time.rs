//! Monotonic time as a plain value: the driver reads the clock, the pure core only compares.
//!
//! Milliseconds on CLOCK_MONOTONIC, no syscalls (smoltcp's `time.rs`). A span between two
//! instants saturates at zero; sums and products wrap, as none can overflow: an instant is
//! the milliseconds since boot (below 2^45 for a thousand years), and every span is below
//! 2^42 (seconds from a `u32` or a bounded option, times 1 000, or a difference of instants).
#![forbid(unsafe_code)]

/// A point on the monotonic clock, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instant(u64);

/// A span of time, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(u64);

impl Instant {
    /// A point never reached: a deadline not set, as a plain value (no `Option`'s tag to
    /// check before each comparison: `now >= NEVER` is false).
    pub const NEVER: Self = Self(u64::MAX);

    /// The instant `ms` milliseconds after the clock's origin.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// Milliseconds since the clock's origin.
    pub const fn millis(self) -> u64 {
        self.0
    }

    /// `self + d`. Wrapping, not saturating: both are below 2^45 (the module's comment), and
    /// the saturating form cost a compare and a move at each of its inlined copies.
    pub const fn after(self, d: Duration) -> Self {
        Self(self.0.wrapping_add(d.0))
    }

    /// Time from `earlier` to `self`, zero if `earlier` is later.
    pub const fn since(self, earlier: Self) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        Self(ms)
    }

    /// `s` seconds. Wrapping, not saturating: every caller's `s` is below 2^32 (a `u32` or an
    /// option bounded by `limits`), so `s * 1000` is below 2^42.
    pub const fn from_secs(s: u64) -> Self {
        Self(s.wrapping_mul(1000))
    }

    /// Length in milliseconds.
    pub const fn millis(self) -> u64 {
        self.0
    }
}

/// The poll(2) timeout for a deadline: `None` (block forever) when there is none, else the
/// milliseconds left.
pub fn poll_timeout(now: Instant, deadline: Option<Instant>) -> Option<u64> {
    deadline.map(|d| d.since(now).millis())
}

/// The earlier of two deadlines; `None` only when both are.
pub fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_saturate_at_zero() {
        let t = Instant::from_millis(1_000);
        assert_eq!(t.after(Duration::from_secs(5)).millis(), 6_000);
        assert_eq!(
            Instant::from_millis(5).since(Instant::from_millis(9)),
            Duration::ZERO
        );
        assert_eq!(
            Instant::from_millis(9)
                .since(Instant::from_millis(5))
                .millis(),
            4
        );
    }

    #[test]
    fn poll_timeout_is_none_when_idle() {
        let now = Instant::from_millis(1000);
        assert_eq!(poll_timeout(now, None), None);
        assert_eq!(
            poll_timeout(now, Some(Instant::from_millis(1100))),
            Some(100)
        );
        assert_eq!(
            poll_timeout(now, Some(Instant::from_millis(9000))),
            Some(8000)
        );
        assert_eq!(poll_timeout(now, Some(Instant::from_millis(10))), Some(0));
    }

    #[test]
    fn earliest_ignores_absent_deadlines() {
        let (a, b) = (Instant::from_millis(5), Instant::from_millis(9));
        assert_eq!(earliest(Some(a), Some(b)), Some(a));
        assert_eq!(earliest(Some(b), Some(a)), Some(a));
        assert_eq!(earliest(None, Some(b)), Some(b));
        assert_eq!(earliest(Some(a), None), Some(a));
        assert_eq!(earliest(None, None), None);
    }
}
