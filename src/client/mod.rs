//! The client personalities of the vinit binary: `telinit`/`init`, `shutdown`, `halt`,
//! `poweroff`, `reboot`, `runlevel` and vinit's own `status`, picked by argv[0] or `vinit NAME ...`.
//!
//! They talk to a running init only through the /run/initctl FIFO (384-byte requests, compat
//! §5.4) and read utmp in glibc's layout; halt and reboot call reboot(2) only when forced or
//! already in level 0/6 (compat §6.3). Messages and exit codes (0/1) follow sysvinit 3.x.
//! Left out: wall(1) to logged-in ttys (warnings go to stderr), /etc/nologin, syslog,
//! `shutdown -n` (warned about, then init is used), ifdown/hddown, reboot(2) RESTART2.
//!
//! `VINIT_INITCTL=PATH` replaces /run/initctl; it exists for tests only.
//!
//! One file per program (`telinit`, `shutdown`, `halt` for halt/poweroff/reboot, `runlevel`)
//! and `send`, the FIFO writer telinit and shutdown share.

use core::ffi::CStr;

use crate::log::Bytes;
use crate::sys::{Envp, Errno};
use vinit_core::args::{ArgList, UsageError, basename};
use vinit_core::client_args::Personality;
use vinit_core::limits::PATH_MAX;

/// Writes one line to stderr: `say!("{}: must be superuser.", Bytes(prog))`.
macro_rules! say {
    ($($arg:tt)*) => {
        vinit_core::fill!($crate::log::say_line, [], $($arg)*)
    };
}

mod halt;
mod runlevel;
mod send;
mod shutdown;
mod status;
mod telinit;

/// Runs personality `p` on `args` (argument 0 is the tool's name) and returns the exit
/// status.
#[inline(never)]
pub fn run<A: ArgList + ?Sized>(p: Personality, args: &A, envp: Envp) -> u8 {
    let prog = basename(args.arg(0).unwrap_or_default());
    match p {
        Personality::Telinit => telinit::telinit(prog, args, envp),
        Personality::Shutdown => shutdown::shutdown(args, envp),
        Personality::Halt(kind) => halt::halt(prog, args, kind, envp),
        Personality::Runlevel => runlevel::runlevel(args),
        Personality::Status => status::status(args),
    }
}

/// One line saying what was wrong, in getopt's words where it has them.
fn usage_detail<A: ArgList + ?Sized>(prog: &[u8], args: &A, e: UsageError) {
    let arg = |i: usize| Bytes(args.arg(i).unwrap_or_default());
    match e {
        UsageError::UnknownOption(_, c) => {
            say!("{}: invalid option -- '{}'", Bytes(prog), Bytes(&[c]));
        }
        UsageError::MissingValue(_, c) => {
            say!(
                "{}: option requires an argument -- '{}'",
                Bytes(prog),
                Bytes(&[c])
            );
        }
        UsageError::BadValue(at) | UsageError::BadLevel(at) | UsageError::OutOfRange(at, ..) => {
            say!(
                "{}: invalid argument: {}",
                Bytes(prog),
                Bytes(at.bytes(args))
            );
        }
        UsageError::ExtraOperand(i) => say!("{}: extra argument: {}", Bytes(prog), arg(i)),
        // The rest have their own words (or are vinit's own, never a client's).
        UsageError::MissingOperand
        | UsageError::HaltModeWithoutHalt
        | UsageError::EnvTooLarge
        | UsageError::MissingCommand
        | UsageError::WrongMode(..) => {}
    }
}

/// A NUL-terminated copy of a path from argv or the environment.
struct CPath([u8; PATH_MAX + 1]);

impl CPath {
    const fn new() -> Self {
        Self([0; PATH_MAX + 1])
    }

    /// Copies `bytes` in; `None` if it is too long or holds a NUL.
    fn set(&mut self, bytes: &[u8]) -> Option<&CStr> {
        *self.0.get_mut(bytes.len())? = 0;
        for (d, s) in self.0.iter_mut().zip(bytes) {
            *d = *s;
        }
        CStr::from_bytes_with_nul(self.0.get(..=bytes.len())?).ok()
    }
}

/// perror(3)'s text for the errors a client meets opening a path; the symbolic name for
/// anything else (vinit carries no strerror table).
struct ErrText(Errno);

impl vinit_core::display::ArgOf for ErrText {
    fn log_arg(&self) -> vinit_core::display::Arg<'_> {
        use vinit_core::display::Arg;
        match self.0 {
            Errno::NOENT => Arg::Text(b"No such file or directory"),
            Errno::ACCESS => Arg::Text(b"Permission denied"),
            Errno::NOTDIR => Arg::Text(b"Not a directory"),
            Errno::PIPE => Arg::Text(b"Broken pipe"),
            e => Arg::Errno(e.raw_os_error()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpath_copies_and_terminates() {
        let mut buf = CPath::new();
        assert_eq!(buf.set(b"/tmp/x").unwrap().to_bytes(), b"/tmp/x");
        assert!(buf.set(b"a\0b").is_none());
        assert!(buf.set(&[b'a'; PATH_MAX + 1]).is_none());
        assert!(buf.set(&[b'a'; PATH_MAX]).is_some());
    }
}
