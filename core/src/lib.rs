//! vinit-core: everything vinit decides without doing IO.
//!
//! No syscalls, no clock, no allocation: the inittab parser and the process-field rules, the
//! `/run/initctl` and utmp codecs, every argument parser, the levels, the budgets and paths
//! (`limits`), and the supervision machines (`supervisor`, `sweep`) that take events with the
//! time and return effects. The `vinit` binary crate is the kernel edge that carries those
//! effects out. The crate boundary is the purity boundary: this crate depends on heapless and
//! ufmt only and forbids `unsafe`. docs/architecture.md walks the whole design; `compat §2.2` in
//! comments is section 2.2 of docs/sysvinit-compatibility.md.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

pub mod accounts;
pub mod args;
pub mod child_env;
pub mod client_args;
pub mod cmdline;
pub mod display;
pub mod initctl;
pub mod inittab;
pub mod levels;
pub mod limits;
pub mod line_framing;
pub mod runtime;
pub mod settings;
pub mod signal_spec;
pub mod status;
pub mod status_reply;
pub mod supervisor;
pub mod sweep;
pub mod time;
pub mod utf8;
pub mod utmp;
