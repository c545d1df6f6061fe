//! Why an inittab line is skipped, and sysvinit's message for it (compat §1.3).

use heapless::Vec;
use ufmt::{uWrite, uwrite};

use super::Id;
use crate::display::Bytes;
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

/// The end of the "field too long (max N" messages.
const MAX_TAIL: &str = " characters)";

impl InittabError {
    /// Writes sysvinit's message for this error, e.g.
    /// `/etc/inittab[12]: respwan: unknown action field`, `/etc/inittab[3]: duplicate ID field "l0"`,
    /// `/etc/inittab[88]: too many entries (max 64): this line and every later entry ignored`; `file` is the path of the file
    /// being parsed (sysvinit always says `/etc/inittab`, even for inittab.d files).
    pub fn render<W: uWrite + ?Sized>(&self, file: &[u8], w: &mut W) -> Result<(), W::Error> {
        let (file, line) = (Bytes(file), self.line);
        if self.kind == ErrorKind::LineTooLong {
            return uwrite!(
                w,
                "Error detected in {} at line {}. Possibly too long.",
                file,
                line
            );
        }
        uwrite!(w, "{}[{}]: ", file, line)?;
        // Each message is: words, a quoted field, a limit, words; a table of them, not a
        // formatting path per kind.
        let (head, field, limit, tail): (&str, &[u8], Option<usize>, &str) = match &self.kind {
            ErrorKind::MissingId => ("missing id field", b"", None, ""),
            ErrorKind::MissingRunlevels => ("missing runlevel field", b"", None, ""),
            ErrorKind::MissingProcess => ("missing process field", b"", None, ""),
            ErrorKind::MissingAction => ("missing action field", b"", None, ""),
            ErrorKind::IdTooLong => ("id field too long (max ", b"", Some(ID_MAX), MAX_TAIL),
            ErrorKind::RunlevelsTooLong => (
                "rlevel field too long (max ",
                b"",
                Some(RUNLEVELS_MAX),
                MAX_TAIL,
            ),
            ErrorKind::ProcessTooLong => (
                "process field too long (max ",
                b"",
                Some(PROCESS_MAX),
                MAX_TAIL,
            ),
            ErrorKind::ActionTooLong => ("action field too long", b"", None, ""),
            ErrorKind::UnknownAction(action) => ("", action, None, ": unknown action field"),
            ErrorKind::DuplicateId(id) => ("duplicate ID field \"", id, None, "\""),
            ErrorKind::TableFull => (
                "too many entries (max ",
                b"",
                Some(MAX_ENTRIES),
                "): this line and every later entry ignored",
            ),
            // Written above: its wording has no `file[line]:` prefix.
            ErrorKind::LineTooLong => return Ok(()),
        };
        uwrite!(w, "{}{}", head, Bytes(field))?;
        if let Some(limit) = limit {
            uwrite!(w, "{}", limit)?;
        }
        w.write_str(tail)
    }
}
