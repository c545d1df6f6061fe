//! Processes: fork, exec, exit, wait, kill, the ids, and what a process holds (session,
//! subreaper flag, directory, umask).
#![allow(unsafe_code)]

use core::ffi::{CStr, c_char};
use core::mem::MaybeUninit;

use rustix::io::Errno;

use super::raw_syscall::{raw2, syscall1, syscall3, syscall4, syscall6, void};
use super::signals::LAST_SIGNAL;
use super::{Exit, Pid, Result};
use vinit_core::limits::PATH_MAX;

/// Who we are after `fork()`.
pub enum Forked {
    /// In the child.
    Child,
    /// In the parent, with the child's pid.
    Parent(Pid),
}

/// fork(2), as the raw `clone(SIGCHLD)` system call (aarch64 has no `fork` call): musl's
/// fork takes its internal locks and runs the atfork bookkeeping, 1.8 KB of code a
/// single-threaded PID 1 does not need (docs/size.md). What that skips in the child: musl's
/// cached thread id stays the parent's, so the child side (spawn.rs, spawn_entry.rs, the log)
/// calls no musl function that reads it or takes a lock (raise, abort, pthread_*, stdio), only
/// these wrappers, which are rustix's or plain system calls.
pub fn fork() -> Result<Forked> {
    // SAFETY: clone with only SIGCHLD and a null stack pointer is fork(2): the child runs on a
    // copy of this stack and returns here. vinit is single-threaded, so no lock is held by
    // another thread; the child only makes raw system calls before execve or _exit (above).
    let pid = unsafe { syscall6(libc::SYS_clone, libc::SIGCHLD as usize, 0, 0, 0, 0, 0)? };
    Ok(match pid {
        0 => Forked::Child,
        p => Forked::Parent(p as Pid),
    })
}

/// A NULL-terminated array of C string pointers, as execve(2) wants for argv and envp.
pub type CPtrs<'a> = &'a [*const c_char];

/// execve(2); returns only on failure.
pub fn execve(path: &CStr, argv: CPtrs<'_>, envp: CPtrs<'_>) -> Errno {
    // A slice pattern: one length check and one load each (`last()` added a null test of
    // the element's address). An empty array is refused too: the kernel would read past it.
    let terminated = |ptrs: CPtrs<'_>| matches!(ptrs, [.., last] if last.is_null());
    if !(terminated(argv) && terminated(envp)) {
        return Errno::INVAL;
    }
    // SAFETY: path is NUL-terminated; argv and envp end with a null pointer (checked above) and
    // every other element points to a NUL-terminated string owned by the caller.
    let rc = unsafe {
        syscall3(
            libc::SYS_execve,
            path.as_ptr() as usize,
            argv.as_ptr() as usize,
            envp.as_ptr() as usize,
        )
    };
    rc.err().unwrap_or(Errno::INVAL)
}

/// execve(2) of `dir/name`, the path built here: its only NUL is `name`'s own, last (an
/// environment string and a C string hold no other), so it needs no search for one.
/// `NAMETOOLONG` when it would not fit in PATH_MAX bytes, its NUL included.
pub fn execve_in(dir: &[u8], name: &CStr, argv: CPtrs<'_>, envp: CPtrs<'_>) -> Errno {
    let name = name.to_bytes_with_nul();
    let len = dir.len() + 1 + name.len();
    if len > PATH_MAX {
        return Errno::NAMETOOLONG;
    }
    // Not zeroed: every byte of the path is written below.
    let mut path = MaybeUninit::<[u8; PATH_MAX]>::uninit();
    let at = path.as_mut_ptr().cast::<u8>();
    // SAFETY: `dir` fits at the start of `path` (`len` is checked above), and no slice of
    // vinit's overlaps a local buffer.
    unsafe { core::ptr::copy_nonoverlapping(dir.as_ptr(), at, dir.len()) };
    let slash = at.wrapping_add(dir.len());
    // SAFETY: the byte after `dir` is inside `path`, as above.
    unsafe { slash.write(b'/') };
    // SAFETY: `name` fits after the slash, as above.
    unsafe { core::ptr::copy_nonoverlapping(name.as_ptr(), slash.wrapping_add(1), name.len()) };
    // SAFETY: the `len` bytes of the path were all written just above.
    let path = unsafe { core::slice::from_raw_parts(at, len) };
    // SAFETY: the path ends with `name`'s NUL, its only one.
    let path = unsafe { CStr::from_bytes_with_nul_unchecked(path) };
    execve(path, argv, envp)
}

