//! Why an inittab line is skipped, and sysvinit's message for it (compat §1.3).

use crate::display::{Arg, Line, pack, pack_into};
use crate::limits::{ID_MAX, MAX_ENTRIES, PROCESS_MAX, RUNLEVELS_MAX};

/// Why a line was skipped. The texts it quotes are borrowed from the line (`report` takes the
/// error while the line is at hand): no copy of them is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind<'a> {
    /// Field 1 is empty.
    MissingId,
    /// No second `:`. sysvinit's check order means this is always overwritten by
    /// `MissingAction` (no second `:` implies no action), so `load` never reports it.
    MissingRunlevels,
    /// No third `:`.
    MissingProcess,
    /// Field 3 is empty or absent.
    MissingAction,
    /// Field 1 is longer than `ID_MAX`.
    IdTooLong,
    /// Field 2 is longer than `RUNLEVELS_MAX`.
    RunlevelsTooLong,
    /// Field 4 is longer than `PROCESS_MAX`.
    ProcessTooLong,
    /// Field 3 is longer than `ACTION_MAX`.
    ActionTooLong,
    /// Field 3 names no action (at most `ACTION_MAX` bytes).
    UnknownAction(&'a [u8]),
    /// An earlier entry has this id (at most `ID_MAX` bytes).
    DuplicateId(&'a [u8]),
    /// The line is longer than `LINE_MAX - 2` characters.
    LineTooLong,
    /// `MAX_ENTRIES` entries are already kept.
    TableFull,
}

/// A skipped line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InittabError<'a> {
    /// Physical line number (1-based) in the file being parsed.
    pub line: u32,
    /// What is wrong with it.
    pub kind: ErrorKind<'a>,
}

impl InittabError<'_> {
    /// Writes sysvinit's message for this error, e.g.
    /// `/etc/inittab[12]: respwan: unknown action field`, `/etc/inittab[3]: duplicate ID field "l0"`,
    /// `/etc/inittab[88]: too many entries (max 64): this line and every later entry ignored`; `file` is the path of the file
    /// being parsed (sysvinit always says `/etc/inittab`, even for inittab.d files).
    pub fn render(&self, file: &[u8], out: &mut Line) {
        // The kind's number is its place in `ErrorKind` and in `TEMPLATES`: data, not an arm
        // per kind holding a template's address and length.
        let number = match &self.kind {
            ErrorKind::MissingId => 0,
            ErrorKind::MissingRunlevels => 1,
            ErrorKind::MissingProcess => 2,
            ErrorKind::MissingAction => 3,
            ErrorKind::IdTooLong => 4,
            ErrorKind::RunlevelsTooLong => 5,
            ErrorKind::ProcessTooLong => 6,
            ErrorKind::ActionTooLong => 7,
            ErrorKind::UnknownAction(_) => 8,
            ErrorKind::DuplicateId(_) => 9,
            ErrorKind::LineTooLong => LINE_TOO_LONG,
            ErrorKind::TableFull => 11,
        };
        let arg = match &self.kind {
            ErrorKind::UnknownAction(text) | ErrorKind::DuplicateId(text) => Arg::Text(text),
            _ => Arg::Unsigned(u64::from(LIMITS.get(number).copied().unwrap_or_default())),
        };
        // A too-long line's text is its whole message, with no `file[line]: ` head.
        let (head, detail) = if number == LINE_TOO_LONG {
            (number, NO_DETAIL)
        } else {
            (HEAD, number)
        };
        out.write_field(
            &TEMPLATES,
            0,
            head,
            &[Arg::Text(file), Arg::Unsigned(u64::from(self.line))],
        );
        out.write_field(&TEMPLATES, 0, detail, &[arg]);
    }
}

/// `LineTooLong`'s number: its template is the whole line (file and line number in it).
const LINE_TOO_LONG: usize = 10;
/// The head of every other kind's line: `file[line]: `.
const HEAD: usize = 12;
/// Past the last template: an empty one (`field` finds none).
const NO_DETAIL: usize = 13;

/// Every kind's template by its number (`render`), NUL-separated; the placeholder takes the
/// kind's text or limit (`LIMITS`), the head's take the file and the line number.
const TEMPLATE_TEXT: &str = concat!(
    "missing id field\0",
    "missing runlevel field\0",
    "missing process field\0",
    "missing action field\0",
    "id field too long (max {} characters)\0",
    "rlevel field too long (max {} characters)\0",
    "process field too long (max {} characters)\0",
    "action field too long\0",
    "{}: unknown action field\0",
    "duplicate ID field \"{}\"\0",
    "Error detected in {} at line {}. Possibly too long.\0",
    "too many entries (max {}): this line and every later entry ignored\0",
    "{}[{}]: ",
);

/// `TEMPLATE_TEXT` packed as `fill!` packs a template (`pack_into`).
const TEMPLATES: [u8; pack_into(TEMPLATE_TEXT, &mut [])] = {
    assert!(TEMPLATE_TEXT.is_ascii());
    pack(TEMPLATE_TEXT)
};

/// The limit a kind's template names, by its number (0: none).
const LIMITS: [u16; 12] = {
    let mut limits = [0; 12];
    limits[4] = ID_MAX as u16;
    limits[5] = RUNLEVELS_MAX as u16;
    limits[6] = PROCESS_MAX as u16;
    limits[11] = MAX_ENTRIES as u16;
    limits
};
