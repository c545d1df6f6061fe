//! Starting a child clean: the code that runs between fork and exec, and the PATH search.
//!
//! The child gets default dispositions for every signal (inherited: see `init_setup`), an empty
//! signal mask, its own session
//! (and the terminal on fd 0 as its controlling tty when asked), and only fds 0-2: every fd of
//! vinit is close-on-exec. Only async-signal-safe calls happen here (and reads of memory: the
//! PATH lookup).

use core::ffi::CStr;

use crate::log::{Bytes, ErrName, Level};
use crate::sys::{self, CPtrs, Errno, SigMask};
use vinit_core::limits::{EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, SEARCH_PATH};

/// How the child should be attached to a terminal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tty {
    /// No controlling terminal.
    None,
    /// Take fd 0 as the controlling terminal (it is a tty).
    FromStdin,
}

/// CMD of single-command mode, as its child runs it (`exec_child`).
pub struct Command<'a> {
    /// The program, searched on `path` when it has no `/`.
    pub prog: &'a CStr,
    /// Its argv, null-terminated.
    pub argv: CPtrs<'a>,
    /// Its environment, vinit's own; its PATH is the search's (looked up in the child: one
    /// pointer here, not the array's two words and PATH's two).
    pub envp: sys::Envp,
    /// Whether it takes fd 0 as its controlling terminal.
    pub tty: Tty,
}

/// Runs in the child (`sys::spawn_shared`: on vinit's memory until it execs, so it only
/// reads `cmd`): starts a session, empties the signal mask, execs the command. Never returns:
/// on failure it logs one line naming the command and exits 127 (not found) or 126 (found
/// but not executable). `extern "C"`: `spawn_shared` enters it straight from clone(2).
pub extern "C" fn exec_child(cmd: &Command<'_>) -> ! {
    let _ = sys::setsid();
    if cmd.tty == Tty::FromStdin {
        let _ = sys::take_controlling_tty(sys::stdin());
    }
    let _ = sys::set_signal_mask(SigMask(0));
    let path = cmd.envp.var(b"PATH").unwrap_or(SEARCH_PATH);
    exec_failed(
        cmd.prog,
        exec_search(cmd.prog, cmd.argv, cmd.envp.ptrs(), path),
    )
}

/// After a failed exec of `prog`: logs one line naming it and exits 127 (not found) or 126
/// (found but not executable), as shells do.
pub fn exec_failed(prog: &CStr, err: Errno) -> ! {
    crate::log!(
        Level::Error,
        "cannot execute \"{}\": {}",
        Bytes(prog.to_bytes()),
        ErrName(err)
    );
    sys::exit(if err == Errno::NOENT {
        EXIT_NOT_FOUND
    } else {
        EXIT_NOT_EXECUTABLE
    })
}

/// In an inittab child (`VINIT_LOG_PREFIX`): fds 1 and 2 become the write ends of its output
/// pipes (those stay close-on-exec, so the child ends with only 0-2). On failure it keeps
/// vinit's.
pub fn output_to(out: sys::BorrowedFd<'_>, err: sys::BorrowedFd<'_>) {
    let _ = sys::dup_onto(out, 1);
    let _ = sys::dup_onto(err, 2);
}

/// execvp(3)'s search, on `path` rather than on vinit's own environment; returns the error
/// that best explains the failure (EACCES wins over ENOENT, as execvp does).
pub fn exec_search(prog: &CStr, argv: CPtrs<'_>, envp: CPtrs<'_>, path: &[u8]) -> Errno {
    let name = prog.to_bytes();
    if name.is_empty() {
        return Errno::NOENT;
    }
    if vinit_core::args::has_byte(name, b'/') {
        let err = sys::execve(prog, argv, envp);
        // Not a tail call: that would be a copy of this function's epilogue, where a call
        // returns to the one epilogue.
        core::hint::black_box(());
        return err;
    }
    let mut seen_eacces = false;
    for dir in path.split(|&b| b == b':') {
        let dir = if dir.is_empty() { b"." as &[u8] } else { dir };
        // A path too long is ENAMETOOLONG, passed over as execvp does.
        match sys::execve_in(dir, prog, argv, envp) {
            Errno::NOENT | Errno::NOTDIR | Errno::NAMETOOLONG => {}
            Errno::ACCESS => seen_eacces = true,
            other => return other,
        }
    }
    if seen_eacces {
        Errno::ACCESS
    } else {
        Errno::NOENT
    }
}
