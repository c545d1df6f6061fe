//! `VINIT_LOG_PREFIX=1`: cutting what a service writes to its pipe into lines, each framed
//! with the entry's id (`web| listening on :80`), so that every line reaches vinit's own
//! stdout or stderr whole, in one write, never mixed with another service's.
//!
//! A `LineBuffer` holds what was read from one pipe and not yet written. A line longer than
//! the buffer is cut, never dropped: its first piece is framed `web| `, every further piece
//! `web+| ` (the continuation mark). What is left without a newline when the pipe reaches end
//! of file (the service exited) is framed as a line of its own. Pure: the edge reads into
//! `room`, writes each `Frame`, and says so with `consume`.

use heapless::Vec;

use crate::limits::{ID_MAX, SERVICE_LINE_MAX};

/// Between the id and a line (or a line's first piece).
pub const SEPARATOR: &[u8] = b"| ";
/// Between the id and the second and later pieces of a line longer than `SERVICE_LINE_MAX`.
pub const CONTINUATION: &[u8] = b"+| ";
/// Longest frame: PIPE_BUF, so a pipe takes it whole or not at all. It holds at least one
/// piece (id, continuation mark, a full buffer, newline).
pub const FRAME_MAX: usize = 4096;

/// Framed lines, ready for one write(2).
pub type Frame = Vec<u8, FRAME_MAX>;

/// Bytes read from one service's pipe and not yet written out. `repr(C)` with the buffer
/// last: the counters sit at small offsets (1-byte displacements).
#[repr(C)]
pub struct LineBuffer {
    /// First byte not yet written.
    start: usize,
    /// End of what was read.
    end: usize,
    /// The next piece continues a line that was cut.
    continued: bool,
    buf: [u8; SERVICE_LINE_MAX],
}

impl Default for LineBuffer {
    fn default() -> Self {
        Self::new()
    }
}

impl LineBuffer {
    /// Empty.
    pub const fn new() -> Self {
        Self {
            buf: [0; SERVICE_LINE_MAX],
            start: 0,
            end: 0,
            continued: false,
        }
    }

