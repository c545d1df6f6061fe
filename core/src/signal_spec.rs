//! Signals as a user writes them on vinit's command line (`-r FROM:TO`, `-p SIG`) and in
//! `VINIT_REWRITE`: a number (`15`) or a name with or without `SIG` (`TERM`, `SIGTERM`, any
//! case), and the rewrite table of single-command mode.
#![forbid(unsafe_code)]

use crate::limits::SIGNAL_MAX;

/// The names of signals 1 to 31 (signal(7), x86-64 and arm64 numbering), space-separated in
/// number order: one short string rather than 31 slices (each a pointer and a length).
const NAMES: &[u8] = b"HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM \
STKFLT CHLD CONT STOP TSTP TTIN TTOU URG XCPU XFSZ VTALRM PROF WINCH IO PWR SYS";

/// The name of signal `n` without `SIG` (`SEGV`); `None` when it has none (0, real-time
/// signals). The one table of names: the log's `SigName` shows them, `parse_signal` reads them.
pub fn signal_name(n: u8) -> Option<&'static [u8]> {
    // `display::field`, vinit's one splitting loop, not a `Split` iterator of its own.
    crate::display::field(NAMES, b' ', usize::from(n).checked_sub(1)?)
}

/// A signal number 1 to `SIGNAL_MAX`, from a number or a name; `None` for anything else.
pub fn parse_signal(v: &[u8]) -> Option<u8> {
    if let Some(n) = crate::args::parse_number(v, 1, u64::from(SIGNAL_MAX)) {
        return Some(n as u8);
    }
    let name = match v.get(..3) {
        Some(sig) if upper_eq(b"SIG", sig) => v.get(3..).unwrap_or_default(),
        _ => v,
    };
    // Signal 1 on: the names in number order, each the field before the next space.
    (1..=SIGNAL_MAX).find(|&n| signal_name(n).is_some_and(|word| upper_eq(word, name)))
}

/// Whether `v` is `upper` in any case (a byte loop: the library's is vectorised, and large).
fn upper_eq(upper: &[u8], v: &[u8]) -> bool {
    upper.len() == v.len()
        && upper
            .iter()
            .zip(v)
            .all(|(u, b)| *u == b.to_ascii_uppercase())
}

/// What single-command mode forwards each signal it receives as (`-r FROM:TO`,
/// `VINIT_REWRITE`): one slot per signal (so the table is bounded by `SIGNAL_MAX`), holding
/// 0 for "unchanged", else TO + 1 (TO 0: the signal is dropped). A later rule for the same
/// FROM replaces the earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalRewrite([u8; SIGNAL_MAX as usize]);

impl Default for SignalRewrite {
    fn default() -> Self {
        Self::NONE
    }
}

impl SignalRewrite {
    /// No rule: every signal forwarded as it is (all zero bytes, for a constant in bss).
    pub const NONE: Self = Self([0; SIGNAL_MAX as usize]);
}

impl SignalRewrite {
    /// Adds the rule `FROM:TO`; `None` if it is not one (FROM a signal, TO a signal or 0).
    pub fn add(&mut self, rule: &[u8]) -> Option<()> {
        let colon = rule.iter().position(|&b| b == b':')?;
        let (from, to) = (rule.get(..colon)?, rule.get(colon + 1..)?);
        let to = if to == b"0" { 0 } else { parse_signal(to)? };
        *self.0.get_mut(usize::from(parse_signal(from)?) - 1)? = to + 1;
        Some(())
    }

    /// Adds every rule of a comma-separated list (`VINIT_REWRITE=15:3,2:0`); empty items are
    /// skipped.
    pub fn add_list(&mut self, list: &[u8]) -> Option<()> {
        for rule in list.split(|&b| b == b',').filter(|r| !r.is_empty()) {
            self.add(rule)?;
        }
        Some(())
    }

    /// The signal to forward for `sig`: itself, its rewrite, or 0 (drop it).
    pub fn apply(&self, sig: u8) -> u8 {
        match self.0.get(usize::from(sig).wrapping_sub(1)) {
            Some(&to) if to != 0 => to - 1,
            _ => sig,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_names_with_or_without_sig_in_any_case() {
        for v in ["15", "TERM", "SIGTERM", "term", "SigTerm"] {
            assert_eq!(parse_signal(v.as_bytes()), Some(15), "{v}");
        }
        assert_eq!(parse_signal(b"HUP"), Some(1));
        assert_eq!(parse_signal(b"SIGSYS"), Some(31));
        assert_eq!(parse_signal(b"WINCH"), Some(28));
        assert_eq!(parse_signal(b"PWR"), Some(30));
        assert_eq!(parse_signal(b"64"), Some(64));
        for bad in [
            "", "0", "65", "SIG", "TERMX", "-15", "15 ", "SIG15", "RTMIN", " ", "1:2",
        ] {
            assert_eq!(parse_signal(bad.as_bytes()), None, "{bad:?}");
        }
    }

    #[test]
    fn the_names_are_linux_numbers() {
        use crate::status::signal::*;
        for (name, n) in [
            ("HUP", SIGHUP),
            ("INT", SIGINT),
            ("QUIT", SIGQUIT),
            ("KILL", SIGKILL),
            ("USR1", SIGUSR1),
            ("USR2", SIGUSR2),
            ("PIPE", SIGPIPE),
            ("TERM", SIGTERM),
            ("CHLD", SIGCHLD),
            ("CONT", SIGCONT),
            ("TSTP", SIGTSTP),
            ("WINCH", SIGWINCH),
            ("PWR", SIGPWR),
        ] {
            assert_eq!(parse_signal(name.as_bytes()), Some(n), "{name}");
        }
    }

    #[test]
    fn rewrite_rules_map_drop_and_replace() {
        let mut r = SignalRewrite::default();
        assert_eq!(r.apply(15), 15);
        assert_eq!(r.add(b"15:3"), Some(()));
        assert_eq!(r.add(b"SIGINT:0"), Some(()));
        assert_eq!(r.add(b"usr1:TERM"), Some(()));
        assert_eq!(
            (r.apply(15), r.apply(2), r.apply(10), r.apply(3)),
            (3, 0, 15, 3)
        );
        // The later rule wins; 64 is the last slot.
        assert_eq!(r.add(b"15:QUIT"), Some(()));
        assert_eq!(r.add(b"15:9"), Some(()));
        assert_eq!(r.add(b"64:1"), Some(()));
        assert_eq!((r.apply(15), r.apply(64)), (9, 1));
        // Numbers outside the table never index it.
        assert_eq!((r.apply(0), r.apply(65), r.apply(255)), (0, 65, 255));
    }

    #[test]
    fn bad_rules_are_refused_and_change_nothing() {
        let mut r = SignalRewrite::default();
        for bad in [
            "",
            "15",
            "15:",
            ":3",
            "0:3",
            "15:65",
            "65:3",
            "15:3:2",
            "TERM:NOPE",
            "15;3",
            "15 :3",
            "15:00",
        ] {
            assert_eq!(r.add(bad.as_bytes()), None, "{bad:?}");
        }
        assert_eq!(r, SignalRewrite::default());
    }

    #[test]
    fn lists_skip_empty_items_and_stop_at_a_bad_one() {
        let mut r = SignalRewrite::default();
        assert_eq!(r.add_list(b"15:3,,2:0,"), Some(()));
        assert_eq!((r.apply(15), r.apply(2)), (3, 0));
        assert_eq!(r.add_list(b""), Some(()));
        assert_eq!(SignalRewrite::default().add_list(b"15:3,x"), None);
    }
}
