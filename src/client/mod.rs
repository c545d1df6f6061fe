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
use vinit_core::display::PLACEHOLDER;
use vinit_core::initctl::EnvPayload;
use vinit_core::packed;

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
    if let Personality::Runlevel | Personality::Status = p {
        // runlevel and status take one operand at most: an argument 2 is their usage error
        // (one lookup for both, made only on their way: before the other tools' name, it was
        // made on shutdown's way too, for nothing).
        let extra_operand = argv.get(first + 2).is_some();
        // The utmp path as argv holds it, NUL-terminated: no copy to make. The same lookup
        // gives status its id.
        let operand = argv.get(first + 1);
        return if p == Personality::Runlevel {
            runlevel::runlevel(extra_operand, operand)
        } else {
            status::status(operand.map(CStr::to_bytes), extra_operand)
        };
    }
    let args = &Shifted::new(argv, first);
    // shutdown's lines start with sysvinit's name, whatever argv[0] is.
    let prog = match p {
        Personality::Shutdown => shutdown::SHUTDOWN,
        _ => basename(args.arg(0).unwrap_or_default()),
    };
    let refused = match p {
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
    let mut parsed = refused.map(|()| client_args::parse(args, p, &mut env));
    let s = match &mut parsed {
        Some(Ok(s)) => s,
        Some(Err(e)) => return usage_failed(p, prog, args, Some(&*e)),
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

/// Appends line `first` of `LINES` to `line`: its pieces from `first` on, each followed by
/// the next of `args` as it is (argv bytes, paths: not checked as UTF-8, as the clients always
/// wrote them).
fn write_raw(line: &mut LogLine, first: usize, args: &[&[u8]]) {
    // One call of each in one loop: each piece, then its argument, until the pieces with
    // arguments are done (the last piece has none). A plain loop: `0..=len`'s range kept a
    // flag of its own for its end. Bounded: `args.get` ends it past the last argument.
    let mut n = 0;
    loop {
        line.line()
            .write_field(LINES, u16::from(PLACEHOLDER), first + n, &[]);
        let Some(arg) = args.get(n) else {
            return;
        };
        line.push(arg);
        n += 1;
    }
}

/// Writes line `first` of `LINES` with `args` (`write_raw`) on stderr; returns `FAILED`. The
/// clients' one way to say a line: a number and the argument slices at each call, where each
/// line's own packed template was an address and a length.
#[inline(never)]
fn fail(first: usize, args: &[&[u8]]) -> u8 {
    let mut line = LogLine::bare();
    write_raw(&mut line, first, args);
    line.emit();
    FAILED
}

/// `fail` with one argument: its slice passed in registers, not an array stored at each
/// call site.
#[inline(never)]
fn fail_one(first: usize, arg: &[u8]) -> u8 {
    fail(first, &[arg])
}

/// `fail` with two arguments, passed in registers as `fail_one`'s.
#[inline(never)]
fn fail_two(first: usize, a: &[u8], b: &[u8]) -> u8 {
    fail(first, &[a, b])
}

/// `fail` for a line without arguments.
#[inline(never)]
fn say(first: usize) -> u8 {
    fail(first, &[])
}

/// Declares `LINES_TEXT`, the lines given joined by a `{}` each, and a constant per line: the
/// number of its first piece in the text cut at each placeholder (`PLACEHOLDER`: a `{}` of a
/// line, or a line's end).
macro_rules! lines {
    ($($name:ident = $text:literal,)*) => {
        /// The clients' lines (`fail`), joined.
        const LINES_TEXT: &str = concat!($($text, "{}"),*);
        lines!(@numbered 0; $($name = $text,)*);
        /// Each line's number and text, for the test that writes them all.
        #[cfg(test)]
        const LINE_TEXTS: &[(usize, &str)] = &[$(($name, $text)),*];
    };
    (@numbered $at:expr;) => {};
    (@numbered $at:expr; $name:ident = $text:literal, $($rest:tt)*) => {
        const $name: usize = $at;
        lines!(@numbered $name + pieces($text); $($rest)*);
    };
}

/// The pieces of a line between its placeholders: one more than they.
const fn pieces(text: &str) -> usize {
    match vinit_core::display::placeholders(text) {
        Some(n) => n + 1,
        // `LINES`' check refuses the text.
        None => 0,
    }
}

/// `LINES_TEXT` packed once (as `template!` does each text): one text whose lines are picked
/// by number.
const LINES: &[u8] = &{
    assert!(
        vinit_core::display::placeholders(LINES_TEXT).is_some() && LINES_TEXT.is_ascii(),
        "only `{{}}` placeholders, other braces doubled, only ASCII"
    );
    vinit_core::display::pack::<{ vinit_core::display::pack_into(LINES_TEXT, &mut []) }>(LINES_TEXT)
};

lines! {
    SHUTDOWN_NOT_ROOT = "shutdown: you must be root to do that!",
    HALT_MODE_WITHOUT_HALT = "shutdown: -H and -P flags can only be used along with -h flag.",
    KEXEC_NEEDS_FORCE = "ERROR: using -k at this runlevel requires also -f",
    RUNLEVEL_USAGE = "usage: runlevel [utmp]",
    RUNLEVEL_PATH_TOO_LONG = "runlevel: path too long",
    NO_AUTHORIZED_USERS = "shutdown: no authorized users logged in.",
    NO_INIT_UNSUPPORTED = "shutdown: warning: -n is not supported; asking init instead",
    ALREADY_RUNNING = "shutdown: already running.",
    NO_PENDING_PID = "shutdown: cannot find pid of running shutdown.",
    PENDING_NOT_RUNNING = "shutdown: not running.",
    CANCELLED = "\nShutdown cancelled.",
    STATUS_USAGE = "usage: vinit status [ID]",
    STATUS_NO_ANSWER = "vinit status: no answer from vinit (root only)",
    // `path_failed`'s hints: none, and status's two.
    NO_HINT = "",
    NO_VINIT_HERE = ": no vinit in inittab mode here",
    ROOT_ONLY = ": root only",
    // Lines with arguments.
    NOT_SUPERUSER = "{}: must be superuser.",
    INVALID_OPTION = "{}: invalid option -- '{}'",
    OPTION_NEEDS_VALUE = "{}: option requires an argument -- '{}'",
    INVALID_ARGUMENT = "{}: invalid argument: {}",
    EXTRA_ARGUMENT = "{}: extra argument: {}",
    ENV_TOO_LARGE = "{}: -e option data too large",
    BAD_SHUTDOWN_LEVEL = "shutdown: `{}': bad runlevel",
    TELINIT_USAGE = "Usage: {} {{-e VAR[=VAL] | [-t SECONDS] \
{{0|1|2|3|4|5|6|7|8|9|S|s|Q|q|A|a|B|b|C|c|U|u}}}}",
    HALT_USAGE = "usage: {} [-d] [-f] [-h] [-i] [-n] [-p] [-w] [-k] [-m MSG] [-t SEC]",
    PATH_HEAD = "{}: {}: ",
    BAD_INITCTL = "{}: bad VINIT_INITCTL",
    INITCTL_TIMEOUT = "{}: timeout opening/writing control channel {}",
    MESSAGE = "{}",
    PID_FILE_UNWRITABLE = "shutdown: warning: cannot open {}",
    SOFT_HALT = "WARNING: could not determine runlevel - doing soft {}\n  (it's better to use \
shutdown instead of {} from the command line)",
    NO_ENTRY = "vinit status: no entry with id {}",
}

/// The first bytes of the file at `path`, as many as `buf` holds (fewer at its end); `None`
/// when it cannot be opened or read. The one open and read of the small files the clients
/// read whole (/var/run/runlevel, shutdown's pid file).
#[inline(never)]
fn read_head<'b>(path: &CStr, buf: &'b mut [u8]) -> Option<&'b [u8]> {
    // Never closed: the client exits soon after (the kernel closes it then; shutdown holds
    // its read-only pid file open while it waits).
    let fd = core::mem::ManuallyDrop::new(sys::open_read(path).ok()?);
    let n = sys::read_full(fd.as_fd(), buf).ok()?;
    buf.get(..n)
}

