//! telinit, and `init` run as telinit (compat §6.1): a level, `q`, `-e VAR=VAL` or `-t SEC`
//! sent to init as initctl requests.

use super::send::send;
use super::{fail, not_root, usage_failed};
use crate::sys::Envp;
use vinit_core::args::{ArgList, UsageError};
use vinit_core::client_args::{self, Telinit};
use vinit_core::initctl::{EnvPayload, Request};
use vinit_core::template;

pub(super) fn telinit<A: ArgList + ?Sized>(prog: &[u8], args: &A, envp: Envp) -> u8 {
    // sysvinit checks this before it even looks at the arguments.
    if not_root(prog) {
        return 1;
    }
    let mut env = EnvPayload::new();
    let request = match client_args::parse_telinit(args, &mut env) {
        Ok(Telinit::Level { level, sleeptime }) => Request::run_level(level, sleeptime),
        Ok(Telinit::SetEnv) => Request::set_env(env.data()),
        Err(UsageError::EnvTooLarge) => {
            return fail(template!(1, "{}: -e option data too large"), &[prog]);
        }
        Err(e) => {
            return usage_failed(
                prog,
                args,
                &e,
                template!(2, "Usage: {}{}"),
                b" {-e VAR[=VAL] | [-t SECONDS] {0|1|2|3|4|5|6|7|8|9|S|s|Q|q|A|a|B|b|C|c|U|u}}",
            );
        }
    };
    send(prog, envp, &[request])
}
