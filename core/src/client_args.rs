//! Command lines of the client personalities (`telinit`/`init`, `shutdown`, `halt`,
//! `poweroff`, `reboot`, `runlevel`), parsed without syscalls into typed commands or a
//! `UsageError` that names the offending argument by its index.
//!
//! Options go through vinit's one walker (`args::Options`, getopt(3) as sysvinit uses it):
//! bundles (`-dhn`), values attached or apart (`-t5`, `-t 5`), `--` ends options; unlike
//! glibc, options after the first operand are not picked up (no argument permutation). Each
//! tool has its own `OptionTable`. Spec §6.1-§6.4, §2.1 (levels).
#![forbid(unsafe_code)]

use crate::args::{ArgList, OptionTable, Options, UsageError, ValueAt, has_byte, parse_number};
use crate::display::field;
use crate::initctl::EnvPayload;
use crate::levels::LevelRequest;
use crate::limits::{DEFAULT_SLEEPTIME_SECS, SHUTDOWN_HOURS_MAX, SLEEPTIME_MAX};

/// Which tool argv[0] (or `vinit NAME`) asks for. One flat enum in `PROGRAM_NAMES`'
/// order: a name's place is its personality, and each `match` on it compares one byte (halt's
/// program inside a variant was decoded from the niche at every match).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Personality {
    /// `telinit`, or `init` when not PID 1 (compat §6.1).
    Telinit,
    /// `shutdown` (compat §6.2).
    Shutdown,
    /// `halt` (compat §6.3).
    Halt,
    /// `poweroff` (compat §6.3).
    PowerOff,
    /// `reboot` (compat §6.3).
    Reboot,
    /// `runlevel` (compat §6.4).
    Runlevel,
    /// `status [ID]`: vinit's own, asks PID 1 over its status socket.
    Status,
}

/// What a program name (argv[0]'s basename, or `vinit NAME`'s argument) runs as: a client,
/// vinit itself (any other name), `setuidgid`, or `init` (vinit as PID 1, otherwise telinit
/// or vinit: `main` picks). `Client` first and `Vinit` second: each is its name's place in
/// `PROGRAM_NAMES` (`Vinit` the empty name's, the place of any name not there), so the lookup's
/// answer is the value itself, no tag translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Program {
    /// One of the client personalities.
    Client(Personality),
    /// Any other name: vinit itself.
    Vinit,
    /// `setuidgid`: drop root's privileges and exec.
    Setuidgid,
    /// `init`.
    Init,
}

/// The program a name runs as: one search of `PROGRAM_NAMES`, not compares of `setuidgid`
/// and `init` before the clients' search.
pub fn program(name: &[u8]) -> Program {
    match name_index(name) {
        Some(0) => Program::Client(Personality::Telinit),
        Some(1) => Program::Client(Personality::Shutdown),
        Some(2) => Program::Client(Personality::Halt),
        Some(3) => Program::Client(Personality::PowerOff),
        Some(4) => Program::Client(Personality::Reboot),
        Some(5) => Program::Client(Personality::Runlevel),
        Some(6) => Program::Client(Personality::Status),
        Some(8) => Program::Setuidgid,
        Some(9) => Program::Init,
        _ => Program::Vinit,
    }
}

/// The client personality for a program name, if it is one. `init` is not one by name alone:
/// as PID 1 it is vinit, otherwise `main` picks between telinit and vinit.
pub fn personality(name: &[u8]) -> Option<Personality> {
    match program(name) {
        Program::Client(p) => Some(p),
        _ => None,
    }
}

/// The place of `name` in `PROGRAM_NAMES`. One string, not a `match` on byte strings (a
/// chain of comparisons wherever it is inlined) nor a table of slices (relocated pointers in
/// the data), searched by `display::field`, vinit's one splitting loop (not a `Split`
/// iterator of its own).
fn name_index(name: &[u8]) -> Option<usize> {
    let names = PROGRAM_NAMES.as_bytes();
    (0..names.len()).find(|&i| field(names, b' ', i) == Some(name))
}

/// The program names in `Program`'s order: the clients in `Personality`'s, an empty name
/// (`Vinit`: an empty argv[0] is vinit, as any name not here), `setuidgid`, `init`.
const PROGRAM_NAMES: &str = "telinit shutdown halt poweroff reboot runlevel status  setuidgid init";

/// What one tool takes: the letters with a value, and its flags (letters without one).
struct Tool {
    options: OptionTable,
    /// The flag letters, padded with 0 (never a letter).
    flags: [u8; 16],
}

