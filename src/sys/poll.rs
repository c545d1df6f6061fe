//! Waiting: poll(2) on fds for input or output, and sleeping.

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
    use rustix::event::{PollFd, PollFlags, poll};
    let ts;
    let timeout = match timeout_ms {
        Some(ms) => {
            ts = timespec_ms(ms);
            Some(&ts)
        }
        None => None,
    };
    let mut polled: heapless::Vec<PollFd<'_>, N> = heapless::Vec::new();
    let mut slots: heapless::Vec<usize, N> = heapless::Vec::new();
    for (i, fd) in fds.iter().enumerate() {
        if let Some(fd) = fd {
            let _ = polled.push(PollFd::new(fd, PollFlags::IN));
            let _ = slots.push(i);
        }
    }
    let mut ready = [false; N];
    match poll(&mut polled, timeout) {
        Ok(_) => {
            for (p, &i) in polled.iter().zip(&slots) {
                if let Some(r) = ready.get_mut(i) {
                    *r = p
                        .revents()
                        .intersects(PollFlags::IN | PollFlags::HUP | PollFlags::ERR);
                }
            }
            Ok(ready)
        }
        Err(Errno::INTR) => Ok(ready),
        Err(e) => Err(e),
    }
}
