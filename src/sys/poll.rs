//! Waiting: poll(2) on fds for input or output, and sleeping.
#![allow(unsafe_code)]

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use super::Result;

/// poll(2) on one fd for input, with an optional timeout in milliseconds; `Ok(true)` if it is
/// readable. EINTR counts as "woke up".
pub fn wait_readable(fd: BorrowedFd<'_>, timeout_ms: Option<u64>) -> Result<bool> {
    wait_readable_fds([Some(fd)], timeout_ms).map(|[ready]| ready)
}

/// poll(2) on one fd for output, with a timeout in milliseconds; `Ok(true)` if it is
/// writable. EINTR counts as "not yet".
pub fn wait_writable(fd: BorrowedFd<'_>, timeout_ms: u64) -> Result<bool> {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::OUT)];
    match poll(&mut fds, Some(&timespec_ms(timeout_ms))) {
        Ok(n) => Ok(n > 0),
        Err(Errno::INTR) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Sleeps about `ms` milliseconds (poll(2) on no fds); a signal may cut it short.
pub fn sleep_ms(ms: u64) {
    let _ = rustix::event::poll(&mut [], Some(&timespec_ms(ms)));
}

pub(super) fn timespec_ms(ms: u64) -> rustix::event::Timespec {
    let tv_sec = (ms / 1000) as i64;
    rustix::event::Timespec {
        tv_sec,
        tv_nsec: ((ms % 1000) * 1_000_000) as i64,
    }
}

/// poll(2) on every fd that is present; returns which are readable (absent ones never
/// are). EINTR counts as "woke up, nothing ready".
pub fn wait_readable_fds<const N: usize>(
    fds: [Option<BorrowedFd<'_>>; N],
    timeout_ms: Option<u64>,
) -> Result<[bool; N]> {
    wait_fds(fds, &mut [], timeout_ms)
}

/// One more fd for `wait_fds` to watch, for input or for room to write; after the wait,
/// whether it is ready. Holds the number only: the caller keeps the fd open across the wait.
#[derive(Clone, Copy)]
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

/// Most fds one `wait_fds` watches: the fixed ones plus the watches.
const WATCH_MAX: usize = 8 + 2 * vinit_core::limits::SERVICE_STREAMS + 2;

/// poll(2) on every fixed fd that is present (for input) and on every watch (past
/// `WATCH_MAX`, the rest are not watched); returns which fixed fds are readable and sets each
/// watch's readiness. EINTR counts as "woke up, nothing ready".
pub fn wait_fds<const N: usize>(
    fixed: [Option<BorrowedFd<'_>>; N],
    extra: &mut [Watch],
    timeout_ms: Option<u64>,
) -> Result<[bool; N]> {
    let mut ready = [false; N];
    poll_fds(&fixed, &mut ready, extra, timeout_ms)?;
    Ok(ready)
}

/// `wait_fds` for any number of fixed fds (`ready` as long as `fixed`): compiled once, not
/// once per `N`.
fn poll_fds(
    fixed: &[Option<BorrowedFd<'_>>],
    ready: &mut [bool],
    extra: &mut [Watch],
    timeout_ms: Option<u64>,
) -> Result<()> {
    let mut polled: heapless::Vec<libc::pollfd, WATCH_MAX> = heapless::Vec::new();
    for fd in fixed {
        // An absent fd is a negative one, which poll(2) skips.
        let watch = fd.map_or(
            Watch(libc::pollfd {
                fd: -1,
                events: 0,
                revents: 0,
            }),
            Watch::readable,
        );
        let _ = polled.push(watch.0);
    }
    for watch in extra.iter() {
        let _ = polled.push(watch.0);
    }
    let timeout = timeout_ms.map_or(-1, |ms| ms.min(i32::MAX as u64) as libc::c_int);
    // SAFETY: `polled` is an array of `polled.len()` pollfds that lives through the call.
    let rc = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, timeout) };
    if rc < 0 {
        let e = super::last_errno();
        return if e == Errno::INTR { Ok(()) } else { Err(e) };
    }
    for (r, p) in ready.iter_mut().zip(&polled) {
        *r = p.revents != 0;
    }
    for (watch, p) in extra.iter_mut().zip(polled.iter().skip(fixed.len())) {
        watch.0.revents = p.revents;
    }
    Ok(())
}
