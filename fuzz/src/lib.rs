//! vinit's pure modules, compiled from `../src` under std so libFuzzer can drive them.
//!
//! The vinit crate is a no_std binary, so it cannot be a dependency; instead each pure module
//! is included by path under the same name as in the main crate, so its `crate::` paths
//! resolve. Only pure modules (no syscalls, `#![forbid(unsafe_code)]`) may be listed here.
// Items the fuzz targets do not call (and the modules' own dead-code allowances under cfg(test)).
#![allow(dead_code, unused_imports)]

#[path = "../../src/args.rs"]
pub mod args;
#[path = "../../src/client_args.rs"]
pub mod client_args;
#[path = "../../src/cmdline.rs"]
pub mod cmdline;
#[path = "../../src/initctl.rs"]
pub mod initctl;
#[path = "../../src/inittab.rs"]
pub mod inittab;
#[path = "../../src/levels.rs"]
pub mod levels;
#[path = "../../src/limits.rs"]
pub mod limits;
#[path = "../../src/status.rs"]
pub mod status;
#[path = "../../src/time.rs"]
pub mod time;
#[path = "../../src/utmp.rs"]
pub mod utmp;

/// Arguments split from one fuzz input: NUL separates them, as in a real argv block.
pub struct Argv<'a>(pub Vec<&'a [u8]>);

impl<'a> Argv<'a> {
    /// `data` split on NUL; an empty input is an argv of one empty string.
    pub fn split(data: &'a [u8]) -> Self {
        Self(data.split(|&b| b == 0).collect())
    }
}
