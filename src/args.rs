//! Command lines, parsed without syscalls: one parser per personality returning a typed
//! command or a `UsageError` that names the offending argument.
//!
//! `vinit [OPTIONS] -- CMD [ARG...]` is single-command mode; the inittab-mode and client
//! parsers live here too as they arrive. Environment forms (`VINIT_*`) are read by the caller
//! and passed in as defaults, so flags win over the environment.
#![forbid(unsafe_code)]

use crate::limits::{
    DEFAULT_GRACE_SECS, DEFAULT_STOP_BUDGET_SECS, GRACE_MAX_SECS, STOP_BUDGET_MAX_SECS,
};

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

/// Options of single-command mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SingleOptions {
    /// Forward signals to the child's process group instead of the child (`-g`).
    pub kill_group: bool,
    /// Seconds between SIGTERM and SIGKILL for what is left when the child exits (`-t`).
    pub grace_secs: u64,
    /// Seconds from the first stop signal forwarded to the child until everything must be
    /// gone (`-T`, `VINIT_STOP_TIMEOUT`).
    pub stop_budget_secs: u64,
    /// Child exit codes reported as 0 (`-e`).
    pub remap: ExitRemap,
    /// A log line per reaped process (`-v`).
    pub verbose: bool,
    /// Index in argv of CMD (the word after `--`).
    pub cmd_index: usize,
}

impl Default for SingleOptions {
    fn default() -> Self {
        Self {
            kill_group: false,
            grace_secs: DEFAULT_GRACE_SECS,
            stop_budget_secs: DEFAULT_STOP_BUDGET_SECS,
            remap: ExitRemap::default(),
            verbose: false,
            cmd_index: 0,
        }
    }
}

/// What `vinit` was asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VinitCommand {
    /// `vinit [OPTIONS] -- CMD [ARG...]`.
    Single(SingleOptions),
    /// No command: boot the inittab.
    Inittab(InittabOptions),
    /// `-h` / `--help`.
    Help,
    /// `--version`.
    Version,
}

/// Options of inittab mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InittabOptions {
    /// Index in argv of the inittab path (`-f FILE`).
    pub file_index: Option<usize>,
    /// The stop budget in seconds (`-T SECONDS`).
    pub stop_timeout: Option<u64>,
    /// A runlevel given on the command line, overriding initdefault (sysvinit's `init 3`).
    pub level: Option<u8>,
}

/// What was wrong with the command line; each variant names the argument by its index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsageError {
    /// An option vinit does not know.
    UnknownOption(usize),
    /// An option that needs a value came last.
    MissingValue(usize),
    /// A value that is not a number in range.
    BadNumber(usize),
    /// `--` with nothing after it.
    MissingCommand,
}

/// Parses `vinit`'s own command line, starting from `defaults` (the environment's values).
pub fn parse_vinit<A: ArgList + ?Sized>(
    args: &A,
    defaults: SingleOptions,
) -> Result<VinitCommand, UsageError> {
    let mut opts = defaults;
    let mut tab = InittabOptions::default();
    let mut i = 1;
    while let Some(arg) = args.arg(i) {
        match arg {
            b"--" => {
                if args.arg(i + 1).is_none() {
                    return Err(UsageError::MissingCommand);
                }
                opts.cmd_index = i + 1;
                return Ok(VinitCommand::Single(opts));
            }
            b"-h" | b"--help" => return Ok(VinitCommand::Help),
            b"--version" => return Ok(VinitCommand::Version),
            // Subreaping is always on when vinit is not PID 1; -s is accepted for tini users.
            b"-s" => {}
            b"-g" => opts.kill_group = true,
            b"-v" => opts.verbose = true,
            b"-t" => {
                i += 1;
                let value = args.arg(i).ok_or(UsageError::MissingValue(i - 1))?;
                opts.grace_secs =
                    parse_number(value, 0, GRACE_MAX_SECS).ok_or(UsageError::BadNumber(i))?;
            }
            b"-f" => {
                i += 1;
                args.arg(i).ok_or(UsageError::MissingValue(i - 1))?;
                tab.file_index = Some(i);
            }
            b"-T" => {
                i += 1;
                let value = args.arg(i).ok_or(UsageError::MissingValue(i - 1))?;
                let secs =
                    parse_number(value, 1, STOP_BUDGET_MAX_SECS).ok_or(UsageError::BadNumber(i))?;
                // The stop budget of both modes.
                tab.stop_timeout = Some(secs);
                opts.stop_budget_secs = secs;
            }
            [level @ (b'0'..=b'9' | b'S' | b's')] => tab.level = Some(level.to_ascii_uppercase()),
            b"single" => tab.level = Some(b'S'),
            b"-e" => {
                i += 1;
                let value = args.arg(i).ok_or(UsageError::MissingValue(i - 1))?;
                let code = parse_number(value, 0, 255).ok_or(UsageError::BadNumber(i))?;
                opts.remap.insert(code as u8);
            }
            _ => return Err(UsageError::UnknownOption(i)),
        }
        i += 1;
    }
    Ok(VinitCommand::Inittab(tab))
}

