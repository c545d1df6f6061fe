//! An inittab child's environment (compat §3.1): the container's own variables, then the INIT_*
//! ones stored from initctl SETENV (`InitEnv`, compat §5.5), then sysvinit's five; later ones
//! replace earlier ones of the same name. The edge turns a `ChildEnv` into execve(2)'s pointer
//! array: the container's strings are already in memory, vinit's own live in the block.

use heapless::Vec;

use crate::initctl::EnvChange;
use crate::limits::{CHILD_PATH_VAR, ENV_BUF, INIT_ENV_LEN, INIT_ENV_SLOTS, MAX_ENV, OWN_ENV_MAX};

/// vinit's own variables (compat §3.1). sysvinit sets them after the INIT_* ones, so they
/// replace a SETENV variable of the same name (INIT_VERSION). The workspace has one version:
/// the edge's unit test checks this is the binary's.
pub const INIT_VERSION: &[u8] =
    concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")).as_bytes();
const CONSOLE: &[u8] = b"CONSOLE=/dev/console";
/// vinit's own variables in the order they are set: PATH (only when the container has none),
/// then `RUNLEVEL=` and `PREVLEVEL=`, each followed by its level byte, then the rest.
const OWN_VARS: [&[u8]; 6] = [
    CHILD_PATH_VAR,
    b"RUNLEVEL=",
    b"PREVLEVEL=",
    CONSOLE,
    SHELL_VAR,
    INIT_VERSION,
];
const SHELL_VAR: &[u8] = b"SHELL=/bin/sh";
/// `RUNLEVEL=x` and `PREVLEVEL=x`, with their NULs.
const LEVEL_VARS_LEN: usize = b"RUNLEVEL=x".len() + b"PREVLEVEL=x".len() + 2;
const _: () = assert!(
    CHILD_PATH_VAR.len()
        + CONSOLE.len()
        + SHELL_VAR.len()
        + INIT_VERSION.len()
        + 4
        + LEVEL_VARS_LEN
        <= OWN_ENV_MAX,
    "vinit's own variables must fit in OWN_ENV_MAX"
);

/// Strings vinit adds: its own six at most, then every INIT_* slot.
const OWN_MAX: usize = INIT_ENV_SLOTS + 8;
/// Most strings a child's environment has: the container's kept ones, then vinit's.
pub const CHILD_ENV_MAX: usize = MAX_ENV + OWN_MAX;

/// The INIT_* variables from initctl SETENV, as `NAME=VALUE` (compat §5.5).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitEnv {
    vars: Vec<Vec<u8, INIT_ENV_LEN>, INIT_ENV_SLOTS>,
}

impl InitEnv {
    /// No variable stored.
    pub const fn new() -> Self {
        Self { vars: Vec::new() }
    }

    /// SETENV: replace every stored variable of that name; store it if it has a value, in the
    /// first of 16 slots (dropped when full, as sysvinit does; compat §5.5). `false` when it
    /// was dropped: too long, or no free slot.
    pub fn apply(&mut self, change: &EnvChange<'_>) -> bool {
        let (name, value) = match change {
            EnvChange::Set { name, value } => (*name, Some(*value)),
            EnvChange::Unset { name } => (*name, None),
        };
        self.vars.retain(|kv| name_of(kv) != name);
        let Some(value) = value else {
            return true;
        };
        // `NAME=VALUE` must fit: checked once, so the three appends below cannot fail.
        if name.len() + value.len() >= INIT_ENV_LEN {
            return false;
        }
        let mut kv: Vec<u8, INIT_ENV_LEN> = Vec::new();
        let _ = kv.extend_from_slice(name);
        let _ = kv.push(b'=');
        let _ = kv.extend_from_slice(value);
        self.vars.push(kv).is_ok()
    }

    /// The stored `NAME=VALUE` strings, oldest first.
    pub fn vars(&self) -> impl Iterator<Item = &[u8]> {
        self.vars.iter().map(|kv| &kv[..])
    }

    /// How many are stored.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }
}

/// A child's environment: which of the container's variables it keeps, and vinit's own
/// strings. vinit's own go into the buffer first and the buffer has room for all 16 INIT_*
/// slots after them, so a long INIT_* variable can never push RUNLEVEL, PREVLEVEL or
/// INIT_VERSION out.
pub struct ChildEnv {
    buf: Vec<u8, ENV_BUF>,
    /// Offsets of vinit's own NUL-terminated strings in `buf`.
    own: Vec<u16, OWN_MAX>,
    /// Indices of the container's variables that are kept.
    inherited: Vec<u16, MAX_ENV>,
}

impl Default for ChildEnv {
    fn default() -> Self {
        Self::new()
    }
}

impl ChildEnv {
    /// An empty environment.
    pub const fn new() -> Self {
        Self {
            buf: Vec::new(),
            own: Vec::new(),
            inherited: Vec::new(),
        }
    }

