//! Command lines, parsed without syscalls: the one option walker every personality uses
//! (`Options`, each program with its own `OptionTable`), vinit's own command line
//! (`parse_vinit`), the `UsageError` every parser returns, and the rule that decides whether a
//! vinit that is not PID 1 boots an inittab (`not_pid1_boot`).
//!
//! Options follow getopt(3): bundles (`-gv`), values attached or apart (`-t5`, `-t 5`), `--`
//! ends the options, and the first operand ends them too (no argument permutation: what follows
//! a command is the command's). Environment forms (`VINIT_*`) are read by the caller and passed
//! in as defaults, so flags win over the environment.
#![forbid(unsafe_code)]

use crate::display::field;
use crate::levels::Level;
use crate::limits::{
    DEFAULT_GRACE_SECS, DEFAULT_STOP_BUDGET_SECS, GRACE_MAX_SECS, STOP_BUDGET_MAX_SECS,
};
use crate::runtime::Runtime;
use crate::signal_spec::{SignalRewrite, parse_signal};
use crate::time::Duration;

/// Anything that can hand out arguments by index: the process's argv, or a slice in tests.
pub trait ArgList {
    /// Argument `i` as bytes.
    fn arg(&self, i: usize) -> Option<&[u8]>;
}

impl ArgList for [&[u8]] {
    fn arg(&self, i: usize) -> Option<&[u8]> {
        self.get(i).copied()
    }
}

/// Arguments from index `first` on, renumbered from 0: `vinit telinit 3` parses like
/// `telinit 3`, and error indices refer to the same view.
pub struct Shifted<'a, A: ?Sized> {
    args: &'a A,
    first: usize,
}

impl<'a, A: ArgList + ?Sized> Shifted<'a, A> {
    /// The view of `args` that starts at `first`.
    pub const fn new(args: &'a A, first: usize) -> Self {
        Self { args, first }
    }
}

impl<A: ArgList + ?Sized> ArgList for Shifted<'_, A> {
    fn arg(&self, i: usize) -> Option<&[u8]> {
        self.args.arg(i.checked_add(self.first)?)
    }
}

/// Where a value is on the command line: argument `index` from byte `from` on (a value attached
/// to its letter, `-t5`, starts after it), and the option `letter` it belongs to (0 for an
/// operand). 32-bit fields keep the errors that carry it small, and with them the parsers'
/// code: an argv has fewer than 2^31 strings (the kernel's MAX_ARG_STRINGS), each shorter than
/// 128 KiB (MAX_ARG_STRLEN), so the conversions from `usize` never truncate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ValueAt {
    /// Index of the argument holding the value.
    pub index: u32,
    /// First byte of the value in that argument (an option cluster is short).
    pub from: u32,
    /// The option letter, or 0 for an operand.
    pub letter: u8,
}

impl ValueAt {
    /// An operand: all of argument `index`.
    pub const fn operand(index: usize) -> Self {
        Self {
            index: index as u32,
            from: 0,
            letter: 0,
        }
    }

    /// The value's bytes in `args` (empty if the index is out of range).
    pub fn bytes<A: ArgList + ?Sized>(self, args: &A) -> &[u8] {
        args.arg(self.index as usize)
            .and_then(|a| a.get(self.from as usize..))
            .unwrap_or_default()
    }
}

