//! Buffers the kernel fills, never zeroed by code first: setuidgid's room for /etc/passwd and
//! /etc/group in bss (zero already, and untouched until read into), and reads into
//! uninitialised memory.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

use rustix::fd::BorrowedFd;
use vinit_core::limits::ACCOUNTS_READ_MAX;

use super::raw_syscall::{fd_arg, syscall3};

/// setuidgid's two buffers: /etc/passwd's, then /etc/group's.
pub type AccountsBuffers = [[u8; ACCOUNTS_READ_MAX]; 2];

/// The buffers and whether they were handed out. On the stack they were 128 KiB probed page
/// by page at entry and zeroed by code; here they cost nothing until a file is read into them.
struct AccountsRoom {
    taken: AtomicBool,
    buffers: UnsafeCell<AccountsBuffers>,
}

// SAFETY: vinit has one thread, and the buffers are reached only through the one `&'static
// mut` that `accounts_buffers` hands out (the flag is swapped atomically).
unsafe impl Sync for AccountsRoom {}

/// In a section of its own, which the link appends to the end of `.bss` (an orphan `.bss.*`
/// section goes into `.bss`): after inittab mode's state, so no page PID 1 writes moves.
// SAFETY: `.bss.` names a NOBITS section inside the writable segment.
#[unsafe(link_section = ".bss.vinit_accounts")]
static ACCOUNTS: AccountsRoom = AccountsRoom {
    taken: AtomicBool::new(false),
    buffers: UnsafeCell::new([[0; ACCOUNTS_READ_MAX]; 2]),
};

/// The accounts buffers, handed out once; `None` after that.
pub fn accounts_buffers() -> Option<&'static mut AccountsBuffers> {
    if ACCOUNTS.taken.swap(true, Ordering::Relaxed) {
        return None;
    }
    // SAFETY: the flag was clear and is now set for good, so no other reference to the
    // buffers exists or will ever be made.
    Some(unsafe { &mut *ACCOUNTS.buffers.get() })
}

/// read(2) into `buf`, which need not be initialised (no zeroing before the kernel writes
/// it): the bytes read, the start of `buf`. The system call itself: rustix's `read` of
/// another buffer type was one more copy of it.
pub fn read_unzeroed<'b>(
    fd: BorrowedFd<'_>,
    buf: &'b mut [MaybeUninit<u8>],
) -> super::Result<&'b [u8]> {
    // SAFETY: buf is writable for its length; the fd is borrowed, so open, for the call.
    let n = unsafe {
        syscall3(
            libc::SYS_read,
            fd_arg(fd),
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    }?;
    // SAFETY: the kernel wrote the first `n` bytes of `buf` (n <= buf.len()).
    Ok(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) })
}

/// pread(2) from `offset` until `buf` is full or the file ends, into memory that
/// need not be initialised (no zeroing before the kernel writes it): the bytes read, the start
/// of `buf`. For `records::write`'s chunk of utmp.
#[inline(always)]
pub fn read_at_unzeroed<'b>(
    fd: BorrowedFd<'_>,
    buf: &'b mut [MaybeUninit<u8>],
    offset: u64,
) -> super::Result<&'b [u8]> {
    let n = super::raw_syscall::result(super::fds::fill(libc::SYS_pread64, fd, buf, offset))?;
    // SAFETY: the kernel wrote the first `n` bytes of `buf` (`fill` stops at its end).
    Ok(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) })
}
