//! The control FIFO's two ends: vinit's own (read-write, checked) and a client's writer.

use core::ffi::CStr;

use super::Result;
use super::fds::OwnedFd;
use super::files::{FileId, FileResult, FileUse, open_checked};

/// Opens init's FIFO to write requests to it, the way PID 1 opens its files (open(2),
/// fstat(2)): never through a symlink (O_NOFOLLOW), never blocking (O_NONBLOCK: ENXIO at once
/// while nobody reads, fifo(7)), never as a controlling tty; and only a FIFO owned by root or
/// this euid, so a request is never written into whatever a link or a stray file leads to.
pub fn open_fifo_writer(path: &CStr) -> FileResult<OwnedFd> {
    open_checked(path, FileUse::FifoWriter, None).map(|(fd, _)| fd)
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
    let mut id = FileId { dev: 0, ino: 0 };
    let (fd, _) = open_checked(path, FileUse::Fifo, Some(&mut id))?;
    Ok((fd, id))
}
