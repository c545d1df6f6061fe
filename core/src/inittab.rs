//! The inittab table: /etc/inittab and /etc/inittab.d/*.tab parsed into entries in sysvinit's
//! internal list order, with sysvinit's error messages.
//!
//! Owns line handling (compat §1.2), field validation (§1.3), runlevel normalisation (§1.4), list
//! order (§1.7), the synthesized `~~` sulogin entry (§1.1) and the initdefault rule (§1.8); the
//! action names (§1.5) are in `action`, the skipped lines' messages in `error`. Input is bytes
//! already read; errors go to a callback. No syscalls.
#![forbid(unsafe_code)]

use heapless::Vec;

use crate::levels::{Level, Levels};
use crate::limits::{ACTION_MAX, ID_MAX, LINE_MAX, MAX_ENTRIES, PROCESS_MAX, RUNLEVELS_MAX};

mod action;
mod error;

pub use action::Action;
pub use error::{ErrorKind, InittabError};

/// Field 1: at most 4 bytes (utmp's `ut_id`).
pub type Id = Vec<u8, ID_MAX>;
/// Field 4: the rest of the line.
pub type ProcessField = Vec<u8, PROCESS_MAX>;
/// Field 2's text.
pub type LevelsText = Vec<u8, RUNLEVELS_MAX>;

/// One inittab line. `repr(C)`, the process field last: the id, levels, action and line
/// number are reached with one-byte displacements, not four-byte ones past its 256 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Entry {
    /// Field 1, unique except for `~~`.
    pub id: Id,
    /// Field 2, normalised at parse time (compat §1.4): an empty field became `NUMERIC` or
    /// `POWER_DEFAULT`, sysinit has `SYSINIT_ONLY`, boot and bootwait have `BOOT_ONLY`.
    pub levels: Levels,
    /// Field 3.
    pub action: Action,
    /// Line number in the file it came from.
    pub line: u32,
    /// Field 2 as sysvinit keeps it for `/etc/initscript` (compat §1.4, §1.6 step 2): as written,
    /// or what an empty or overridden field became (`0123456789`, `S0123456789`, `#`, `*`).
    pub levels_text: LevelsText,
    /// Field 4, raw (see `cmdline::parse_process`); may be empty.
    pub process: ProcessField,
}

/// The line sysvinit adds when no entry has runlevel `S` (compat §1.1 step 2).
const DEFAULT_SULOGIN_LINE: &[u8] = b"~~:S:wait:/sbin/sulogin";
/// The one id that may repeat (compat §1.3).
const SULOGIN_ID: &[u8] = b"~~";

/// The fields of an entry line that passed `fields`' checks.
struct Fields<'a> {
    id: &'a [u8],
    /// Field 2 as written, for the initdefault rule.
    raw_levels: &'a [u8],
    action: Action,
    process: &'a [u8],
}

/// The four fields of an entry line (leading blanks already skipped), checked in sysvinit's
/// order: every check runs and a later failure overwrites an earlier one, so one message per
/// line (compat §1.3). Fields are split like `strsep`: the process field is the rest of the line
/// and may hold `:`.
fn fields(text: &[u8]) -> Result<Fields<'_>, ErrorKind<'_>> {
    // `splitn(4, ':')` by hand: its iterator is a routine of its own.
    let mut rest = Some(text);
    let mut field = || {
        let r = rest?;
        let end = r.iter().position(|&b| b == b':');
        rest = end.and_then(|n| r.get(n + 1..));
        r.get(..end.unwrap_or(r.len()))
    };
    let id = field().unwrap_or_default();
    let (levels, action) = (field(), field());
    let process = rest;
    let too_long = |f: Option<&[u8]>, max: usize| f.is_some_and(|f| f.len() > max);

    // sysvinit's checks run in this order and the last failure is the one reported: so the
    // first failure in the reverse order, one test each.
    let error = if too_long(action, ACTION_MAX) {
        ErrorKind::ActionTooLong
    } else if too_long(process, PROCESS_MAX) {
        ErrorKind::ProcessTooLong
    } else if too_long(levels, RUNLEVELS_MAX) {
        ErrorKind::RunlevelsTooLong
    } else if id.len() > ID_MAX {
        ErrorKind::IdTooLong
    } else {
        // A missing field: no action means no process either, and no runlevels no action.
        match (levels, action, process) {
            (_, None | Some([]), _) => ErrorKind::MissingAction,
            (_, _, None) => ErrorKind::MissingProcess,
            (None, ..) => ErrorKind::MissingRunlevels,
            (Some(raw_levels), Some(action_name), Some(process)) if !id.is_empty() => {
                let action =
                    Action::from_name(action_name).ok_or(ErrorKind::UnknownAction(action_name))?;
                return Ok(Fields {
                    id,
                    raw_levels,
                    action,
                    process,
                });
            }
            _ => ErrorKind::MissingId,
        }
    };
    Err(error)
}