/// `PROG: must be superuser.` unless the effective uid is root.
fn not_root(prog: &[u8]) -> bool {
    sys::geteuid() != 0 && fail_one(NOT_SUPERUSER, prog) == FAILED
}

/// One line saying what was wrong, in getopt's words where it has them.
fn usage_detail<A: ArgList + ?Sized>(prog: &[u8], args: &A, e: &UsageError) {
    let quoted;
    let (first, value): (usize, &[u8]) = match *e {
        // The option's letter, quoted.
        UsageError::UnknownOption(_, c) | UsageError::MissingValue(_, c) => {
            quoted = [c];
            let first = if let UsageError::UnknownOption(..) = *e {
                INVALID_OPTION
            } else {
                OPTION_NEEDS_VALUE
            };
            (first, &quoted)
        }
        _ => {
            // A value or an operand: its bytes in argv, by one `ValueAt::bytes`.
            let (first, at) = match *e {
                UsageError::BadValue(at)
                | UsageError::BadLevel(at)
                | UsageError::OutOfRange(at, ..) => (INVALID_ARGUMENT, at),
                UsageError::ExtraOperand(i) => (EXTRA_ARGUMENT, ValueAt::operand(i as usize)),
                // The rest have their own words (or are vinit's own, never a client's).
                _ => return,
            };
            (first, at.bytes(args))
        }
    };
    fail_two(first, prog, value);
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
    let status = 'said: {
        if let Some(e) = e {
            match *e {
                UsageError::EnvTooLarge => {
                    break 'said fail_one(ENV_TOO_LARGE, prog);
                }
                UsageError::BadLevel(at) if p == Personality::Shutdown => {
                    break 'said fail_one(BAD_SHUTDOWN_LEVEL, at.bytes(args));
                }
                UsageError::HaltModeWithoutHalt => {
                    say(HALT_MODE_WITHOUT_HALT);
                }
                _ => {}
            }
            usage_detail(prog, args, e);
        }
        match p {
            Personality::Telinit => fail_one(TELINIT_USAGE, prog),
            Personality::Shutdown => {
                // Stored packed (`vinit_core::packed!`), as `--help` is.
                crate::log::write_packed(sys::stderr(), packed!(shutdown::SHUTDOWN_USAGE));
                FAILED
            }
            _ => fail_one(HALT_USAGE, prog),
        }
    };
    // Every line's call ends here: the early ones were tail calls, each with a copy of the
    // epilogue.
    core::hint::black_box(());
    status
}

