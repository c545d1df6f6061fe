//! `VINIT_LOG_PREFIX=1`: every entry's stdout and stderr come to vinit through a pipe each,
//! and leave on vinit's own stdout and stderr one line per write, prefixed with the entry's
//! id (vinit_core::line_framing frames the lines).
//!
//! A stream is read only when its line can go out: while vinit's fd 1 (or 2) would block, its
//! streams are not read and the fd is watched for room instead, so the services block on
//! their full pipes (backpressure) and no line is dropped. Nothing is timed: an idle service
//! costs no wake-up. A stream lives until its last writer is gone (a daemon the entry left
//! behind may hold it); after a reap its pipes are read at once, so the last lines come
//! before anything vinit says about the exit. Off (the default), none of this runs, and the
//! table's bss pages are never touched.

use heapless::Vec;

use crate::log;
use crate::log::{Bytes, ErrName, Level};
use crate::sys::{self, Errno, OwnedFd, Pid, Watch};
use vinit_core::inittab::Id;
use vinit_core::limits::{
    FD_RESERVE, SERVICE_DRAIN_READS, SERVICE_FINISH_ROUNDS, SERVICE_FLUSH_WAIT_MS,
    SERVICE_PIPE_FDS, SERVICE_READS_PER_PASS, SERVICE_STREAMS,
};
use vinit_core::line_framing::{Frame, LineBuffer};

/// Streams: stdout and stderr of each service (even index: stdout).
const STREAMS: usize = 2 * SERVICE_STREAMS;
/// Watches: every stream, and fd 1 and 2 for room.
const WATCHES: usize = STREAMS + 2;

crate::sys::big_static! {
    /// Every service's output streams and whose they are, with the prefix on: free streams
    /// from the start (zero bytes), in bss, whose pages cost nothing until a stream uses them.
    /// In a frame, the whole 72 KiB table was probed page by page at entry, so resident, and
    /// filled by code. After the staging table, which then still starts on the driver's last
    /// page.
    OUTPUT_STREAMS: Streams = Streams {
        streams: [const { Stream::FREE }; STREAMS],
        pids: [0; SERVICE_STREAMS],
    }, at_end
}

/// The streams, then the process each pair was opened for: zero bytes from the start, so no
/// code writes the pids (in `with_output`'s frame they were zeroed there).
#[repr(C)]
struct Streams {
    streams: [Stream; STREAMS],
    /// The process each pair of streams was opened for (0: reaped, or none).
    pids: [Pid; SERVICE_STREAMS],
}

/// Runs `f` with the service output table; `None` if it was taken before (`f` is the loop,
/// which runs once).
#[inline(never)]
pub fn with_output<R>(
    nofile: Option<u64>,
    f: impl FnOnce(&mut ServiceOutput<'_>) -> R,
) -> Option<R> {
    // Never dropped: `f` is the loop, and vinit exits after it, which closes every read end.
    let table = OUTPUT_STREAMS.take()?;
    let mut output = ServiceOutput {
        table,
        blocked: [false; 2],
        poll_first: [false; 2],
        refused: false,
        lost: false,
        nofile,
    };
    Some(f(&mut output))
}

/// Every service's output streams and the state of vinit's fd 1 and 2. `repr(C)`, the flags
/// first: they are then a one-byte displacement away.
#[repr(C)]
pub struct ServiceOutput<'t> {
    table: &'t mut Streams,
    nofile: Option<u64>,
    /// vinit's fd 1 / fd 2 would block: their streams wait for room.
    blocked: [bool; 2],
    /// fd 1 / fd 2 refused RWF_NOWAIT (a tty, a FIFO, a pipe before Linux 6.4): poll(2) for
    /// room before each write.
    poll_first: [bool; 2],
    /// A spawn kept the plain fds: said once until pipes work again.
    refused: bool,
    /// A line was lost (fd 1 or 2 failed): said once until a line gets through.
    lost: bool,
}

