//! vinit: a tiny sysvinit-compatible, container-native PID 1.
//!
//! `main` wraps argv and envp, picks the personality from the basename of argv[0] and the mode
//! from the arguments (for an init that is not PID 1, from its parent too: the probe lives
//! here, the rule in `args::not_pid1_boot`), prints `--help` and usage errors, and returns the
//! chosen mode's exit status. No other logic lives here.
//!
//! Architecture (docs/architecture.md): the `vinit-core` crate (core/) decides, without IO;
//! this crate is the kernel edge that carries its effects out. `sys` (the only door to the
//! kernel, a folder by concern) and `rt` (no_std start-up) hold all `unsafe`; `log` writes
//! lines; `init_setup` makes either mode an init; `spawn` runs between fork and exec;
//! `inittab_mode` and `single` are the two modes' loops; `processes_left` finds, counts and
//! signals what is left at the end; `control` serves /run/initctl; `status_channel` answers
//! `vinit status`; `records` writes
//! utmp/wtmp; `client` is telinit, shutdown, halt and runlevel, one file each.
//! A comment's `compat §1.6` is section 1.6 of docs/sysvinit-compatibility.md.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]

// vinit is a no_std binary with musl's `main` and start-up: a glibc build cannot link (it ends
// in an obscure `_Unwind_Resume` error), so say at once what works. Inside the repository,
// .cargo/config.toml picks the musl target by itself.
#[cfg(not(all(target_os = "linux", target_env = "musl")))]
compile_error!(
    "vinit builds only for a Linux musl target: `rustup target add x86_64-unknown-linux-musl`, \
     then `cargo install vinit --target x86_64-unknown-linux-musl` (or, in a clone of the \
     repository, `cargo install --path .`, which picks the target by itself)"
);

mod client;
mod control;
mod init_setup;
mod inittab_mode;
mod log;
mod processes_left;
mod records;
mod rt;
mod setuidgid;
mod single;
mod spawn;
mod status_channel;
mod sys;

use log::{Bytes, Level, LogLine};
use vinit_core::args::{ArgList, NotPid1, Shifted, UsageError, ValueAt, VinitCommand};
use vinit_core::client_args::{Personality, Program};
use vinit_core::{args, client_args, limits, time};

/// `vinit --help`: both modes, every option and `VINIT_*` variable with its default, the
/// clients. One static string, kept short (every byte is in the binary): doc/vinit.8 says it
/// at length.
const HELP: &str = "\
usage: vinit [-v] [-T SECS] [-d SECS] [-p SIG] [-f INITTAB] [LEVEL]  boot an inittab
       vinit [-gsv] [-t SECS] [-T SECS] [-d SECS] [-e CODE]... [-r FROM:TO]... [-p SIG]
             [--] CMD [ARG...]
       vinit setuidgid USER[:GROUP] CMD [ARG...]   drop root's privileges, exec CMD
       vinit NAME [ARG...], or a link NAME: telinit init shutdown halt poweroff reboot runlevel
       vinit status [ID]: what PID 1 runs (exit 0 running, 3 not, 4 unknown)
LEVEL: 0-9, S, s or single; any other first argument starts CMD.
  -T SECS     stop budget 1-3600, both modes (VINIT_STOP_TIMEOUT, default 9; LXC 55)
  -d SECS     drain: wait after a stop signal, within -T (VINIT_STOP_DELAY, default 0)
  -p SIG      signal for vinit when its parent dies, both modes
  -f INITTAB  default /etc/inittab (VINIT_INITTAB)
  -t SECS     TERM-to-KILL grace for what CMD leaves, 0-86400 (VINIT_GRACE, default 5)
  -e CODE     report CMD's status CODE as 0; repeatable (VINIT_REMAP_EXIT=CODE,...)
  -r FROM:TO  forward signal FROM as TO, 0 drops; repeatable (VINIT_REWRITE=FROM:TO,...)
  -g          signal CMD's process group (VINIT_KILL_GROUP=1)
  -v          log each spawn and reap, both modes (VINIT_VERBOSE=1)
  -s          no-op (VINIT_SUBREAPER): vinit subreaps when not PID 1
  -h, --help  -V, --version
