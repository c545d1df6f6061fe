//! Sending requests to init through its FIFO (compat §5.4), as telinit and shutdown do.

use core::mem::ManuallyDrop;

use super::{BAD_INITCTL, INITCTL_TIMEOUT, NO_HINT, fail_one, fail_two, path_failed};
use crate::sys::{self, Envp, Errno, FileError};
use vinit_core::client_args::Shutdown;
use vinit_core::initctl::{REQUEST_LEN, Request};
use vinit_core::limits::{
    INITCTL_OVERRIDE_VAR, INITCTL_PATH, INITCTL_RETRY_MS, INITCTL_TIMEOUT_MS, PATH_MAX,
};
use vinit_core::time::Duration;

/// Writes to the FIFO (/run/initctl, or `VINIT_INITCTL`: tests only) a SETENV request with
/// the payload `env` (NUL-terminated strings) unless it is empty, then a RUNLVL request for the level of `change`
/// (with its seconds from TERM to KILL) if there is one, each with one write(2), giving up
/// after 3 s (compat §5.4); the exit status. Errors are reported as sysvinit words them, prefixed with
/// `prog`. The one sender of telinit and shutdown: the requests are built here, one at a
/// time, from what each asks for.
pub(super) fn send(
    prog: &[u8],
    envp: Envp,
    env: &[u8],
    // The command itself, not its level and seconds: one pointer, where a pair in an `Option`
    // was stored in memory at every call.
    change: Option<&Shutdown>,
) -> u8 {
    let path = match envp.var_cstr(INITCTL_OVERRIDE_VAR) {
        Some(p) if p.to_bytes().len() > PATH_MAX => {
            return fail_one(BAD_INITCTL, prog);
        }
        Some(p) => p,
        None => INITCTL_PATH,
    };
    let deadline = sys::now().after(Duration::from_millis(INITCTL_TIMEOUT_MS));
    // The open's result stays where the open put it, and a failure is borrowed from there
    // (or from `write_error`): an error moved out of it was taken apart and rebuilt. Never
    // dropped: the client exits once it has sent, and the kernel closes the fd then. Dropped,
    // each retry's open was built aside and moved over the old result after its drop, and
    // the close was made twice for nothing.
    let mut opened = ManuallyDrop::new(sys::open_fifo_writer(path));
    let write_error;
    // `None`: the time ran out.
    let failure: Option<&FileError> = 'failed: {
        // Nobody reading yet (ENXIO): init may be between two opens of its FIFO; retry.
        let fd = loop {
            match &*opened {
                Ok(fd) => break fd,
                Err(FileError::Sys(Errno::NXIO | Errno::INTR)) if sys::now() < deadline => {
                    sys::sleep_ms(INITCTL_RETRY_MS);
                }
                Err(FileError::Sys(Errno::NXIO | Errno::INTR)) => break 'failed None,
                // Not init's FIFO (a symlink, a file, another user's): nothing is written.
                Err(e) => break 'failed Some(e),
            }
            opened = ManuallyDrop::new(sys::open_fifo_writer(path));
        };
        // Each request built at its turn (0: SETENV, 1: RUNLVL), counted, not by an array of
        // flags in memory: an array of the two requests was built in memory first.
        for turn in 0..2 {
            let request = if turn > 0 {
                change.map(|s| Request::run_level(s.level, s.sleeptime))
            } else {
                (!env.is_empty()).then(|| Request::set_env(env))
            };
            let Some(request) = request else {
                continue;
            };
            let mut bytes = [0u8; REQUEST_LEN];
            request.emit(&mut bytes);
            // 384 bytes < PIPE_BUF: a non-blocking write takes all of it or fails with EAGAIN.
            loop {
                match sys::write_all(fd.as_fd(), &bytes) {
                    Ok(()) => break,
                    Err(Errno::AGAIN) => {
                        let left = deadline.since(sys::now()).millis();
                        if left == 0 || !matches!(sys::wait_writable(fd.as_fd(), left), Ok(true)) {
                            break 'failed None;
                        }
                    }
                    Err(e) => {
                        write_error = FileError::Sys(e);
                        break 'failed Some(&write_error);
                    }
                }
            }
        }
        return 0;
    };
    match failure {
        Some(e) => path_failed(prog, path.to_bytes(), e, NO_HINT),
        None => fail_two(INITCTL_TIMEOUT, prog, path.to_bytes()),
    }
}
