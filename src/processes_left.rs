//! The processes left at the end, in both modes: found, counted, named for the log and
//! signalled. As PID 1 that is every other process of the namespace; otherwise (a subreaper)
//! vinit's descendants, found by walking /proc.

use crate::log::LogLine;
use crate::sys::{self, Errno, Pid};
use vinit_core::limits::{MAX_TREE_DEPTH, TREE_WALK_RETRIES};

/// Signals every process left. As PID 1, kill(-1) reaches the whole namespace; otherwise every
/// descendant of vinit (kill(-1) would reach the whole machine): its children, the orphans it
/// subreaps, and their descendants, found in one pass over /proc. Reaching the grandchildren
/// in the same pass matters: a TERM to the children alone loses a grandchild whose parent that
/// TERM kills, as it is reparented to vinit only after the pass has gone by.
pub fn signal_all(sig: u8) {
    if sys::getpid() == 1 {
        if let Err(e) = sys::kill(-1, sig)
            && e != Errno::SRCH
        {
            crate::init_setup::errno_line(crate::init_setup::Failure::SignalAll, e);
        }
        return;
    }
    for_each_left(&mut Visit::Signal(sig));
}

/// How many processes `signal_all` would reach (for the log).
pub fn count() -> u32 {
    let mut visit = Visit::Count(0);
    for_each_left(&mut visit);
    match visit {
        Visit::Count(n) => n,
        Visit::Signal(_) | Visit::Name(..) => 0,
    }
}

/// Writes `pid (name), ...` for every process `signal_all` would reach (the log line cuts
/// what does not fit).
pub fn write_names(line: &mut LogLine) {
    for_each_left(&mut Visit::Name(line, true));
}

/// `PID (NAME)`: one copy for the KILL lines' list and single mode's `-v` reap line.
#[inline(never)]
pub fn push_process(line: &mut LogLine, pid: Pid, name: &[u8]) {
    vinit_core::fill!(crate::log::LogLine::write, [line], "{} (", pid);
    push_name(line, name);
    line.push(b")");
}

/// A process's name (`comm`): any 15 bytes its process chose, so no control byte reaches the
/// log.
fn push_name(line: &mut LogLine, name: &[u8]) {
    for &b in name {
        line.push(if b.is_ascii_control() {
            b"?"
        } else {
            core::slice::from_ref(&b)
        });
    }
}

/// What `for_each_left` does with each process. An enum, not a closure each: the /proc walk
/// is compiled once, without a `dyn` closure's vtable and shim per caller.
enum Visit<'a> {
    /// Send it this signal.
    Signal(u8),
    /// Count it.
    Count(u32),
    /// Add `PID (NAME)` to the line, after `, ` unless it is the first (the flag).
    Name(&'a mut LogLine, bool),
}

/// Does `visit` for every process `signal_all` reaches: as PID 1 every other process of the
/// namespace, otherwise vinit's descendants.
#[inline(never)]
fn for_each_left(visit: &mut Visit<'_>) {
    let me = sys::getpid();
    let _ = sys::scan_processes(me, |pid, stat| {
        if me != 1 && !descends_from(me, pid, stat.ppid) {
            return;
        }
        match visit {
            Visit::Signal(sig) => {
                let _ = sys::kill(pid, *sig);
            }
            Visit::Count(n) => *n += 1,
            Visit::Name(line, first) => {
                if !*first {
                    line.push(b", ");
                }
                *first = false;
                push_process(line, pid, stat.name());
            }
        }
    });
}

/// Whether `pid`, whose parent is `ppid`, is a descendant of `me`: its chain of parents reaches
/// `me` (within `MAX_TREE_DEPTH` links). A parent that vanished from /proc while the chain was
/// read has been reaped, and was a zombie (with its children reparented) before that: the
/// walk starts again from `pid`'s parent as it is now.
fn descends_from(me: Pid, pid: Pid, ppid: Pid) -> bool {
    let mut parent = ppid;
    let mut depth = 0;
    let mut retries = 0;
    loop {
        if parent == me {
            return true;
        }
        if parent <= 1 || depth >= MAX_TREE_DEPTH {
            return false;
        }
        if let Some(stat) = sys::read_stat(parent) {
            parent = stat.ppid;
            depth += 1;
            continue;
        }
        if retries >= TREE_WALK_RETRIES {
            return false;
        }
        retries += 1;
        depth = 0;
        match sys::read_stat(pid) {
            Some(stat) => parent = stat.ppid,
            None => return false,
        }
    }
}