    /// Builds the environment of a child started in `runlevel` (RUNLEVEL/PREVLEVEL bytes):
    /// `container` is the container's `NAME=VALUE` strings in order (their indices are what
    /// `inherited` returns); `dropped` is told the name of each one there is no room for.
    /// `VINIT_*` variables are vinit's own settings: a child does not see them.
    pub fn build<'e>(
        &mut self,
        container: impl Iterator<Item = &'e [u8]> + Clone,
        init_env: &InitEnv,
        runlevel: u8,
        prevlevel: u8,
        mut dropped: impl FnMut(&[u8]),
    ) {
        let has_path = container.clone().any(|kv| name_of(kv) == b"PATH");
        // vinit's own first: they fit by construction (OWN_ENV_MAX). A constant table and
        // one call (a call site per variable costs more; a table of the pieces, the levels
        // among them, was built on the stack at every spawn); its first, PATH, only when the
        // container has none.
        for (i, kv) in OWN_VARS.iter().enumerate().skip(usize::from(has_path)) {
            let level = match i {
                1 => runlevel,
                2 => prevlevel,
                _ => NO_LEVEL,
            };
            self.add(kv, level);
        }
        for kv in init_env.vars() {
            // sysvinit sets its own after the INIT_* ones: INIT_VERSION replaces a SETENV one.
            if self.is_own(name_of(kv)) {
                continue;
            }
            // Never full: ENV_BUF has room for every slot after vinit's own.
            let _ = self.add(kv, NO_LEVEL);
        }
        for (i, kv) in container.enumerate() {
            let name = name_of(kv);
            if name.starts_with(b"VINIT_") || self.is_own(name) {
                continue;
            }
            if self.inherited.push(i as u16).is_err() {
                dropped(name);
            }
        }
    }

    /// Indices of the container's variables the child keeps, in order; they come first.
    pub fn inherited(&self) -> &[u16] {
        &self.inherited
    }

    /// vinit's own strings, after the container's, each with its NUL (found by a plain loop,
    /// as `CommandLine::word`).
    pub fn own(&self) -> impl Iterator<Item = &[u8]> {
        self.own.iter().filter_map(|&off| {
            let rest = self.buf.get(usize::from(off)..)?;
            rest.get(..=rest.iter().position(|&b| b == 0)?)
        })
    }

    /// Adds one `NAME=VALUE` string, `level` after it unless `NO_LEVEL` (`RUNLEVEL=` and the
    /// level); `false` (nothing added) when it does not fit.
    fn add(&mut self, kv: &[u8], level: u8) -> bool {
        let start = self.buf.len();
        let fits = self.buf.extend_from_slice(kv).is_ok()
            && (level == NO_LEVEL || self.buf.push(level).is_ok())
            && self.buf.push(0).is_ok()
            && self.own.push(start as u16).is_ok();
        if !fits {
            self.buf.truncate(start);
        }
        fits
    }

    /// Whether one of vinit's own strings has this name. Not inlined: `build` asks it twice.
    #[inline(never)]
    fn is_own(&self, name: &[u8]) -> bool {
        self.own().any(|s| name_of(s) == name)
    }
}

/// `ChildEnv::add`'s level for a string without one: a level byte is never NUL, and one byte
/// goes in one register where an `Option` took two.
const NO_LEVEL: u8 = 0;

