//! telinit, and `init` run as telinit (compat §6.1): a level, `q`, `-e VAR=VAL` or `-t SEC`
//! sent to init as initctl requests.

use super::send::send;
use crate::sys::Envp;
use vinit_core::client_args::Shutdown;
use vinit_core::initctl::EnvPayload;

/// Sends what telinit's command line `s` asks for: the `-e` values in `env` (a SETENV
/// request) when there are any, else the level (a RUNLVL request, `-t` or 3 seconds).
pub(super) fn telinit(prog: &[u8], s: &Shutdown, env: &EnvPayload, envp: Envp) -> u8 {
    send(prog, envp, env.data(), env.is_empty().then_some(s))
}
