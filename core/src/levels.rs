//! Runlevels: one `Level` as init tracks it, and the `Levels` set of an inittab runlevels field.
//!
//! Owns the meaning of inittab field 2 (compat §1.4): which bytes count, the lower-case `s`
//! quirk, and the highest-level rule of initdefault (compat §1.8). No syscalls.
#![forbid(unsafe_code)]

use ufmt::{Formatter, uDisplay, uWrite};

/// One runlevel as init tracks it: b'0'..=b'9', b'S', and the boot pseudo-levels b'#' (sysinit)
/// and b'*' (boot).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level(u8);

impl Level {
    /// Pseudo-level `#` in which sysinit entries run (compat §1.4).
    pub const SYSINIT: Self = Self(b'#');
    /// Pseudo-level `*` in which boot and bootwait entries run (compat §1.4).
    pub const BOOT: Self = Self(b'*');
    /// Single-user level `S`.
    pub const SINGLE: Self = Self(b'S');
    /// Level 0: halt, where every stop goes.
    pub const HALT: Self = Self(b'0');
    /// Level 6: reboot.
    pub const REBOOT: Self = Self(b'6');
    /// No level: zero bytes, for `Init::UNREAD` (a machine in bss), until `restart` sets the
    /// level it is in. Never the level of a machine that was read or reset.
    pub(crate) const UNSET: Self = Self(0);

    /// Numeric level `n` (0..=9).
    pub const fn digit(n: u8) -> Option<Self> {
        if n <= 9 { Some(Self(b'0' + n)) } else { None }
    }

    /// The level a request, the initdefault or `VINIT_DEFAULT_LEVEL` may name: `0`-`9`, `S`,
    /// and lower-case `s` for single-user too (the current level is always stored upper-case,
    /// compat §1.4); not the boot pseudo-levels (`#`, `*`), which only the supervisor enters.
    pub fn named(b: u8) -> Option<Self> {
        match b {
            b'0'..=b'9' | b'S' => Some(Self(b)),
            b's' => Some(Self::SINGLE),
            _ => None,
        }
    }

    /// `0`-`9`: not `S` nor a boot pseudo-level (one range test, not three compares).
    pub const fn is_numeric(self) -> bool {
        self.0.is_ascii_digit()
    }

    /// `#` or `*`, the boot pseudo-levels: the only bytes a `Level` holds below `0`, so one
    /// compare, not two.
    pub const fn is_boot_phase(self) -> bool {
        self.0 < b'0'
    }

    /// The character of this level.
    pub const fn byte(self) -> u8 {
        self.0
    }
}

impl uDisplay for Level {
    fn fmt<W: uWrite + ?Sized>(&self, f: &mut Formatter<'_, W>) -> Result<(), W::Error> {
        f.write_char(char::from(self.0))
    }
}

/// Every byte a RUNLVL request may carry: telinit's operands (compat §2.1, §6.1).
pub const REQUEST_BYTES: &[u8] = b"0123456789SsQqAaBbCcUu";

/// What a RUNLVL request asks init for, as telinit's operand was typed (compat §2.1, §6.1): a
/// level (`0`-`9`, `S`/`s`), an on-demand letter (`a`-`c`), `Q` (re-read the inittab) or `U`
/// (re-execute), in either case. Not a `Level`: most of these are not levels, and the byte
/// goes on the wire as typed (`telinit s` sends `s`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelRequest(u8);

impl LevelRequest {
    /// Level 0: halt (`shutdown -h`, `halt`, `poweroff`).
    pub const HALT: Self = Self(b'0');
    /// Level 1: maintenance mode (a plain `shutdown`).
    pub const MAINTENANCE: Self = Self(b'1');
    /// Level 6: reboot (`shutdown -r`, `reboot`).
    pub const REBOOT: Self = Self(b'6');

    /// The request written as `b`, if it is one of `REQUEST_BYTES`.
    pub fn from_byte(b: u8) -> Option<Self> {
        crate::args::has_byte(REQUEST_BYTES, b).then_some(Self(b))
    }

    /// The character as typed, for the wire.
    pub const fn byte(self) -> u8 {
        self.0
    }
}

/// Set of levels of inittab field 2 (bitset: 0-9, S, a, b, c, '#', '*').
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Levels(u16);

/// The bit of a byte among the sixteen a set holds, `#*0123456789Sabc`: a perfect hash, one
/// multiply and a shift (each of them takes a bit of its own, checked by a unit test), so a
/// level's bit is no chain of compares.
const fn bit_of(b: u8) -> u16 {
    1 << (((b as u32 * 1477) >> 8) & 15)
}