    /// Where the next read(2) goes: the pending bytes move to the front first. Empty only
    /// when a whole buffer is pending (a piece is always ready then).
    pub fn room(&mut self) -> &mut [u8] {
        if self.start > 0 {
            // Clamped, so no bounds check is left to panic (PID 1 never panics).
            let end = self.end.min(SERVICE_LINE_MAX);
            let start = self.start.min(end);
            self.buf.copy_within(start..end, 0);
            self.end = end - start;
            self.start = 0;
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// `n` bytes were read into `room`.
    pub fn filled(&mut self, n: usize) {
        // `n` is at most the room's length: no overflow; the bound keeps `end` in the buffer.
        self.end = (self.end + n).min(SERVICE_LINE_MAX);
    }

    /// Nothing pending.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Bytes pending.
    pub fn pending(&self) -> usize {
        self.end - self.start
    }

    /// The piece at `from` and whether it ends a line: a complete line (through its
    /// newline); a full buffer without one (cut); at end of file (`eof`), whatever is left.
    /// `None` when only part of a line is pending and more may come.
    fn piece(&self, from: usize, eof: bool) -> Option<(&[u8], bool)> {
        let pending = self.buf.get(from..self.end).unwrap_or_default();
        match pending.iter().position(|&b| b == b'\n') {
            Some(i) => Some((pending.get(..=i).unwrap_or_default(), true)),
            None if pending.is_empty() => None,
            None if eof => Some((pending, true)),
            None if pending.len() == SERVICE_LINE_MAX => Some((pending, false)),
            None => None,
        }
    }

    /// Frames the ready pieces into `frame` for `id`, as many whole ones as fit (one write
    /// carries several lines, never part of one); returns the bytes taken, 0 when no piece is
    /// ready. Framing again before `consume` gives the same frame.
    pub fn frame(&self, id: &[u8], eof: bool, frame: &mut Frame) -> usize {
        frame.clear();
        let id = id.get(..ID_MAX).unwrap_or(id);
        let mut at = self.start;
        let mut continued = self.continued;
        while let Some((piece, ends_line)) = self.piece(at, eof) {
            let mark = if continued { CONTINUATION } else { SEPARATOR };
            let newline = piece.last() != Some(&b'\n');
            if frame.len() + id.len() + mark.len() + piece.len() + usize::from(newline) > FRAME_MAX
            {
                break;
            }
            let _ = frame.extend_from_slice(id);
            let _ = frame.extend_from_slice(mark);
            let _ = frame.extend_from_slice(piece);
            if newline {
                let _ = frame.push(b'\n');
            }
            at += piece.len();
            continued = !ends_line;
        }
        at - self.start
    }

    /// The `taken` bytes of the last frame (framed with the same `eof`) were written.
    pub fn consume(&mut self, taken: usize, eof: bool) {
        let taken = taken.min(self.end - self.start);
        if taken == 0 {
            return;
        }
        self.start += taken;
        // Only a cut piece ends without its newline, unless it is the last one.
        self.continued = !eof && self.buf.get(self.start - 1) != Some(&b'\n');
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `chunks` as reads, then end of file; returns every frame written.
    fn run(chunks: &[&[u8]]) -> std::vec::Vec<std::string::String> {
        let mut lines = LineBuffer::new();
        let mut out = std::vec::Vec::new();
        let mut frame = Frame::new();
        let mut drain = |lines: &mut LineBuffer, eof: bool, out: &mut std::vec::Vec<_>| loop {
            let taken = lines.frame(b"web", eof, &mut frame);
            if taken == 0 {
                break;
            }
            assert!(frame.ends_with(b"\n") && frame.len() <= FRAME_MAX);
            let text = std::string::String::from_utf8(frame.to_vec()).unwrap();
            out.extend(text.split_inclusive('\n').map(std::string::String::from));
            lines.consume(taken, eof);
        };
        for chunk in chunks {
            let mut rest = *chunk;
            while !rest.is_empty() {
                let room = lines.room();
                let n = room.len().min(rest.len());
                assert!(n > 0, "room after every drain");
                room[..n].copy_from_slice(&rest[..n]);
                lines.filled(n);
                rest = &rest[n..];
                drain(&mut lines, false, &mut out);
            }
        }
        drain(&mut lines, true, &mut out);
        assert!(lines.is_empty());
        out
    }

    #[test]
    fn each_line_gets_the_prefix() {
        assert_eq!(
            run(&[b"one\ntwo\n"]),
            ["web| one\n", "web| two\n"].map(String::from)
        );
    }

    #[test]
    fn a_line_in_several_writes_comes_out_whole() {
        assert_eq!(
            run(&[b"lis", b"tening", b" on :80\nne", b"xt\n"]),
            ["web| listening on :80\n", "web| next\n"].map(String::from)
        );
    }

    #[test]
    fn no_newline_at_exit_is_flushed_as_a_line() {
        assert_eq!(
            run(&[b"done\nbye"]),
            ["web| done\n", "web| bye\n"].map(String::from)
        );
        assert!(run(&[b""]).is_empty());
    }

    #[test]
    fn a_long_line_is_cut_and_marked_never_dropped() {
        let long: std::vec::Vec<u8> = (0..SERVICE_LINE_MAX * 2 + 10)
            .map(|i| b'a' + (i % 26) as u8)
            .chain(*b"\nafter\n")
            .collect();
        let out = run(&[&long]);
        assert_eq!(out.len(), 4, "{out:?}");
        assert!(out[0].starts_with("web| ") && out[0].len() == 5 + SERVICE_LINE_MAX + 1);
        assert!(out[1].starts_with("web+| ") && out[1].len() == 6 + SERVICE_LINE_MAX + 1);
        assert_eq!(
            out[2],
            format!(
                "web+| {}\n",
                &core::str::from_utf8(&long).unwrap()
                    [SERVICE_LINE_MAX * 2..SERVICE_LINE_MAX * 2 + 10]
            )
        );
        assert_eq!(out[3], "web| after\n");
        // Every byte is there, in order.
        let joined: std::string::String = out[..3]
            .iter()
            .map(|f| f.split_once("| ").unwrap().1.trim_end_matches('\n'))
            .collect();
        assert_eq!(joined.as_bytes(), &long[..SERVICE_LINE_MAX * 2 + 10]);
    }

    #[test]
    fn a_line_of_exactly_the_buffer_with_its_newline_is_cut_once() {
        let mut text = std::vec![b'x'; SERVICE_LINE_MAX];
        text.push(b'\n');
        let out = run(&[&text]);
        // The buffer holds SERVICE_LINE_MAX bytes: the newline comes in the next read.
        assert_eq!(out.len(), 2);
        assert_eq!(out[1], "web+| \n");
        let mut text = std::vec![b'x'; SERVICE_LINE_MAX - 1];
        text.push(b'\n');
        assert_eq!(run(&[&text]).len(), 1);
    }

    #[test]
    fn an_unwritten_frame_stays_pending() {
        let mut lines = LineBuffer::new();
        let room = lines.room();
        room[..4].copy_from_slice(b"a\nb\n");
        lines.filled(4);
        let mut frame = Frame::new();
        assert_eq!(lines.frame(b"x", false, &mut frame), 4);
        assert_eq!(
            &frame[..],
            b"x| a\nx| b\n",
            "whole lines, several per write"
        );
        // Not written (the write would block): the same frame again.
        let mut again = Frame::new();
        assert_eq!(lines.frame(b"x", false, &mut again), 4);
        assert_eq!(frame, again);
        lines.consume(4, false);
        assert!(lines.is_empty());
        assert_eq!(lines.frame(b"x", false, &mut frame), 0);
    }

    #[test]
    fn frames_fit_an_atomic_pipe_write_and_hold_a_whole_piece() {
        const { assert!(FRAME_MAX <= 4096) };
        const { assert!(ID_MAX + CONTINUATION.len() + SERVICE_LINE_MAX < FRAME_MAX) };
        // The worst case, a buffer of empty lines, still fits one frame.
        let mut lines = LineBuffer::new();
        let room = lines.room();
        let n = room.len();
        room.fill(b'\n');
        lines.filled(n);
        let mut frame = Frame::new();
        let taken = lines.frame(b"abcd", false, &mut frame);
        assert_eq!(taken, SERVICE_LINE_MAX);
        assert_eq!(frame.len(), SERVICE_LINE_MAX * 7);
        lines.consume(taken, false);
        assert!(lines.is_empty());
    }

    #[test]
    fn arbitrary_chunking_keeps_every_byte_in_order() {
        // A cheap fuzz: a fixed text cut at pseudo-random points gives the same lines.
        let text: std::vec::Vec<u8> = (0..5000u32)
            .map(|i| match (i * 7919) % 97 {
                0..=5 => b'\n',
                n => b'a' + (n % 26) as u8,
            })
            .collect();
        let whole = run(&[&text]);
        let mut seed = 12345u32;
        for _ in 0..50 {
            let mut chunks = std::vec::Vec::new();
            let mut at = 0;
            while at < text.len() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let n = 1 + (seed >> 16) as usize % 700;
                let end = (at + n).min(text.len());
                chunks.push(&text[at..end]);
                at = end;
            }
            assert_eq!(run(&chunks), whole);
        }
    }
}