/// A set of option letters (bit `letter & 63`: `A`-`Z` and `a`-`z` apart), the options a
/// command line gave; the parsed commands read their flags from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Letters(u64);

impl Letters {
    /// Whether `letter` was given.
    pub const fn has(self, letter: u8) -> bool {
        self.0 & (1 << (letter & 63)) != 0
    }
}

/// Walks the options of `args` with `tool`'s table into `s` (the letters seen, `-t`, and
/// shutdown's `-h`, `-r`, `-i X`, `-H`, `-P`: the last of each wins), telinit's `-e` values
/// into `env` (packed as the SETENV request carries them) and shutdown's `-g TIME` into
/// `time`; the index of the first operand. Every client's options go through this one walk,
/// into the one command they share (`Shutdown`: halt's and telinit's are taken from it): a
/// letter means the same to every tool that has it, and each tool's table says which letters
/// it has.
fn scan<'a, A: ArgList + ?Sized>(
    args: &'a A,
    tool: &'a Tool,
    s: &mut Shutdown,
    env: &mut EnvPayload,
    time: &mut Option<(ValueAt, &'a [u8])>,
) -> Result<usize, UsageError> {
    let mut options = Options::new(args, &tool.options);
    while let Some(letter) = options.next_letter() {
        match options.value() {
            None if !has_byte(&tool.flags, letter) => {
                return Err(UsageError::UnknownOption(
                    options.letter_index() as u32,
                    letter,
                ));
            }
            None => match letter {
                b'h' => s.level = LevelRequest::HALT,
                b'r' => s.level = LevelRequest::REBOOT,
                b'H' => s.init_halt = InitHalt::Halt,
                b'P' => s.init_halt = InitHalt::PowerOff,
                _ => {}
            },
            Some((at, v)) => match letter {
                b't' => {
                    s.sleeptime =
                        parse_number(v, 0, SLEEPTIME_MAX).ok_or(UsageError::BadValue(at))? as u32;
                }
                // Each string and its NUL must leave room for the list's final NUL (§5.5).
                b'e' => env.push(v).map_err(|_| UsageError::EnvTooLarge)?,
                b'i' => {
                    s.level = match v {
                        [c] if has_byte(SHUTDOWN_LEVELS, *c) => LevelRequest::from_byte(*c),
                        _ => None,
                    }
                    .ok_or(UsageError::BadLevel(at))?;
                }
                b'g' => *time = Some((at, v)),
                // halt's `-m MSG`: only seen.
                _ => {}
            },
        }
        s.letters.0 |= 1 << (letter & 63);
    }
    options.end()
}

/// What `scan` starts from: shutdown's bare command line (level 1, now).
const fn unscanned() -> Shutdown {
    Shutdown::now(
        LevelRequest::MAINTENANCE,
        InitHalt::Unset,
        DEFAULT_SLEEPTIME_SECS,
    )
}

/// What telinit sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Telinit {
    /// One RUNLVL request: the level character as typed and the TERM-to-KILL seconds.
    Level {
        /// `0`-`9`, `S`, `Q`, `A`-`C`, `U`, either case.
        level: LevelRequest,
        /// `-t`, default 3.
        sleeptime: u32,
    },
    /// One SETENV request with the `-e` values, in order, packed as sent in the payload the
    /// caller passed (`parse_telinit`). The values themselves: an attached value
    /// (`-eINIT_X=1`) is only part of its argument.
    SetEnv,
}

/// telinit's options: `-t SECS`, `-e VAR[=VAL]`.
const TELINIT: Tool = Tool {
    options: OptionTable {
        with_value: *b"te\0\0\0\0\0\0",
        long: false,
    },
    flags: [0; 16],
};

/// `telinit [-t SECS] LEVEL` or `telinit -e VAR[=VAL] [-e ...]` (compat §6.1): `parse`'s
/// command as telinit's. With `-e`, no level is allowed and `-t` is ignored, as in sysvinit.
/// The `-e` values are packed into `env` (empty when it is passed): a payload returned in
/// `Telinit` was copied out twice.
pub fn parse_telinit<A: ArgList + ?Sized>(
    args: &A,
    env: &mut EnvPayload,
) -> Result<Telinit, UsageError> {
    let s = parse(args, Personality::Telinit, env)?;
    Ok(if env.is_empty() {
        Telinit::Level {
            level: s.level,
            sleeptime: s.sleeptime,
        }
    } else {
        Telinit::SetEnv
    })
}

