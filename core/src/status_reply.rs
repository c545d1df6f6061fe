//! The reply PID 1 sends `vinit status` on its status socket: text, one message per line, so
//! the client only copies it out, and PID 1 formats with the code it logs with. The first
//! message is the level line and the titles; then one message per entry, in table order, in
//! fixed columns (`STATE_AT` is where the state starts: the client's `status ID` reads it).
//! Written with display's `Line` (its `push` and number formatter), the log's one writer.
//! The monotonic clock never leaves PID 1: it sends ages ("for 5m3s"), and a disable's end as
//! a UTC time of day that it works out from the wall clock it is given.
#![forbid(unsafe_code)]

use crate::display::Line;
use crate::status::Exit;
use crate::supervisor::{EntryReport, State, Summary};

/// Longest message: the level line and the titles (the client's buffer; every message fits,
/// a test checks the longest).
pub const MESSAGE_MAX: usize = 128;
/// One message, built in a log line's buffer (`as_bytes` is what is sent).
pub type Message = Line;

/// The end of the level line, then the columns' titles (each column starts where its title
/// does): one piece, one `write`, packed as templates are.
const NEWLINE_AND_TITLES_TEXT: &str =
    "\nID   ACTION       LEVELS      STATE                   PID     STARTS EXIT      SINCE\n";
/// The titles' line alone.
#[cfg(test)]
const TITLES: &[u8] = NEWLINE_AND_TITLES_TEXT.as_bytes().split_at(1).1;
/// Where each column after the id starts: action, levels, state, pid, starts, exit, since.
const COLUMNS: [usize; 7] = [5, 18, 30, 54, 62, 69, 79];
/// The states' words in `State`'s order (`entry`: a state's number is its tag, no remapping),
/// NUL-separated, packed as templates are.
const STATES: &[u8] =
    crate::packed!("running\0waiting\0stopped\0disabled until \0not in this level");
/// Where an entry's state starts in its message.
pub const STATE_AT: usize = 30;

/// The first message, in `out`: `runlevel 3, previous N[, stopping]` and the titles.
pub fn summary(s: Summary, out: &mut Message) {
    *out = Line::new();
    // One piece, the two levels put in place, cut before `, stopping` unless it stops.
    let mut head = *b"runlevel ?, previous ?, stopping";
    if let Some(current) = head.get_mut(9) {
        *current = s.current.byte();
    }
    if let Some(prev) = head.get_mut(21) {
        *prev = s.prev;
    }
    let len = if s.stopping { head.len() } else { 22 };
    put(out, head.get(..len).unwrap_or_default());
    out.write(crate::packed!(NEWLINE_AND_TITLES_TEXT), &[]);
}

/// One entry's message, in `out`; `wall_secs` is the wall clock now (seconds since the
/// epoch).
pub fn entry(r: &EntryReport<'_>, wall_secs: i64, out: &mut Message) {
    *out = Line::new();
    let [action, levels, state, pid, starts, exit, since] = COLUMNS;
    let e = r.entry;
    put(out, &e.id);
    pad(out, action);
    put(out, e.action.name().as_bytes());
    pad(out, levels);
    put(out, &e.levels_text);
    pad(out, state);
    // One call with the state's words, found by their place in `STATES`.
    let state_words = match r.state {
        State::Running => 0,
        State::Waiting => 1,
        State::Stopped => 2,
        State::Disabled(_) => 3,
        State::NotInLevel => 4,
    };
    out.write_field(STATES, 0, state_words, &[]);
    if let State::Disabled(left) = r.state {
        let at = wall_secs.saturating_add((left.millis() / 1000) as i64);
        clock_time(out, at);
    }
    pad(out, pid);
    number(out, r.pid.map(|p| p as u32));
    pad(out, starts);
    number(out, Some(r.starts));
    pad(out, exit);
    // A word (none for a code) and the number: one `put` and one `number` for both forms.
    let (word, code): (&[u8], _) = match r.last_exit {
        Some(Exit::Signal(s)) => (b"signal ", Some(u32::from(s))),
        code => (b"", code.map(|c| u32::from(c.status()))),
    };
    put(out, word);
    number(out, code);
    pad(out, since);
    match r.since {
        Some(d) => {
            put(out, b"for ");
            span(out, (d.millis() / 1000) as u32);
        }
        // `-`, as `number` writes none (one call shape less).
        None => number(out, None),
    }
    put(out, b"\n");
}

/// Bytes (the message's `push`: a name of its own keeps the reply's code short to read).
fn put(out: &mut Message, bytes: &[u8]) {
    out.push(bytes);
}

/// A number, or `-` for none.
#[inline(never)]
fn number(out: &mut Message, n: Option<u32>) {
    match n {
        Some(n) => out.push_number(n.into(), false),
        None => out.push(b"-"),
    }
}

/// Spaces up to column `to` (at least one).
fn pad(out: &mut Message, to: usize) {
    out.pad_to(to);
}

/// The id of an entry's message.
pub fn entry_id(message: &[u8]) -> &[u8] {
    let end = message.iter().position(|&b| b == b' ').unwrap_or(0);
    message.get(..end).unwrap_or_default()
}

/// Whether an entry's message says it runs.
pub fn is_running(message: &[u8]) -> bool {
    message
        .get(STATE_AT..)
        .is_some_and(|s| s.starts_with(b"running "))
}

/// A span of seconds the short way: `42s`, `5m3s`, `2h7m`, `3d4h`: the largest unit that
/// fits (seconds under a minute), then the next one down.
fn span(out: &mut Message, s: u32) {
    const UNITS: [(u32, u8); 4] = [(86_400, b'd'), (3600, b'h'), (60, b'm'), (1, b's')];
    let largest = UNITS.iter().position(|&(secs, _)| s >= secs).unwrap_or(3);
    let mut rest = s;
    // The unit found and the next one down, if any: a slice, not a `take(2)` counting.
    let from = UNITS.get(largest..).unwrap_or_default();
    for &(secs, letter) in from.get(..2).unwrap_or(from) {
        // No unit is zero: checked only so that no division panic is linked.
        number(out, rest.checked_div(secs));
        put(out, &[letter]);
        rest = rest.checked_rem(secs).unwrap_or_default();
    }
}

/// A time of day, `HH:MM:SS`, of `epoch_secs` seconds since the epoch, in UTC (as `shutdown
/// hh:mm` reads it: no time-zone code in the binary).
fn clock_time(out: &mut Message, epoch_secs: i64) {
    let mut rest = epoch_secs.rem_euclid(86_400) as u32;
    let mut text = *b"00:00:00";
    // From the last digit back, the colons skipped: each unit's ones in base 10, its tens in
    // base 6 (the hours, under 24, take the same two steps). One loop over the bytes, not one
    // per pair of digits.
    let mut tens = false;
    for digit in text.iter_mut().rev() {
        if *digit == b':' {
            continue;
        }
        let base = if tens { 6 } else { 10 };
        *digit += (rest % base) as u8;
        rest /= base;
        tens = !tens;
    }
    put(out, &text);
}

#[cfg(test)]
mod tests;
