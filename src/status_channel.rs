//! The status socket `vinit status` asks (docs/clients.md): a unix SOCK_SEQPACKET socket at
//! /run/vinit.sock, apart from /run/initctl, whose sysvinit clients never see it. Made at boot
//! with mode 0600 (a stale file there is unlinked first: unlink(2) never follows a symlink);
//! each connection of root (or vinit's euid, SO_PEERCRED) gets the reply (text, a message per
//! line, `status_reply`) sent with MSG_DONTWAIT, and is closed at once. PID 1 never reads
//! from a client, so a client that never reads or goes away costs it nothing: its reply
//! waits in the kernel, or is dropped on EAGAIN. At most `STATUS_REQUESTS_PER_PASS` connections are served per loop pass.

use crate::sys::{self, BorrowedFd, Errno, OwnedFd};
use vinit_core::limits::{
    CREATED_DIR_MODE, RUN_DIR, STATUS_BACKLOG, STATUS_REQUESTS_PER_PASS, STATUS_SOCKET_PATH,
};
use vinit_core::status_reply::{self, Message};
use vinit_core::supervisor::Init;
use vinit_core::time::Instant;

/// The listening socket, if vinit has one.
pub struct StatusChannel(Option<OwnedFd>);

impl StatusChannel {
    /// No socket (yet): zero bytes, for the driver's state, a constant in bss.
    pub const CLOSED: Self = Self(None);

    /// Binds the socket, replacing a stale one; when that fails (or `allowed` is false: too
    /// few file descriptors), says so once and serves nothing.
    pub fn open(allowed: bool) -> Self {
        if !allowed {
            return Self(None);
        }
        let _ = sys::mkdir(RUN_DIR, CREATED_DIR_MODE);
        let _ = sys::unlink(STATUS_SOCKET_PATH);
        match sys::listen_seqpacket(STATUS_SOCKET_PATH, STATUS_BACKLOG) {
            Ok(fd) => Self(Some(fd)),
            Err(e) => {
                off(e);
                Self(None)
            }
        }
    }

    /// The fd to poll: readable when a client waits.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        self.0.as_ref().map(OwnedFd::as_fd)
    }

    /// Answers the clients waiting, at most `STATUS_REQUESTS_PER_PASS`: the level line, then
    /// one message per entry, as at `now`; a client whose queue is full gets no more. Not
    /// inlined into the event loop: the loop's frame and code are smaller without it.
    #[inline(never)]
    pub fn serve(&mut self, init: &Init, now: Instant) {
        for _ in 0..STATUS_REQUESTS_PER_PASS {
            let Some(listener) = &self.0 else {
                return;
            };
            let conn = match sys::accept_nonblocking(listener) {
                Ok(Some(conn)) => conn,
                Ok(None) => return,
                Err(Errno::INTR | Errno::CONNABORTED) => continue,
                // Anything else would leave the socket readable and PID 1 spinning on it.
                Err(e) => {
                    self.0 = None;
                    return off(e);
                }
            };
            // Anyone else is closed without a word.
            if !matches!(sys::peer_uid(&conn), Ok(uid) if uid == 0 || uid == sys::geteuid()) {
                continue;
            }
            answer(&conn, init, now);
        }
    }
}

/// The reply to one client, as at `now`: the level line, then one message per entry, until
/// its queue is full. Not inlined into `serve`'s loop: there, what the reply reads of `init`
/// was read once before the loop and kept in the frame, each value stored and loaded back.
#[inline(never)]
fn answer(conn: &OwnedFd, init: &Init, now: Instant) {
    let wall = sys::wall_clock().0;
    // The level line, then an entry per pass: one send for every message.
    let mut message = Message::new();
    status_reply::summary(init.summary(), &mut message);
    let mut reports = init.report(now);
    while sys::send_nowait(conn, message.as_bytes()).is_ok() {
        let Some(r) = reports.next() else {
            break;
        };
        status_reply::entry(&r, wall, &mut message);
    }
}

/// The one line when the socket cannot be had. The path is in the template (one argument
/// less), checked to be the socket's at compile time.
#[inline(never)]
fn off(e: Errno) {
    crate::log::log_warning_errno(vinit_core::template!(1, OFF_TEXT), e);
}

/// `off`'s line: `STATUS_SOCKET_PATH`, then the errno.
const OFF_TEXT: &str = "/run/vinit.sock: {}: vinit status cannot reach vinit";
const _: () = {
    let (mut path, mut text) = (STATUS_SOCKET_PATH.to_bytes(), OFF_TEXT.as_bytes());
    while let ([a, path_rest @ ..], [b, text_rest @ ..]) = (path, text) {
        assert!(*a == *b, "off's line names another path");
        (path, text) = (path_rest, text_rest);
    }
    assert!(
        path.is_empty() && matches!(text, [b':', ..]),
        "off's line names another path"
    );
};