/// Reads the `VINIT_*` environment forms of the single-mode options (and the stop budget,
/// which inittab mode reads again for itself); malformed values are
/// reported as the name of the variable.
pub fn single_defaults_from_env(
    var: impl Fn(&[u8]) -> Option<&[u8]>,
) -> Result<SingleOptions, &'static str> {
    let mut opts = SingleOptions::default();
    if let Some(v) = var(b"VINIT_KILL_GROUP") {
        opts.kill_group = parse_flag(v).ok_or("VINIT_KILL_GROUP")?;
    }
    // tini's TINI_SUBREAPER: accepted; vinit subreaps whenever it is not PID 1.
    if let Some(v) = var(b"VINIT_SUBREAPER") {
        parse_flag(v).ok_or("VINIT_SUBREAPER")?;
    }
    if let Some(v) = var(b"VINIT_VERBOSE") {
        opts.verbose = parse_flag(v).ok_or("VINIT_VERBOSE")?;
    }
    if let Some(v) = var(b"VINIT_GRACE") {
        opts.grace_secs = parse_number(v, 0, GRACE_MAX_SECS).ok_or("VINIT_GRACE")?;
    }
    if let Some(v) = var(b"VINIT_STOP_TIMEOUT") {
        opts.stop_budget_secs =
            parse_number(v, 1, STOP_BUDGET_MAX_SECS).ok_or("VINIT_STOP_TIMEOUT")?;
    }
    if let Some(v) = var(b"VINIT_REMAP_EXIT") {
        for code in v.split(|&b| b == b',').filter(|c| !c.is_empty()) {
            opts.remap
                .insert(parse_number(code, 0, 255).ok_or("VINIT_REMAP_EXIT")? as u8);
        }
    }
    Ok(opts)
}

/// `1`/`yes`/`true` or `0`/`no`/`false`/empty.
pub fn parse_flag(v: &[u8]) -> Option<bool> {
    match v {
        b"1" | b"yes" | b"true" => Some(true),
        b"" | b"0" | b"no" | b"false" => Some(false),
        _ => None,
    }
}

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

