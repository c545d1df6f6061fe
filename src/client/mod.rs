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
use vinit_core::args::{ArgList, Shifted, UsageError, basename};
use vinit_core::client_args::Personality;
use vinit_core::{packed, template};

mod halt;
mod runlevel;
mod send;
mod shutdown;
mod status;
mod telinit;

/// Runs personality `p` on `argv` from argument `first` (the tool's name) on and returns the
/// exit status.
#[inline(never)]
pub fn run(p: Personality, argv: &Argv, first: usize, envp: Envp) -> u8 {
    let args = &Shifted::new(argv, first);
    let prog = basename(args.arg(0).unwrap_or_default());
    match p {
        Personality::Telinit => telinit::telinit(prog, args, envp),
        Personality::Shutdown => shutdown::shutdown(args, envp),
        Personality::Halt(kind) => halt::halt(prog, args, kind, envp),
        // The utmp path as argv holds it, NUL-terminated: no copy to make.
        Personality::Runlevel => runlevel::runlevel(args, argv.get(first + 1)),
        Personality::Status => status::status(args),
    }
}

/// The clients' failure status.
const FAILED: u8 = 1;

/// Appends `template` (packed by `template!`) to `line`, each `{` replaced by the next of
/// `args` as it is (argv bytes, paths: not checked as UTF-8, as the clients always wrote them).
fn write_raw(line: &mut LogLine, mut template: &[u8], args: &[&[u8]]) {
    for arg in args {
        let at = template
            .iter()
            .position(|&b| b == b'{')
            .unwrap_or(template.len());
        line.write(template.get(..at).unwrap_or_default(), &[]);
        line.push(arg);
        template = template.get(at + 1..).unwrap_or_default();
    }
    line.write(template, &[]);
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

/// Writes `text`, a constant stored packed (`vinit_core::packed!`, as `--help` is), as one
/// line on stderr; returns `FAILED`.
#[inline(never)]
fn say(text: &[u8]) -> u8 {
    fail(text, &[])
}

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
    sys::geteuid() != 0 && fail(template!(1, "{}: must be superuser."), &[prog]) == FAILED
}

/// One line saying what was wrong, in getopt's words where it has them.
#[inline(never)]
fn usage_detail<A: ArgList + ?Sized>(prog: &[u8], args: &A, e: &UsageError) {
    let quoted;
    let (template, value): (&[u8], &[u8]) = match *e {
        UsageError::UnknownOption(_, c) => {
            quoted = [c];
            (template!(2, "{}: invalid option -- '{}'"), &quoted)
        }
        UsageError::MissingValue(_, c) => {
            quoted = [c];
            (
                template!(2, "{}: option requires an argument -- '{}'"),
                &quoted,
            )
        }
        UsageError::BadValue(at) | UsageError::BadLevel(at) | UsageError::OutOfRange(at, ..) => {
            (template!(2, "{}: invalid argument: {}"), at.bytes(args))
        }
        UsageError::ExtraOperand(i) => (
            template!(2, "{}: extra argument: {}"),
            args.arg(i).unwrap_or_default(),
        ),
        // The rest have their own words (or are vinit's own, never a client's).
        UsageError::MissingOperand
        | UsageError::HaltModeWithoutHalt
        | UsageError::EnvTooLarge
        | UsageError::MissingCommand
        | UsageError::WrongMode(..) => return,
    };
    fail(template, &[prog, value]);
}

/// The usage error of telinit or halt: the detail, then `usage` (a template of two `{}`)
/// with PROG and `tail`; `FAILED`.
fn usage_failed<A: ArgList + ?Sized>(
    prog: &[u8],
    args: &A,
    e: &UsageError,
    usage: &[u8],
    tail: &[u8],
) -> u8 {
    usage_detail(prog, args, e);
    fail(usage, &[prog, tail])
}

/// `PROG: PATH: WHY[HINT]` for a path that could not be used; `FAILED`. WHY is perror(3)'s
/// text for the errors a client meets opening a path, the symbolic name for any other (vinit
/// carries no strerror table), and `FileError`'s words when the path is not what a client may
/// write to (a symlink, a regular file). HINT is packed (`packed!`).
#[inline(never)]
fn path_failed(prog: &[u8], path: &[u8], e: FileError, hint: &[u8]) -> u8 {
    let mut line = LogLine::bare();
    write_raw(&mut line, template!(2, "{}: {}: "), &[prog, path]);
    let text: &[u8] = match e {
        FileError::Sys(Errno::NOENT) => packed!("No such file or directory"),
        FileError::Sys(Errno::ACCESS) => packed!("Permission denied"),
        FileError::Sys(Errno::NOTDIR) => packed!("Not a directory"),
        FileError::Sys(Errno::PIPE) => packed!("Broken pipe"),
        _ => b"",
    };
    if text.is_empty() {
        vinit_core::display::Show::show(&e, line.line());
    }
    line.write(text, &[]);
    line.write(hint, &[]);
    line.emit();
    FAILED
}