/// What one physical line is.
enum Line<'a> {
    /// Blank or comment.
    Skip,
    /// Over the length limit.
    TooLong,
    /// An entry to parse (leading blanks skipped).
    Entry(&'a [u8]),
}

/// Classifies one physical line (compat §1.2), given as `Feed` cuts it: `lead` leading blanks,
/// then `rest` (its LF removed; at most `LINE_MAX` bytes of it, `long` if more did not fit).
///
/// Deliberate deviations from sysvinit, all about line ends:
/// * A trailing CR is dropped, so CRLF files work (sysvinit keeps the CR in the process field
///   and turns a CRLF blank line into a malformed entry).
/// * The length limit is 3.14's, 254 characters not counting LF or CRLF; longer lines are
///   skipped with an error, not split as in 3.06. As in 3.14, comments are checked first, so an
///   over-long comment is silently ignored.
/// * A NUL ends the line's text, as it ends the C strings sysvinit parses with.
fn classify(lead: usize, rest: &[u8], long: bool) -> Line<'_> {
    let rest = match rest {
        [line @ .., b'\r'] => line,
        line => line,
    };
    let text = rest.split(|&b| b == 0).next().unwrap_or_default();
    match text.first() {
        None | Some(b'#') => Line::Skip,
        // `lead` counts bytes of one file, at most `INITTAB_READ_MAX` (4 MiB): no overflow.
        Some(_) if long || lead + rest.len() > LINE_MAX - 2 => Line::TooLong,
        Some(_) => Line::Entry(text),
    }
}

/// A file fed to the table a chunk at a time, as it is read (`Inittab::feed`): each physical
/// line is cut out into a `LINE_MAX` buffer, so no file is ever held whole and an over-long
/// line is never cut into an entry. Leading blanks are only counted, so the first character
/// of every line is kept and an over-long comment is still known for one. Line numbers count
/// every physical line; a last line without LF is a line too: 3.06 parses it and 3.14 drops
/// it as "too long" (compat §1.2 quirk); vinit follows 3.06 on purpose, as files written by
/// editors and generators often lack it.
///
/// `repr(C)` with the line buffer last: the counters sit at small offsets (1-byte
/// displacements).
#[repr(C)]
pub struct Feed {
    lead: usize,
    number: u32,
    long: bool,
    dropin: bool,
    done: bool,
    rest: Vec<u8, LINE_MAX>,
}

impl Feed {
    /// /etc/inittab: every line counts.
    pub const fn inittab() -> Self {
        Self::new(false)
    }

    /// An /etc/inittab.d/*.tab file: only its first non-comment, non-blank line is used (spec
    /// §1.1 step 3).
    pub const fn dropin() -> Self {
        Self::new(true)
    }

    /// A drop-in's (`dropin`) or /etc/inittab's, chosen at run time: one constructor for both.
    pub const fn new(dropin: bool) -> Self {
        Self {
            rest: Vec::new(),
            lead: 0,
            long: false,
            number: 0,
            dropin,
            done: false,
        }
    }