/// The command line of telinit, shutdown or halt (`p`: its name picks halt's program), parsed
/// into the one command they share: every option through `scan`, then what the tool's operands
/// mean. telinit: with `-e` (its values in `env`) no operand, else one level (its `-t`, or 3,
/// in `sleeptime`); shutdown: `parse_shutdown`'s rules; halt: no operand, and the level and
/// `InitHalt` its program asks init for (`Halt::program` reads them back). `Runlevel` and
/// `Status` take no options: they are never given here, and would parse as halt does. The one
/// parser the clients call: a parser per tool repeated the walk's start and its result.
#[inline(never)]
pub fn parse<A: ArgList + ?Sized>(
    args: &A,
    p: Personality,
    env: &mut EnvPayload,
) -> Result<Shutdown, UsageError> {
    // One table indexed, not a choice between three addresses: telinit, shutdown, and halt
    // for the three halt programs (the variants after them).
    let tool = TOOLS.get((p as usize).min(2)).unwrap_or(&HALT);
    let mut s = unscanned();
    let mut time = None;
    let first = scan(args, tool, &mut s, env, &mut time)?;
    // The one check for an operand past those the tool takes (telinit's level, or none;
    // shutdown's words after the time are its message). An extra one implies the level, so
    // it is still found before a missing level.
    let level_operand = p == Personality::Telinit && env.is_empty();
    // The first operand, read once: telinit's level, shutdown's time, or an extra one.
    let operand = args.arg(first);
    if p != Personality::Shutdown {
        let (extra, found) = if level_operand {
            (first + 1, args.arg(first + 1))
        } else {
            (first, operand)
        };
        if found.is_some() {
            return Err(UsageError::ExtraOperand(extra as u32));
        }
    }
    match p {
        Personality::Telinit if level_operand => {
            let level = operand.ok_or(UsageError::MissingOperand)?;
            // Every request telinit can send (compat §2.1, §6.1); its usage line lists only
            // 0-6, but sysvinit sends 7-9 too.
            s.level = match level {
                [c] => LevelRequest::from_byte(*c),
                _ => None,
            }
            .ok_or(UsageError::BadLevel(ValueAt::operand(first)))?;
        }
        Personality::Shutdown => {
            if s.init_halt != InitHalt::Unset && s.level != LevelRequest::HALT {
                return Err(UsageError::HaltModeWithoutHalt);
            }
            let mut next = first;
            if !s.cancel() {
                let (i, v) = match time {
                    Some(t) => t,
                    None => {
                        next += 1;
                        (
                            ValueAt::operand(first),
                            operand.ok_or(UsageError::MissingOperand)?,
                        )
                    }
                };
                s.when = parse_when(v).ok_or(UsageError::BadValue(i))?;
            }
            s.message = next;
        }
        // telinit's `-e`: no operand.
        Personality::Telinit => {}
        // halt, poweroff, reboot.
        _ => {
            (s.level, s.init_halt) = match p {
                Personality::Halt if !s.letters.has(b'p') => (LevelRequest::HALT, InitHalt::Halt),
                Personality::Reboot => (LevelRequest::REBOOT, InitHalt::Unset),
                _ => (LevelRequest::HALT, InitHalt::PowerOff),
            };
        }
    }
    Ok(s)
}

/// When a shutdown happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// `now`, `0`, `+0`.
    Now,
    /// `+m`, `m` or `+hh:mm`: this many minutes from now (never 0).
    InMinutes(u32),
    /// `hh:mm`: the next time the local clock shows this.
    At {
        /// `hh * 60 + mm`, 0-1439: what the client compares with the clock (hour and minute
        /// apart were packed here and added up there).
        minute_of_day: u16,
    },
}

/// `now`, `+m`, `m`, `hh:mm`, `+hh:mm` (compat §6.2; `+hh:mm` is relative since sysvinit 3.x).
pub fn parse_when(v: &[u8]) -> Option<When> {
    if v == b"now" {
        return Some(When::Now);
    }
    // A pattern, not `strip_prefix`: its generic body was called for one byte.
    let (relative, rest) = match v {
        [b'+', rest @ ..] => (true, rest),
        _ => (false, v),
    };
    let minutes = match rest.iter().position(|&b| b == b':') {
        None => parse_number(rest, 0, u64::from(u32::MAX))?,
        Some(colon) => {
            let (h, m) = rest.split_at(colon);
            let m = m.get(1..)?;
            if m.len() > 2 {
                return None;
            }
            let m = parse_number(m, 0, 59)?;
            // The limit from an opaque copy of `relative`: picked by the test below, the call
            // and what follows it were copied for each form.
            let hours_max = if core::hint::black_box(relative) {
                SHUTDOWN_HOURS_MAX
            } else {
                23
            };
            let h = parse_number(h, 0, hours_max)?;
            let minutes = h * 60 + m;
            if !relative {
                return Some(When::At {
                    minute_of_day: minutes as u16,
                });
            }
            minutes
        }
    };
    match u32::try_from(minutes).ok()? {
        0 => Some(When::Now),
        m => Some(When::InMinutes(m)),
    }
}

