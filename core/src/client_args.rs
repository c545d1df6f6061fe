//! Command lines of the client personalities (`telinit`/`init`, `shutdown`, `halt`,
//! `poweroff`, `reboot`, `runlevel`), parsed without syscalls into typed commands or a
//! `UsageError` that names the offending argument by its index.
//!
//! Options go through vinit's one walker (`args::Options`, getopt(3) as sysvinit uses it):
//! bundles (`-dhn`), values attached or apart (`-t5`, `-t 5`), `--` ends options; unlike
//! glibc, options after the first operand are not picked up (no argument permutation). Each
//! tool has its own `OptionTable`. Spec §6.1-§6.4, §2.1 (levels).
#![forbid(unsafe_code)]

use heapless::Vec;

use crate::args::{ArgList, Opt, OptionTable, Options, UsageError, ValueAt, parse_number};
use crate::initctl::DATA_LEN;
use crate::levels::LevelRequest;
use crate::limits::{DEFAULT_SLEEPTIME_SECS, SHUTDOWN_HOURS_MAX, SLEEPTIME_MAX, TELINIT_ENV_MAX};

/// Which tool argv[0] (or `vinit NAME`) asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Personality {
    /// `telinit`, or `init` when not PID 1 (compat §6.1).
    Telinit,
    /// `shutdown` (compat §6.2).
    Shutdown,
    /// `halt`, `poweroff`, `reboot` (compat §6.3).
    Halt(HaltProgram),
    /// `runlevel` (compat §6.4).
    Runlevel,
    /// `status [ID]`: vinit's own, asks PID 1 over its status socket.
    Status,
}

/// The client personality for a program name, if it is one. `init` is not one by name alone:
/// as PID 1 it is vinit, otherwise `main` picks between telinit and vinit.
pub fn personality(name: &[u8]) -> Option<Personality> {
    // One string, not a `match` on byte strings (a chain of comparisons wherever it is
    // inlined) nor a table of slices (relocated pointers in the data).
    let at = PERSONALITY_NAMES
        .as_bytes()
        .split(|&b| b == b' ')
        .position(|n| n == name)?;
    Some(match at {
        0 => Personality::Telinit,
        1 => Personality::Shutdown,
        2 => Personality::Halt(HaltProgram::Halt),
        3 => Personality::Halt(HaltProgram::PowerOff),
        4 => Personality::Halt(HaltProgram::Reboot),
        5 => Personality::Runlevel,
        _ => Personality::Status,
    })
}

/// The client names, in `personality`'s order.
const PERSONALITY_NAMES: &str = "telinit shutdown halt poweroff reboot runlevel status";

/// A name `vinit NAME ARGS...` runs as: a client, or `init`.
pub fn is_personality(name: &[u8]) -> bool {
    name == b"init" || personality(name).is_some()
}

/// Walks the options of `args` in `table`, calling `on` for each; returns the index of the
/// first operand.
fn walk<'a, A: ArgList + ?Sized>(
    args: &'a A,
    table: &'a OptionTable,
    mut on: impl FnMut(Opt<'a>) -> Result<(), UsageError>,
) -> Result<usize, UsageError> {
    let mut options = Options::new(args, table);
    for o in options.by_ref() {
        on(o?)?;
    }
    Ok(options.operands())
}

/// A `-t` value: seconds as a C int; anything else is an invalid argument.
fn sleeptime(o: Opt<'_>) -> Result<u32, UsageError> {
    let (at, v) = o.value()?;
    parse_number(v, 0, SLEEPTIME_MAX)
        .map(|n| n as u32)
        .ok_or(UsageError::BadValue(at))
}

/// What telinit sends.
// Built once per telinit run, on the stack; 3 KB is fine there.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Telinit<'a> {
    /// One RUNLVL request: the level character as typed and the TERM-to-KILL seconds.
    Level {
        /// `0`-`9`, `S`, `Q`, `A`-`C`, `U`, either case.
        level: LevelRequest,
        /// `-t`, default 3.
        sleeptime: u32,
    },
    /// One SETENV request with these `-e` values, in order. The values themselves, not
    /// argument indices: an attached value (`-eINIT_X=1`) is only part of its argument.
    SetEnv(Vec<&'a [u8], TELINIT_ENV_MAX>),
}

/// telinit's options: `-t SECS`, `-e VAR[=VAL]`.
const TELINIT_OPTIONS: OptionTable = OptionTable {
    with_value: *b"te\0\0\0\0\0\0",
    long: false,
};