VINIT_REBOOT=boot|exit:N (default boot), VINIT_DEFAULT_LEVEL (default 3), VINIT_INITCTL
(tests), VINIT_CRITICAL=ID,... (an entry whose end stops vinit with its status),
VINIT_LOG_PREFIX=1 (entries' lines as `id| line`).
Not PID 1, vinit boots only with -f or as a container's main process.
Usage errors exit 2. See man vinit.
";

/// The line after a usage error, packed as templates are.
const HINT: &[u8] = vinit_core::packed!("try 'vinit --help'\n");

impl ArgList for sys::Argv {
    fn arg(&self, i: usize) -> Option<&[u8]> {
        self.get(i).map(core::ffi::CStr::to_bytes)
    }
}

/// musl's crt calls this after setting up TLS and `environ`. Under test the harness owns the
/// symbol `main`; this entry stays compiled (unexported) as the root the edge code is used from.
#[allow(unsafe_code)]
// SAFETY: the exported symbol `main` is what musl's __libc_start_main calls; nothing else
// defines it in this binary.
// (x86_64: rt.rs's `_start` calls it, the only caller: no crt1.o, no symbol `main`.)
#[cfg_attr(
    all(not(test), not(target_arch = "x86_64")),
    unsafe(export_name = "main")
)]
#[cfg_attr(test, allow(dead_code))]
extern "C" fn c_main(
    argc: core::ffi::c_int,
    argv: *const *const core::ffi::c_char,
    envp: *const *const core::ffi::c_char,
) -> core::ffi::c_int {
    // SAFETY: the kernel and musl hand main a valid argv of argc strings, null-terminated.
    let argv = unsafe { sys::Argv::from_main(argc, argv) };
    // SAFETY: likewise for envp, which lives for the whole process.
    let envp = unsafe { sys::Envp::from_main(envp) };
    core::ffi::c_int::from(run(argv, envp))
}

fn run(argv: sys::Argv, envp: sys::Envp) -> u8 {
    let pid1 = sys::getpid() == 1;
    // For `-p`: a parent that dies before the prctl is seen as a change of parent.
    // As PID 1 it is 0 for good (the parent is outside the namespace, or there is none).
    let parent = if pid1 { 0 } else { sys::getppid() };
    // A client or `init` by argv[0] (a symlink named telinit, halt...), or as
    // `vinit NAME ARGS...`; both go through `Shifted` so the code is compiled once. A name
    // that is argument 1 has no `/`: it is its own basename.
    let by_argv0 = client_args::program(args::basename(argv.arg(0).unwrap_or_default()));
    let (shift, name) = match by_argv0 {
        Program::Vinit => match argv.arg(1).map_or(Program::Vinit, client_args::program) {
            Program::Vinit => (0, Program::Vinit),
            by_arg1 => (1, by_arg1),
        },
        _ => (0, by_argv0),
    };
    let other = match name {
        Program::Setuidgid => Some(setuidgid::run(argv, shift, envp)),
        Program::Client(p) => Some(client::run(p, &argv, shift, envp)),
        Program::Init if !pid1 => init_as_telinit(&argv, shift, envp),
        Program::Init | Program::Vinit => None,
    };
    other.unwrap_or_else(|| vinit(argv, shift, envp, pid1, parent))
}

/// `init` that is not PID 1 is telinit (sysvinit's rule): its exit status; `None` as a
/// container's main process with arguments telinit does not take (none, `-T 28`): that is
/// vinit. A root of .cargo/cold-text's clients group, so that single mode's text (all of it
/// resident) does not carry telinit's parser.
#[inline(never)]
fn init_as_telinit(argv: &sys::Argv, shift: usize, envp: sys::Envp) -> Option<u8> {
    let env = &mut vinit_core::initctl::EnvPayload::new();
    let telinit = client_args::parse_telinit(&Shifted::new(argv, shift), env).is_ok()
        || container_main_process().is_none();
    telinit.then(|| client::run(Personality::Telinit, argv, shift, envp))
}

/// Why this vinit, not PID 1, is a container's main process; `None` from a shell, or inside a
/// container whose init already runs (`docker exec CONTAINER init`): see `args::not_pid1_boot`.
fn container_main_process() -> Option<NotPid1> {
    let ppid = sys::getppid();
    let pid1_is_vinit = ppid == 0 && sys::same_file(limits::PID1_EXE, limits::PROC_SELF_EXE);
    // Someone reads /run/initctl (or it is there and not ours to open): an init runs here. A
    // symlink or anything but a FIFO there is no init's.
    let init_running = matches!(
        sys::open_fifo_writer(limits::INITCTL_PATH),
        Ok(_) | Err(sys::FileError::Sys(sys::Errno::ACCESS) | sys::FileError::Owner(_))
    );
    args::not_pid1_boot(ppid, pid1_is_vinit, init_running)
}

