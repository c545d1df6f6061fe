//! The setuidgid personality's decisions: its `USER[:GROUP]` operand, the lines of
//! /etc/passwd and /etc/group (passwd(5), group(5); read by vinit itself, no NSS), and the ids
//! and supplementary groups they give.
//!
//! The rules (docs/setuidgid.md): a USER or GROUP of digits only is a numeric id, anything
//! else a name. Without GROUP, the group is the user's primary one from /etc/passwd and the
//! supplementary groups are it plus every group of /etc/group that lists the user's name
//! (initgroups(3), daemontools' and s6's setuidgid). With GROUP, that group is the primary
//! and the only supplementary group (chpst's `-u user:group`): nothing else is kept. A numeric
//! USER with a GROUP needs no file at all, so a FROM scratch image without /etc/passwd can
//! still use `65534:65534`. The first matching line wins; lines that are not an entry
//! (comments, NIS `+`/`-` lines, too few fields, ids that are not numbers) are skipped, as
//! glibc's files backend does.
#![forbid(unsafe_code)]

use heapless::Vec;

use crate::display::field;
use crate::limits::GROUPS_MAX;

/// A uid or gid.
pub type Id = u32;

/// The parsed `USER[:GROUP]` operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserSpec<'a> {
    /// The user name or uid.
    pub user: &'a [u8],
    /// The group name or gid, if given.
    pub group: Option<&'a [u8]>,
}

/// What the lookup decided: the ids to set, in the order they are set. `repr(C)` with the
/// two ids first: read at a 1-byte displacement, not past the groups' 256 bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Ids {
    /// setgid(2).
    pub gid: Id,
    /// setuid(2).
    pub uid: Id,
    /// setgroups(2)'s list (the primary group first).
    pub groups: Vec<Id, GROUPS_MAX>,
}

/// Why the ids could not be decided. setuidgid words them by this order (its `WORDS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LookupError {
    /// No /etc/passwd line for the user (by name, or by uid when USER is a number and no
    /// GROUP says which group).
    UnknownUser,
    /// No /etc/group line for the group name.
    UnknownGroup,
    /// The user is in more than `GROUPS_MAX` groups.
    TooManyGroups,
}

/// A decimal id below 2^32 - 1 (which is -1, "unchanged", to setuid(2)); `None` if `v` is not
/// one (empty, a sign, any other byte).
pub fn parse_id(v: &[u8]) -> Option<Id> {
    crate::args::parse_number(v, 0, u64::from(Id::MAX) - 1).map(|n| n as Id)
}

impl<'a> UserSpec<'a> {
    /// `USER` or `USER:GROUP`, neither part empty; `None` otherwise (one colon at most).
    pub fn parse(v: &'a [u8]) -> Option<Self> {
        let (user, group) = match v.iter().position(|&b| b == b':') {
            Some(colon) => (v.get(..colon)?, Some(v.get(colon + 1..)?)),
            None => (v, None),
        };
        if user.is_empty() || group.is_some_and(|g| g.is_empty() || crate::args::has_byte(g, b':'))
        {
            return None;
        }
        Some(Self { user, group })
    }

    /// Whether deciding needs /etc/passwd: a user name, or no GROUP (the primary group).
    pub fn needs_passwd(&self) -> bool {
        self.group.is_none() || parse_id(self.user).is_none()
    }

    /// Whether deciding needs /etc/group: a group name, or no GROUP (the memberships).
    pub fn needs_group(&self) -> bool {
        self.group.is_none_or(|g| parse_id(g).is_none())
    }