/// _exit(2): leaves at once, without running anything else.
pub fn exit(code: u8) -> ! {
    loop {
        // SAFETY: exit_group takes a plain integer and does not return.
        let _ = unsafe { syscall1(libc::SYS_exit_group, usize::from(code)) };
    }
}

/// waitpid(-1, WNOHANG) (wait(2)): `Ok(None)` if children exist but none has exited,
/// `Err(CHILD)` if there are no children at all.
pub fn reap_any() -> Result<Option<(Pid, Exit)>> {
    reap(None)
}

/// waitid(P_ALL, WEXITED | WNOHANG | WNOWAIT) (waitid(2)): a child that has ended, left a
/// zombie, so /proc still names it; `reap(Some(pid))` next. `None` when none has ended.
pub fn peek_exited() -> Option<Pid> {
    // Only si_pid is read, so only si_pid is set: the kernel writes the whole siginfo (since
    // Linux 4.13; si_pid alone before), and zeroing all 128 bytes first cost 40 bytes of code.
    let mut info = MaybeUninit::<libc::siginfo_t>::uninit();
    let pid_at = info
        .as_mut_ptr()
        .cast::<u8>()
        .wrapping_add(SI_PID_OFFSET)
        .cast::<Pid>();
    // SAFETY: si_pid lies inside `info`, aligned (siginfo_t is 8-aligned, the offset 16).
    unsafe { pid_at.write(0) };
    let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
    // SAFETY: `info` is 128 writable bytes for the kernel to fill in; a null rusage is allowed.
    let rc = unsafe {
        syscall6(
            libc::SYS_waitid,
            libc::P_ALL as usize,
            0,
            info.as_mut_ptr() as usize,
            flags as usize,
            0,
            0,
        )
    };
    // SAFETY: si_pid was written above and maybe again by waitid: an initialised i32.
    let pid = unsafe { pid_at.read() };
    (rc.is_ok() && pid > 0).then_some(pid)
}

/// Where a SIGCHLD siginfo's si_pid is (after si_signo, si_errno, si_code and, on 64-bit
/// targets, the padding that aligns the union): checked against libc's `si_pid()` in a test.
const SI_PID_OFFSET: usize = 16;