    /// Whether the rest of the file is of no use: a drop-in's one line was taken.
    pub const fn done(&self) -> bool {
        self.done
    }

    /// Adds bytes of the current line (no LF among them).
    fn push(&mut self, mut piece: &[u8]) {
        if self.rest.is_empty() {
            let blanks = piece
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
            self.lead += blanks;
            piece = piece.get(blanks..).unwrap_or_default();
        }
        // The buffer holds at most `LINE_MAX`: no underflow.
        let room = LINE_MAX - self.rest.len();
        // What does not fit is only noted: the line is too long.
        self.long |= piece.len() > room;
        let _ = self
            .rest
            .extend_from_slice(piece.get(..room).unwrap_or(piece));
    }

    /// Whether bytes of an unfinished line are held.
    fn holds_a_line(&self) -> bool {
        self.lead > 0 || !self.rest.is_empty()
    }
}

/// The entry table in sysvinit's internal list order (compat §1.7).
#[derive(Clone, Debug)]
#[repr(C)]
pub struct Inittab {
    /// The table's own fields, one value: `exchange` swaps them in one move.
    head: Head,
    /// Last: the small fields above share the first entries' page, so a table of a few entries
    /// (the staging table after a `telinit`) writes one page, not also the one at its end.
    entries: Vec<Entry, MAX_ENTRIES>,
}

/// What an `Inittab` holds besides its entries.
#[derive(Clone, Copy, Debug)]
struct Head {
    /// Highest byte of the first initdefault entry's runlevels field (compat §1.8), upper-cased.
    initdefault: Option<u8>,
    /// The first line that did not fit was reported; later ones are dropped silently, so an
    /// oversized file costs one log line, not one per line.
    overflow_reported: bool,
    /// Physical lines of /etc/inittab: the synthesized `~~` line is numbered one past them.
    inittab_lines: u32,
}

impl Head {
    const EMPTY: Self = Self {
        initdefault: None,
        overflow_reported: false,
        inittab_lines: 0,
    };
}

impl Default for Inittab {
    fn default() -> Self {
        Self::new()
    }
}

impl Inittab {
    /// Empties the table in place (no 20 KB temporary on PID 1's stack, as `*t = new()` may
    /// make).
    pub fn clear(&mut self) {
        self.entries.clear();
        self.head = Head::EMPTY;
    }

    /// Swaps the two tables, writing only their entries: `mem::swap` writes all 20 KB of both,
    /// and PID 1 keeps its tables in bss, where a page costs nothing until written.
    #[inline(never)]
    pub fn exchange(&mut self, other: &mut Self) {
        let (long, short) = if self.entries.len() >= other.entries.len() {
            (&mut *self, &mut *other)
        } else {
            (&mut *other, &mut *self)
        };
        let common = short.entries.len();
        for (a, b) in long.entries.iter_mut().zip(short.entries.iter_mut()) {
            core::mem::swap(a, b);
        }
        // The longer one's other entries move over, in order (on re-reads only: the shifts
        // cost at most 64 × 64 entry moves).
        while long.entries.len() > common {
            let _ = short.entries.push(long.entries.remove(common));
        }
        core::mem::swap(&mut self.head, &mut other.head);
    }

    /// An empty table.
    pub const fn new() -> Self {
        Self {
            head: Head::EMPTY,
            entries: Vec::new(),
        }
    }

