//! Waiting: poll(2) on fds for input or output, and sleeping.
#![allow(unsafe_code)]

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use super::Result;
#[cfg(not(target_arch = "x86_64"))]
use super::raw_syscall::syscall6;

/// poll(2) on one fd for input, with an optional timeout in milliseconds; `Ok(true)` if it is
/// readable. EINTR counts as "woke up".
pub fn wait_readable(fd: BorrowedFd<'_>, timeout_ms: Option<u64>) -> Result<bool> {
    wait_one(Watch::readable(fd), timeout_ms)
}

/// poll(2) on one fd for output, with a timeout in milliseconds; `Ok(true)` if it is
/// writable. EINTR counts as "not yet".
pub fn wait_writable(fd: BorrowedFd<'_>, timeout_ms: u64) -> Result<bool> {
    wait_one(Watch::writable(fd), Some(timeout_ms))
}

/// poll(2) on one fd: whether it is ready. One copy for both directions.
#[inline(never)]
fn wait_one(watch: Watch, timeout_ms: Option<u64>) -> Result<bool> {
    wait_fds(&mut [watch], timeout_ms)
}

/// Sleeps about `ms` milliseconds (poll(2) on no fds); a signal may cut it short.
pub fn sleep_ms(ms: u64) {
    let _ = wait_fds(&mut [], Some(ms));
}

/// The one poll of vinit: poll(2) on `fds` for at most `timeout_ms` (`None`: no limit), each
/// watch's readiness set in place (the caller's array is the kernel's, not copied); whether
/// any fd is ready (not the count, which no caller reads: a bool comes back in a register),
/// false also after EINTR. The raw call (musl's poll would bring its cancellation and errno
/// code). x86_64 has poll(2) itself, whose timeout is the milliseconds as they are (no
/// timespec to divide into); aarch64 has only ppoll(2).
pub fn wait_fds(fds: &mut [Watch], timeout_ms: Option<u64>) -> Result<bool> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `fds` is a live array of `fds.len()` pollfds (`Watch` is a transparent pollfd)
    // for the duration of the call.
    let rc = unsafe {
        // -1 waits without a limit; a longer limit than poll's int is cut (a wake-up that
        // comes early only goes round the caller's loop).
        let limit = timeout_ms.map_or(-1, |ms| ms.min(i32::MAX as u64) as i32);
        super::raw_syscall::syscall3(
            libc::SYS_poll,
            fds.as_mut_ptr() as usize,
            fds.len(),
            limit as u32 as usize,
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: `fds` is a live array of `fds.len()` pollfds (`Watch` is a transparent pollfd)
    // and `limit` a live timespec or null (no limit), both for the duration of the call; a
    // null signal mask leaves the mask as it is (its size argument is then not read).
    let rc = unsafe {
        // The kernel's struct timespec on 64-bit targets: seconds, nanoseconds. Written only
        // when there is a limit (no Option of it kept on the stack).
        let mut ts = core::mem::MaybeUninit::<[u64; 2]>::uninit();
        let limit = timeout_ms.map_or(0, |ms| {
            ts.write([ms / 1000, (ms % 1000) * 1_000_000]).as_mut_ptr() as usize
        });
        syscall6(
            libc::SYS_ppoll,
            fds.as_mut_ptr() as usize,
            fds.len(),
            limit,
            0,
            8,
            0,
        )
    };
    match rc {
        Err(Errno::INTR) => Ok(false),
        other => other.map(|n| n > 0),
    }
}

/// One fd for `wait_fds` to watch, for input or for room to write; after the wait, whether
/// it is ready. Holds the number only: the caller keeps the fd open across the wait.
/// Transparent: an array of them is poll(2)'s array.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Watch(libc::pollfd);

impl Watch {
    /// Ready when `fd` has input, or its writers are gone.
    pub fn readable(fd: BorrowedFd<'_>) -> Self {
        Self::new(fd, libc::POLLIN)
    }

    /// Ready when `fd` has room for a write.
    pub fn writable(fd: BorrowedFd<'_>) -> Self {
        Self::new(fd, libc::POLLOUT)
    }

    /// `readable`, or for no fd a watch that poll(2) skips (a negative fd) and that is never
    /// ready.
    pub fn readable_if(fd: Option<BorrowedFd<'_>>) -> Self {
        Self(libc::pollfd {
            fd: fd.map_or(-1, |fd| rustix::fd::AsRawFd::as_raw_fd(&fd)),
            events: libc::POLLIN,
            revents: 0,
        })
    }

    fn new(fd: BorrowedFd<'_>, events: i16) -> Self {
        Self(libc::pollfd {
            fd: rustix::fd::AsRawFd::as_raw_fd(&fd),
            events,
            revents: 0,
        })
    }

    /// The wait saw it ready (hang-up and error count: the next read or write says which).
    pub fn ready(&self) -> bool {
        self.0.revents != 0
    }
}