/// What was wrong with a command line, for every personality; each variant names the argument
/// by its index (and the option by its letter), so the caller prints it from argv. In the
/// order that keeps each group the printers share contiguous (one range check): the values
/// (`BadValue` to `BadLevel`), the clients' own (`BadLevel` to `EnvTooLarge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsageError {
    /// An option the program does not know: (argument index, letter; `-` for an unknown long
    /// option such as `--foo`). Every index here a `u32`, as `ValueAt`'s: no `usize` left,
    /// the enum's alignment is 4 and each `Err` built is a few 4-byte stores.
    UnknownOption(u32, u8),
    /// An option that needs a value came last: (argument index, letter).
    MissingValue(u32, u8),
    /// A value or operand that is not valid: not a number, not a time.
    BadValue(ValueAt),
    /// A number outside its range: where it is, and the range (`-T 0`: 1-3600).
    OutOfRange(ValueAt, u32, u32),
    /// A level telinit or `shutdown -i` does not accept.
    BadLevel(ValueAt),
    /// The level (telinit) or time (shutdown) is missing.
    MissingOperand,
    /// shutdown: `-H` or `-P` without going to level 0.
    HaltModeWithoutHalt,
    /// telinit: the `-e` strings do not fit in one request.
    EnvTooLarge,
    /// More operands than the program takes: index of the first extra one.
    ExtraOperand(u32),
    /// vinit: `--` with nothing after it.
    MissingCommand,
    /// vinit: an option of one mode with the other mode's: the option (argument index,
    /// letter), and what chose the other mode: an option (index, letter), an operand (index,
    /// 0: the command, or the level), or nothing (single-mode options with no command):
    /// `(NO_ARGUMENT, 0)`, not an `Option`, whose tag would double as this enum's.
    /// The indexes are `u32`, as `ValueAt`'s: with two `usize` this variant made every
    /// `UsageError` 40 bytes, copied at each `?` of every parser (24 now).
    WrongMode((u32, u8), (u32, u8)),
}

/// `UsageError::WrongMode`'s index of what chose the other mode when nothing did (no argv
/// has 2^32 - 1 strings).
pub const NO_ARGUMENT: u32 = u32::MAX;

/// A program's options: which letters take a value, and whether it knows the long options.
/// No pointers inside, so a table is plain read-only data (no relocation, nothing in RELRO).
pub struct OptionTable {
    /// Letters that take a value (`-t5`, `-t 5`), padded with 0, which is never a letter (an
    /// argv string holds no NUL).
    pub with_value: [u8; 8],
    /// `--help` and `--version` are options, standing for `-h` and `-V` (vinit's own;
    /// sysvinit's tools have no long options).
    pub long: bool,
}

/// The option walker: hands out the options from argument 1 on, one letter at a time
/// (`next_letter`), then stops at `--` (used up) or at the first operand; `end()` is then the
/// index of the first argument that is not an option. Its callers stop at the first `None`
/// (a walk past `--` would read on: no flag keeps it ended).
/// The letter comes back in a register and the rest (its index, its value) is read from the
/// walker: an item holding them all (56 bytes) came back through memory.
pub struct Options<'a, A: ?Sized> {
    args: &'a A,
    table: &'a OptionTable,
    /// The argument being read.
    index: usize,
    /// The next letter's byte in it; 0 between arguments.
    at: usize,
    /// Index of the argument holding the last letter.
    letter_index: usize,
    /// For a letter of `with_value`: where its value is, and its bytes.
    value: Option<(ValueAt, &'a [u8])>,
    /// The letter whose value is missing (the walk's one error), else 0.
    missing: u8,
    dashdash: bool,
}

impl<'a, A: ArgList + ?Sized> Options<'a, A> {
    /// A walk over `args` with `table`'s options. Not inlined: every parser starts one.
    #[inline(never)]
    pub const fn new(args: &'a A, table: &'a OptionTable) -> Self {
        Self {
            args,
            table,
            index: 1,
            at: 0,
            letter_index: 0,
            value: None,
            missing: 0,
            dashdash: false,
        }
    }

    /// Once the walk has ended: the index of the first operand, or the error that ended it
    /// (an option that needs a value came last).
    pub const fn end(&self) -> Result<usize, UsageError> {
        if self.missing != 0 {
            return Err(UsageError::MissingValue(
                self.letter_index as u32,
                self.missing,
            ));
        }
        Ok(self.index)
    }

    /// Whether the options ended with `--`.
    pub const fn ended_by_dashdash(&self) -> bool {
        self.dashdash
    }

    /// Index of the argument holding the last letter.
    pub const fn letter_index(&self) -> usize {
        self.letter_index
    }

