//! File descriptors: vinit's owned fd type, the standard fds, reads and writes, the
//! terminal, and the fd limits.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_int, c_long};
use core::mem::MaybeUninit;

use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use super::Result;
use super::raw_syscall::{
    fd_arg, raw2, raw3, result, syscall1, syscall2, syscall3, syscall4, syscall6, void,
};

/// An fd vinit owns, closed on drop. vinit's own type rather than rustix's: rustix's no_std
/// fd types assert `fd != -1` on every borrow, which the optimiser cannot prove, and a
/// reachable assert would break the link-time no-panic proof (docs/size.md).
#[derive(Debug)]
pub struct OwnedFd(pub(super) c_int);

impl OwnedFd {
    /// Borrows the fd for a rustix call.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: self.0 is an fd the kernel returned (so not -1) that stays open as long as
        // self; BorrowedFd is `repr(transparent)` over the raw fd (its documented layout).
        // Not `borrow_raw`, whose `fd != -1` assert cost a 6-byte mask at every borrow.
        unsafe { core::mem::transmute::<c_int, BorrowedFd<'_>>(self.0) }
    }

    /// The fd a system call returned (the kernel's fds are below 2^31).
    pub(super) fn from_ret(rc: Result<usize>) -> Result<Self> {
        rc.map(|fd| Self(fd as c_int))
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
        let _ = unsafe { syscall1(libc::SYS_close, fd_arg(&*self)) };
    }
}

/// open(2), the raw system call, so the fd is never wrapped in rustix's asserting type; not
/// musl's open, a cancellation point that adds a redundant fcntl(FD_CLOEXEC) (0.23 KB,
/// docs/size.md). x86_64's own `open` (one argument fewer); aarch64 has only openat.
pub(super) fn open(path: &CStr, flags: rustix::fs::OFlags, mode: u32) -> Result<OwnedFd> {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: path is NUL-terminated and outlives the call; flags and mode are plain integers.
    let rc = unsafe {
        syscall3(
            libc::SYS_open,
            path.as_ptr() as usize,
            flags.bits() as usize,
            mode as usize,
        )
    };
    #[cfg(not(target_arch = "x86_64"))]
    // SAFETY: path is NUL-terminated and outlives the call; flags and mode are plain integers.
    let rc = unsafe {
        syscall4(
            libc::SYS_openat,
            libc::AT_FDCWD as u32 as usize,
            path.as_ptr() as usize,
            flags.bits() as usize,
            mode as usize,
        )
    };
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
    let fd = fd_arg(fd);
    // SAFETY: TIOCNOTTY takes no argument; the fd is borrowed for the call.
    void(unsafe { raw2(libc::SYS_ioctl, fd, libc::TIOCNOTTY as usize) })
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
    const CLOSE_RANGE_CLOEXEC: usize = 1 << 2;
    // SAFETY: close_range takes plain integers; marking fds close-on-exec frees no memory.
    void(unsafe {
        raw3(
            libc::SYS_close_range,
            3,
            u32::MAX as usize,
            CLOSE_RANGE_CLOEXEC,
        )
    })
}