/// The value of `INIT_HALT`, the variable shutdown sets in init (a SETENV request) before
/// asking for level 0, which tells the halt script whether to halt or power off (compat §5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InitHalt {
    /// Neither `-H` nor `-P`: `INIT_HALT` is unset.
    Unset,
    /// `-H`: `INIT_HALT=HALT`.
    Halt,
    /// `-P`: `INIT_HALT=POWEROFF`.
    PowerOff,
}

impl InitHalt {
    /// The SETENV payload for it, its string with its NUL: its field of `INIT_HALT_STRINGS`,
    /// by `display::field` (the one splitting loop), not a match; sent as it is, not copied
    /// into an `EnvPayload`.
    pub fn env_data(self) -> &'static [u8] {
        field(INIT_HALT_STRINGS, b'|', self as usize).unwrap_or_default()
    }
}

/// `InitHalt::env_data`'s payloads, each ending with its NUL, separated by `|`, in the
/// variants' order.
const INIT_HALT_STRINGS: &[u8] = b"INIT_HALT\0|INIT_HALT=HALT\0|INIT_HALT=POWEROFF\0";

/// A parsed `shutdown` command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shutdown {
    /// Target level: `-h` → `0`, `-r` → `6`, `-i X`, else `1` (the last of them wins).
    pub level: LevelRequest,
    /// `-H` / `-P`.
    pub init_halt: InitHalt,
    /// The time operand (`Now` with `-c`, which takes none).
    pub when: When,
    /// `-t SECS`, handed on to the level change; without it `DEFAULT_SLEEPTIME_SECS`, set
    /// once here, not an `Option` each reader defaults.
    pub sleeptime: u32,
    /// Index of the first word of shutdown's warning message (no argument there: none; 0 in
    /// the other tools' commands, which have none), not an `Option` checked before the words
    /// are joined up to argv's end anyway.
    pub message: usize,
    /// The options given; the flags below read them.
    pub letters: Letters,
}

impl Shutdown {
    /// `shutdown` to `level` now, with no other option: what a bare command line means, and
    /// what halt/poweroff/reboot ask for outside levels 0 and 6.
    pub const fn now(level: LevelRequest, init_halt: InitHalt, sleeptime: u32) -> Self {
        Self {
            level,
            init_halt,
            when: When::Now,
            sleeptime,
            message: 0,
            letters: Letters(0),
        }
    }

    /// `-c`: cancel a pending shutdown.
    pub const fn cancel(&self) -> bool {
        self.letters.has(b'c')
    }

    /// `-k`: only warn.
    pub const fn warn_only(&self) -> bool {
        self.letters.has(b'k')
    }

    /// `-f`: create /fastboot.
    pub const fn fast_boot(&self) -> bool {
        self.letters.has(b'f')
    }

    /// `-F`: create /forcefsck.
    pub const fn force_fsck(&self) -> bool {
        self.letters.has(b'F')
    }

    /// `-n`: go down without init.
    pub const fn no_init(&self) -> bool {
        self.letters.has(b'n')
    }

    /// `-a`: check /etc/shutdown.allow.
    pub const fn use_allow(&self) -> bool {
        self.letters.has(b'a')
    }

    /// halt's command line (`parse` of halt, poweroff or reboot) as halt reads it: the program
    /// from the level and `InitHalt` it asks for, and its options.
    pub fn as_halt(&self) -> Halt {
        Halt {
            program: match (self.level.byte(), self.init_halt) {
                (b'6', _) => HaltProgram::Reboot,
                (_, InitHalt::PowerOff) => HaltProgram::PowerOff,
                _ => HaltProgram::Halt,
            },
            sleeptime: self.sleeptime,
            letters: self.letters,
        }
    }
}

/// Levels `shutdown -i` accepts (sysvinit 3.14).
const SHUTDOWN_LEVELS: &[u8] = b"0156aAbBcCsS";

/// shutdown's options: the flags, and `-t SECS`, `-i X`, `-g TIME`. Quiet modes (`-q`, `-Q`)
/// only change how often users are warned; `-y` is a System V no-op.
const SHUTDOWN: Tool = Tool {
    options: OptionTable {
        with_value: *b"tig\0\0\0\0\0",
        long: false,
    },
    flags: *b"HPackrhfFnqQy\0\0\0",
};

