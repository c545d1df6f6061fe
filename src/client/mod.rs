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

use crate::log::LogLine;
use crate::sys::{self, Argv, Envp, Errno, FileError};
use vinit_core::args::{ArgList, Shifted, UsageError, ValueAt, basename};
use vinit_core::client_args::{self, Personality};
use vinit_core::initctl::EnvPayload;
use vinit_core::{packed, template};

mod halt;
mod runlevel;
mod send;
mod shutdown;
mod status;
mod telinit;

/// Runs personality `p` on `argv` from argument `first` (the tool's name) on and returns the
/// exit status. telinit, shutdown and halt go one way: the root check telinit and shutdown
/// make first, one `parse` of the command line into the command they share, one report of a
/// usage error (`usage_failed`), then what the tool does with the command.
#[inline(never)]
pub fn run(p: Personality, argv: &Argv, first: usize, envp: Envp) -> u8 {
    let args = &Shifted::new(argv, first);
    // shutdown's lines start with sysvinit's name, whatever argv[0] is.
    let prog = match p {
        Personality::Shutdown => shutdown::SHUTDOWN,
        _ => basename(args.arg(0).unwrap_or_default()),
    };
    let refused = match p {
        // The utmp path as argv holds it, NUL-terminated: no copy to make.
        Personality::Runlevel => return runlevel::runlevel(args, argv.get(first + 1)),
        Personality::Status => return status::status(args),
        // sysvinit checks these before it even looks at the arguments.
        Personality::Telinit if not_root(prog) => return FAILED,
        Personality::Shutdown if sys::geteuid() != 0 => {
            say(SHUTDOWN_NOT_ROOT);
            None
        }
        _ => Some(()),
    };
    let mut env = EnvPayload::new();
    // Borrowed where `parse` returned it: moved out of the result, it was copied.
    let parsed = refused.map(|()| client_args::parse(args, p, &mut env));
    let s = match &parsed {
        Some(Ok(s)) => s,
        Some(Err(e)) => return usage_failed(p, prog, args, Some(e)),
        None => return usage_failed(p, prog, args, None),
    };
    match p {
        Personality::Telinit => telinit::telinit(prog, s, &env, envp),
        Personality::Shutdown => shutdown::shutdown(args, s, envp),
        _ => halt::halt(prog, s, envp),
    }
}

/// The clients' failure status.
const FAILED: u8 = 1;

/// Appends `template` (packed by `template!`) to `line`, each `{` replaced by the next of
/// `args` as it is (argv bytes, paths: not checked as UTF-8, as the clients always wrote them).
fn write_raw(line: &mut LogLine, template: &[u8], args: &[&[u8]]) {
    // The template's pieces between the `{`s, each followed by its argument.
    for (n, arg) in args.iter().enumerate() {
        line.line().write_field(template, u16::from(b'{'), n, &[]);
        line.push(arg);
    }
    line.line()
        .write_field(template, u16::from(b'{'), args.len(), &[]);
}

/// Writes `template` with `args` (`write_raw`) as one line on stderr; returns `FAILED`. The
/// clients' one way to say a line: its fixed words stored packed (`template!`), a call with
/// the argument slices at each site.
#[inline(never)]
fn fail(template: &[u8], args: &[&[u8]]) -> u8 {
    let mut line = LogLine::bare();
    write_raw(&mut line, template, args);
    line.emit();
    FAILED
}

/// `fail` with one argument: its slice passed in registers, not an array stored at each
/// call site.
#[inline(never)]
fn fail_one(template: &[u8], arg: &[u8]) -> u8 {
    fail(template, &[arg])
}

/// `fail` with two arguments, passed in registers as `fail_one`'s.
#[inline(never)]
fn fail_two(template: &[u8], a: &[u8], b: &[u8]) -> u8 {
    fail(template, &[a, b])
}

/// Writes field `n` of `SAYINGS` as one line on stderr; returns `FAILED`. A number passed,
/// where each text was its address and length at every call.
#[inline(never)]
fn say(n: usize) -> u8 {
    let mut line = LogLine::bare();
    line.line().write_field(packed!(SAYINGS), 0, n, &[]);
    line.emit();
    FAILED
}

/// The clients' fixed lines, NUL-separated fields of one packed text (`say`), each named by
/// its number below.
const SAYINGS: &str = "shutdown: you must be root to do that!\0\
shutdown: -H and -P flags can only be used along with -h flag.\0\
ERROR: using -k at this runlevel requires also -f\0\
usage: runlevel [utmp]\0\
runlevel: path too long\0\
shutdown: no authorized users logged in.\0\
shutdown: warning: -n is not supported; asking init instead\0\
shutdown: already running.\0\
shutdown: cannot find pid of running shutdown.\0\
shutdown: not running.\0\
\nShutdown cancelled.\0\
usage: vinit status [ID]\0\
vinit status: no answer from vinit (root only)\0\
\0\
: no vinit in inittab mode here\0\
: root only";

// `SAYINGS`' fields, by their words.
const SHUTDOWN_NOT_ROOT: usize = 0;
const HALT_MODE_WITHOUT_HALT: usize = 1;
const KEXEC_NEEDS_FORCE: usize = 2;
const RUNLEVEL_USAGE: usize = 3;
const RUNLEVEL_PATH_TOO_LONG: usize = 4;
const NO_AUTHORIZED_USERS: usize = 5;
const NO_INIT_UNSUPPORTED: usize = 6;
const ALREADY_RUNNING: usize = 7;
const NO_PENDING_PID: usize = 8;
const PENDING_NOT_RUNNING: usize = 9;
const CANCELLED: usize = 10;
const STATUS_USAGE: usize = 11;
const STATUS_NO_ANSWER: usize = 12;
// `path_failed`'s hints: none, and status's two.
const NO_HINT: usize = 13;
const NO_VINIT_HERE: usize = 14;
const ROOT_ONLY: usize = 15;