const BIT_S: u16 = bit_of(b'S');
const BIT_SYSINIT: u16 = bit_of(b'#');
const BIT_BOOT: u16 = bit_of(b'*');
const DIGITS: u16 = {
    let mut bits = 0;
    let mut b = b'0';
    while b <= b'9' {
        bits |= bit_of(b);
        b += 1;
    }
    bits
};

/// The bit of an on-demand letter in either case, 0 for anything else.
const fn demand_bit(b: u8) -> u16 {
    // Folded to lower case: only `A`-`C` and `a`-`c` fold to `a`-`c`.
    let lower = b | 0x20;
    if lower.wrapping_sub(b'a') < 3 {
        bit_of(lower)
    } else {
        0
    }
}

impl Levels {
    /// No level at all: the entry never runs.
    pub const EMPTY: Self = Self(0);
    /// `0123456789`: an empty field for every action outside the power group (compat §1.4).
    pub const NUMERIC: Self = Self(DIGITS);
    /// `S0123456789`: an empty field for the power group and ctrlaltdel (compat §1.4).
    pub const POWER_DEFAULT: Self = Self(DIGITS | BIT_S);
    /// `#`: what sysinit entries get, whatever their field says (compat §1.4).
    pub const SYSINIT_ONLY: Self = Self(BIT_SYSINIT);
    /// `*`: what boot and bootwait entries get, whatever their field says (compat §1.4).
    pub const BOOT_ONLY: Self = Self(BIT_BOOT);
    /// `S` alone: the entries that run again each time single-user is entered (compat §1.8
    /// step 8).
    pub const SINGLE_ONLY: Self = Self(BIT_S);

    /// The levels written in a runlevels field: `0`-`9`, upper-case `S` and the on-demand
    /// letters `a b c` in either case; any other byte is ignored, so it never matches.
    ///
    /// Lower-case `s` is ignored on purpose: sysvinit's upper-casing loop is overwritten by a
    /// plain copy, so an entry with `s` never runs (compat §1.4 quirk, runtime-confirmed). The
    /// pseudo-levels `#` and `*` are not accepted from the file either (compat §1.4 lists the
    /// valid characters); only the sysinit/boot normalisation sets them. sysvinit's "contains"
    /// test does match them, running such an entry during sysinit or boot: a deliberate
    /// difference (compat's differences table).
    pub fn parse_field(field: &[u8]) -> Self {
        let bits = field.iter().fold(0, |acc, &b| {
            // `S` as it is, a letter folded to lower case (so `s` is none of them), a digit
            // unchanged: one hash for every byte that counts.
            let folded = if b == b'S' { b } else { b | 0x20 };
            let counts = b.is_ascii_digit() || b == b'S' || folded.wrapping_sub(b'a') < 3;
            acc | if counts { bit_of(folded) } else { 0 }
        });
        Self(bits)
    }

    /// Whether the field holds level `l` (compat §1.4: a plain "contains" test).
    pub const fn contains(self, l: Level) -> bool {
        // A `Level` holds one of the bytes `bit_of` tells apart.
        self.0 & bit_of(l.0) != 0
    }

    /// Whether upper-case `S` is present (decides the `~~` sulogin synthesis, compat §1.1 step 2).
    pub const fn has_single(self) -> bool {
        self.0 & BIT_S != 0
    }

    /// Whether on-demand letter `letter` (b'a', b'b' or b'c', either case) is present.
    pub fn contains_demand(self, letter: u8) -> bool {
        let bit = demand_bit(letter);
        bit != 0 && self.0 & bit != 0
    }

    /// The initdefault rule of compat §1.8 restricted to real levels: `S` if present (it sorts
    /// above the digits), else the highest digit.
    pub fn highest(self) -> Option<Level> {
        if self.has_single() {
            return Some(Level::SINGLE);
        }
        (0..=9u8)
            .rev()
            .find(|&n| self.0 & bit_of(b'0' + n) != 0)
            .and_then(Level::digit)
    }

