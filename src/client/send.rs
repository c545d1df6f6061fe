//! Sending requests to init through its FIFO (compat §5.4), as telinit and shutdown do.

use core::ffi::CStr;

use super::{Bytes, CPath, ErrText};
use crate::sys::{self, Envp, Errno, FileError};
use vinit_core::initctl::{REQUEST_LEN, Request};
use vinit_core::limits::{
    INITCTL_OVERRIDE_VAR, INITCTL_PATH, INITCTL_RETRY_MS, INITCTL_TIMEOUT_MS,
};
use vinit_core::time::Duration;

/// The FIFO path: /run/initctl, or `VINIT_INITCTL` (tests only).
fn initctl_path(envp: Envp, buf: &mut CPath) -> Option<&CStr> {
    match envp.var(INITCTL_OVERRIDE_VAR) {
        Some(p) => buf.set(p),
        None => Some(INITCTL_PATH),
    }
}

/// Writes `requests` to the FIFO, each with one write(2), giving up after 3 s (compat §5.4).
/// Errors are reported as sysvinit words them, prefixed with `prog`.
pub(super) fn send(prog: &[u8], envp: Envp, requests: &[Request<'_>]) -> Result<(), ()> {
    let mut buf = CPath::new();
    let Some(path) = initctl_path(envp, &mut buf) else {
        say!("{}: bad {}", Bytes(prog), Bytes(INITCTL_OVERRIDE_VAR));
        return Err(());
    };
    let shown = Bytes(path.to_bytes());
    let deadline = sys::now().after(Duration::from_millis(INITCTL_TIMEOUT_MS));
    let timeout = || {
        say!(
            "{}: timeout opening/writing control channel {}",
            Bytes(prog),
            shown
        );
    };
    // Nobody reading yet (ENXIO): init may be between two opens of its FIFO; retry.
    let fd = loop {
        match sys::open_fifo_writer(path) {
            Ok(fd) => break fd,
            Err(FileError::Sys(Errno::NXIO | Errno::INTR)) if sys::now() < deadline => {
                sys::sleep_ms(INITCTL_RETRY_MS);
            }
            Err(FileError::Sys(Errno::NXIO | Errno::INTR)) => {
                timeout();
                return Err(());
            }
            Err(FileError::Sys(e)) => {
                say!("{}: {}: {}", Bytes(prog), shown, ErrText(e));
                return Err(());
            }
            // Not init's FIFO (a symlink, a file, another user's): nothing is written to it.
            Err(e) => {
                say!("{}: {}: {}", Bytes(prog), shown, e);
                return Err(());
            }
        }
    };
    for request in requests {
        let mut bytes = [0u8; REQUEST_LEN];
        request.emit(&mut bytes);
        // 384 bytes < PIPE_BUF: a non-blocking write takes all of it or fails with EAGAIN.
        loop {
            match sys::write_all(fd.as_fd(), &bytes) {
                Ok(()) => break,
                Err(Errno::AGAIN) => {
                    let left = deadline.since(sys::now()).millis();
                    if left == 0 || !matches!(sys::wait_writable(fd.as_fd(), left), Ok(true)) {
                        timeout();
                        return Err(());
                    }
                }
                Err(e) => {
                    say!("{}: {}: {}", Bytes(prog), shown, ErrText(e));
                    return Err(());
                }
            }
        }
    }
    Ok(())
}