/// The last path component of argv[0], which picks the personality.
pub fn basename(path: &[u8]) -> &[u8] {
    match path.iter().rposition(|&b| b == b'/') {
        Some(slash) => path.get(slash + 1..).unwrap_or_default(),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<VinitCommand, UsageError> {
        let v: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
        parse_vinit(v.as_slice(), SingleOptions::default())
    }

    #[test]
    fn single_mode_with_options() {
        let cmd = parse(&[
            "vinit", "-g", "-t", "7", "-e", "143", "-e", "1", "-v", "--", "sh",
        ]);
        let VinitCommand::Single(o) = cmd.unwrap() else {
            panic!("not single")
        };
        assert!(o.kill_group && o.verbose);
        assert_eq!(o.grace_secs, 7);
        assert_eq!(o.stop_budget_secs, DEFAULT_STOP_BUDGET_SECS);
        assert_eq!(o.cmd_index, 10);
        assert_eq!(o.remap.apply(143), 0);
        assert_eq!(o.remap.apply(1), 0);
        assert_eq!(o.remap.apply(2), 2);
    }

    #[test]
    fn stop_budget_option_in_single_mode() {
        let Ok(VinitCommand::Single(o)) = parse(&["vinit", "-T", "4", "--", "sh"]) else {
            panic!("not single")
        };
        assert_eq!(o.stop_budget_secs, 4);
        assert_eq!(o.cmd_index, 4);
        assert_eq!(
            parse(&["vinit", "-T", "3601", "--", "sh"]),
            Err(UsageError::BadNumber(2))
        );
    }

    #[test]
    fn no_command_means_inittab() {
        let none = InittabOptions::default();
        assert_eq!(parse(&["vinit"]), Ok(VinitCommand::Inittab(none)));
        assert_eq!(parse(&["vinit", "-s"]), Ok(VinitCommand::Inittab(none)));
        let with = InittabOptions {
            file_index: Some(2),
            stop_timeout: Some(30),
            level: Some(b'S'),
        };
        assert_eq!(
            parse(&["vinit", "-f", "/x", "-T", "30", "s"]),
            Ok(VinitCommand::Inittab(with))
        );
        assert_eq!(parse(&["vinit", "-T", "0"]), Err(UsageError::BadNumber(2)));
    }

    #[test]
    fn usage_errors_name_the_argument() {
        assert_eq!(
            parse(&["vinit", "-x", "--", "a"]),
            Err(UsageError::UnknownOption(1))
        );
        assert_eq!(parse(&["vinit", "--"]), Err(UsageError::MissingCommand));
        assert_eq!(parse(&["vinit", "-t"]), Err(UsageError::MissingValue(1)));
        assert_eq!(
            parse(&["vinit", "-t", "x", "--", "a"]),
            Err(UsageError::BadNumber(2))
        );
        assert_eq!(
            parse(&["vinit", "-e", "256", "--", "a"]),
            Err(UsageError::BadNumber(2))
        );
        assert_eq!(parse(&["vinit", "--help"]), Ok(VinitCommand::Help));
    }

    #[test]
    fn env_defaults_and_errors() {
        // fn items, not closures: the bound needs a return borrowed for any argument lifetime.
        fn env(name: &[u8]) -> Option<&[u8]> {
            match name {
                b"VINIT_GRACE" => Some(b"3"),
                b"VINIT_REMAP_EXIT" => Some(b"143,130"),
                b"VINIT_KILL_GROUP" => Some(b"1"),
                b"VINIT_STOP_TIMEOUT" => Some(b"28"),
                _ => None,
            }
        }
        let o = single_defaults_from_env(env).unwrap();
        assert_eq!(o.grace_secs, 3);
        assert_eq!(o.stop_budget_secs, 28);
        assert!(o.kill_group);
        assert_eq!(o.remap.apply(130), 0);
        fn bad(name: &[u8]) -> Option<&[u8]> {
            (name == b"VINIT_GRACE").then_some(b"soon")
        }
        assert_eq!(single_defaults_from_env(bad), Err("VINIT_GRACE"));
        fn zero_budget(name: &[u8]) -> Option<&[u8]> {
            (name == b"VINIT_STOP_TIMEOUT").then_some(b"0")
        }
        assert_eq!(
            single_defaults_from_env(zero_budget),
            Err("VINIT_STOP_TIMEOUT")
        );
    }

    #[test]
    fn numbers_and_basenames() {
        assert_eq!(parse_number(b"0", 0, 5), Some(0));
        assert_eq!(parse_number(b"99999999999999999999", 0, u64::MAX), None);
        assert_eq!(parse_number(b"", 0, 5), None);
        assert_eq!(basename(b"/sbin/telinit"), b"telinit");
        assert_eq!(basename(b"halt"), b"halt");
        assert_eq!(basename(b"/x/"), b"");
    }
}