/// vinit's own command line, from argument `shift` on (1 for `vinit init ...`).
fn vinit(argv: sys::Argv, shift: usize, envp: sys::Envp, pid1: bool, parent: sys::Pid) -> u8 {
    let args = Shifted::new(&argv, shift);
    // In bss, not in this frame: no code writes its zeros (a static of zero bytes), and its
    // address is a constant. Taken once: `vinit` runs once.
    static OPTIONS: sys::StaticSlot<args::SingleOptions> =
        sys::StaticSlot::holding(args::SingleOptions::ZEROED);
    let Some(opts) = OPTIONS.take() else {
        return limits::EXIT_INTERNAL;
    };
    if let Err(var) = args::single_defaults_from_env(opts, |name| envp.var(name)) {
        return env_error(var);
    }
    let command = args::parse_vinit(&args, opts);
    // Either mode, before anything else it does (one call for both).
    if let Ok(VinitCommand::Single | VinitCommand::Inittab(_)) = command {
        set_parent_death_signal(opts.parent_death_signal, parent);
    }
    match command {
        Ok(VinitCommand::Single) => {
            opts.cmd_index += shift;
            opts.stop_delay = bounded_stop_delay(opts.stop_delay, opts.stop_budget_secs);
            single::run(argv, envp, opts, pid1)
        }
        Ok(VinitCommand::Inittab(tab)) => boot_inittab(argv, shift, envp, pid1, opts, tab),
        Ok(VinitCommand::Help) => {
            log::write_packed(sys::stdout(), vinit_core::packed!(HELP));
            0
        }
        Ok(VinitCommand::Version) => {
            const TEXT: &str = concat!("vinit ", env!("CARGO_PKG_VERSION"), "\n");
            log::write_packed(sys::stdout(), vinit_core::packed!(TEXT));
            0
        }
        Err(e) => usage_error(&args, e),
    }
}

/// Inittab mode: its settings from the `VINIT_*` variables and the flags, then its loop. Out of
/// `main` and a root of .cargo/cold-text's inittab group, so that single-command mode's text
/// (all of it resident) does not carry it.
#[inline(never)]
fn boot_inittab(
    argv: sys::Argv,
    shift: usize,
    envp: sys::Envp,
    pid1: bool,
    opts: &args::SingleOptions,
    tab: args::InittabOptions,
) -> u8 {
    let mut settings = match vinit_core::settings::Settings::from_env(|name| envp.var_cstr(name)) {
        Ok(s) => s,
        Err(var) => return env_error(var),
    };
    // The path is argv's own string, or its tail after `-f` (`-f/etc/x`).
    if let Some(path) = tab
        .file
        .and_then(|at| argv.get_from(at.index as usize + shift, at.from as usize))
    {
        settings.inittab = path;
    }
    // Both modes' budget: `-T`, else `VINIT_STOP_TIMEOUT`, else the default.
    let budget_secs = opts.stop_budget_secs;
    settings.config.stop_budget = time::Duration::from_secs(budget_secs);
    settings.config.stop_delay = bounded_stop_delay(opts.stop_delay, budget_secs);
    settings.config.forced_level = tab.level;
    settings.config.verbose = opts.verbose;
    settings.config.runtime = opts.runtime;
    if !pid1 {
        settings.not_pid1 = if tab.file.is_some() {
            Some(NotPid1::FileGiven)
        } else {
            container_main_process()
        };
        if settings.not_pid1.is_none() {
            return vinit_core::fill!(
                usage_line,
                [],
                "not PID 1 and not a container's main process: not booting {} (see -f)",
                Bytes(settings.inittab.to_bytes())
            );
        }
    }
    // PID 1 shows `init [N]` in ps, as sysvinit's does (not a subreaper: its argv is
    // its own business).
    let title = if pid1 {
        argv.title_area(settings.inittab)
    } else {
        None
    };
    inittab_mode::run(&settings, envp, title)
}

/// The drain delay inside the stop budget (`args::stop_delay_within`); one line at start-up
/// when it had to be cut.
#[inline(never)]
fn bounded_stop_delay(delay: time::Duration, budget_secs: u64) -> time::Duration {
    args::stop_delay_within(delay, budget_secs).unwrap_or_else(|most| {
        log!(
            Level::Warning,
            "stop delay (-d, VINIT_STOP_DELAY) over half the stop budget (-T): draining {} ms",
            most.millis()
        );
        most
    })
}