    /// The entries in list order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses a whole file (/etc/inittab) and appends its entries; bad lines go to `report` and
    /// are skipped, every good line is kept (power group at the front in file order, others
    /// appended, compat §1.7). A full table is reported once, at the first line that did not
    /// fit; parsing goes on, so later bad lines still get their own messages.
    pub fn load(&mut self, bytes: &[u8], report: &mut dyn FnMut(InittabError<'_>)) {
        let mut feed = Feed::inittab();
        self.feed(&mut feed, bytes, report);
        self.feed_end(&mut feed, report);
    }

    /// An /etc/inittab.d/*.tab file: only its first non-comment, non-blank line is used (spec
    /// §1.1 step 3). Its number in messages is its line number in that file (sysvinit keeps
    /// counting on from /etc/inittab, one per file, which points nowhere useful).
    pub fn load_dropin(&mut self, bytes: &[u8], report: &mut dyn FnMut(InittabError<'_>)) {
        let mut feed = Feed::dropin();
        self.feed(&mut feed, bytes, report);
        self.feed_end(&mut feed, report);
    }

    /// `load` or `load_dropin` a chunk at a time: the next bytes of the file `feed` reads.
    /// Hand-rolled rather than `split_inclusive`, whose slicing keeps a panic branch when it
    /// is not inlined.
    pub fn feed(
        &mut self,
        feed: &mut Feed,
        mut chunk: &[u8],
        report: &mut dyn FnMut(InittabError<'_>),
    ) {
        while !chunk.is_empty() && !feed.done {
            let Some(end) = chunk.iter().position(|&b| b == b'\n') else {
                feed.push(chunk);
                return;
            };
            let (piece, after) = chunk.split_at_checked(end).unwrap_or((chunk, &[]));
            feed.push(piece);
            self.end_line(feed, report);
            chunk = after.get(1..).unwrap_or_default();
        }
    }

    /// The end of the file `feed` read: its last line, if it has no LF.
    pub fn feed_end(&mut self, feed: &mut Feed, report: &mut dyn FnMut(InittabError<'_>)) {
        if !feed.done && feed.holds_a_line() {
            self.end_line(feed, report);
        }
    }

    fn end_line(&mut self, feed: &mut Feed, report: &mut dyn FnMut(InittabError<'_>)) {
        // A file is at most `INITTAB_READ_MAX` (4 MiB): its line count does not overflow.
        feed.number += 1;
        let number = feed.number;
        if !feed.dropin {
            self.head.inittab_lines = number;
        }
        let entry = match classify(feed.lead, &feed.rest, feed.long) {
            Line::Skip => None,
            Line::TooLong => Some(None),
            Line::Entry(text) => Some(Some(text)),
        };
        if let Some(entry) = entry {
            self.take_line(number, entry, report);
            // A drop-in's one line was taken (`end_line` runs only before that).
            feed.done = feed.dropin;
        }
        feed.rest.clear();
        feed.lead = 0;
        feed.long = false;
    }

    /// Spec §1.1 step 2: appends `~~:S:wait:/sbin/sulogin` when no entry has upper-case S
    /// (call after /etc/inittab, before drop-ins). Its line number is one past the last line of
    /// /etc/inittab, as in sysvinit.
    pub fn add_default_sulogin(&mut self, report: &mut dyn FnMut(InittabError<'_>)) {
        if !self.entries.iter().any(|e| e.levels.has_single()) {
            let number = self.head.inittab_lines.saturating_add(1);
            // An entry line as it stands: no `classify` call, which then has one caller.
            self.take_line(number, Some(DEFAULT_SULOGIN_LINE), report);
        }
    }

    /// An entry line's text, or `None` for a line over the length limit: two registers, where
    /// a `Line` is passed in memory.
    fn take_line(
        &mut self,
        number: u32,
        entry: Option<&[u8]>,
        report: &mut dyn FnMut(InittabError<'_>),
    ) {
        let result = match entry {
            None => Err(ErrorKind::LineTooLong),
            Some(text) => fields(text).and_then(|f| self.insert(&f, number)),
        };
        match result {
            Err(ErrorKind::TableFull) if self.head.overflow_reported => {}
            Err(kind) => {
                self.head.overflow_reported |= matches!(kind, ErrorKind::TableFull);
                report(InittabError { line: number, kind });
            }
            Ok(()) => {}
        }
    }

    /// Adds an entry at its place in the list (compat §1.3 duplicates, §1.7 order), built
    /// where it is kept: an entry is 300 bytes, and every move of it was a copy.
    fn insert<'t>(&mut self, f: &Fields<'t>, line: u32) -> Result<(), ErrorKind<'t>> {
        if f.id != SULOGIN_ID && self.position(f.id).is_some() {
            return Err(ErrorKind::DuplicateId(f.id));
        }
        let action = f.action;
        // Field 2 normalised (compat §1.4), and its text as sysvinit keeps it.
        let (levels, text): (Levels, &[u8]) = match action {
            Action::SysInit => (Levels::SYSINIT_ONLY, b"#"),
            Action::Boot | Action::BootWait => (Levels::BOOT_ONLY, b"*"),
            _ => {
                // An empty field is read as the text sysvinit gives it, `S0123456789` for the
                // power group, `0123456789` else (`POWER_DEFAULT`, `NUMERIC`): one parse.
                let text = if f.raw_levels.is_empty() {
                    let power = action.is_power_group();
                    b"S0123456789"
                        .get(usize::from(!power)..)
                        .unwrap_or_default()
                } else {
                    f.raw_levels
                };
                (Levels::parse_field(text), text)
            }
        };
        let at = if action.is_power_group() {
            self.entries
                .iter()
                .position(|e| !e.action.is_power_group())
                .unwrap_or(self.entries.len())
        } else {
            self.entries.len()
        };
        self.entries
            .push(Entry {
                id: Id::new(),
                levels,
                levels_text: LevelsText::new(),
                action,
                process: ProcessField::new(),
                line,
            })
            .map_err(|_| ErrorKind::TableFull)?;
        if let Some((entry, before)) = self.entries.split_last_mut() {
            // `fields` checked that each fits.
            let _ = entry.id.extend_from_slice(f.id);
            let _ = entry.levels_text.extend_from_slice(text);
            let _ = entry.process.extend_from_slice(f.process);
            // Moved down to `at`: each entry after it swaps with the new one on its way up (a
            // rotate is a bigger routine).
            for e in before.get_mut(at..).unwrap_or_default() {
                core::mem::swap(e, entry);
            }
        }
        if action == Action::InitDefault && self.head.initdefault.is_none() {
            // sysvinit takes the highest byte of the stored field, whatever it is, then
            // upper-cases it (compat §1.8): `2s` gives S, `2a` is invalid. An empty field was
            // stored as "0123456789", hence 9 (compat §1.4 quirk): `text` is that field, never
            // empty (initdefault is not of the power group), so a plain fold finds it.
            let highest = text.iter().fold(0, |high, &b| high.max(b));
            self.head.initdefault = Some(highest.to_ascii_uppercase());
        }
        Ok(())
    }

    /// The first entry with this id.
    pub fn find(&self, id: &[u8]) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Index in the list of the first entry with this id. A byte (the list holds at most
    /// `MAX_ENTRIES`): an `Option<u8>` comes back in one register, an `Option<usize>` in two,
    /// which the re-read's loop (`Init::apply`) kept in a callee-saved register or a spill.
    pub fn position(&self, id: &[u8]) -> Option<u8> {
        let slot = self.entries.iter().position(|e| e.id == id)?;
        Some(slot as u8)
    }

    /// The default level from the first initdefault entry (compat §1.8): the highest character
    /// of its field. `None` when there is no initdefault entry or the character is not one of
    /// `0123456789S` (see `initdefault_char` for the message).
    pub fn initdefault(&self) -> Option<Level> {
        // Upper-cased when stored: never `s`.
        Level::named(self.head.initdefault?)
    }

    /// The character initdefault picked, valid or not, for sysvinit's
    /// `Initdefault level '<c>' is invalid` message; `None` without an initdefault entry.
    pub const fn initdefault_char(&self) -> Option<u8> {
        self.head.initdefault
    }
}

#[cfg(test)]
mod tests;