/// A `NAME=VALUE` string's name (up to a NUL when it has no `=`: vinit's own strings carry theirs).
fn name_of(kv: &[u8]) -> &[u8] {
    match kv.iter().position(|&b| b == b'=' || b == 0) {
        Some(eq) => kv.get(..eq).unwrap_or_default(),
        None => kv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(env: &ChildEnv) -> std::vec::Vec<std::string::String> {
        env.own()
            .map(|s| {
                core::str::from_utf8(s.strip_suffix(b"\0").unwrap())
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    fn set(store: &mut InitEnv, kv: &[u8]) -> bool {
        let eq = kv.iter().position(|&b| b == b'=').unwrap();
        let change = EnvChange::Set {
            name: &kv[..eq],
            value: &kv[eq + 1..],
        };
        store.apply(&change)
    }

    fn build(container: &[&[u8]], store: &InitEnv, runlevel: u8, prev: u8) -> ChildEnv {
        let mut env = ChildEnv::new();
        env.build(container.iter().copied(), store, runlevel, prev, |_| {});
        env
    }

    #[test]
    fn sixteen_longest_init_variables_leave_vinits_own_in_place() {
        let mut store = InitEnv::new();
        for i in 0..INIT_ENV_SLOTS {
            let mut kv = std::format!("INIT_V{i:02}=").into_bytes();
            kv.resize(INIT_ENV_LEN - 1, b'x');
            assert!(set(&mut store, &kv));
        }
        // The 17th has no slot: dropped, and the caller is told.
        assert!(!set(&mut store, b"INIT_LATE=1"));
        assert_eq!(store.len(), INIT_ENV_SLOTS);
        let env = build(&[], &store, b'5', b'3');
        let got = strings(&env);
        for own in [
            "PATH=/sbin:/usr/sbin:/bin:/usr/bin",
            "RUNLEVEL=5",
            "PREVLEVEL=3",
            "CONSOLE=/dev/console",
            "SHELL=/bin/sh",
            concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")),
        ] {
            assert!(got.iter().any(|s| s == own), "{own} missing from {got:?}");
        }
        assert_eq!(
            got.iter()
                .filter(|s| s.starts_with("INIT_V0") || s.starts_with("INIT_V1"))
                .count(),
            16
        );
        assert_eq!(got.len(), 6 + 16, "vinit's six, then every slot");
    }

    #[test]
    fn a_setenv_init_version_does_not_replace_vinits() {
        let mut store = InitEnv::new();
        assert!(set(&mut store, b"INIT_VERSION=fake"));
        assert!(set(&mut store, b"INIT_HALT=POWEROFF"));
        let env = build(&[], &store, b'3', b'N');
        let got = strings(&env);
        let versions: std::vec::Vec<_> = got
            .iter()
            .filter(|s| s.starts_with("INIT_VERSION="))
            .collect();
        assert_eq!(
            versions,
            [concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION"))]
        );
        assert!(got.iter().any(|s| s == "INIT_HALT=POWEROFF"), "{got:?}");
    }

    #[test]
    fn the_containers_variables_come_first_without_vinits_settings_or_replaced_names() {
        let container: &[&[u8]] = &[
            b"PATH=/opt/bin",
            b"VINIT_STOP_TIMEOUT=5",
            b"HOME=/root",
            b"RUNLEVEL=9",
            b"TERM",
        ];
        let mut store = InitEnv::new();
        assert!(set(&mut store, b"INIT_X=1"));
        // An unset removes every stored variable of that name.
        assert!(set(&mut store, b"INIT_Y=2"));
        assert!(store.apply(&EnvChange::Unset { name: b"INIT_Y" }));
        let env = build(container, &store, b'2', b'S');
        // PATH, HOME and TERM are kept; VINIT_* and the RUNLEVEL vinit sets are not.
        assert_eq!(env.inherited(), [0, 2, 4]);
        let got = strings(&env);
        assert_eq!(
            got,
            [
                "RUNLEVEL=2",
                "PREVLEVEL=S",
                "CONSOLE=/dev/console",
                "SHELL=/bin/sh",
                concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")),
                "INIT_X=1",
            ],
            "no default PATH: the container has one"
        );
    }

    /// A removal keeps the others in order; a replaced variable moves to the end.
    #[test]
    fn a_setenv_keeps_the_order_of_the_others() {
        let mut store = InitEnv::new();
        for kv in [&b"INIT_A=1"[..], b"INIT_B=2", b"INIT_C=3", b"INIT_D=4"] {
            assert!(set(&mut store, kv));
        }
        assert!(store.apply(&EnvChange::Unset { name: b"INIT_B" }));
        assert!(set(&mut store, b"INIT_A=5"));
        assert!(store.apply(&EnvChange::Unset { name: b"INIT_NONE" }));
        let got: std::vec::Vec<&[u8]> = store.vars().collect();
        assert_eq!(got, [&b"INIT_C=3"[..], b"INIT_D=4", b"INIT_A=5"]);
        assert!(store.apply(&EnvChange::Unset { name: b"INIT_A" }));
        assert!(store.apply(&EnvChange::Unset { name: b"INIT_C" }));
        let got: std::vec::Vec<&[u8]> = store.vars().collect();
        assert_eq!(got, [&b"INIT_D=4"[..]]);
        // Too long for a slot: dropped, nothing left of it, the old one of that name gone.
        let mut long = b"INIT_D=".to_vec();
        long.resize(INIT_ENV_LEN + 1, b'x');
        assert!(!set(&mut store, &long));
        assert_eq!(store.len(), 0);
    }

    #[test]
    fn a_container_variable_past_the_limit_is_dropped_and_named() {
        let names: std::vec::Vec<std::string::String> =
            (0..=MAX_ENV).map(|i| std::format!("V{i}=x")).collect();
        let container: std::vec::Vec<&[u8]> = names.iter().map(|s| s.as_bytes()).collect();
        let mut env = ChildEnv::new();
        let mut dropped = std::vec::Vec::new();
        env.build(
            container.iter().copied(),
            &InitEnv::new(),
            b'3',
            b'N',
            |name| dropped.push(name.to_vec()),
        );
        assert_eq!(env.inherited().len(), MAX_ENV);
        assert_eq!(dropped, [std::format!("V{MAX_ENV}").into_bytes()]);
    }
}
