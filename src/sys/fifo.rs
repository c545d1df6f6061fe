//! The control FIFO's two ends: vinit's own (read-write, checked) and a client's writer.

use core::ffi::CStr;

use super::Result;
use super::fds::{OwnedFd, open};
use super::files::{FileError, FileId, FileResult, S_IFIFO, S_IFMT, open_error};
use super::processes::geteuid;

/// open(2) of a FIFO's write end with O_NONBLOCK, so it fails with ENXIO at once instead of
/// blocking while nobody reads (fifo(7)).
pub fn open_fifo_writer(path: &CStr) -> Result<OwnedFd> {
    use rustix::fs::OFlags;
    open(path, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, 0)
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
    use rustix::fs::OFlags;
    let flags =
        OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NOCTTY;
    let fd = open(path, flags, 0).map_err(|e| open_error(path, e, false))?;
    let st = rustix::fs::fstat(fd.as_fd())?;
    let kind = st.st_mode & S_IFMT;
    if kind != S_IFIFO {
        return Err(FileError::Kind(kind));
    }
    if st.st_uid != geteuid() {
        return Err(FileError::Owner(st.st_uid));
    }
    if st.st_mode & 0o077 != 0 {
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