    /// The ids for this operand, from the texts of /etc/passwd and /etc/group (empty when not
    /// needed, or when /etc/group does not exist: then the user has no other groups), written
    /// into `ids` (partly, on an error): 272 bytes returned in a `Result` were copied out of it.
    // `iter().any` for the groups seen, not `contains`: core's `contains` of integers is
    // unrolled 16 wide (135 bytes more).
    #[allow(clippy::manual_contains)]
    #[inline(never)]
    pub fn resolve(&self, passwd: &[u8], group: &[u8], ids: &mut Ids) -> Result<(), LookupError> {
        let user = find(passwd, self.user);
        // `member`: the name whose groups join the list. With a GROUP, a colon, which no
        // member of a group line has (its fields are cut at colons): the walk below then adds
        // none, and runs for every form, where a test for the form after the ids had their
        // stores copied into each arm.
        let (uid, gid, member) = match (self.group, user) {
            (Some(g), _) => (
                parse_id(self.user)
                    .or(user.map(|u| u.id))
                    .ok_or(LookupError::UnknownUser)?,
                parse_id(g)
                    .or_else(|| find(group, g).map(|e| e.id))
                    .ok_or(LookupError::UnknownGroup)?,
                &b":"[..],
            ),
            (None, Some(u)) => (
                u.id,
                parse_id(u.fourth).ok_or(LookupError::UnknownUser)?,
                u.name,
            ),
            (None, None) => return Err(LookupError::UnknownUser),
        };
        // The primary group leads the list; a GROUP given is the only one.
        ids.uid = uid;
        ids.gid = gid;
        ids.groups.clear();
        // Room for it: the list was just emptied.
        let _ = ids.groups.push(gid);
        let mut rest = group;
        while let Some(e) = next_entry(&mut rest, None) {
            if !ids.groups.iter().any(|&g| g == e.id)
                && (0..)
                    .map_while(|i| field(e.fourth, b',', i))
                    .any(|m| m == member)
            {
                ids.groups
                    .push(e.id)
                    .map_err(|_| LookupError::TooManyGroups)?;
            }
        }
        Ok(())
    }
}

/// A line of /etc/passwd or /etc/group that is an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The user or group name.
    pub name: &'a [u8],
    /// The uid or gid (the third field).
    pub id: Id,
    /// The fourth field: the user's primary gid, or the group's comma-separated members.
    pub fourth: &'a [u8],
}

/// The entries of a passwd(5) or group(5) text: every line but empty ones, comments, NIS
/// `+`/`-` lines, and lines with an empty name, fewer than four fields or a third field that
/// is not an id.
pub fn entries(text: &[u8]) -> impl Iterator<Item = Entry<'_>> {
    let mut rest = text;
    core::iter::from_fn(move || next_entry(&mut rest, None))
}

/// The first entry of the text `rest` (`entries`) that `want` names (`find`; any entry
/// without it), and `rest` moved past its line. The one walk over the lines of `find` and
/// `resolve`: a `Split` iterator's state kept in each, and its `next` of its own, cost more
/// than a slice moved along; and `find`'s own loop took each entry back through memory.
#[inline(never)]
fn next_entry<'t>(rest: &mut &'t [u8], want: Option<&[u8]>) -> Option<Entry<'t>> {
    let id = want.and_then(parse_id);
    // Bounded: each pass consumes a line and its newline, or ends.
    while !rest.is_empty() {
        // The line by `display::field`, the one splitting loop (field 0 is always there).
        let line = field(rest, b'\n', 0).unwrap_or_default();
        *rest = rest.get(line.len() + 1..).unwrap_or_default();
        let Some(e) = entry(line) else {
            continue;
        };
        let found = match (want, id) {
            (None, _) => true,
            (_, Some(id)) => e.id == id,
            (Some(name), None) => e.name == name,
        };
        if found {
            return Some(e);
        }
    }
    None
}

/// One line as an `Entry`, if it is one (`entries`). Its fields are cut by `display::field`,
/// the one splitting loop vinit has, not by a `Split` iterator of its own.
fn entry(line: &[u8]) -> Option<Entry<'_>> {
    if matches!(line.first(), None | Some(b'#' | b'+' | b'-')) {
        return None;
    }
    let f = |n| field(line, b':', n);
    Some(Entry {
        name: f(0).filter(|n| !n.is_empty())?,
        id: parse_id(f(2)?)?,
        // A fourth field means a second one (the password) is there too.
        fourth: f(3)?,
    })
}

/// The first entry of `text` named `want`, or, when `want` is a number, with that id.
fn find<'t>(text: &'t [u8], want: &[u8]) -> Option<Entry<'t>> {
    next_entry(&mut { text }, Some(want))
}

#[cfg(test)]
mod tests;
