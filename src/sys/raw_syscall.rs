//! The system call instruction itself, for the calls rustix's stable API does not offer: the
//! kernel's result comes back in a register, so there is no errno to read and no musl wrapper
//! (`syscall()`, `__syscall_ret`, `__errno_location`, nor musl's `fork`, `sigaction`, `open`,
//! `close`...) is linked in (docs/size.md). Each wrapper takes the call's number and exactly its
//! arguments as machine words; the caller's `// SAFETY:` says why the arguments are valid.
//! An `int` argument (an fd, a pid) goes zero-extended (`as u32 as usize`; an fd through
//! `fd_arg`): the kernel reads only its low 32 bits, and the move is a byte shorter than sign
//! extension (168 B in all).
#![allow(unsafe_code)]

use rustix::fd::{AsFd, AsRawFd};
use rustix::io::Errno;

use super::Result;

/// An fd as a system call argument, zero-extended (above).
#[inline(always)]
pub(super) fn fd_arg(fd: impl AsFd) -> usize {
    fd.as_fd().as_raw_fd() as u32 as usize
}

/// The kernel's answer: a value, or -errno in -4095..=-1.
#[inline(always)]
pub(super) fn result(rc: isize) -> Result<usize> {
    if (rc as usize) > (-4096isize) as usize {
        // The check above keeps -rc in 1..=4095; the clamp lets the optimiser see it too
        // (rustix asserts the range, and no panic path may remain: docs/size.md).
        Err(Errno::from_raw_os_error(
            (rc.unsigned_abs() as i32).clamp(1, 4095),
        ))
    } else {
        Ok(rc as usize)
    }
}

#[cfg(target_arch = "x86_64")]
macro_rules! syscall_fn {
    ($name:ident, $($arg:ident => $reg:tt),*) => {
        /// The system call `nr` with these arguments (x86_64: rdi, rsi, rdx, r10, r8, r9).
        ///
        /// # Safety
        /// The arguments must be what the kernel expects for `nr` (valid pointers, sizes).
        #[inline(always)]
        pub(in crate::sys) unsafe fn $name(nr: i64, $($arg: usize),*) -> Result<usize> {
            let rc: isize;
            // SAFETY: the caller vouches for the arguments; `syscall` clobbers rcx and r11
            // only, and touches no user stack.
            unsafe {
                core::arch::asm!(
                    "syscall",
                    inlateout("rax") nr as isize => rc,
                    $(in($reg) $arg,)*
                    lateout("rcx") _,
                    lateout("r11") _,
                    options(nostack),
                );
            }
            result(rc)
        }
    };
}

#[cfg(target_arch = "aarch64")]
macro_rules! syscall_fn {
    ($name:ident, $arg0:ident => $reg0:tt $(, $arg:ident => $reg:tt)*) => {
        /// The system call `nr` with these arguments (aarch64: x0-x5, number in x8).
        ///
        /// # Safety
        /// The arguments must be what the kernel expects for `nr` (valid pointers, sizes).
        #[inline(always)]
        pub(in crate::sys) unsafe fn $name(nr: i64, $arg0: usize $(, $arg: usize)*) -> Result<usize> {
            let rc: isize;
            // SAFETY: the caller vouches for the arguments; `svc 0` returns in x0 and
            // preserves every other register.
            unsafe {
                core::arch::asm!(
                    "svc 0",
                    in("x8") nr,
                    inlateout($reg0) $arg0 as isize => rc,
                    $(in($reg) $arg,)*
                    options(nostack),
                );
            }
            result(rc)
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod regs {
    syscall_fn!(syscall1, a => "rdi");
    syscall_fn!(syscall2, a => "rdi", b => "rsi");
    syscall_fn!(syscall3, a => "rdi", b => "rsi", c => "rdx");
    syscall_fn!(syscall4, a => "rdi", b => "rsi", c => "rdx", d => "r10");
    syscall_fn!(syscall6, a => "rdi", b => "rsi", c => "rdx", d => "r10", e => "r8", f => "r9");
    use super::{Result, result};
}

#[cfg(target_arch = "aarch64")]
mod regs {
    syscall_fn!(syscall1, a => "x0");
    syscall_fn!(syscall2, a => "x0", b => "x1");
    syscall_fn!(syscall3, a => "x0", b => "x1", c => "x2");
    syscall_fn!(syscall4, a => "x0", b => "x1", c => "x2", d => "x3");
    syscall_fn!(syscall6, a => "x0", b => "x1", c => "x2", d => "x3", e => "x4", f => "x5");
    use super::{Result, result};
}

pub(super) use regs::{syscall1, syscall2, syscall3, syscall4, syscall6};
