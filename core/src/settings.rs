//! Inittab mode's settings: the supervisor's `Config` from the `VINIT_*` variables (the flags
//! go over them in `main`), and why vinit boots when it is not PID 1.

use core::ffi::CStr;

use crate::args::{NotPid1, parse_number};
use crate::levels::Level;
use crate::limits::{DEFAULT_LEVEL, DEFAULT_STOP_BUDGET_SECS, INITTAB_PATH};
use crate::runtime::Runtime;
use crate::supervisor::{Config, Critical};
use crate::time::Duration;

/// Where the inittab lives and how to stop; from flags and `VINIT_*` variables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The supervisor's settings.
    pub config: Config,
    /// Where the table is read from (`-f FILE`, `VINIT_INITTAB`, `/etc/inittab`); apart from
    /// `config`, so that a machine's config holds no reference (`Init::UNREAD` is zero bytes).
    pub inittab: &'static CStr,
    /// Why vinit boots though it is not PID 1 (as a subreaper); `None` as PID 1.
    pub not_pid1: Option<NotPid1>,
    /// `VINIT_LOG_PREFIX=1`: entries' output goes through vinit, each line prefixed with the
    /// entry's id (line_framing).
    pub log_prefix: bool,
}

impl Settings {
    /// Reads the inittab mode's `VINIT_*` variables through `var` (a variable's value, as the
    /// NUL-terminated string it is in memory); a malformed value names the variable.
    /// (`VINIT_STOP_TIMEOUT` is both modes': `args::single_defaults_from_env` reads it, and
    /// `container=` too.)
    pub fn from_env(var: impl Fn(&[u8]) -> Option<&'static CStr>) -> Result<Self, &'static [u8]> {
        let inittab = var(b"VINIT_INITTAB").unwrap_or(INITTAB_PATH);
        let mut config = Config {
            default_level: Level::named(DEFAULT_LEVEL).unwrap_or(Level::SINGLE),
            // `main` sets it: `-T`, else `args::single_defaults_from_env`'s (55 s under LXC).
            stop_budget: Duration::from_secs(DEFAULT_STOP_BUDGET_SECS),
            // `main` sets it too: `-d`, else `VINIT_STOP_DELAY` (`args`, both modes').
            stop_delay: Duration::ZERO,
            reboot_exit: None,
            forced_level: None,
            // `main` sets it: `args::single_defaults_from_env` reads `container=` (once for
            // both modes).
            runtime: Runtime::Other,
            // `main` sets it: `-v`, else `args::single_defaults_from_env`'s VINIT_VERBOSE.
            verbose: false,
            critical: Critical::default(),
        };
        if let Some(v) = var(b"VINIT_CRITICAL").map(CStr::to_bytes) {
            config.critical = Critical::parse(v).ok_or(b"VINIT_CRITICAL".as_slice())?;
        }
        if let Some(v) = var(b"VINIT_REBOOT").map(CStr::to_bytes) {
            // `==` (one 4-byte compare), not a `match` on byte strings (byte by byte).
            config.reboot_exit = if v == b"boot" {
                None
            } else {
                let code = v.strip_prefix(b"exit:").ok_or(b"VINIT_REBOOT".as_slice())?;
                Some(parse_number(code, 0, 255).ok_or(b"VINIT_REBOOT".as_slice())? as u8)
            };
        }
        if let Some(v) = var(b"VINIT_DEFAULT_LEVEL").map(CStr::to_bytes) {
            config.default_level = match v {
                // A level to boot into: not a boot pseudo-level (`#`, `*`), which would boot again
                // and again.
                [b] => Level::named(*b).ok_or(b"VINIT_DEFAULT_LEVEL".as_slice())?,
                _ => return Err(b"VINIT_DEFAULT_LEVEL".as_slice()),
            };
        }
        let log_prefix = match var(b"VINIT_LOG_PREFIX").map(CStr::to_bytes) {
            None | Some(b"0") => false,
            Some(b"1") => true,
            Some(_) => return Err(b"VINIT_LOG_PREFIX".as_slice()),
        };
        Ok(Self {
            config,
            inittab,
            not_pid1: None,
            log_prefix,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &'static [(&[u8], &'static CStr)]) -> Result<Settings, &'static [u8]> {
        Settings::from_env(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
    }

    #[test]
    fn defaults_without_variables() {
        let s = from(&[]).unwrap();
        assert_eq!(s.inittab, c"/etc/inittab");
        assert_eq!(s.config.default_level, Level::named(b'3').unwrap());
        assert_eq!(s.config.stop_budget, Duration::from_secs(9));
        assert_eq!(s.config.reboot_exit, None);
        assert_eq!(s.config.stop_delay, Duration::ZERO);
        assert_eq!(s.config.forced_level, None);
        assert_eq!(s.config.runtime, Runtime::Other);
        assert!(!s.config.verbose);
        assert_eq!(s.not_pid1, None);
        assert!(!s.log_prefix);
    }

    #[test]
    fn log_prefix_is_0_or_1() {
        assert!(from(&[(b"VINIT_LOG_PREFIX", c"1")]).unwrap().log_prefix);
        assert!(!from(&[(b"VINIT_LOG_PREFIX", c"0")]).unwrap().log_prefix);
    }

    #[test]
    fn variables_set_the_path_the_default_level_and_the_reboot() {
        let s = from(&[
            (b"VINIT_INITTAB", c"/tmp/tab"),
            (b"VINIT_DEFAULT_LEVEL", c"S"),
            (b"VINIT_REBOOT", c"exit:7"),
        ])
        .unwrap();
        assert_eq!(s.inittab, c"/tmp/tab");
        assert_eq!(s.config.default_level, Level::SINGLE);
        assert_eq!(s.config.reboot_exit, Some(7));
        let s = from(&[(b"VINIT_REBOOT", c"boot")]).unwrap();
        assert_eq!(s.config.reboot_exit, None);
    }

    #[test]
    fn critical_ids() {
        assert_eq!(from(&[]).unwrap().config.critical, Critical::default());
        let s = from(&[(b"VINIT_CRITICAL", c"web,db")]).unwrap();
        assert!(s.config.critical.contains(b"web") && s.config.critical.contains(b"db"));
        assert!(!s.config.critical.contains(b"r"));
    }

    #[test]
    fn a_malformed_value_names_its_variable() {
        for (name, value) in [
            ("VINIT_REBOOT", c"exit"),
            ("VINIT_REBOOT", c"exit:256"),
            ("VINIT_REBOOT", c"halt"),
            ("VINIT_DEFAULT_LEVEL", c"35"),
            ("VINIT_DEFAULT_LEVEL", c"x"),
            ("VINIT_DEFAULT_LEVEL", c""),
            // The boot pseudo-levels are no level to boot into.
            ("VINIT_DEFAULT_LEVEL", c"#"),
            ("VINIT_DEFAULT_LEVEL", c"*"),
            ("VINIT_CRITICAL", c"web,toolong"),
            ("VINIT_CRITICAL", c"a:b"),
            ("VINIT_CRITICAL", c"1,2,3,4,5,6,7,8,9"),
            ("VINIT_LOG_PREFIX", c"yes"),
        ] {
            let got = Settings::from_env(|n| (n == name.as_bytes()).then_some(value));
            assert_eq!(got, Err(name.as_bytes()), "{value:?}");
        }
    }
}
