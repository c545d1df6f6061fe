//! What `vinit status` reports: a read-only view of each entry's state and history, and of the
//! machine's level, taken at `now`. Nothing here changes the machine.

use super::*;

/// An entry's state as `vinit status` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Its process runs (or is being started).
    Running,
    /// In this level and not running, but it will start: behind a barrier, after a fork
    /// back-off or a kill round, on its trigger (power, ctrlaltdel, kbrequest) or its demand.
    Waiting,
    /// In this level and done: a once, wait or boot entry that ended, an `off` entry.
    Stopped,
    /// Stopped by the respawn throttle (compat §2.9) for this much longer.
    Disabled(Duration),
    /// Its levels do not include the current one.
    NotInLevel,
}

/// One entry as `vinit status` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryReport<'a> {
    pub entry: &'a Entry,
    pub state: State,
    pub pid: Option<Pid>,
    /// Starts since boot (a respawn that was refused is not one).
    pub starts: u32,
    pub last_exit: Option<Exit>,
    /// How long ago it last started, exited or was told to die; `None` if it never did.
    pub since: Option<Duration>,
}

/// The machine's level and whether a stop runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    pub current: Level,
    /// The previous level's byte ('N' at boot).
    pub prev: u8,
    pub stopping: bool,
}

impl Init {
    /// The level, the previous one, and whether the stop sequence runs.
    pub fn summary(&self) -> Summary {
        Summary {
            current: self.current,
            prev: self.prev,
            stopping: matches!(self.phase, Phase::Stopping(_)),
        }
    }

    /// Every entry of the table, in order, as at `now`.
    pub fn report(&self, now: Instant) -> impl Iterator<Item = EntryReport<'_>> {
        self.tab
            .entries()
            .iter()
            .zip(&self.procs)
            .map(move |(e, p)| EntryReport {
                entry: e,
                state: self.state(now, e, p),
                pid: p.pid,
                starts: p.starts,
                last_exit: p.last_exit,
                since: p.since.map(|t| now.since(t)),
            })
    }

    fn state(&self, now: Instant, e: &Entry, p: &Proc) -> State {
        if p.running() {
            return State::Running;
        }
        if let Some(until) = p.throttle.disabled_until.get().filter(|&u| u > now) {
            return State::Disabled(until.since(now));
        }
        let level = self.current;
        let numeric = level.is_numeric();
        if !(e.levels.contains(level) || p.demand && numeric) {
            // The boot's entries ran in the boot's pseudo-levels: done, not elsewhere.
            return match e.action {
                Action::SysInit | Action::Boot | Action::BootWait if p.starts > 0 => State::Stopped,
                _ => State::NotInLevel,
            };
        }
        match e.action {
            Action::Off | Action::InitDefault => State::Stopped,
            Action::Respawn | Action::OnDemand => State::Waiting,
            // Triggered entries are "already executed" until their trigger (compat §1.5).
            a if is_triggered(a) => State::Waiting,
            _ if p.done => State::Stopped,
            _ => State::Waiting,
        }
    }
}