    /// The last letter's value, if it is one of `with_value` (then it always has one).
    pub const fn value(&self) -> Option<(ValueAt, &'a [u8])> {
        self.value
    }

    /// The next option's letter (a long option's alias), or `None` at the end of the options
    /// or at an error (`end` tells which). One copy for every parser (each would otherwise
    /// inline its own).
    #[inline(never)]
    pub fn next_letter(&mut self) -> Option<u8> {
        let index = self.index;
        let arg = self.args.arg(index)?;
        self.letter_index = index;
        self.value = None;
        if self.at == 0 {
            if arg == b"--" {
                self.dashdash = true;
                self.index += 1;
                return None;
            }
            // `==` (one bcmp, expanded into a few wide loads), not a `match` on byte strings,
            // which compares byte by byte.
            let long = if arg == b"--help" {
                b'h'
            } else if arg == b"--version" {
                b'V'
            } else {
                0
            };
            if self.table.long && long != 0 {
                self.index += 1;
                return Some(long);
            }
            if arg.len() < 2 || arg.first() != Some(&b'-') {
                return None;
            }
            self.at = 1;
        }
        let &letter = arg.get(self.at)?;
        let from = self.at + 1;
        if !has_byte(&self.table.with_value, letter) {
            self.at = from;
            if self.at >= arg.len() {
                self.at = 0;
                self.index += 1;
            }
            return Some(letter);
        }
        self.at = 0;
        self.index += 1;
        self.value = Some(match arg.get(from..) {
            Some(rest) if !rest.is_empty() => (
                ValueAt {
                    index: index as u32,
                    from: from as u32,
                    letter,
                },
                rest,
            ),
            _ => {
                let Some(v) = self.args.arg(self.index) else {
                    self.missing = letter;
                    return None;
                };
                self.index += 1;
                (
                    ValueAt {
                        index: index as u32 + 1,
                        from: 0,
                        letter,
                    },
                    v,
                )
            }
        });
        Some(letter)
    }
}

/// The ranges `set_option` reports fit in the error's 32-bit fields.
const _: () = {
    assert!(GRACE_MAX_SECS <= u32::MAX as u64);
    assert!(STOP_BUDGET_MAX_SECS <= u32::MAX as u64);
};

/// Exit codes that `-e` maps to 0 (a 256-bit set).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExitRemap([u64; 4]);

impl ExitRemap {
    /// Adds `code` to the set.
    pub fn insert(&mut self, code: u8) {
        if let Some(word) = self.0.get_mut(usize::from(code / 64)) {
            *word |= 1 << (code % 64);
        }
    }

    /// The status vinit exits with for a child status `code`.
    pub fn apply(&self, code: u8) -> u8 {
        let hit = self
            .0
            .get(usize::from(code / 64))
            .is_some_and(|w| w & (1 << (code % 64)) != 0);
        if hit { 0 } else { code }
    }
}

/// Options of single-command mode, and those both modes share (`-T`, `-d`, `-v`, `-p`), which
/// inittab mode reads from here too (one copy of them, not a second set in `InittabOptions`).
/// `repr(C)`, the one-byte fields first and the two tables last: the loops read the flags
/// through a pointer, and a field below offset 128 takes a one-byte displacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct SingleOptions {
    /// Forward signals to the child's process group instead of the child (`-g`).
    pub kill_group: bool,
    /// A log line per reaped process (`-v`, `VINIT_VERBOSE`).
    pub verbose: bool,
    /// The signal the kernel sends vinit when its parent dies (`-p`), 0 for none.
    pub parent_death_signal: u8,
    /// The runtime, from `container=` (`single_defaults_from_env`): read once for both modes,
    /// inittab mode's `Config` takes it from here.
    pub runtime: Runtime,
    /// Seconds between SIGTERM and SIGKILL for what is left when the child exits (`-t`).
    pub grace_secs: u64,
    /// Seconds from the first stop signal forwarded to the child until everything must be
    /// gone (`-T`, `VINIT_STOP_TIMEOUT`).
    pub stop_budget_secs: u64,
    /// The drain delay of both modes (`-d`, `VINIT_STOP_DELAY`): after a stop signal, wait
    /// this long before the stop begins; `main` bounds it with `stop_delay_within`.
    pub stop_delay: Duration,
    /// Index in argv of CMD (the first operand, or the word after `--`).
    pub cmd_index: usize,
    /// Child exit codes reported as 0 (`-e`).
    pub remap: ExitRemap,
    /// What each signal is forwarded as (`-r`, `VINIT_REWRITE`).
    pub rewrite: SignalRewrite,
}