/// `-p SIG`: the kernel sends vinit SIG when its parent dies, and SIG then does what it does
/// when a runtime sends it (SIGTERM: the stop). A parent already gone (vinit's parent is no
/// longer `parent`, the one it started with) is owed the signal at once: nothing runs yet.
/// prctl(2) fails only for a signal number out of range, which `-p` never lets through.
fn set_parent_death_signal(sig: u8, parent: sys::Pid) {
    if sig != 0 && sys::set_parent_death_signal(sig).is_ok() && sys::getppid() != parent {
        let _ = sys::kill(sys::getpid(), sig);
    }
}

fn env_error(var: &[u8]) -> u8 {
    vinit_core::fill!(
        usage_line,
        [],
        "bad value in environment variable {}",
        Bytes(var)
    )
}

/// Ends vinit after a usage error said in one template: its line, then the hint (one copy for
/// the bad variable and the refused boot).
#[inline(never)]
fn usage_line(template: &[u8], args: &[vinit_core::display::Arg<'_>]) -> u8 {
    let mut line = LogLine::new(Level::Fatal);
    line.write(template, args);
    usage_exit(&mut line)
}

/// Ends vinit after a usage error: its line, then the hint; exit status 2.
#[inline(never)]
fn usage_exit(line: &mut LogLine) -> u8 {
    line.emit();
    log::write_packed(sys::stderr(), HINT);
    limits::EXIT_USAGE
}

/// One line saying what is wrong with vinit's command line, built piece by piece (one
/// format per piece keeps this small).
fn usage_error<A: ArgList + ?Sized>(args: &A, e: UsageError) -> u8 {
    use UsageWords::{
        CannotBeUsedWith, Colon, Empty, ExtraArgument, MissingCommand, NeedsACommand, NeedsAValue,
        NotANumber, NotASignal, NotSignalPairs, UnknownOption,
    };
    // Every piece: argv bytes are shown safely, and one call per piece keeps this small.
    #[inline(never)]
    fn show(line: &mut LogLine, bytes: &[u8]) {
        line.line().push_text(bytes);
    }
    // An option by its letter, or by its whole argument (`bytes`) when the letter stands for
    // none: `-` for an unknown long option, 0 for an operand (with no bytes: nothing).
    #[inline(never)]
    fn show_option_or(line: &mut LogLine, c: u8, bytes: &[u8]) {
        match c {
            b'-' | 0 => show(line, bytes),
            _ => show(line, &[b'-', c]),
        }
    }
    // The fixed words, by their place in `USAGE_WORDS` (`Empty` writes nothing).
    #[inline(never)]
    fn say(line: &mut LogLine, words: u8) {
        line.line()
            .write_field(USAGE_WORDS, 0, usize::from(words), &[]);
    }
    // Every line is the same pieces, any of them empty: an option, two words, an argument
    // (an option by its letter or argv's bytes: `show_option_or` of the `ValueAt`'s letter
    // and bytes), a last word. Each error picks its pieces, and one sequence of calls writes
    // them, not a sequence per error: the option and the words are one byte each of one
    // `u32`, so that each error sets three values (with the argument's two), not seven.
    let pieces = |option: u8, first: UsageWords, second: UsageWords, last: UsageWords| {
        u32::from_le_bytes([option, first as u8, second as u8, last as u8])
    };
    // The argument: its index, and its letter with the value's first byte above it (one
    // `u32`: a value starts within an argument, below MAX_ARG_STRLEN, 2^17).
    let value = |index: usize, letter: u8| (index as u32, u32::from(letter));
    let (line_pieces, (index, letter_from)) = match e {
        UsageError::UnknownOption(i, c) => {
            (pieces(0, UnknownOption, Empty, Empty), value(i as usize, c))
        }
        UsageError::ExtraOperand(i) => {
            (pieces(0, ExtraArgument, Empty, Empty), value(i as usize, 0))
        }
        // The letter as the argument: `option -t needs a value`.
        UsageError::MissingValue(_, c) => (
            pieces(0, UsageWords::Option, Empty, NeedsAValue),
            value(NOTHING, c),
        ),
        // The option, its value's words (`Colon` before a range), the value.
        UsageError::BadValue(at) | UsageError::OutOfRange(at, ..) => {
            let words = match at.letter {
                _ if matches!(e, UsageError::OutOfRange(..)) => Colon,
                b'r' => NotSignalPairs,
                b'p' => NotASignal,
                _ => NotANumber,
            };
            (
                pieces(at.letter, words, Empty, Empty),
                (at.index, at.from << 8),
            )
        }
        UsageError::MissingCommand => (pieces(0, MissingCommand, Empty, Empty), value(NOTHING, 0)),
        // `-t (single-command mode) cannot be used with -f (inittab mode)`.
        UsageError::WrongMode((_, c), other) => {
            let (mode, other_mode) = if args::is_single_mode_option(c) {
                (UsageWords::SingleMode, UsageWords::InittabMode)
            } else {
                (UsageWords::InittabMode, UsageWords::SingleMode)
            };
            // Nothing chose the other mode: `(NO_ARGUMENT, 0)` shows as nothing.
            let (i, o) = other;
            let words = if i == args::NO_ARGUMENT {
                pieces(c, mode, NeedsACommand, Empty)
            } else {
                pieces(c, mode, CannotBeUsedWith, other_mode)
            };
            (words, value(i as usize, o))
        }
        // The clients' own; parse_vinit never returns them.
        UsageError::BadLevel(_)
        | UsageError::MissingOperand
        | UsageError::HaltModeWithoutHalt
        | UsageError::EnvTooLarge => (
            pieces(0, UsageWords::BadCommandLine, Empty, Empty),
            value(NOTHING, 0),
        ),
    };
    // Started after the match, not before: one call, not one on each error's path.
    let mut line = LogLine::new(Level::Fatal);
    let [option, first, second, last] = line_pieces.to_le_bytes();
    show_option_or(&mut line, option, &[]);
    say(&mut line, first);
    say(&mut line, second);
    let arg = ValueAt {
        index,
        from: letter_from >> 8,
        letter: letter_from as u8,
    };
    show_option_or(&mut line, arg.letter, arg.bytes(args));
    say(&mut line, last);
    if let UsageError::OutOfRange(_, min, max) = e {
        // Pushed, not a template's arguments: no argument array in the frame.
        let out = line.line();
        out.push(b" is out of range: must be ");
        out.push_number(u64::from(min), false);
        out.push(b"-");
        out.push_number(u64::from(max), false);
    }
    usage_exit(&mut line)
}

/// The index of an argument that is none: its bytes are empty (no argv has 2^32 - 1 strings).
const NOTHING: usize = u32::MAX as usize;

/// The fixed words of `usage_error`'s lines, by their place in `USAGE_WORDS`.
#[derive(Clone, Copy)]
enum UsageWords {
    /// Nothing: a piece a line does not have.
    Empty,
    UnknownOption,
    Option,
    NeedsAValue,
    NotSignalPairs,
    NotASignal,
    NotANumber,
    Colon,
    MissingCommand,
    ExtraArgument,
    SingleMode,
    InittabMode,
    NeedsACommand,
    CannotBeUsedWith,
    BadCommandLine,
}

/// `UsageWords`' texts in its order, NUL-separated, packed as templates are (one text, not
/// a slice each).
const USAGE_WORDS: &[u8] = vinit_core::packed!(
    "\0unknown option: \0option \0 needs a value\0: not FROM:TO signals: \0: not a signal: \0: not a valid number: \0: \0missing command after --\0extra argument: \0 (single-command mode)\0 (inittab mode)\0 needs a command\0 cannot be used with \0bad command line"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_words_are_their_enum_in_order() {
        log::assert_fields(
            USAGE_WORDS,
            &[
                (UsageWords::Empty as usize, b""),
                (UsageWords::UnknownOption as usize, b"unknown option: "),
                (UsageWords::Option as usize, b"option "),
                (UsageWords::NeedsAValue as usize, b" needs a value"),
                (
                    UsageWords::NotSignalPairs as usize,
                    b": not FROM:TO signals: ",
                ),
                (UsageWords::NotASignal as usize, b": not a signal: "),
                (UsageWords::NotANumber as usize, b": not a valid number: "),
                (UsageWords::Colon as usize, b": "),
                (
                    UsageWords::MissingCommand as usize,
                    b"missing command after --",
                ),
                (UsageWords::ExtraArgument as usize, b"extra argument: "),
                (UsageWords::SingleMode as usize, b" (single-command mode)"),
                (UsageWords::InittabMode as usize, b" (inittab mode)"),
                (UsageWords::NeedsACommand as usize, b" needs a command"),
                (
                    UsageWords::CannotBeUsedWith as usize,
                    b" cannot be used with ",
                ),
                (UsageWords::BadCommandLine as usize, b"bad command line"),
            ],
        );
    }
}