/// `repr(C)`, the line buffer last: the other fields are a one-byte displacement away.
#[repr(C)]
struct Stream {
    /// The read end; `None`: free.
    fd: Option<OwnedFd>,
    /// Every writer is gone: what is pending is the last of it.
    eof: bool,
    /// Bytes of the next frame already written (a short write to a socket).
    sent: usize,
    id: Id,
    lines: LineBuffer,
}

impl Stream {
    const FREE: Self = Self {
        fd: None,
        id: Id::new(),
        lines: LineBuffer::new(),
        eof: false,
        sent: 0,
    };
}

/// The write ends of a new service's pipes, for its fds 1 and 2; dropped (closed) in vinit
/// once the child is forked.
pub struct ChildPipes {
    pair: usize,
    pub out: OwnedFd,
    pub err: OwnedFd,
}

/// The loop's fixed fds, watched for input before the services' watches.
pub const FIXED_WATCHES: usize = 4;

/// Everything the loop's poll(2) watches: its fixed fds, then the services' watches, one
/// array that poll(2) fills in place; and whose each service watch is.
pub struct Watches {
    pub list: Vec<Watch, { FIXED_WATCHES + WATCHES }>,
    /// A stream's index, or `STREAMS + 0/1` for vinit's fd 1/2; one per watch after the fixed.
    owner: Vec<u8, WATCHES>,
}

impl Watches {
    /// The fixed watches, no service watch yet.
    pub fn new(fixed: [Watch; FIXED_WATCHES]) -> Self {
        Self {
            list: Vec::from_array(fixed),
            owner: Vec::new(),
        }
    }

    /// After the wait: which fixed fds are readable.
    pub fn fixed_ready(&self) -> [bool; FIXED_WATCHES] {
        let mut ready = [false; FIXED_WATCHES];
        for (r, watch) in ready.iter_mut().zip(&self.list) {
            *r = watch.ready();
        }
        ready
    }
}

fn target_fd(target: usize) -> sys::BorrowedFd<'static> {
    if target == 0 {
        sys::stdout()
    } else {
        sys::stderr()
    }
}

