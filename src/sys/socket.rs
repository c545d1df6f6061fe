//! The status socket's two ends (unix(7), SOCK_SEQPACKET: one reply is one message, and the
//! end of a connection reads as 0 bytes): PID 1's listener and `vinit status`'s connection.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_int, c_long};

use super::Result;
use super::fds::OwnedFd;
use super::raw_syscall::{fd_arg, syscall6};

/// One socket system call, raw (musl's socket wrappers carry fallbacks for old kernels vinit
/// does not need); its result as an fd number or a count. Five arguments in registers (the
/// sixth, sendto(2)'s address length, is 0: no call here passes an address there), not an
/// array each caller had to store.
///
/// # Safety
/// The arguments must be what system call `nr` takes: any pointer among them valid for the call.
#[inline(never)]
unsafe fn call(nr: c_long, a: usize, b: usize, c: usize, d: usize, e: usize) -> Result<c_int> {
    // SAFETY: the caller vouches for the arguments.
    unsafe { syscall6(nr, a, b, c, d, e, 0) }.map(|n| n as c_int)
}

/// socket(2): a unix SOCK_SEQPACKET socket, close-on-exec, with `flags` added to its type.
fn seqpacket(flags: c_int) -> Result<OwnedFd> {
    let kind = libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC | flags;
    // SAFETY: plain integer arguments.
    let fd = unsafe {
        call(
            libc::SYS_socket,
            libc::AF_UNIX as usize,
            kind as usize,
            0,
            0,
            0,
        )
    }?;
    Ok(OwnedFd(fd))
}

/// bind(2) or connect(2) (`nr`) of `fd` to the address of `path`. The address is written only
/// as far as `len` reaches, what the kernel reads (zeroing all of it cost 60 bytes of code).
fn to_path(nr: c_long, fd: &OwnedFd, path: &CStr) -> Result<()> {
    use core::mem::{MaybeUninit, offset_of, size_of};
    let bytes = path.to_bytes_with_nul();
    let path_at = offset_of!(libc::sockaddr_un, sun_path);
    if bytes.len() > size_of::<libc::sockaddr_un>() - path_at {
        return Err(rustix::io::Errno::NAMETOOLONG);
    }
    let mut addr = MaybeUninit::<libc::sockaddr_un>::uninit();
    let at = addr.as_mut_ptr();
    let family = libc::AF_UNIX as libc::sa_family_t;
    // SAFETY: sun_family is the first field of `addr` (a raw write: `addr` is uninitialised).
    unsafe { at.cast::<libc::sa_family_t>().write(family) };
    let name = at.cast::<u8>().wrapping_add(path_at);
    // SAFETY: `bytes` fits in sun_path (checked above), which lies inside `addr`.
    unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), name, bytes.len()) };
    let len = path_at + bytes.len();
    // SAFETY: the first `len` bytes of addr, all written above, outlive the call.
    unsafe { call(nr, fd_arg(fd), at as usize, len, 0, 0) }.map(drop)
}

/// A non-blocking listening socket bound at `path` (bind(2), listen(2)), made with mode 0600:
/// the umask is 0177 around bind(2). The caller removes what was at `path` before.
pub fn listen_seqpacket(path: &CStr, backlog: i32) -> Result<OwnedFd> {
    use rustix::fs::Mode;
    let fd = seqpacket(libc::SOCK_NONBLOCK)?;
    let old = rustix::process::umask(Mode::from_raw_mode(0o177));
    let bound = to_path(libc::SYS_bind, &fd, path);
    let _ = rustix::process::umask(old);
    bound?;
    // SAFETY: plain integer arguments.
    unsafe { call(libc::SYS_listen, fd_arg(&fd), backlog as usize, 0, 0, 0) }?;
    Ok(fd)
}

/// accept4(2), non-blocking and close-on-exec; `Ok(None)` when nobody waits (EAGAIN).
pub fn accept_nonblocking(listener: &OwnedFd) -> Result<Option<OwnedFd>> {
    let flags = (libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC) as usize;
    // SAFETY: null address pointers are allowed (the peer's address is not wanted).
    match unsafe { call(libc::SYS_accept4, fd_arg(listener), 0, 0, flags, 0) } {
        Ok(fd) => Ok(Some(OwnedFd(fd))),
        Err(rustix::io::Errno::AGAIN) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The uid of the process at the other end (SO_PEERCRED, socket(7)), as it was at connect(2).
pub fn peer_uid(conn: &OwnedFd) -> Result<u32> {
    // The length and the struct ucred in one array (socklen_t and ucred's fields are u32s):
    // the length set, the ucred not, as only the kernel fills it.
    let mut room = core::mem::MaybeUninit::<[u32; 4]>::uninit();
    let len_at = room.as_mut_ptr().cast::<u32>();
    let cred_at = len_at.wrapping_add(1);
    // SAFETY: the length is the array's first u32.
    unsafe { len_at.write(core::mem::size_of::<libc::ucred>() as u32) };
    let (level, option) = (libc::SOL_SOCKET as usize, libc::SO_PEERCRED as usize);
    // SAFETY: the ucred's 12 bytes after the length and the length are valid and writable for
    // the call; the length is the ucred's size.
    unsafe {
        call(
            libc::SYS_getsockopt,
            fd_arg(conn),
            level,
            option,
            cred_at as usize,
            len_at as usize,
        )
    }
    // SAFETY: SO_PEERCRED succeeded, so the kernel wrote the whole ucred (pid, uid, gid: the
    // kernel copies min(len, its size) bytes, and they are the same); uid is its second u32.
    .map(|_| unsafe { cred_at.wrapping_add(1).read() })
}

/// send(2) of one message that never waits (MSG_DONTWAIT: EAGAIN when the peer's queue is
/// full) and never raises SIGPIPE (MSG_NOSIGNAL).
pub fn send_nowait(conn: &OwnedFd, bytes: &[u8]) -> Result<()> {
    let flags = (libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL) as usize;
    let (at, len) = (bytes.as_ptr() as usize, bytes.len());
    // SAFETY: bytes is valid for reads of its length for the call; no address (sendto(2)
    // with a null one is send(2)).
    unsafe { call(libc::SYS_sendto, fd_arg(conn), at, len, flags, 0) }.map(drop)
}

/// A blocking connection to the SOCK_SEQPACKET socket at `path` (connect(2)).
pub fn connect_seqpacket(path: &CStr) -> Result<OwnedFd> {
    let fd = seqpacket(0)?;
    to_path(libc::SYS_connect, &fd, path)?;
    Ok(fd)
}
