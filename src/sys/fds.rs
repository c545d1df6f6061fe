//! File descriptors: vinit's owned fd type, the standard fds, reads and writes, the
//! terminal, and the fd limits.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_int, c_long};

use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use super::{Result, last_errno};

/// An fd vinit owns, closed on drop. vinit's own type rather than rustix's: rustix's no_std
/// fd types assert `fd != -1` on every borrow, which the optimiser cannot prove, and a
/// reachable assert would break the link-time no-panic proof (docs/size.md).
#[derive(Debug)]
pub struct OwnedFd(pub(super) c_int);

impl OwnedFd {
    /// Borrows the fd for a rustix call.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: self.0 is an open fd (>= 0, checked at creation) that lives as long as self;
        // the mask is a no-op on it and shows the optimiser the value is not -1.
        unsafe { BorrowedFd::borrow_raw(self.0 & c_int::MAX) }
    }

    pub(super) fn from_ret(rc: c_int) -> Result<Self> {
        if rc < 0 {
            Err(last_errno())
        } else {
            Ok(Self(rc))
        }
    }
}

impl AsFd for OwnedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        Self::as_fd(self)
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // SAFETY: the fd is owned by this value and closed exactly once, here.
        unsafe { libc::close(self.0) };
    }
}

/// open(2) through musl, so the fd is never wrapped in rustix's asserting type.
pub(super) fn open(path: &CStr, flags: rustix::fs::OFlags, mode: u32) -> Result<OwnedFd> {
    // SAFETY: path is NUL-terminated and outlives the call; flags and mode are plain integers.
    let rc = unsafe { libc::open(path.as_ptr(), flags.bits() as c_int, mode as libc::c_uint) };
    OwnedFd::from_ret(rc)
}

/// A borrowed standard fd (0, 1 or 2), which vinit never closes.
const fn std_fd(n: c_int) -> BorrowedFd<'static> {
    // SAFETY: fds 0-2 stay open numbers for the life of the process (vinit never closes them;
    // at worst the kernel answers EBADF); a constant 0-2 is not -1.
    unsafe { BorrowedFd::borrow_raw(n) }
}

/// ioctl(fd, TIOCSCTTY, 0) (ioctl_tty(2)): take `fd` as the controlling terminal.
pub fn take_controlling_tty(fd: BorrowedFd<'_>) -> Result<()> {
    rustix::process::ioctl_tiocsctty(fd)
}

/// ioctl(fd, TIOCNOTTY) (ioctl_tty(2)): give up the controlling terminal so a child's new
/// session can take it (dumb-init does the same).
pub fn release_controlling_tty(fd: BorrowedFd<'_>) -> Result<()> {
    // SAFETY: TIOCNOTTY takes no argument; the fd is borrowed for the call.
    let rc = unsafe { libc::ioctl(rustix::fd::AsRawFd::as_raw_fd(&fd), libc::TIOCNOTTY) };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// isatty(3), through TCGETS.
pub fn is_terminal(fd: BorrowedFd<'_>) -> bool {
    rustix::termios::isatty(fd)
}

/// fd 0, borrowed.
pub fn stdin() -> BorrowedFd<'static> {
    std_fd(0)
}

/// fd 1, borrowed.
pub fn stdout() -> BorrowedFd<'static> {
    std_fd(1)
}

/// fd 2, borrowed.
pub fn stderr() -> BorrowedFd<'static> {
    std_fd(2)
}

/// close_range(3, ~0, CLOSE_RANGE_CLOEXEC) (close_range(2)): every fd vinit inherited above 2
/// is closed at exec, so children get only 0-2.
pub fn cloexec_inherited_fds() -> Result<()> {
    const CLOSE_RANGE_CLOEXEC: c_long = 1 << 2;
    // SAFETY: close_range takes plain integers; marking fds close-on-exec frees no memory.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3 as c_long,
            c_long::from(u32::MAX),
            CLOSE_RANGE_CLOEXEC,
        )
    };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// Writes all of `bytes` to `fd` (write(2)), retrying on EINTR and short writes.
pub fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> Result<()> {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// write(2) once: the number of bytes written.
pub fn write(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    rustix::io::write(fd, bytes)
}

/// `pwritev2(fd, bytes, -1, RWF_NOWAIT)` (pwritev2(2)): a write at the file position that fails
/// with EAGAIN instead of waiting for room, without changing the open file description that
/// children share (O_NONBLOCK would). EOPNOTSUPP where the file does not take the flag (FIFOs,
/// ttys, most regular files, and pipes before Linux 6.4).
pub fn write_nowait(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    let iov = libc::iovec {
        iov_base: bytes.as_ptr() as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: iov points to `bytes`, readable for its length for the whole call (the kernel
    // only reads it); offset -1 (both halves) means the current position; plain flags.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pwritev2,
            c_long::from(rustix::fd::AsRawFd::as_raw_fd(&fd)),
            &iov as *const libc::iovec,
            1 as c_long,
            -1 as c_long,
            -1 as c_long,
            libc::RWF_NOWAIT as c_long,
        )
    };
    usize::try_from(rc).map_err(|_| last_errno())
}

/// fstat(2): whether `fd` is a regular file.
pub fn is_regular_file(fd: BorrowedFd<'_>) -> bool {
    rustix::fs::fstat(fd).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile
    })
}

/// The soft RLIMIT_NOFILE (getrlimit(2)): file descriptors must be below it; `None` when
/// unlimited.
pub fn nofile_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// read(2) until `buf` is full or end of file, retrying EINTR; returns the bytes read.
pub fn read_full(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match rustix::io::read(fd, rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// read(2).
pub fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    rustix::io::read(fd, buf)
}

/// Reads and discards everything queued on a non-blocking fd (read(2) until EAGAIN).
pub fn drain(fd: BorrowedFd<'_>) {
    let mut buf = [0u8; 512];
    while matches!(rustix::io::read(fd, &mut buf), Ok(n) if n > 0) {}
}

/// pipe2(2) with O_CLOEXEC, the read end then O_NONBLOCK (fcntl(2)): a service's output pipe,
/// `(read end, write end)`. The write end stays blocking: a service whose reader is behind
/// waits, as it would on a full terminal. Raw syscalls: musl's wrappers add fallbacks that
/// vinit's kernels (3.17+) do not need.
pub fn output_pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds: [c_int; 2] = [-1; 2];
    // SAFETY: `fds` has room for the two fds pipe2 writes; the flags are plain integers.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pipe2,
            fds.as_mut_ptr(),
            c_long::from(libc::O_CLOEXEC),
        )
    };
    if rc < 0 {
        return Err(last_errno());
    }
    let [r, w] = fds;
    let (read, write) = (OwnedFd(r), OwnedFd(w));
    rustix::fs::fcntl_setfl(read.as_fd(), rustix::fs::OFlags::NONBLOCK)?;
    Ok((read, write))
}

/// dup2(2) of `fd` onto the standard fd `target` (1 or 2), in a child before exec: the copy is
/// not close-on-exec.
pub fn dup_onto(fd: BorrowedFd<'_>, target: c_int) -> Result<()> {
    let fd = c_long::from(rustix::fd::AsRawFd::as_raw_fd(&fd));
    // SAFETY: dup3 takes plain integers; replacing a standard fd in the child is the intent.
    let rc = unsafe { libc::syscall(libc::SYS_dup3, fd, c_long::from(target), 0 as c_long) };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

impl OwnedFd {
    /// The fd's number (the kernel hands out the lowest free one: it says how many are used).
    pub fn number(&self) -> u64 {
        u64::try_from(self.0).unwrap_or(0)
    }
}
