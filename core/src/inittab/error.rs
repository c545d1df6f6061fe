//! Why an inittab line is skipped, and sysvinit's message for it (compat §1.3).

use crate::display::{Arg, Line};
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
        // One template for the head and one for the detail, each picked from a table: a call
        // per kind cost more than a template's address.
        const HEAD: &[u8] = crate::template!(2, "{}[{}]: ");
        let none = Arg::Unsigned(0);
        let limit = |max: usize| Arg::Unsigned(max as u64);
        let (head, detail, arg): (&[u8], &[u8], Arg<'_>) = match &self.kind {
            ErrorKind::MissingId => (HEAD, crate::packed!("missing id field"), none),
            ErrorKind::MissingRunlevels => (HEAD, crate::packed!("missing runlevel field"), none),
            ErrorKind::MissingProcess => (HEAD, crate::packed!("missing process field"), none),
            ErrorKind::MissingAction => (HEAD, crate::packed!("missing action field"), none),
            ErrorKind::IdTooLong => (
                HEAD,
                crate::template!(1, "id field too long (max {} characters)"),
                limit(ID_MAX),
            ),
            ErrorKind::RunlevelsTooLong => (
                HEAD,
                crate::template!(1, "rlevel field too long (max {} characters)"),
                limit(RUNLEVELS_MAX),
            ),
            ErrorKind::ProcessTooLong => (
                HEAD,
                crate::template!(1, "process field too long (max {} characters)"),
                limit(PROCESS_MAX),
            ),
            ErrorKind::ActionTooLong => (HEAD, crate::packed!("action field too long"), none),
            ErrorKind::UnknownAction(action) => (
                HEAD,
                crate::template!(1, "{}: unknown action field"),
                Arg::Text(action),
            ),
            ErrorKind::DuplicateId(id) => (
                HEAD,
                crate::template!(1, "duplicate ID field \"{}\""),
                Arg::Text(id),
            ),
            ErrorKind::TableFull => (
                HEAD,
                crate::template!(
                    1,
                    "too many entries (max {}): this line and every later entry ignored"
                ),
                limit(MAX_ENTRIES),
            ),
            // Its wording has no `file[line]:` prefix.
            ErrorKind::LineTooLong => (
                crate::template!(2, "Error detected in {} at line {}. Possibly too long."),
                &[],
                none,
            ),
        };
        out.write(
            head,
            &[Arg::Text(file), Arg::Unsigned(u64::from(self.line))],
        );
        out.write(detail, &[arg]);
    }
}
