//! Why an inittab line is skipped, and sysvinit's message for it (compat §1.3).

use heapless::Vec;

use super::Id;
use crate::display::{Bytes, Line};
use crate::fill;
use crate::limits::{ACTION_MAX, ID_MAX, MAX_ENTRIES, PROCESS_MAX, RUNLEVELS_MAX};

/// Why a line was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
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
    /// Field 3 names no action.
    UnknownAction(Vec<u8, ACTION_MAX>),
    /// An earlier entry has this id.
    DuplicateId(Id),
    /// The line is longer than `LINE_MAX - 2` characters.
    LineTooLong,
    /// `MAX_ENTRIES` entries are already kept.
    TableFull,
}

/// A skipped line and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InittabError {
    /// Physical line number (1-based) in the file being parsed.
    pub line: u32,
    /// What is wrong with it.
    pub kind: ErrorKind,
}

impl InittabError {
    /// Writes sysvinit's message for this error, e.g.
    /// `/etc/inittab[12]: respwan: unknown action field`, `/etc/inittab[3]: duplicate ID field "l0"`,
    /// `/etc/inittab[88]: too many entries (max 64): this line and every later entry ignored`; `file` is the path of the file
    /// being parsed (sysvinit always says `/etc/inittab`, even for inittab.d files).
    pub fn render(&self, file: &[u8], out: &mut Line) {
        let w = Line::write;
        let (file, line) = (Bytes(file), self.line);
        if self.kind == ErrorKind::LineTooLong {
            fill!(
                w,
                [out],
                "Error detected in {} at line {}. Possibly too long.",
                file,
                line
            );
            return;
        }
        fill!(w, [out], "{}[{}]: ", file, line);
        match &self.kind {
            ErrorKind::MissingId => fill!(w, [out], "missing id field"),
            ErrorKind::MissingRunlevels => fill!(w, [out], "missing runlevel field"),
            ErrorKind::MissingProcess => fill!(w, [out], "missing process field"),
            ErrorKind::MissingAction => fill!(w, [out], "missing action field"),
            ErrorKind::IdTooLong => {
                fill!(w, [out], "id field too long (max {} characters)", ID_MAX);
            }
            ErrorKind::RunlevelsTooLong => fill!(
                w,
                [out],
                "rlevel field too long (max {} characters)",
                RUNLEVELS_MAX
            ),
            ErrorKind::ProcessTooLong => fill!(
                w,
                [out],
                "process field too long (max {} characters)",
                PROCESS_MAX
            ),
            ErrorKind::ActionTooLong => fill!(w, [out], "action field too long"),
            ErrorKind::UnknownAction(action) => {
                fill!(w, [out], "{}: unknown action field", Bytes(action));
            }
            ErrorKind::DuplicateId(id) => fill!(w, [out], "duplicate ID field \"{}\"", Bytes(id)),
            ErrorKind::TableFull => fill!(
                w,
                [out],
                "too many entries (max {}): this line and every later entry ignored",
                MAX_ENTRIES
            ),
            // Written above: its wording has no `file[line]:` prefix.
            ErrorKind::LineTooLong => {}
        }
    }
}