impl ServiceOutput<'_> {
    /// Opens the two pipes of a service about to start; `None` (logged once) when there is no
    /// free pair or no fd to spare: it keeps vinit's fds, as without the prefix.
    pub fn open(&mut self, id: &Id) -> Option<ChildPipes> {
        let free = (0..SERVICE_STREAMS).find(|&p| {
            self.table
                .streams
                .get(2 * p..2 * p + 2)
                .is_some_and(|s| s.iter().all(|s| s.fd.is_none() && s.lines.is_empty()))
        });
        let opened = match free {
            Some(pair) => self.pipes(pair, id),
            // No free pair is as good as no free fd.
            None => Err(Errno::MFILE),
        };
        match opened {
            Ok(pipes) => {
                self.refused = false;
                Some(pipes)
            }
            Err(e) => {
                if !self.refused {
                    self.refused = true;
                    log!(
                        Level::Warning,
                        "id \"{}\": output not prefixed: {}",
                        Bytes(id),
                        ErrName(e)
                    );
                }
                None
            }
        }
    }

    fn pipes(&mut self, pair: usize, id: &Id) -> Result<ChildPipes, Errno> {
        let (out_r, out) = sys::output_pipe()?;
        // The pipes must leave the short-lived opens their reserve (limits::FD_RESERVE). One
        // error for a second pipe that failed or took too high an fd: the first pipe is then
        // closed at one place.
        let nofile = self.nofile;
        let (err_r, err) = sys::output_pipe().and_then(|(err_r, err)| match nofile {
            Some(limit) if err.number() + 1 + FD_RESERVE + SERVICE_PIPE_FDS > limit => {
                Err(Errno::MFILE)
            }
            _ => Ok((err_r, err)),
        })?;
        for (i, fd) in [(2 * pair, out_r), (2 * pair + 1, err_r)] {
            if let Some(s) = self.table.streams.get_mut(i) {
                // The pair is free (`open` found it so): filled without the drop of an old
                // value, whose close the compiler would write out.
                debug_assert!(s.fd.is_none());
                core::mem::forget(s.fd.replace(fd));
                s.id = id.clone();
                s.eof = false;
            }
        }
        Ok(ChildPipes { pair, out, err })
    }

    /// The service of `pipes` is `pid` (its pipes are read after its reap).
    pub fn started(&mut self, pipes: &ChildPipes, pid: Pid) {
        if let Some(p) = self.table.pids.get_mut(pipes.pair) {
            *p = pid;
        }
    }

    /// What to watch, added to `w` (no service watch yet; filled in place, not returned: a
    /// `Watches` is over 1 KB): the streams whose lines can go out, and fd 1 or 2 while full.
    pub fn watches(&self, w: &mut Watches) {
        // One walk of every watch's owner (the streams, then fd 1 and 2), so one place adds
        // a watch. `STREAMS` is even: `i % 2` is a stream's fd, and which of fd 1 and 2 after.
        for i in 0..WATCHES {
            let target = i % 2;
            let blocked = self.blocked.get(target) == Some(&true);
            let watch = match self.table.streams.get(i) {
                Some(s) => match &s.fd {
                    Some(fd) if !s.eof && !blocked => Some(Watch::readable(fd.as_fd())),
                    _ => None,
                },
                None if blocked => Some(Watch::writable(target_fd(target))),
                None => None,
            };
            if let Some(watch) = watch {
                let _ = w.list.push(watch);
                let _ = w.owner.push(i as u8);
            }
        }
    }

    /// After the wait: reads what is ready, writes its lines; flushes what waited for room.
    pub fn serve(&mut self, watches: &Watches) {
        let services = watches.list.iter().skip(FIXED_WATCHES);
        for (watch, &owner) in services.zip(&watches.owner) {
            if !watch.ready() {
                continue;
            }
            let owner = usize::from(owner);
            match owner.checked_sub(STREAMS) {
                Some(target) => {
                    if let Some(b) = self.blocked.get_mut(target) {
                        *b = false;
                    }
                    // Every stream of that fd: every other one (a plain loop: `step_by` is more
                    // code).
                    let mut i = target;
                    while i < STREAMS {
                        let _ = self.pump(i, 0);
                        i += 2;
                    }
                }
                None => {
                    let _ = self.pump(owner, SERVICE_READS_PER_PASS);
                }
            }
        }
    }

    /// `pid` was reaped: reads what it wrote just before it exited. Bounded: a daemon still
    /// holding the pipe is read by the loop later, PID 1 never waits for it.
    pub fn reaped(&mut self, pid: Pid) {
        // The pair found and its pid cleared in one walk (no second bound check).
        let found = self
            .table
            .pids
            .iter_mut()
            .enumerate()
            .find(|(_, p)| **p == pid);
        if let Some((pair, p)) = found {
            *p = 0;
            let _ = self.pump(2 * pair, SERVICE_DRAIN_READS);
            let _ = self.pump(2 * pair + 1, SERVICE_DRAIN_READS);
        }
    }

    /// vinit is exiting: every stream read to its end and written out. Bounded: at most
    /// `SERVICE_FINISH_ROUNDS` rounds of `SERVICE_DRAIN_READS` reads per stream, and a full
    /// fd 1 or 2 that has no room for `SERVICE_FLUSH_WAIT_MS` ends it (said in one line).
    pub fn finish(&mut self) {
        for _ in 0..SERVICE_FINISH_ROUNDS {
            let mut more = false;
            for i in 0..STREAMS {
                more |= self.pump(i, SERVICE_DRAIN_READS);
            }
            for target in 0..2 {
                if self.blocked.get(target) != Some(&true) {
                    continue;
                }
                if !matches!(
                    sys::wait_writable(target_fd(target), SERVICE_FLUSH_WAIT_MS),
                    Ok(true)
                ) {
                    // `SERVICE_FLUSH_WAIT_MS` in the text, not an argument built here.
                    const _: () = assert!(SERVICE_FLUSH_WAIT_MS == 100);
                    log!(
                        Level::Warning,
                        "service output lost at exit: fd {} not writable for 100 ms",
                        target + 1
                    );
                    return;
                }
                self.block_clear(target);
                more = true;
            }
            if !more {
                return;
            }
        }
    }

    /// Writes stream `i`'s ready lines, then reads it up to `reads` times while they go out.
    /// Returns whether it stopped with its reads used up (more may wait in the pipe).
    fn pump(&mut self, i: usize, reads: usize) -> bool {
        let target = i % 2;
        let mut reads_left = reads;
        loop {
            if !self.flush(i) {
                return false;
            }
            let Some(s) = self.table.streams.get_mut(i) else {
                return false;
            };
            if s.eof {
                // Every line is out: the stream is free again.
                s.fd = None;
                s.eof = false;
                return false;
            }
            let Some(fd) = &s.fd else { return false };
            if reads_left == 0 {
                return true;
            }
            reads_left -= 1;
            let room = s.lines.room();
            // Never a read of 0 bytes, which would look like end of file (cannot happen: a
            // full buffer is a piece, written above).
            if room.is_empty() {
                return false;
            }
            match sys::read(fd.as_fd(), room) {
                Ok(0) => s.eof = true,
                Ok(n) => s.lines.filled(n),
                Err(Errno::INTR) => {}
                Err(Errno::AGAIN) => return false,
                // A read end that fails is as good as closed.
                Err(_) => s.eof = true,
            }
            if self.blocked.get(target) == Some(&true) {
                return false;
            }
        }
    }

    /// Writes every ready line of stream `i`, whole lines per write; `false` when fd 1 or 2 is
    /// full (then blocked).
    fn flush(&mut self, i: usize) -> bool {
        let target = i % 2;
        let mut frame = Frame::new();
        loop {
            let Some(s) = self.table.streams.get_mut(i) else {
                return false;
            };
            let taken = s.lines.frame(&s.id, s.eof, &mut frame);
            if taken == 0 {
                return true;
            }
            let rest = frame.get(s.sent..).unwrap_or_default();
            // A partial write and EAGAIN (nothing written) end the same way: blocked.
            // A failed write counts as all written, so it is dropped below, not retried; it is
            // said (once until a line gets through) where it fails, so that the whole write
            // below is one path.
            let mut failed = false;
            let written = match write(target, &mut self.poll_first, rest) {
                Ok(n) => n,
                Err(Errno::AGAIN) => 0,
                Err(Errno::INTR) => continue,
                Err(e) => {
                    if !self.lost {
                        log!(
                            Level::Warning,
                            "service output lost: fd {}: {}",
                            target + 1,
                            ErrName(e)
                        );
                    }
                    failed = true;
                    rest.len()
                }
            };
            if written < rest.len() {
                s.sent += written;
                self.block(target);
                return false;
            }
            // Out whole, or fd 1 or 2 is gone (EPIPE, EBADF): the line cannot go anywhere.
            s.sent = 0;
            s.lines.consume(taken, s.eof);
            self.lost = failed;
        }
    }

    fn block(&mut self, target: usize) {
        if let Some(b) = self.blocked.get_mut(target) {
            *b = true;
        }
    }

    fn block_clear(&mut self, target: usize) {
        if let Some(b) = self.blocked.get_mut(target) {
            *b = false;
        }
    }
}

/// One write of `bytes` to fd 1 or 2 that never waits: EAGAIN when there is no room. (A
/// regular file may say EAGAIN too, for a moment: it polls writable, so the next pass retries.)
fn write(target: usize, poll_first: &mut [bool; 2], bytes: &[u8]) -> Result<usize, Errno> {
    let Some(poll_first) = poll_first.get_mut(target) else {
        return Err(Errno::BADF);
    };
    log::write_unblocked(target_fd(target), bytes, poll_first, 0)
}