/// The first bytes of the file at `path`, as many as `buf` holds (fewer at its end); `None`
/// when it cannot be opened or read. The one open and read of the small files the clients
/// read whole (/var/run/runlevel, shutdown's pid file).
#[inline(never)]
fn read_head<'b>(path: &CStr, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    let fd = sys::open_read(path).ok()?;
    let n = sys::read_full(fd.as_fd(), buf).ok()?;
    buf.get(..n)
}

/// `PROG: must be superuser.` unless the effective uid is root.
fn not_root(prog: &[u8]) -> bool {
    sys::geteuid() != 0 && fail_one(template!(1, "{}: must be superuser."), prog) == FAILED
}

/// One line saying what was wrong, in getopt's words where it has them.
fn usage_detail<A: ArgList + ?Sized>(prog: &[u8], args: &A, e: &UsageError) {
    let quoted;
    let (template, value): (&[u8], &[u8]) = match *e {
        // The option's letter, quoted.
        UsageError::UnknownOption(_, c) | UsageError::MissingValue(_, c) => {
            quoted = [c];
            let template: &[u8] = if let UsageError::UnknownOption(..) = *e {
                template!(2, "{}: invalid option -- '{}'")
            } else {
                template!(2, "{}: option requires an argument -- '{}'")
            };
            (template, &quoted)
        }
        _ => {
            // A value or an operand: its bytes in argv, by one `ValueAt::bytes`.
            let (template, at): (&[u8], ValueAt) = match *e {
                UsageError::BadValue(at)
                | UsageError::BadLevel(at)
                | UsageError::OutOfRange(at, ..) => (template!(2, "{}: invalid argument: {}"), at),
                UsageError::ExtraOperand(i) => {
                    (template!(2, "{}: extra argument: {}"), ValueAt::operand(i))
                }
                // The rest have their own words (or are vinit's own, never a client's).
                _ => return,
            };
            (template, at.bytes(args))
        }
    };
    fail_two(template, prog, value);
}

/// The usage error of telinit, shutdown or halt (`p`, named `prog`): the words of the error
/// `e`, then the tool's usage; `FAILED`. With no error (shutdown refused a user that is not
/// root), only the usage. A `-e` list too large and shutdown's bad `-i` level have only their
/// own line.
#[inline(never)]
fn usage_failed<A: ArgList + ?Sized>(
    p: Personality,
    prog: &[u8],
    args: &A,
    // Borrowed where `parse` returned it: by value, `None` was stored in memory to be passed.
    e: Option<&UsageError>,
) -> u8 {
    if let Some(e) = e {
        match *e {
            UsageError::EnvTooLarge => {
                return fail_one(template!(1, "{}: -e option data too large"), prog);
            }
            UsageError::BadLevel(at) if p == Personality::Shutdown => {
                return fail_one(template!(1, "shutdown: `{}': bad runlevel"), at.bytes(args));
            }
            UsageError::HaltModeWithoutHalt => {
                say(HALT_MODE_WITHOUT_HALT);
            }
            _ => {}
        }
        usage_detail(prog, args, e);
    }
    match p {
        Personality::Telinit => fail_two(
            template!(2, "Usage: {}{}"),
            prog,
            b" {-e VAR[=VAL] | [-t SECONDS] {0|1|2|3|4|5|6|7|8|9|S|s|Q|q|A|a|B|b|C|c|U|u}}",
        ),
        Personality::Shutdown => {
            // Stored packed (`vinit_core::packed!`), as `--help` is.
            crate::log::write_packed(sys::stderr(), packed!(shutdown::SHUTDOWN_USAGE));
            FAILED
        }
        _ => fail_one(
            template!(
                1,
                "usage: {} [-d] [-f] [-h] [-i] [-n] [-p] [-w] [-k] [-m MSG] [-t SEC]"
            ),
            prog,
        ),
    }
}

/// The errors a client meets opening a path, with a text in `PERROR_TEXTS`.
const PERROR_ERRNOS: [Errno; 4] = [Errno::NOENT, Errno::ACCESS, Errno::NOTDIR, Errno::PIPE];

/// perror(3)'s texts for `PERROR_ERRNOS`, in their order, NUL-separated.
const PERROR_TEXTS: &str =
    "No such file or directory\0Permission denied\0Not a directory\0Broken pipe";

/// `PROG: PATH: WHY[HINT]` for a path that could not be used; `FAILED`. WHY is perror(3)'s
/// text for the errors a client meets opening a path, the symbolic name for any other (vinit
/// carries no strerror table), and `FileError`'s words when the path is not what a client may
/// write to (a symlink, a regular file). HINT is field `hint` of `SAYINGS`.
#[inline(never)]
fn path_failed(prog: &[u8], path: &[u8], e: FileError, hint: usize) -> u8 {
    let mut line = LogLine::bare();
    write_raw(&mut line, template!(2, "{}: {}: "), &[prog, path]);
    // perror's text by the errno's place in `PERROR_ERRNOS`: data, not a match.
    let text = match e {
        FileError::Sys(errno) => PERROR_ERRNOS.iter().position(|&known| known == errno),
        _ => None,
    };
    match text {
        Some(n) => {
            line.line().write_field(packed!(PERROR_TEXTS), 0, n, &[]);
        }
        None => vinit_core::display::Show::show(&e, line.line()),
    }
    line.line().write_field(packed!(SAYINGS), 0, hint, &[]);
    line.emit();
    FAILED
}
