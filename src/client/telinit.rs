//! telinit, and `init` run as telinit (compat §6.1): a level, `q`, `-e VAR=VAL` or `-t SEC`
//! sent to init as initctl requests.

use super::send::send;
use super::{Bytes, usage_detail};
use crate::log::LogLine;
use crate::sys::{self, Envp};
use vinit_core::args::{ArgList, UsageError};
use vinit_core::client_args::{self, Telinit};
use vinit_core::initctl::{self, DATA_LEN, Request};

pub(super) fn telinit<A: ArgList + ?Sized>(prog: &[u8], args: &A, envp: Envp) -> u8 {
    // sysvinit checks this before it even looks at the arguments.
    if sys::geteuid() != 0 {
        say!("{}: must be superuser.", Bytes(prog));
        return 1;
    }
    let cmd = match client_args::parse_telinit(args) {
        Ok(cmd) => cmd,
        Err(UsageError::EnvTooLarge) => {
            say!("{}: -e option data too large", Bytes(prog));
            return 1;
        }
        Err(e) => {
            usage_detail(prog, args, e);
            let mut line = LogLine::bare();
            vinit_core::fill!(
                crate::log::LogLine::write,
                [&mut line],
                "Usage: {}",
                Bytes(prog)
            );
            line.push(
                b" {-e VAR[=VAL] | [-t SECONDS] {0|1|2|3|4|5|6|7|8|9|S|s|Q|q|A|a|B|b|C|c|U|u}}",
            );
            line.emit();
            return 1;
        }
    };
    let mut data = [0u8; DATA_LEN];
    let request = match cmd {
        Telinit::Level { level, sleeptime } => Request::run_level(level, sleeptime),
        Telinit::SetEnv(strings) => {
            if initctl::encode_env(&strings, &mut data).is_err() {
                say!("{}: -e option data too large", Bytes(prog));
                return 1;
            }
            Request::set_env(&data)
        }
    };
    match send(prog, envp, &[request]) {
        Ok(()) => 0,
        Err(()) => 1,
    }
}