    /// Whether no level at all is present.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(l: Level) -> heapless::String<4> {
        let mut s = heapless::String::new();
        ufmt::uwrite!(s, "{}", l).unwrap();
        s
    }

    /// `bit_of` gives each of the sixteen bytes a set holds a bit of its own.
    #[test]
    fn every_byte_of_a_set_has_its_own_bit() {
        let all = b"#*0123456789Sabc".iter().fold(0u32, |acc, &b| {
            let bit = u32::from(bit_of(b));
            assert_eq!(acc & bit, 0, "{}", char::from(b));
            acc | bit
        });
        assert_eq!(all, 0xffff);
    }

    #[test]
    fn level_constructors() {
        assert_eq!(Level::digit(0).unwrap().byte(), b'0');
        assert_eq!(Level::digit(9).unwrap().byte(), b'9');
        assert_eq!(Level::digit(10), None);
        assert_eq!(Level::named(b'#'), None);
        assert_eq!(Level::named(b'*'), None);
        assert_eq!(Level::named(b's'), Some(Level::SINGLE));
        assert_eq!(Level::named(b'a'), None);
        assert_eq!(Level::named(b'Q'), None);
        assert_eq!(shown(Level::SINGLE), "S");
        assert_eq!(shown(Level::digit(3).unwrap()), "3");
        assert_eq!(shown(Level::SYSINIT), "#");
    }

    /// Every byte a `Level` may hold, sorted into the three kinds the supervisor asks about.
    #[test]
    fn a_level_is_a_boot_phase_a_digit_or_single() {
        for level in [Level::SYSINIT, Level::BOOT] {
            assert!(level.is_boot_phase() && !level.is_numeric());
        }
        assert!(!Level::SINGLE.is_boot_phase() && !Level::SINGLE.is_numeric());
        for n in 0..=9 {
            let level = Level::digit(n).unwrap();
            assert!(!level.is_boot_phase() && level.is_numeric());
        }
    }

    #[test]
    fn level_requests_are_telinits_operands_as_typed() {
        for &b in REQUEST_BYTES {
            assert_eq!(LevelRequest::from_byte(b).map(LevelRequest::byte), Some(b));
        }
        for b in [b'#', b'*', b'x', b'D', 0] {
            assert_eq!(LevelRequest::from_byte(b), None);
        }
        assert_eq!(LevelRequest::HALT.byte(), b'0');
        assert_eq!(LevelRequest::MAINTENANCE.byte(), b'1');
        assert_eq!(LevelRequest::REBOOT.byte(), b'6');
    }

    #[test]
    fn parse_field_reads_digits_s_and_demand_letters() {
        let l = Levels::parse_field(b"2345");
        for n in 0..=9 {
            assert_eq!(l.contains(Level::digit(n).unwrap()), (2..=5).contains(&n));
        }
        assert!(!l.contains(Level::SINGLE));
        assert_eq!(Levels::parse_field(b"0123456789"), Levels::NUMERIC);
        assert_eq!(Levels::parse_field(b"S0123456789"), Levels::POWER_DEFAULT);
        let d = Levels::parse_field(b"aB");
        assert!(d.contains_demand(b'a') && d.contains_demand(b'A'));
        assert!(d.contains_demand(b'b') && !d.contains_demand(b'c'));
        assert!(!d.contains_demand(b'x'));
        assert!(Levels::parse_field(b"xyz!").is_empty());
        assert!(Levels::parse_field(b"#*").is_empty());
    }

    #[test]
    fn lower_case_s_never_matches() {
        let l = Levels::parse_field(b"s");
        assert!(l.is_empty());
        assert!(!l.has_single());
        assert!(!l.contains(Level::SINGLE));
        assert!(Levels::parse_field(b"S").has_single());
        assert_eq!(Levels::parse_field(b"S"), Levels::SINGLE_ONLY);
    }

    #[test]
    fn pseudo_levels_only_by_normalisation() {
        assert!(Levels::SYSINIT_ONLY.contains(Level::SYSINIT));
        assert!(!Levels::SYSINIT_ONLY.contains(Level::BOOT));
        assert!(Levels::BOOT_ONLY.contains(Level::BOOT));
        assert!(!Levels::NUMERIC.contains(Level::SYSINIT));
        assert!(Levels::POWER_DEFAULT.has_single());
        assert!(!Levels::NUMERIC.has_single());
    }

    #[test]
    fn highest_prefers_s_then_digits() {
        assert_eq!(Levels::parse_field(b"2").highest(), Level::digit(2));
        assert_eq!(Levels::parse_field(b"352").highest(), Level::digit(5));
        assert_eq!(Levels::NUMERIC.highest(), Level::digit(9));
        assert_eq!(Levels::parse_field(b"9S").highest(), Some(Level::SINGLE));
        assert_eq!(Levels::parse_field(b"a").highest(), None);
        assert_eq!(Levels::EMPTY.highest(), None);
    }
}
