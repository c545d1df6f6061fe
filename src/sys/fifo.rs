//! The control FIFO's two ends: vinit's own (read-write, checked) and a client's writer.

use core::ffi::CStr;

use rustix::io::Errno;

use super::Result;
use super::fds::{OwnedFd, open};
use super::files::{FileError, FileId, FileResult, S_IFIFO, S_IFMT, open_error};
use super::processes::geteuid;

/// Opens init's FIFO to write requests to it, the way PID 1 opens its files (open(2),
/// fstat(2)): never through a symlink (O_NOFOLLOW), never blocking (O_NONBLOCK: ENXIO at once
/// while nobody reads, fifo(7)), never as a controlling tty; and only a FIFO owned by root or
/// this euid, so a request is never written into whatever a link or a stray file leads to.
pub fn open_fifo_writer(path: &CStr) -> FileResult<OwnedFd> {
    open_checked(path, true).map(|(fd, _)| fd)
}

/// mkfifo(3), through mknodat(2).
pub fn mkfifo(path: &CStr, mode: u32) -> Result<()> {
    rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from_raw_mode(mode))
}

/// Opens vinit's own FIFO read-write and non-blocking without following a symlink (open(2))
/// and checks it (fstat(2)): a FIFO owned by vinit's euid that no other user may open
/// (`mode & 077 == 0`, so a umask cannot make vinit refuse its own). Returns it with its
/// identity.
pub fn open_fifo(path: &CStr) -> FileResult<(OwnedFd, FileId)> {
    open_checked(path, false)
}

/// Both ends' open and checks: a client's `writer` (write-only, a FIFO of root's or the
/// euid's), or vinit's own end (read-write, the euid's, no access for others).
fn open_checked(path: &CStr, writer: bool) -> FileResult<(OwnedFd, FileId)> {
    use rustix::fs::OFlags;
    let access = if writer { OFlags::WRONLY } else { OFlags::RDWR };
    let flags = access | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NOCTTY;
    let fd = open(path, flags, 0).map_err(|e| match e {
        // A writer's ENXIO means "nobody reads yet", which the caller retries.
        Errno::NXIO if writer => FileError::Sys(e),
        e => open_error(path, e, false),
    })?;
    let st = rustix::fs::fstat(fd.as_fd())?;
    let kind = st.st_mode & S_IFMT;
    if kind != S_IFIFO {
        return Err(FileError::Kind(kind));
    }
    if st.st_uid != geteuid() && !(writer && st.st_uid == 0) {
        return Err(FileError::Owner(st.st_uid));
    }
    if !writer && st.st_mode & 0o077 != 0 {
        return Err(FileError::Mode(st.st_mode & 0o7777));
    }
    Ok((
        fd,
        FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        },
    ))
}