/// wait4(2) with WNOHANG for `pid`, or any child (`None`); as `reap_any`.
pub fn reap(pid: Option<Pid>) -> Result<Option<(Pid, Exit)>> {
    // Not zeroed: read only after the kernel has written it (a child reaped).
    let mut status = MaybeUninit::<i32>::uninit();
    loop {
        // SAFETY: `status` is a live int for the kernel to fill in; a null rusage is allowed.
        let reaped = unsafe {
            syscall4(
                libc::SYS_wait4,
                pid.unwrap_or(-1) as u32 as usize,
                status.as_mut_ptr() as usize,
                libc::WNOHANG as usize,
                0,
            )
        };
        match reaped {
            Ok(0) => return Ok(None),
            // The low 7 bits are the signal that ended the child, 0 for an exit (whose code is
            // the next byte), 0x7f for a stop (reported to a tracer only: not vinit's to see).
            Ok(child) => {
                // SAFETY: wait4(2) wrote the status of the child it returned.
                let status = unsafe { status.assume_init() };
                let exit = match status & 0x7f {
                    0 => Exit::Code((status >> 8) as u8),
                    0x7f => continue,
                    sig => Exit::Signal(sig as u8),
                };
                return Ok(Some((child as Pid, exit)));
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// kill(2) with a raw signal number; `pid` follows kill(2): > 0 one process, < -1 a group,
/// -1 every process we may signal (in a PID namespace: all of it but PID 1). 0 (vinit's own
/// group) is refused: nothing of vinit's means it.
pub fn kill(pid: Pid, sig: u8) -> Result<()> {
    if sig == 0 || sig > LAST_SIGNAL || pid == 0 {
        return Err(Errno::INVAL);
    }
    // SAFETY: kill(2) takes plain integers; the signal number was just checked.
    void(unsafe { raw2(libc::SYS_kill, pid as u32 as usize, usize::from(sig)) })
}

/// getpid(2).
pub fn getpid() -> Pid {
    rustix::process::getpid().as_raw_nonzero().get()
}

/// getppid(2); 0 when the parent is outside this process's PID namespace.
pub fn getppid() -> Pid {
    rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get())
}

/// prctl(PR_SET_CHILD_SUBREAPER, 1) (prctl(2)). The raw call: rustix's passes its own
/// getpid(2) as the flag and goes through an out-of-line five-argument prctl.
pub fn set_child_subreaper() -> Result<()> {
    // SAFETY: plain integers; the kernel reads no argument past the flag for this option.
    void(unsafe { raw2(libc::SYS_prctl, libc::PR_SET_CHILD_SUBREAPER as usize, 1) })
}

/// setsid(2).
pub fn setsid() -> Result<()> {
    rustix::process::setsid().map(drop)
}

/// chdir("/") (chdir(2)): PID 1 must not keep the directory it was started in busy (a bind
/// mount of the host could then not be unmounted).
pub fn chdir_root() -> Result<()> {
    rustix::process::chdir(c"/")
}

/// geteuid(2).
pub fn geteuid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// kill(pid, 0) (kill(2)): is there a process `pid` we may signal?
pub fn process_exists(pid: Pid) -> bool {
    let pid = rustix::process::Pid::from_raw(pid);
    pid.is_some_and(|p| rustix::process::test_kill_process(p).is_ok())
}

/// umask(2): adds `bits` to the current mask.
pub fn umask_add(bits: u32) {
    let old = rustix::process::umask(rustix::fs::Mode::empty());
    let _ = rustix::process::umask(old | rustix::fs::Mode::from_raw_mode(bits));
}

/// setgroups(2), setgid(2), setuid(2) as raw system calls: vinit has one thread, so musl's
/// wrappers (which stop every thread to change them all) would only add code.
fn id_syscall(nr: core::ffi::c_long, arg0: usize, arg1: usize) -> Result<()> {
    // SAFETY: setgroups reads `arg0` gids from the live slice at `arg1` (`set_groups`); setgid
    // and setuid take a plain number. None of them touches other memory.
    void(unsafe { raw2(nr, arg0, arg1) })
}

/// setgroups(2): the supplementary groups.
pub fn set_groups(gids: &[u32]) -> Result<()> {
    id_syscall(libc::SYS_setgroups, gids.len(), gids.as_ptr() as usize)
}

/// setgid(2).
pub fn set_gid(gid: u32) -> Result<()> {
    id_syscall(libc::SYS_setgid, gid as usize, 0)
}

/// setuid(2).
pub fn set_uid(uid: u32) -> Result<()> {
    id_syscall(libc::SYS_setuid, uid as usize, 0)
}

/// prctl(PR_SET_PDEATHSIG, sig) (prctl(2)): the kernel sends `sig` when the parent dies.
pub fn set_parent_death_signal(sig: u8) -> Result<()> {
    if sig == 0 || sig > LAST_SIGNAL {
        return Err(Errno::INVAL);
    }
    // SAFETY: plain integers (the signal just checked); the kernel reads no argument past the
    // signal for this option.
    void(unsafe {
        raw2(
            libc::SYS_prctl,
            libc::PR_SET_PDEATHSIG as usize,
            usize::from(sig),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_pid_is_at_its_offset() {
        // SAFETY: siginfo_t is plain data; all zeroes is a valid value.
        let mut info: libc::siginfo_t = unsafe { core::mem::zeroed() };
        let at = (&raw mut info)
            .cast::<u8>()
            .wrapping_add(SI_PID_OFFSET)
            .cast::<Pid>();
        // SAFETY: the offset is inside the 128-byte siginfo, and aligned.
        unsafe { at.write(4242) };
        // SAFETY: a zeroed siginfo with one field written is still plain data.
        assert_eq!(unsafe { info.si_pid() }, 4242);
    }
}