/// Writes all of `bytes` to `fd` (write(2)), retrying on EINTR and short writes.
pub fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> Result<()> {
    let fd = fd_arg(fd);
    while !bytes.is_empty() {
        // SAFETY: `bytes` is readable for its length (the kernel only reads it); the fd is
        // borrowed, so open, for the call.
        match unsafe { syscall3(libc::SYS_write, fd, bytes.as_ptr() as usize, bytes.len()) } {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => {
                // SAFETY: write(2) never reports more bytes than it was given; told so, the
                // optimiser drops the bounds check.
                unsafe { core::hint::assert_unchecked(n <= bytes.len()) };
                bytes = bytes.get(n..).unwrap_or_default();
            }
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// write(2) once: the number of bytes written. The raw call: rustix's checks the result
/// twice.
pub fn write(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    // SAFETY: `bytes` is readable for its length (the kernel only reads it); the fd is
    // borrowed, so open, for the call.
    unsafe {
        syscall3(
            libc::SYS_write,
            fd_arg(fd),
            bytes.as_ptr() as usize,
            bytes.len(),
        )
    }
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
    unsafe {
        syscall6(
            libc::SYS_pwritev2,
            fd_arg(fd),
            &iov as *const libc::iovec as usize,
            1,
            usize::MAX,
            usize::MAX,
            libc::RWF_NOWAIT as usize,
        )
    }
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
/// Inline: `fill`'s answer is read where it is used, as a system call's is.
#[inline(always)]
pub fn read_full(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    result(fill(libc::SYS_read, fd, as_uninit(buf), 0))
}

/// Bytes as memory for `fill`, which lets only the kernel write into it (bytes, never an
/// uninitialised value): `fill` serves the zeroed buffers and the unzeroed ones alike.
#[inline(always)]
pub(super) fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: `MaybeUninit<u8>` has `u8`'s layout, and nothing writes an uninitialised value
    // through the result (`fill` hands it only to the kernel, which writes bytes).
    unsafe { &mut *(core::ptr::from_mut::<[u8]>(buf) as *mut [MaybeUninit<u8>]) }
}

/// read(2) (`nr` SYS_read) or pread(2) (SYS_pread64, at `offset` on) until `buf` is full or
/// the end, retrying EINTR; the bytes read, or the kernel's -errno: one register, where a
/// `Result<usize>` (16 bytes of two sizes) came back through memory. `filled` never reaches
/// the errno range (it is at most `buf.len()`). One loop for both (read(2) ignores the
/// offset). `buf` need not be initialised: only the kernel writes it (`as_uninit`).
#[inline(never)]
pub(super) fn fill(
    nr: c_long,
    fd: BorrowedFd<'_>,
    buf: &mut [MaybeUninit<u8>],
    offset: u64,
) -> isize {
    let fd = fd_arg(fd);
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        let at = offset + filled as u64;
        // SAFETY: rest is writable for its length; the fd is borrowed, so open, for the call;
        // the offset is a plain integer.
        match unsafe { syscall4(nr, fd, rest.as_mut_ptr() as usize, rest.len(), at as usize) } {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::INTR) => {}
            Err(e) => return -(e.raw_os_error() as isize),
        }
    }
    filled as isize
}

/// read(2). The raw call, as `write`.
pub fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: `buf` is writable for its length; the fd is borrowed, so open, for the call.
    unsafe {
        syscall3(
            libc::SYS_read,
            fd_arg(fd),
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    }
}

/// Reads and discards everything queued on a non-blocking fd (read(2) until EAGAIN).
pub fn drain(fd: BorrowedFd<'_>) {
    // Never read, so never zeroed.
    let mut buf = core::mem::MaybeUninit::<[u8; 512]>::uninit();
    let fd = fd_arg(fd);
    loop {
        // SAFETY: buf is 512 writable bytes; the fd is borrowed, so open, for the call.
        let read = unsafe { syscall3(libc::SYS_read, fd, buf.as_mut_ptr() as usize, 512) };
        if !matches!(read, Ok(n) if n > 0) {
            return;
        }
    }
}

/// pipe2(2) with O_CLOEXEC, the read end then O_NONBLOCK (fcntl(2)): a service's output pipe,
/// `(read end, write end)`. The write end stays blocking: a service whose reader is behind
/// waits, as it would on a full terminal. Raw syscalls: musl's wrappers add fallbacks that
/// vinit's kernels (3.17+) do not need.
pub fn output_pipe() -> Result<(OwnedFd, OwnedFd)> {
    // Not set first: read only once pipe2 has written both.
    let mut fds = core::mem::MaybeUninit::<[c_int; 2]>::uninit();
    // SAFETY: `fds` has room for the two fds pipe2 writes; the flags are plain integers.
    unsafe {
        syscall2(
            libc::SYS_pipe2,
            fds.as_mut_ptr() as usize,
            libc::O_CLOEXEC as usize,
        )
    }?;
    // SAFETY: pipe2 succeeded, so it wrote both fds.
    let [r, w] = unsafe { fds.assume_init() };
    let (read, write) = (OwnedFd(r), OwnedFd(w));
    rustix::fs::fcntl_setfl(read.as_fd(), rustix::fs::OFlags::NONBLOCK)?;
    Ok((read, write))
}

/// dup2(2) of `fd` onto the standard fd `target` (1 or 2), in a child before exec: the copy is
/// not close-on-exec.
pub fn dup_onto(fd: BorrowedFd<'_>, target: c_int) -> Result<()> {
    let fd = fd_arg(fd);
    // SAFETY: dup3 takes plain integers; replacing a standard fd in the child is the intent.
    unsafe { syscall3(libc::SYS_dup3, fd, target as u32 as usize, 0) }.map(drop)
}

impl OwnedFd {
    /// The fd's number (the kernel hands out the lowest free one: it says how many are used).
    pub fn number(&self) -> u64 {
        // A kernel fd is never negative: no check.
        u64::from(self.0 as u32)
    }
}
