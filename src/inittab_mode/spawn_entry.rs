//! Carrying out `Effect::Spawn`: fork, then exec the entry in the child with the environment
//! of compat §3.1 on top of the container's own (the machine has said everything else: the
//! command, RUNLEVEL/PREVLEVEL, utmp, whether a failure is worth a line).

use core::ffi::{CStr, c_char};

use heapless::Vec;

use super::service_output::ChildPipes;
use crate::log;
use crate::log::{Bytes, ErrName, Level};
use crate::spawn;
use crate::sys::{self, Envp, Errno, FileError, FileUse, SigMask};
use vinit_core::child_env::{CHILD_ENV_MAX, ChildEnv, InitEnv};
use vinit_core::cmdline::CommandLine;
use vinit_core::inittab::Entry;
use vinit_core::limits::{CHILD_PATH, INITSCRIPT, MAX_WORDS};
use vinit_core::supervisor::Spawn;

/// Whether entries run through /etc/initscript: it is there and passes `open_file`'s checks
/// for configuration (a FIFO would hang every entry's shell, a file another user owns would
/// run their script as root). A refused one is reported once while it stays.
pub struct Initscript {
    /// Refused and reported; cleared when it is usable or gone.
    refused: bool,
}

impl Initscript {
    /// Nothing refused yet.
    pub const NEW: Self = Self { refused: false };

    fn usable(&mut self) -> bool {
        let (usable, refused) = match sys::open_file(INITSCRIPT, FileUse::Config) {
            Ok(_) => (true, false),
            Err(FileError::Sys(Errno::NOENT)) => (false, false),
            Err(e) => {
                if !self.refused {
                    log::file_line(Level::Error, INITSCRIPT, e, log::Outcome::NotUsed);
                }
                (false, true)
            }
        };
        // One store for every outcome.
        self.refused = refused;
        usable
    }
}

/// Forks and execs an entry; the child gets a clean state (spawn.rs), and `pipes` as its fds
/// 1 and 2 when given (`VINIT_LOG_PREFIX`). `Err(Some(errno))`:
/// fork(2) failed (the supervisor retries); `Err(None)`: the entry cannot start at all
/// (logged).
#[inline(never)]
pub fn spawn_entry(
    start: &Spawn<'_>,
    envp: &Envp,
    init_env: &InitEnv,
    initscript: &mut Initscript,
    pipes: Option<&ChildPipes>,
) -> Result<sys::Pid, Option<Errno>> {
    let entry = start.entry;
    let through_initscript = start.initscript && initscript.usable();
    // The process field must fit as a command even when /etc/initscript runs it.
    // One command line filled in place (a returned one is 392 bytes, copied at each step).
    let mut command = CommandLine::empty();
    // `read_process` hands back the field without its prefixes, stripped once for both.
    let fits = command.read_process(&entry.process).is_ok_and(|body| {
        !through_initscript
            || command
                .read_initscript(&entry.id, &entry.levels_text, entry.action.name(), body)
                .is_ok()
    });
    if !fits {
        return cannot_start(entry, vinit_core::packed!("command too long"));
    }
    let Some(prog) = command.word(0).and_then(sys::c_str) else {
        return cannot_start(entry, vinit_core::packed!("empty command"));
    };
    match sys::fork() {
        Ok(sys::Forked::Child) => start_child(start, envp, init_env, &command, prog, pipes),
        Ok(sys::Forked::Parent(pid)) => Ok(pid),
        // Logged by the supervisor, at a bounded rate.
        Err(e) => Err(Some(e)),
    }
}

/// The child side of `spawn_entry`: never returns. The environment and the argv and envp
/// arrays (5 KB) are built here, in the child's frame: in PID 1's, every page of them would be
/// probed at each spawn and stay resident.
#[inline(never)]
fn start_child(
    start: &Spawn<'_>,
    envp: &Envp,
    init_env: &InitEnv,
    command: &CommandLine,
    prog: &CStr,
    pipes: Option<&ChildPipes>,
) -> ! {
    // First, so vinit can signal the entry's group as soon as possible (see Act::Signal for
    // the moment before it).
    let _ = sys::setsid();
    // The parent reports the lines it dropped; the child only its own.
    crate::log::forget_dropped();
    let mut env = ChildEnv::new();
    env.build(
        container_env(envp),
        init_env,
        start.runlevel,
        start.prevlevel,
        |name| {
            log!(
                Level::Warning,
                "child environment full: {} dropped",
                Bytes(name)
            );
        },
    );
    // Both filled in place: a returned array (2 KB for the environment) is copied out.
    let mut envp_ptrs = Vec::new();
    env_ptrs(&env, envp, &mut envp_ptrs);
    let mut argv = Vec::new();
    argv_of(command, &mut argv);
    let path = envp.var(b"PATH").unwrap_or(CHILD_PATH);
    if let Some(pipes) = pipes {
        spawn::output_to(pipes.out.as_fd(), pipes.err.as_fd());
    }
    if start.utmp {
        crate::records::write_init_process(&start.entry.id, sys::getpid());
    }
    exec_entry(
        start.entry,
        prog,
        &argv,
        &envp_ptrs,
        path,
        start.quick_restart,
    )
}