impl Default for SingleOptions {
    fn default() -> Self {
        Self {
            grace_secs: DEFAULT_GRACE_SECS,
            stop_budget_secs: DEFAULT_STOP_BUDGET_SECS,
            ..Self::ZEROED
        }
    }
}

impl SingleOptions {
    /// Every field zero (no flag, no rule, no grace, no budget): a constant of zero bytes, which
    /// `main` keeps in bss, so no code writes it. `single_defaults_from_env` then sets the two
    /// defaults that are not zero (the grace and the budget), as `default` has them.
    pub const ZEROED: Self = Self {
        kill_group: false,
        verbose: false,
        parent_death_signal: 0,
        runtime: Runtime::Other,
        grace_secs: 0,
        stop_budget_secs: 0,
        stop_delay: Duration::ZERO,
        cmd_index: 0,
        remap: ExitRemap([0; 4]),
        rewrite: SignalRewrite::NONE,
    };
}

/// What `vinit` was asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VinitCommand {
    /// `vinit [OPTIONS] [--] CMD [ARG...]`: the options are `parse_vinit`'s `opts`.
    Single,
    /// No command: boot the inittab, with these options and `opts`' shared ones.
    Inittab(InittabOptions),
    /// `-h` / `--help`.
    Help,
    /// `-V` / `--version`.
    Version,
}

/// Inittab mode's own options (the shared ones are in `SingleOptions`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InittabOptions {
    /// Where the inittab path is (`-f FILE`, `-fFILE`).
    pub file: Option<ValueAt>,
    /// A runlevel given on the command line, overriding initdefault (sysvinit's `init 3`).
    pub level: Option<Level>,
}

/// vinit's own options: `-T`, `-d`, `-p`, `-s` and `-v` belong to both modes, `-f` to inittab
/// mode, the rest to single-command mode. `-s` is tini's subreaper flag, accepted: vinit
/// subreaps whenever it is not PID 1. `-d` (delay) is neither tini's nor dumb-init's letter.
const VINIT_OPTIONS: OptionTable = OptionTable {
    with_value: *b"tTefdrp\0",
    long: true,
};

/// Whether `letter` is one of single-command mode's own options (`-g`, `-t`, `-e`, `-r`): a
/// `matches!`, which becomes one bit test, not a search of a 4-byte list.
pub const fn is_single_mode_option(letter: u8) -> bool {
    matches!(letter, b'g' | b't' | b'e' | b'r')
}

