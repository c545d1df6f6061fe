//! Critical entries (`VINIT_CRITICAL=ID[,ID...]`): when one's process ends on its own, the
//! container stops (level 0, its scripts, the sweep) and vinit exits with that process's
//! status, so `docker run --restart on-failure` and Kubernetes see the failure. An exit vinit
//! caused (a level change's kill round, the stop) is no such end.

use super::*;
use crate::limits::{ID_MAX, MAX_CRITICAL};

/// The critical ids: `VINIT_CRITICAL`'s value itself, checked once by `parse` (a table of
/// copies took more code to fill and to search than the list takes to split again). `None`
/// for none set: zero bytes, where an empty slice's pointer is not (`Init::UNREAD`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Critical {
    list: Option<&'static [u8]>,
}

impl Critical {
    /// None.
    pub const NONE: Self = Self { list: None };

    /// `ID[,ID...]` (empty items skipped); `None` for an id that no inittab line can have (over
    /// `ID_MAX` bytes, a NUL or a `:`), or more than `MAX_CRITICAL`.
    pub fn parse(list: &'static [u8]) -> Option<Self> {
        let mut n = 0;
        for id in ids(list) {
            if id.len() > ID_MAX || id.iter().any(|&b| b == 0 || b == b':') {
                return None;
            }
            n += 1;
        }
        (n <= MAX_CRITICAL).then_some(Self { list: Some(list) })
    }

    /// The ids, as given.
    #[cfg(test)]
    fn ids(&self) -> impl Iterator<Item = &'static [u8]> {
        self.list.into_iter().flat_map(ids)
    }

    /// Whether `id` is critical.
    pub fn contains(&self, id: &[u8]) -> bool {
        self.list.is_some_and(|list| ids(list).any(|c| c == id))
    }
}

/// The ids of a list, as given: no list is tested for apart (an empty slice's pointer is not
/// zero, so making one for `None` is code at each use).
fn ids(list: &'static [u8]) -> impl Iterator<Item = &'static [u8]> {
    list.split(|&b| b == b',').filter(|i| !i.is_empty())
}

impl Init {
    /// One warning per critical id the table lacks: at boot and after every re-read.
    pub(super) fn check_critical(&mut self) {
        let queue = &mut self.queue;
        let Some(list) = self.config.critical.list else {
            return;
        };
        for id in ids(list) {
            if self.tab.position(id).is_none() {
                // The line built where it is passed, then the id copied into it (as
                // `admitted`); a listed id fits (`Critical::parse`).
                let mut line = Queued::Log(Notice::CriticalUnknown(Id::new()));
                if let Queued::Log(Notice::CriticalUnknown(quoted)) = &mut line {
                    quoted.extend_from_slice(id).ok();
                }
                enqueue(queue, line);
            }
        }
    }

    /// The process of the entry in `slot` ended on its own with `exit`: when the entry is
    /// critical and no stop runs yet, the container stops, a halt (never a reboot), and vinit
    /// exits with `exit`'s status (0 included). Returns whether it did: its line then stands
    /// for the entry's exit line (one line per event).
    pub(super) fn critical_exit(&mut self, now: Instant, slot: usize, exit: Exit) -> bool {
        let Some(e) = self.tab.entries().get(slot) else {
            return false;
        };
        if !matches!(self.phase, Phase::Boot | Phase::Running)
            || !self.config.critical.contains(&e.id)
        {
            return false;
        }
        let id = e.id.clone();
        self.exit_status = exit.status();
        self.log(Notice::CriticalExit(id, self.exit_status));
        self.change_level(now, Level::HALT, None);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_ids() {
        let c = Critical::parse(b"web,db,,abcd").unwrap();
        assert!(c.contains(b"web") && c.contains(b"db") && c.contains(b"abcd"));
        assert!(!c.contains(b"we") && !c.contains(b"webx") && !c.contains(b""));
        assert_eq!(
            c.ids().collect::<std::vec::Vec<_>>(),
            [&b"web"[..], b"db", b"abcd"]
        );
        assert_eq!(Critical::parse(b"").map(|c| c.ids().count()), Some(0));
        for bad in [&b"abcde"[..], b"a:b", b"1,2,3,4,5,6,7,8,9"] {
            assert_eq!(Critical::parse(bad), None, "{bad:?}");
        }
        assert!(Critical::parse(b"1,2,3,4,5,6,7,8").is_some());
    }
}