/// An entry that cannot start at all: one line, and no retry until it is scheduled again.
#[inline(never)]
fn cannot_start(entry: &Entry, why: &[u8]) -> Result<sys::Pid, Option<Errno>> {
    log!(
        Level::Error,
        "id \"{}\": {}",
        Bytes(&entry.id),
        log::Packed(why)
    );
    Err(None)
}

/// execve(2)'s argv: the words, then NULL, added to `argv` (empty).
#[inline(never)]
fn argv_of(command: &CommandLine, argv: &mut Vec<*const c_char, { MAX_WORDS + 1 }>) {
    for word in command.words() {
        let _ = argv.push(word.as_ptr().cast());
    }
    let _ = argv.push(core::ptr::null());
}

/// The container's `NAME=VALUE` strings, in order (one per index, so `ChildEnv::inherited`
/// indexes `envp`).
fn container_env(envp: &Envp) -> impl Iterator<Item = &'static [u8]> + Clone + '_ {
    envp.strings().map(CStr::to_bytes)
}

/// execve(2)'s environment array: the container's kept strings where they already are,
/// vinit's own in the block, then NULL, added to `ptrs` (empty).
fn env_ptrs(env: &ChildEnv, envp: &Envp, ptrs: &mut Vec<*const c_char, { CHILD_ENV_MAX + 1 }>) {
    // The kept indices are in order: one walk of the container's strings picks them.
    let mut kept = env.inherited().iter().map(|&k| usize::from(k));
    let mut want = kept.next();
    for (i, kv) in envp.strings().enumerate() {
        if want == Some(i) {
            let _ = ptrs.push(kv.as_ptr());
            want = kept.next();
        }
    }
    for s in env.own() {
        let _ = ptrs.push(s.as_ptr().cast());
    }
    let _ = ptrs.push(core::ptr::null());
}

/// The child side of an entry's start, after its setsid(): never returns. On failure it logs
/// sysvinit's `cannot execute "prog"` and exits 1, which feeds the respawn throttle (compat §1.6
/// step 7). Inlined into `start_child`, its only caller.
#[inline(always)]
fn exec_entry(
    entry: &Entry,
    prog: &CStr,
    argv: &[*const c_char],
    envp: &[*const c_char],
    path: &[u8],
    quiet: bool,
) -> ! {
    let _ = sys::set_signal_mask(SigMask(0));
    let mut err = spawn::exec_search(prog, argv, envp, path);
    if err == Errno::NOEXEC {
        // A script without `#!`: retry through the shell (compat §1.6 step 6).
        // Filled in place: a returned command line (392 bytes) was copied twice.
        let mut shell = CommandLine::empty();
        if shell.read_shell(&entry.process).is_ok()
            && let Some(sh) = shell.word(0).and_then(sys::c_str)
        {
            let mut argv = Vec::new();
            argv_of(&shell, &mut argv);
            err = sys::execve(sh, &argv, envp);
        }
    }
    if quiet {
        sys::exit(1);
    }
    log!(
        Level::Error,
        "id \"{}\": cannot execute \"{}\": {}",
        Bytes(&entry.id),
        Bytes(prog.to_bytes()),
        ErrName(err)
    );
    sys::exit(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_string_has_a_pointer_then_null() {
        let mut store = InitEnv::new();
        let change = vinit_core::initctl::EnvChange::Set {
            name: b"INIT_X",
            value: b"1",
        };
        assert!(store.apply(&change));
        let mut env = ChildEnv::new();
        let envp = Envp::EMPTY;
        env.build(container_env(&envp), &store, b'3', b'N', |_| {});
        let mut ptrs = Vec::new();
        env_ptrs(&env, &envp, &mut ptrs);
        let own: std::vec::Vec<&[u8]> = env.own().collect();
        assert_eq!(ptrs.len(), own.len() + 1);
        for (p, s) in ptrs.iter().zip(&own) {
            assert_eq!(*p, s.as_ptr().cast());
        }
        assert!(ptrs.last().unwrap().is_null());
    }

    #[test]
    fn init_version_is_the_binarys() {
        assert_eq!(
            vinit_core::child_env::INIT_VERSION,
            concat!("INIT_VERSION=vinit-", env!("CARGO_PKG_VERSION")).as_bytes()
        );
    }
}
