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

/// The kernel's answer to a call that answers nothing but 0 or -errno (kill, prctl, the
/// signal mask...): any other value is an error. A test for zero is 3 bytes shorter than the
/// range compare of `result`, at each call site.
#[inline(always)]
pub(super) fn void(rc: isize) -> Result<()> {
    if rc == 0 {
        return Ok(());
    }
    // SAFETY: such a call returns 0 or -errno, in -4095..=-1 (the kernel's system call ABI);
    // told so, the optimiser drops rustix's range assert in `from_raw_os_error`.
    unsafe { core::hint::assert_unchecked((-4095..0).contains(&rc)) };
    Err(Errno::from_raw_os_error(rc.unsigned_abs() as i32))
}

#[cfg(target_arch = "x86_64")]
macro_rules! syscall_fn {
    ($name:ident, $raw:ident, $($arg:ident => $reg:tt),*) => {
        /// The system call `nr` with these arguments (x86_64: rdi, rsi, rdx, r10, r8, r9).
        ///
        /// # Safety
        /// The arguments must be what the kernel expects for `nr` (valid pointers, sizes).
        #[inline(always)]
        pub(in crate::sys) unsafe fn $name(nr: i64, $($arg: usize),*) -> Result<usize> {
            // SAFETY: the caller's.
            result(unsafe { $raw(nr, $($arg),*) })
        }

        /// `$name`'s kernel answer as it comes (for `void`).
        ///
        /// # Safety
        /// As `$name`'s.
        #[inline(always)]
        pub(in crate::sys) unsafe fn $raw(nr: i64, $($arg: usize),*) -> isize {
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
            rc
        }
    };
}

#[cfg(target_arch = "aarch64")]
macro_rules! syscall_fn {
    ($name:ident, $raw:ident, $arg0:ident => $reg0:tt $(, $arg:ident => $reg:tt)*) => {
        /// The system call `nr` with these arguments (aarch64: x0-x5, number in x8).
        ///
        /// # Safety
        /// The arguments must be what the kernel expects for `nr` (valid pointers, sizes).
        #[inline(always)]
        pub(in crate::sys) unsafe fn $name(nr: i64, $arg0: usize $(, $arg: usize)*) -> Result<usize> {
            // SAFETY: the caller's.
            result(unsafe { $raw(nr, $arg0 $(, $arg)*) })
        }

        /// `$name`'s kernel answer as it comes (for `void`).
        ///
        /// # Safety
        /// As `$name`'s.
        #[inline(always)]
        pub(in crate::sys) unsafe fn $raw(nr: i64, $arg0: usize $(, $arg: usize)*) -> isize {
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
            rc
        }
    };
}

#[cfg(target_arch = "x86_64")]
mod regs {
    syscall_fn!(syscall1, raw1, a => "rdi");
    syscall_fn!(syscall2, raw2, a => "rdi", b => "rsi");
    syscall_fn!(syscall3, raw3, a => "rdi", b => "rsi", c => "rdx");
    syscall_fn!(syscall4, raw4, a => "rdi", b => "rsi", c => "rdx", d => "r10");
    syscall_fn!(syscall6, raw6, a => "rdi", b => "rsi", c => "rdx", d => "r10", e => "r8", f => "r9");
    use super::{Result, result};
}

#[cfg(target_arch = "aarch64")]
mod regs {
    syscall_fn!(syscall1, raw1, a => "x0");
    syscall_fn!(syscall2, raw2, a => "x0", b => "x1");
    syscall_fn!(syscall3, raw3, a => "x0", b => "x1", c => "x2");
    syscall_fn!(syscall4, raw4, a => "x0", b => "x1", c => "x2", d => "x3");
    syscall_fn!(syscall6, raw6, a => "x0", b => "x1", c => "x2", d => "x3", e => "x4", f => "x5");
    use super::{Result, result};
}

// `raw1` serves x86_64's own unlink only.
#[cfg_attr(not(target_arch = "x86_64"), allow(unused_imports))]
pub(super) use regs::{raw1, raw2, raw3, raw4, syscall1, syscall2, syscall3, syscall4, syscall6};