/// Parses `vinit`'s own command line into `opts`, which holds the environment's values
/// (filled in place: no copy of the options on the way to single-command mode).
///
/// The first operand decides the mode: a lone runlevel character (`0`-`9`, `S`, `s`) or the
/// word `single` is inittab mode's LEVEL; anything else starts CMD, and every argument after it
/// is CMD's (`vinit -- 3` runs a command named `3`). Options of the other mode are an error.
pub fn parse_vinit<A: ArgList + ?Sized>(
    args: &A,
    opts: &mut SingleOptions,
) -> Result<VinitCommand, UsageError> {
    let mut tab = InittabOptions::default();
    // The first option seen of each mode's own: (argument index, letter); `NONE_YET` until
    // one is (the error's own form: no `Option` tag to test and translate).
    const NONE_YET: (u32, u8) = (NO_ARGUMENT, 0);
    let mut single_only = NONE_YET;
    let mut inittab_only = NONE_YET;
    let mut walk = Options::new(args, &VINIT_OPTIONS);
    while let Some(letter) = walk.next_letter() {
        let index = walk.letter_index();
        // A flag is set as its variable's `1` would set it; `-f` always has its value.
        let (at, v) = walk.value().unwrap_or((ValueAt::operand(index), b"1"));
        // The mode this option belongs to, if only one: one `get_or_insert` for both.
        let first_of_mode = match letter {
            b'h' => return Ok(VinitCommand::Help),
            b'V' => return Ok(VinitCommand::Version),
            b'f' => {
                tab.file = Some(at);
                &mut inittab_only
            }
            letter => {
                set_option(opts, letter, v).map_err(|bad| match bad {
                    BadOption::Unknown => UsageError::UnknownOption(index as u32, letter),
                    BadOption::NotValid => UsageError::BadValue(at),
                    BadOption::OutOfRange(min, max) => UsageError::OutOfRange(at, min.into(), max),
                })?;
                &mut single_only
            }
        };
        // `-f` or a single-command option: one bit test.
        if (letter == b'f' || is_single_mode_option(letter)) && first_of_mode.0 == NO_ARGUMENT {
            *first_of_mode = (index as u32, letter);
        }
    }
    let first = walk.end()?;
    let operand = args.arg(first);
    if walk.ended_by_dashdash() && operand.is_none() {
        return Err(UsageError::MissingCommand);
    }
    let level = match operand {
        _ if walk.ended_by_dashdash() => None,
        // `s` is `S`; the boot pseudo-levels are not asked for (`Level::named`).
        Some([c]) => Level::named(*c),
        Some(word) if word == b"single" => Some(Level::SINGLE),
        _ => None,
    };
    if let Some(level) = level {
        if args.arg(first + 1).is_some() {
            // An argv index: far below 2^32 - 1.
            return Err(UsageError::ExtraOperand(first as u32 + 1));
        }
        tab.level = Some(level);
        if inittab_only.0 == NO_ARGUMENT {
            inittab_only = (first as u32, 0);
        }
    } else if operand.is_some() {
        if inittab_only.0 != NO_ARGUMENT {
            return Err(UsageError::WrongMode(inittab_only, (first as u32, 0)));
        }
        opts.cmd_index = first;
        return Ok(VinitCommand::Single);
    }
    if single_only.0 != NO_ARGUMENT {
        return Err(UsageError::WrongMode(single_only, inittab_only));
    }
    Ok(VinitCommand::Inittab(tab))
}

/// Why `set_option` refused a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BadOption {
    /// Not one of vinit's letters.
    Unknown,
    /// Not a number, a signal or a flag, as the letter wants.
    NotValid,
    /// A number outside `min..=max`: `min` is 0 or 1, a byte, so that the whole result fits in
    /// a register (12 bytes came back through memory).
    OutOfRange(u8, u32),
}

/// The letters `set_option` takes, by kind: the flags (`s`, `g`, `v`), the rewrite, the
/// parent-death signal, then the numbers (`t`, `T`, `e`, `d`). Found by one search, so that
/// each kind is a range of positions, not a chain of letter comparisons.
const SET_LETTERS: &[u8] = b"sgvrptTed";