/// The errors a client meets opening a path, with a text in `PERROR_TEXTS`.
const PERROR_ERRNOS: [Errno; 4] = [Errno::NOENT, Errno::ACCESS, Errno::NOTDIR, Errno::PIPE];

/// perror(3)'s texts for `PERROR_ERRNOS`, in their order, NUL-separated.
const PERROR_TEXTS: &str =
    "No such file or directory\0Permission denied\0Not a directory\0Broken pipe";

/// `PROG: PATH: WHY[HINT]` for a path that could not be used; `FAILED`. WHY is perror(3)'s
/// text for the errors a client meets opening a path, the symbolic name for any other (vinit
/// carries no strerror table), and `FileError`'s words when the path is not what a client may
/// write to (a symlink, a regular file). HINT is line `hint` of `LINES`.
#[inline(never)]
fn path_failed(prog: &[u8], path: &[u8], e: &FileError, hint: usize) -> u8 {
    let mut line = LogLine::bare();
    write_raw(&mut line, PATH_HEAD, &[prog, path]);
    // perror's text by the errno's place in `PERROR_ERRNOS`: data, not a match.
    let text = match *e {
        FileError::Sys(errno) => PERROR_ERRNOS.iter().position(|&known| known == errno),
        _ => None,
    };
    match text {
        Some(n) => {
            line.line().write_field(packed!(PERROR_TEXTS), 0, n, &[]);
        }
        None => vinit_core::display::Show::show(e, line.line()),
    }
    line.line()
        .write_field(LINES, u16::from(PLACEHOLDER), hint, &[]);
    line.emit();
    FAILED
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each line, picked by its number, is its text with each `{}` replaced by an argument
    /// and each doubled brace by a brace.
    #[test]
    fn every_line_is_its_text() {
        let args: [&[u8]; 2] = [b"A\xff", b"B"];
        for &(first, text) in LINE_TEXTS {
            let n = vinit_core::display::placeholders(text).unwrap();
            let (mut expected, mut rest, mut next) = (vec![], text.as_bytes(), args.iter());
            while let [c, tail @ ..] = rest {
                rest = match (c, tail) {
                    (b'{', [b'}', after @ ..]) => {
                        expected.extend_from_slice(next.next().unwrap());
                        after
                    }
                    (b'{' | b'}', [_, after @ ..]) => {
                        expected.push(*c);
                        after
                    }
                    _ => {
                        expected.push(*c);
                        tail
                    }
                };
            }
            let mut line = LogLine::bare();
            write_raw(&mut line, first, &args[..n]);
            assert_eq!(line.as_bytes(), &expected[..], "line {first}: {text}");
        }
    }
}