/// `shutdown [-akrhPHfFncqQy] [-t sec] [-i X] [-g time] time [message]` (compat §6.2):
/// `parse`'s command as shutdown's.
pub fn parse_shutdown<A: ArgList + ?Sized>(args: &A) -> Result<Shutdown, UsageError> {
    // shutdown takes no `-e`: its table never lets one through to this payload.
    parse(args, Personality::Shutdown, &mut EnvPayload::new())
}

/// Which of the three programs `halt` acts as: its name, except that `halt -p` acts as
/// `poweroff`. It picks the reboot(2) command, or the `shutdown` it asks for (the level, and
/// the `InitHalt` it sends) when the system is not already going down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HaltProgram {
    /// `halt` (level 0, INIT_HALT=HALT).
    Halt,
    /// `poweroff`, or `halt -p` (level 0, INIT_HALT=POWEROFF).
    PowerOff,
    /// `reboot` (level 6).
    Reboot,
}

/// A parsed `halt`/`poweroff`/`reboot` command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Halt {
    /// The program it acts as; `-p` turns `halt` into `PowerOff`.
    pub program: HaltProgram,
    /// `-t SECS` (else `DEFAULT_SLEEPTIME_SECS`), handed on to shutdown.
    pub sleeptime: u32,
    /// The options given; the flags below read them.
    pub letters: Letters,
}

impl Halt {
    /// `-d` (or `-n`): no wtmp record.
    pub const fn no_wtmp(&self) -> bool {
        self.letters.has(b'd') || self.letters.has(b'n')
    }

    /// `-f` (or `-m`: a message for the firmware, reboot(2) RESTART2; sysvinit makes it imply
    /// -f): act now, do not go through shutdown.
    pub const fn force(&self) -> bool {
        self.letters.has(b'f') || self.letters.has(b'm')
    }

    /// `-n`: no sync.
    pub const fn no_sync(&self) -> bool {
        self.letters.has(b'n')
    }

    /// `-w`: only write the wtmp record.
    pub const fn wtmp_only(&self) -> bool {
        self.letters.has(b'w')
    }

    /// `-h`: put disks in standby (nothing to do in a container).
    pub const fn hdd_standby(&self) -> bool {
        self.letters.has(b'h')
    }

    /// `-i`: take network interfaces down (nothing to do in a container).
    pub const fn ifdown(&self) -> bool {
        self.letters.has(b'i')
    }

    /// `-k`: reboot with kexec.
    pub const fn kexec(&self) -> bool {
        self.letters.has(b'k')
    }
}

/// halt's options: the flags, and `-m MSG`, `-t SECS`.
const HALT: Tool = Tool {
    options: OptionTable {
        with_value: *b"tm\0\0\0\0\0\0",
        long: false,
    },
    flags: *b"dfhinpwk\0\0\0\0\0\0\0\0",
};

/// Each tool's table, in `parse`'s order: telinit, shutdown, halt.
const TOOLS: [Tool; 3] = [TELINIT, SHUTDOWN, HALT];

/// `halt|poweroff|reboot [-d] [-f] [-h] [-i] [-n] [-p] [-w] [-k] [-m MSG] [-t SEC]`
/// (compat §6.3): `parse`'s command as halt's; `program` comes from the program name. No
/// operands.
pub fn parse_halt<A: ArgList + ?Sized>(args: &A, program: HaltProgram) -> Result<Halt, UsageError> {
    // halt takes no `-e`: its table never lets one through to this payload.
    let p = match program {
        HaltProgram::Halt => Personality::Halt,
        HaltProgram::PowerOff => Personality::PowerOff,
        HaltProgram::Reboot => Personality::Reboot,
    };
    let s = parse(args, p, &mut EnvPayload::new())?;
    Ok(s.as_halt())
}

/// A parsed `runlevel [utmpfile]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Runlevel {
    /// Index of the utmp file argument, if given.
    pub utmp: Option<usize>,
}

/// `runlevel [utmpfile]` (compat §6.4): like sysvinit, no options; the one operand is a path.
pub fn parse_runlevel<A: ArgList + ?Sized>(args: &A) -> Result<Runlevel, UsageError> {
    if args.arg(2).is_some() {
        return Err(UsageError::ExtraOperand(2));
    }
    Ok(Runlevel {
        utmp: args.arg(1).map(|_| 1),
    })
}

#[cfg(test)]
mod tests;
