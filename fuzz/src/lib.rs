//! Helpers for the fuzz targets, and vinit's pure modules re-exported from the `vinit-core`
//! crate (a path dependency: the fuzzers build exactly the code the binary links).
pub use vinit_core::{
    accounts, args, client_args, cmdline, display, initctl, inittab, levels, limits, signal_spec,
    status, time, utmp,
};

/// Arguments split from one fuzz input: NUL separates them, as in a real argv block.
pub struct Argv<'a>(pub Vec<&'a [u8]>);

impl<'a> Argv<'a> {
    /// `data` split on NUL; an empty input is an argv of one empty string.
    pub fn split(data: &'a [u8]) -> Self {
        Self(data.split(|&b| b == 0).collect())
    }
}