/// `telinit [-t SECS] LEVEL` or `telinit -e VAR[=VAL] [-e ...]` (compat §6.1). With `-e`, no
/// level is allowed and `-t` is ignored, as in sysvinit.
pub fn parse_telinit<'a, A: ArgList + ?Sized>(args: &'a A) -> Result<Telinit<'a>, UsageError> {
    let mut sleep = DEFAULT_SLEEPTIME_SECS;
    let mut env: Vec<&'a [u8], TELINIT_ENV_MAX> = Vec::new();
    let mut env_bytes = 0;
    let first = walk(args, &TELINIT_OPTIONS, |o| {
        match o.letter {
            b't' => sleep = sleeptime(o)?,
            b'e' => {
                let (_, v) = o.value()?;
                // Each string and its NUL must leave room for the list's final NUL (§5.5).
                env_bytes += v.len() + 1;
                if env_bytes + 1 > DATA_LEN {
                    return Err(UsageError::EnvTooLarge);
                }
                env.push(v).map_err(|_| UsageError::EnvTooLarge)?;
            }
            other => return Err(UsageError::UnknownOption(o.index, other)),
        }
        Ok(())
    })?;
    if !env.is_empty() {
        return match args.arg(first) {
            Some(_) => Err(UsageError::ExtraOperand(first)),
            None => Ok(Telinit::SetEnv(env)),
        };
    }
    let level = args.arg(first).ok_or(UsageError::MissingOperand)?;
    if args.arg(first + 1).is_some() {
        return Err(UsageError::ExtraOperand(first + 1));
    }
    // Every request telinit can send (compat §2.1, §6.1); its usage line lists only 0-6, but
    // sysvinit sends 7-9 too.
    match level {
        [c] => LevelRequest::from_byte(*c),
        _ => None,
    }
    .map(|level| Telinit::Level {
        level,
        sleeptime: sleep,
    })
    .ok_or(UsageError::BadLevel(ValueAt::operand(first)))
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
        /// 0-23.
        hour: u8,
        /// 0-59.
        minute: u8,
    },
}

/// `now`, `+m`, `m`, `hh:mm`, `+hh:mm` (compat §6.2; `+hh:mm` is relative since sysvinit 3.x).
pub fn parse_when(v: &[u8]) -> Option<When> {
    if v == b"now" {
        return Some(When::Now);
    }
    let (relative, rest) = match v.strip_prefix(b"+") {
        Some(rest) => (true, rest),
        None => (false, v),
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
            if !relative {
                let h = parse_number(h, 0, 23)?;
                return Some(When::At {
                    hour: h as u8,
                    minute: m as u8,
                });
            }
            parse_number(h, 0, SHUTDOWN_HOURS_MAX)? * 60 + m
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
    /// The SETENV string for it.
    pub const fn env_string(self) -> &'static [u8] {
        match self {
            Self::Unset => b"INIT_HALT",
            Self::Halt => b"INIT_HALT=HALT",
            Self::PowerOff => b"INIT_HALT=POWEROFF",
        }
    }
}

/// A parsed `shutdown` command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shutdown {
    /// Target level: `-h` → `0`, `-r` → `6`, `-i X`, else `1` (the last of them wins).
    pub level: LevelRequest,
    /// `-H` / `-P`.
    pub init_halt: InitHalt,
    /// The time operand (`Now` with `-c`, which takes none).
    pub when: When,
    /// `-t SECS`, handed on to the level change.
    pub sleeptime: Option<u32>,
    /// Index of the first word of the warning message, if any.
    pub message: Option<usize>,
    /// `-c`: cancel a pending shutdown.
    pub cancel: bool,
    /// `-k`: only warn.
    pub warn_only: bool,
    /// `-f`: create /fastboot.
    pub fast_boot: bool,
    /// `-F`: create /forcefsck.
    pub force_fsck: bool,
    /// `-n`: go down without init.
    pub no_init: bool,
    /// `-a`: check /etc/shutdown.allow.
    pub use_allow: bool,
}

impl Shutdown {
    /// `shutdown` to `level` now, with no other option: what a bare command line means, and
    /// what halt/poweroff/reboot ask for outside levels 0 and 6.
    pub const fn now(level: LevelRequest, init_halt: InitHalt, sleeptime: Option<u32>) -> Self {
        Self {
            level,
            init_halt,
            when: When::Now,
            sleeptime,
            message: None,
            cancel: false,
            warn_only: false,
            fast_boot: false,
            force_fsck: false,
            no_init: false,
            use_allow: false,
        }
    }
}

/// Levels `shutdown -i` accepts (sysvinit 3.14).
const SHUTDOWN_LEVELS: &[u8] = b"0156aAbBcCsS";

/// shutdown's options: the flags, and `-t SECS`, `-i X`, `-g TIME`.
const SHUTDOWN_OPTIONS: OptionTable = OptionTable {
    with_value: *b"tig\0\0\0\0\0",
    long: false,
};

