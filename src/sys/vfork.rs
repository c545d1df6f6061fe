//! Starting a child that shares vinit's memory until it execs: clone(2) with CLONE_VM |
//! CLONE_VFORK, as posix_spawn(3) does. Unlike fork(2) there are no page tables to copy, no
//! copy-on-write faults in either process and no copy to tear down at the child's execve(2):
//! the fastest way from vinit to CMD's first instruction (benches/BENCHMARKS.md, start-up).
//! vinit sleeps in the kernel until the child has exec'd or exited.
#![allow(unsafe_code)]

use core::ffi::c_void;

use super::raw_syscall::{result, syscall1};
use super::{Pid, Result};

/// clone(2)'s flags: one memory, vinit suspended until the child's execve or exit, SIGCHLD at
/// its end. Without CLONE_SIGHAND and CLONE_FILES: the child has its own dispositions, mask
/// and fd table, as after fork.
const FLAGS: usize = (libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD) as usize;

/// Runs `run(job)` in a new child process that shares vinit's memory and, until it execs,
/// its stack pages (below vinit's own frames); returns the child's pid once it has exec'd or
/// exited. `run` may write only what vinit does not read afterwards (it runs on vinit's
/// memory: spawn.rs's exec path and the log's counters qualify) and must not return. An
/// `extern "C"` function: the child enters it straight from clone, `job` in the first
/// argument register (no struct of the two to build, no trampoline).
pub fn spawn_shared<T>(job: &T, run: extern "C" fn(&T) -> !) -> Result<Pid> {
    // SAFETY: `run` takes one pointer in the C ABI, as `entry` does: the transmute changes
    // only the pointee's type (`job`'s, which is what the child passes).
    let entry = unsafe {
        core::mem::transmute::<extern "C" fn(&T) -> !, extern "C" fn(*const c_void) -> !>(run)
    };
    // SAFETY: `job` outlives the call: vinit is suspended in the kernel until the child has
    // exec'd or exited, and the child only reads it. The child runs `run` on the stack below
    // this frame, which nothing of vinit's uses while it is suspended (no handler runs: a
    // vfork wait is killable only, not interruptible).
    let rc = unsafe { clone_vfork((&raw const *job).cast::<c_void>(), entry) };
    // CLONE_VFORK wakes vinit as the child's execve lets go of the shared memory, before the
    // new program runs; having slept, vinit would take the CPU from it there. Give it back
    // once: what vinit does next can wait, CMD's first instruction is the start-up.
    // SAFETY: sched_yield(2) takes no argument.
    let _ = unsafe { syscall1(libc::SYS_sched_yield, 0) };
    result(rc).map(|pid| pid as Pid)
}

// clone(flags, stack) with the child's stack 256 bytes (past any red zone) below
// the caller's, 16-aligned. The kernel gives the child the caller's registers except the
// result (0) and the stack pointer: `arg` and `entry` are kept in registers the call does not
// read. The parent returns the result (pid, or -errno); the child calls `entry(arg)`, which
// never returns.

/// clone(2) with `FLAGS`; the child runs `entry(arg)` on the stack below the caller's.
///
/// # Safety
/// `entry` must never return, and may use `arg` and the memory it reaches only as long as
/// the caller keeps them alive (which CLONE_VFORK's suspension does).
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
unsafe extern "C" fn clone_vfork(
    arg: *const c_void,
    entry: extern "C" fn(*const c_void) -> !,
) -> isize {
    // rdi = arg, rsi = entry. clone's arguments: rdi flags, rsi stack, rdx parent_tid, r10
    // child_tid, r8 tls: the last three unused with these flags (no CLONE_*SETTID,
    // CLONE_*CLEARTID, CLONE_PIDFD or CLONE_SETTLS), so left as they are, not zeroed.
    core::arch::naked_asm!(
        "mov r9, rdi",
        "mov r8, rsi",
        "lea rsi, [rsp - 256]",
        "and rsi, -16",
        "mov edi, {flags}",
        "push {nr}",
        "pop rax",
        "syscall",
        "test rax, rax",
        "jnz 2f",
        "mov rdi, r9",
        "call r8",
        "ud2",
        "2:",
        "ret",
        flags = const FLAGS,
        nr = const libc::SYS_clone,
    )
}

/// clone(2) with `FLAGS`; the child runs `entry(arg)` on the stack below the caller's.
///
/// # Safety
/// `entry` must never return, and may use `arg` and the memory it reaches only as long as
/// the caller keeps them alive (which CLONE_VFORK's suspension does).
#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
unsafe extern "C" fn clone_vfork(
    arg: *const c_void,
    entry: extern "C" fn(*const c_void) -> !,
) -> isize {
    // x0 = arg, x1 = entry. clone's arguments: x0 flags, x1 stack, x2 parent_tid, x3 tls, x4
    // child_tid: the last three unused with these flags (as on x86_64), so not zeroed; the
    // number in x8.
    core::arch::naked_asm!(
        "mov x9, x1",
        "mov x10, x0",
        "mov x1, sp",
        "sub x1, x1, #256",
        "and x1, x1, #-16",
        "mov x0, #{flags}",
        "mov x8, #{nr}",
        "svc #0",
        "cbnz x0, 2f",
        "mov x0, x10",
        "blr x9",
        "brk #1",
        "2:",
        "ret",
        flags = const FLAGS,
        nr = const libc::SYS_clone,
    )
}