/// Sets option `letter` (a flag's value: `1`, `0`...) in `opts`: the one parse of the options
/// and of the `VINIT_*` variables that stand for them. Out of line: one copy for both.
#[inline(never)]
fn set_option(opts: &mut SingleOptions, letter: u8, v: &[u8]) -> Result<(), BadOption> {
    // An unknown letter is a flag (its value `1`), so it is told apart here, not as a
    // malformed value.
    let kind = SET_LETTERS
        .iter()
        .position(|&l| l == letter)
        .ok_or(BadOption::Unknown)?;
    let set = match kind {
        // The flags: one reading of the value and one store for the three (`-s` sets a
        // scratch flag: it is accepted and does nothing).
        0..=2 => parse_flag(v).map(|f| {
            let mut no_op = false;
            *match kind {
                1 => &mut opts.kill_group,
                2 => &mut opts.verbose,
                _ => &mut no_op,
            } = f;
        }),
        3 => opts.rewrite.add(v),
        4 => parse_signal(v).map(|sig| opts.parent_death_signal = sig),
        // The numbers: one reading of the value and one range check for the four.
        _ => {
            let (min, max) = match kind {
                5 => (0, GRACE_MAX_SECS),
                6 => (1, STOP_BUDGET_MAX_SECS),
                7 => (0, 255),
                _ => (0, STOP_BUDGET_MAX_SECS),
            };
            let n = parse_number(v, 0, u64::MAX).ok_or(BadOption::NotValid)?;
            if n < min || n > max {
                return Err(BadOption::OutOfRange(min as u8, max as u32));
            }
            match kind {
                5 => opts.grace_secs = n,
                6 => opts.stop_budget_secs = n,
                7 => opts.remap.insert(n as u8),
                _ => opts.stop_delay = Duration::from_secs(n),
            }
            Some(())
        }
    };
    set.ok_or(BadOption::NotValid)
}

/// The `VINIT_*` variables that stand for options, in the order they are checked,
/// space-separated, and their letters (`ENV_LETTERS`, in the same order): one string and one
/// byte each, not a table of slices (16 bytes a name). `VINIT_REWRITE` and
/// `VINIT_REMAP_EXIT` are comma-separated lists of the option's values. `VINIT_SUBREAPER` is
/// tini's TINI_SUBREAPER: accepted; vinit subreaps whenever it is not PID 1.
const ENV_NAMES: &[u8] = b"VINIT_KILL_GROUP VINIT_SUBREAPER VINIT_VERBOSE VINIT_GRACE \
VINIT_STOP_TIMEOUT VINIT_STOP_DELAY VINIT_REWRITE VINIT_REMAP_EXIT";

/// The option letter of each of `ENV_NAMES`; the lists (`r`, `e`) last.
const ENV_LETTERS: &[u8] = b"gsvtTdre";

/// Why a vinit that is not PID 1 boots an inittab (as a subreaper); shown in its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotPid1 {
    /// Its parent is PID 1: `docker run --init`, Compose `init: true`, tini or catatonit in
    /// front.
    ParentIsPid1,
    /// Its parent is outside its PID namespace (getppid() is 0): a Kubernetes pod with
    /// `shareProcessNamespace: true`, whose PID 1 is the pause process.
    ParentOutside,
    /// `-f FILE` asked for it.
    FileGiven,
}

impl NotPid1 {
    /// The boot line, what vinit boots as and why, as a template whose one `{}` is the
    /// inittab's path: `booting /etc/inittab as ...`. `None` is PID 1 (vinit as PID 1 never
    /// has a reason). Whole lines packed (`template!`), not plain texts for one argument.
    pub const fn boot_line(why: Option<Self>) -> &'static [u8] {
        match why {
            None => crate::template!(1, "booting {} as PID 1"),
            Some(Self::ParentIsPid1) => crate::template!(
                1,
                "booting {} as a subreaper (not PID 1: parent is PID 1, e.g. docker run --init)"
            ),
            Some(Self::ParentOutside) => crate::template!(
                1,
                "booting {} as a subreaper (not PID 1: parent is outside the PID namespace, e.g. a pod)"
            ),
            Some(Self::FileGiven) => {
                crate::template!(1, "booting {} as a subreaper (not PID 1: -f given)")
            }
        }
    }
}