/// `shutdown [-akrhPHfFncqQy] [-t sec] [-i X] [-g time] time [message]` (compat §6.2).
pub fn parse_shutdown<A: ArgList + ?Sized>(args: &A) -> Result<Shutdown, UsageError> {
    let mut s = Shutdown::now(LevelRequest::MAINTENANCE, InitHalt::Unset, None);
    let mut time_option = None;
    let first = walk(args, &SHUTDOWN_OPTIONS, |o| {
        match o.letter {
            b'H' => s.init_halt = InitHalt::Halt,
            b'P' => s.init_halt = InitHalt::PowerOff,
            b'a' => s.use_allow = true,
            b'c' => s.cancel = true,
            b'k' => s.warn_only = true,
            b'r' => s.level = LevelRequest::REBOOT,
            b'h' => s.level = LevelRequest::HALT,
            b'f' => s.fast_boot = true,
            b'F' => s.force_fsck = true,
            b'n' => s.no_init = true,
            // Quiet modes only change how often users are warned; `-y` is a System V no-op.
            b'q' | b'Q' | b'y' => {}
            b't' => s.sleeptime = Some(sleeptime(o)?),
            b'i' => {
                let (at, v) = o.value()?;
                s.level = match v {
                    [c] if SHUTDOWN_LEVELS.contains(c) => LevelRequest::from_byte(*c),
                    _ => None,
                }
                .ok_or(UsageError::BadLevel(at))?;
            }
            b'g' => time_option = o.value,
            other => return Err(UsageError::UnknownOption(o.index, other)),
        }
        Ok(())
    })?;
    if s.init_halt != InitHalt::Unset && s.level != LevelRequest::HALT {
        return Err(UsageError::HaltModeWithoutHalt);
    }
    let mut next = first;
    if !s.cancel {
        let (i, v) = match time_option {
            Some(t) => t,
            None => {
                next += 1;
                (
                    ValueAt::operand(first),
                    args.arg(first).ok_or(UsageError::MissingOperand)?,
                )
            }
        };
        s.when = parse_when(v).ok_or(UsageError::BadValue(i))?;
    }
    s.message = args.arg(next).map(|_| next);
    Ok(s)
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
    /// `-d` (or `-n`): no wtmp record.
    pub no_wtmp: bool,
    /// `-f` (or `-m`): act now, do not go through shutdown.
    pub force: bool,
    /// `-n`: no sync.
    pub no_sync: bool,
    /// `-w`: only write the wtmp record.
    pub wtmp_only: bool,
    /// `-h`: put disks in standby (nothing to do in a container).
    pub hdd_standby: bool,
    /// `-i`: take network interfaces down (nothing to do in a container).
    pub ifdown: bool,
    /// `-k`: reboot with kexec.
    pub kexec: bool,
    /// `-t SECS`, handed on to shutdown.
    pub sleeptime: Option<u32>,
}

/// halt's options: the flags, and `-m MSG`, `-t SECS`.
const HALT_OPTIONS: OptionTable = OptionTable {
    with_value: *b"tm\0\0\0\0\0\0",
    long: false,
};

/// `halt|poweroff|reboot [-d] [-f] [-h] [-i] [-n] [-p] [-w] [-k] [-m MSG] [-t SEC]`
/// (compat §6.3); `program` comes from the program name. No operands.
pub fn parse_halt<A: ArgList + ?Sized>(args: &A, program: HaltProgram) -> Result<Halt, UsageError> {
    let mut h = Halt {
        program,
        no_wtmp: false,
        force: false,
        no_sync: false,
        wtmp_only: false,
        hdd_standby: false,
        ifdown: false,
        kexec: false,
        sleeptime: None,
    };
    let first = walk(args, &HALT_OPTIONS, |o| {
        match o.letter {
            b'd' => h.no_wtmp = true,
            b'f' => h.force = true,
            b'h' => h.hdd_standby = true,
            b'i' => h.ifdown = true,
            b'n' => {
                h.no_sync = true;
                h.no_wtmp = true;
            }
            b'p' if h.program == HaltProgram::Halt => h.program = HaltProgram::PowerOff,
            b'p' => {}
            b'w' => h.wtmp_only = true,
            b'k' => h.kexec = true,
            // A message for the firmware (reboot(2) RESTART2); sysvinit makes it imply -f.
            b'm' => h.force = true,
            b't' => h.sleeptime = Some(sleeptime(o)?),
            other => return Err(UsageError::UnknownOption(o.index, other)),
        }
        Ok(())
    })?;
    match args.arg(first) {
        Some(_) => Err(UsageError::ExtraOperand(first)),
        None => Ok(h),
    }
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
