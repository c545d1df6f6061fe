//! The status socket's two ends (unix(7), SOCK_SEQPACKET: one reply is one message, and the
//! end of a connection reads as 0 bytes): PID 1's listener and `vinit status`'s connection.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_int, c_void};

use super::fds::OwnedFd;
use super::{Result, last_errno};

/// A sockaddr_un for `path`; `None` if it does not fit.
fn address(path: &CStr) -> Option<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: sockaddr_un is plain data; all zeroes is a valid (empty) address.
    let mut addr: libc::sockaddr_un = unsafe { core::mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let bytes = path.to_bytes_with_nul();
    let room = addr.sun_path.get_mut(..bytes.len())?;
    for (d, s) in room.iter_mut().zip(bytes) {
        *d = *s as libc::c_char;
    }
    let len = core::mem::size_of::<libc::sa_family_t>() + bytes.len();
    Some((addr, len as libc::socklen_t))
}

/// socket(2): a unix SOCK_SEQPACKET socket, close-on-exec, with `flags` added to its type.
fn seqpacket(flags: c_int) -> Result<OwnedFd> {
    // SAFETY: plain integer arguments.
    let fd = unsafe {
        libc::socket(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC | flags,
            0,
        )
    };
    OwnedFd::from_ret(fd)
}

fn check(rc: c_int) -> Result<()> {
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// A non-blocking listening socket bound at `path` (bind(2), listen(2)), made with mode 0600:
/// the umask is 0177 around bind(2). The caller removes what was at `path` before.
pub fn listen_seqpacket(path: &CStr, backlog: i32) -> Result<OwnedFd> {
    use rustix::fs::Mode;
    let (addr, len) = address(path).ok_or(rustix::io::Errno::NAMETOOLONG)?;
    let fd = seqpacket(libc::SOCK_NONBLOCK)?;
    let old = rustix::process::umask(Mode::from_raw_mode(0o177));
    // SAFETY: addr is a valid sockaddr_un of `len` bytes that outlives the call.
    let bound = unsafe { libc::bind(fd.0, (&raw const addr).cast(), len) };
    let _ = rustix::process::umask(old);
    check(bound)?;
    // SAFETY: plain integer arguments on an fd this function owns.
    check(unsafe { libc::listen(fd.0, backlog) })?;
    Ok(fd)
}

/// accept4(2), non-blocking and close-on-exec; `Ok(None)` when nobody waits (EAGAIN).
pub fn accept_nonblocking(listener: &OwnedFd) -> Result<Option<OwnedFd>> {
    let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: null address pointers are allowed (the peer's address is not wanted).
    let fd = unsafe {
        libc::accept4(
            listener.0,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            flags,
        )
    };
    match OwnedFd::from_ret(fd) {
        Ok(fd) => Ok(Some(fd)),
        Err(rustix::io::Errno::AGAIN) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The uid of the process at the other end (SO_PEERCRED, socket(7)), as it was at connect(2).
pub fn peer_uid(conn: &OwnedFd) -> Result<u32> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: u32::MAX,
        gid: u32::MAX,
    };
    let mut len = core::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: cred and len are valid and writable for the call; len is cred's size.
    let rc = unsafe {
        libc::getsockopt(
            conn.0,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&raw mut cred).cast::<c_void>(),
            &raw mut len,
        )
    };
    check(rc).map(|()| cred.uid)
}

/// send(2) of one message that never waits (MSG_DONTWAIT: EAGAIN when the peer's queue is
/// full) and never raises SIGPIPE (MSG_NOSIGNAL).
pub fn send_nowait(conn: &OwnedFd, bytes: &[u8]) -> Result<()> {
    let flags = libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL;
    // SAFETY: bytes is valid for reads of its length for the call.
    let rc = unsafe { libc::send(conn.0, bytes.as_ptr().cast(), bytes.len(), flags) };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// A blocking connection to the SOCK_SEQPACKET socket at `path` (connect(2)).
pub fn connect_seqpacket(path: &CStr) -> Result<OwnedFd> {
    let (addr, len) = address(path).ok_or(rustix::io::Errno::NAMETOOLONG)?;
    let fd = seqpacket(0)?;
    // SAFETY: addr is a valid sockaddr_un of `len` bytes that outlives the call.
    check(unsafe { libc::connect(fd.0, (&raw const addr).cast(), len) })?;
    Ok(fd)
}