/// Whether a vinit that is not PID 1, with no `-f`, is a container's main process and so
/// boots the inittab: its parent is PID 1 (`ppid` 1), or outside the PID namespace (`ppid` 0),
/// unless PID 1 is vinit itself or an init already serves /run/initctl (that is `docker exec
/// CONTAINER init`, whose parent is outside too). Any other parent is a shell or a script:
/// `None`, never boot the host's inittab from there.
pub const fn not_pid1_boot(ppid: i32, pid1_is_vinit: bool, init_running: bool) -> Option<NotPid1> {
    match ppid {
        _ if init_running => None,
        1 => Some(NotPid1::ParentIsPid1),
        0 if !pid1_is_vinit => Some(NotPid1::ParentOutside),
        _ => None,
    }
}

/// Reads the `VINIT_*` environment forms of the options into `opts` (defaults until then, or
/// `SingleOptions::ZEROED`: the defaults that are not zero are set here first), before the
/// command line goes over them; a malformed value is reported as the name of its
/// variable. Inlined into `main`: since `set_option`'s result comes back in a register, that
/// is 8 bytes smaller than a call.
pub fn single_defaults_from_env(
    opts: &mut SingleOptions,
    var: impl Fn(&[u8]) -> Option<&[u8]>,
) -> Result<(), &'static [u8]> {
    // The default budget fits the runtime's own wait (LXC's 60 s: runtime.rs).
    opts.runtime = Runtime::from_container(var(b"container"));
    opts.stop_budget_secs = opts.runtime.default_stop_budget_secs();
    opts.grace_secs = DEFAULT_GRACE_SECS;
    for (i, &letter) in ENV_LETTERS.iter().enumerate() {
        let name = field(ENV_NAMES, b' ', i).unwrap_or_default();
        let Some(v) = var(name) else {
            continue;
        };
        // A list's empty items are skipped; any other value is one item, empty or not.
        // The lists, `r` and `e`, are `ENV_LETTERS`' last two: one compare.
        let list = i >= ENV_LETTERS.len() - 2;
        for item in v.split(|&b| list && b == b',') {
            if !(list && item.is_empty()) && set_option(opts, letter, item).is_err() {
                return Err(name);
            }
        }
    }
    Ok(())
}

/// The drain delay bounded by the stop budget: at most half of it, so the stop keeps the other
/// half (inittab mode: an eighth for level 0, the quarter of the grace, the eighth of the KILL
/// reserve; single-command mode: 3/8 for the child to stop before its KILL). `Err` with the
/// bound when `delay` is longer.
pub const fn stop_delay_within(delay: Duration, budget_secs: u64) -> Result<Duration, Duration> {
    let most = budget_secs.saturating_mul(500);
    if delay.millis() > most {
        Err(Duration::from_millis(most))
    } else {
        Ok(delay)
    }
}

/// `1`/`yes`/`true` or `0`/`no`/`false`/empty.
pub fn parse_flag(v: &[u8]) -> Option<bool> {
    // One word list searched by `display::field`, not a `match` on byte strings (a chain of
    // length and byte comparisons): the empty word first, the true ones from the fourth on.
    let at = (0..FLAG_WORDS.len()).find(|&i| field(FLAG_WORDS, b' ', i) == Some(v))?;
    Some(at > 3)
}

/// `parse_flag`'s words, false then true, space-separated (the first one empty).
const FLAG_WORDS: &[u8] = b" 0 no false 1 yes true";

/// A decimal number within `min..=max`.
pub fn parse_number(v: &[u8], min: u64, max: u64) -> Option<u64> {
    if v.is_empty() || v.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in v {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    (min..=max).contains(&n).then_some(n)
}

/// Whether `bytes` holds `b`. A plain loop: `<[u8]>::contains` is memchr, whose word-at-a-time
/// search (about 300 bytes of code) buys nothing on the few bytes vinit's sets and names hold.
#[allow(clippy::manual_contains)] // `contains` is the memchr this avoids.
pub fn has_byte(bytes: &[u8], b: u8) -> bool {
    bytes.iter().any(|&x| x == b)
}

/// The last path component of argv[0], which picks the personality.
pub fn basename(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(slash) => path.get(slash + 1..).unwrap_or_default(),
        None => path,
    }
}

#[cfg(test)]
mod tests;
