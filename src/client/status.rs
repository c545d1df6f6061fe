//! `vinit status [ID]` (docs/clients.md): asks PID 1 over its status socket and prints its
//! reply, the level and one line per entry (text PID 1 wrote: `status_reply`). With an ID, only
//! that entry, and LSB's status codes: 0 running, 3 not running, 4 unknown (no such entry, or
//! no vinit to ask), so a Docker `HEALTHCHECK CMD ["/sbin/vinit","status","web"]` needs nothing
//! else in the image.

use core::mem::MaybeUninit;

use super::{
    NO_ENTRY, NO_HINT, NO_VINIT_HERE, ROOT_ONLY, STATUS_NO_ANSWER, STATUS_USAGE, fail_one,
    path_failed, say,
};
use crate::sys::{self, Errno, FileError};
use vinit_core::limits::{MAX_ENTRIES, STATUS_SOCKET_PATH, STATUS_TIMEOUT_MS};
use vinit_core::status_reply::{MESSAGE_MAX, entry_id, is_running};

/// LSB: the service runs.
const RUNNING: u8 = 0;
/// LSB: the service does not run.
const NOT_RUNNING: u8 = 3;
/// LSB: its status is unknown.
const UNKNOWN: u8 = 4;

/// `id`: argument 1, if any; `extra_operand`: there is an argument 2.
pub(super) fn status(id: Option<&[u8]>, extra_operand: bool) -> u8 {
    if extra_operand || id.and_then(<[u8]>::first) == Some(&b'-') {
        say(STATUS_USAGE);
        return UNKNOWN;
    }
    // Never closed: the client exits once the reply is read (the kernel closes it then).
    let conn = match sys::connect_seqpacket(STATUS_SOCKET_PATH) {
        Ok(conn) => core::mem::ManuallyDrop::new(conn),
        Err(e) => {
            let hint = match e {
                Errno::NOENT | Errno::CONNREFUSED => NO_VINIT_HERE,
                Errno::ACCESS => ROOT_ONLY,
                _ => NO_HINT,
            };
            let path = STATUS_SOCKET_PATH.to_bytes();
            path_failed(b"vinit status", path, &FileError::Sys(e), hint);
            return UNKNOWN;
        }
    };
    // The first message is the level line; then the entries, until PID 1 closes. `code`:
    // the LSB code of the last entry with the id, `UNKNOWN` while none was seen.
    let mut code = UNKNOWN;
    // Not zeroed: only what the kernel wrote is read.
    let mut buf = [MaybeUninit::uninit(); MESSAGE_MAX];
    for i in 0..MAX_ENTRIES + 1 {
        let message = match sys::wait_readable(conn.as_fd(), Some(STATUS_TIMEOUT_MS)) {
            Ok(true) => sys::read_unzeroed(conn.as_fd(), &mut buf).unwrap_or_default(),
            _ => &[],
        };
        let entry = i > 0;
        if message.is_empty() {
            if entry {
                break;
            }
            say(STATUS_NO_ANSWER);
            return UNKNOWN;
        }
        // Both tests made (`|`, not `||`): the level line's id test is wasted work, but one
        // write of the message serves both, where a short circuit had a write for each.
        if !entry | id.is_none_or(|id| entry_id(message) == id) {
            let _ = sys::write_all(sys::stdout(), message);
            if entry {
                code = if is_running(message) {
                    RUNNING
                } else {
                    NOT_RUNNING
                };
            }
        }
    }
    match id {
        None => RUNNING,
        Some(id) if code == UNKNOWN => {
            fail_one(NO_ENTRY, id);
            UNKNOWN
        }
        Some(_) => code,
    }
}
