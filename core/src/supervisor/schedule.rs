//! sysvinit's scheduler walk (compat §1.7) and the questions asked of the entries' states: what
//! starts next, what still runs, what a trigger marks.

use super::*;

impl Init {
    /// The scheduler walk of compat §1.7: the first entry to start, honouring barriers.
    pub(super) fn next_to_start(&mut self, now: Instant) -> Option<usize> {
        let level = self.current;
        let numeric = level.is_numeric();
        // Notices go straight to the queue (sized for a full table): a small local buffer here
        // once dropped the "respawning too fast" lines of the 5th and 6th getty throttled in one walk.
        let queue = &mut self.queue;
        let mut found = None;
        for (slot, (p, e)) in self.procs.iter_mut().zip(self.tab.entries()).enumerate() {
            if p.waiting {
                break;
            }
            if p.running() {
                continue;
            }
            let here = e.levels.contains(level) || (p.demand && numeric);
            if !here {
                // `waiting` is false here (a waiting entry ended the walk above).
                if !is_triggered(e.action) {
                    p.done = false;
                }
                continue;
            }
            let start = match e.action {
                Action::Off | Action::InitDefault => false,
                Action::OnDemand if !p.demand => false,
                Action::Respawn | Action::OnDemand => admitted(&mut p.throttle, &e.id, now, queue),
                _ => !p.done,
            };
            if start {
                p.spawning = true;
                if !matches!(e.action, Action::Respawn | Action::OnDemand) {
                    p.done = true;
                }
                p.waiting = e.action.waits();
                found = Some(slot);
                break;
            }
        }
        self.time_respawns(now);
        found
    }

    /// Sets the timer table's respawn slot to the earliest end of a throttle's disable still to
    /// come. A disable that has ended but that the walk did not reach (a running barrier holds
    /// it) needs no timer: the walk that reaches it follows the barrier's exit, an event; a
    /// deadline left in the past would wake the driver at once, again and again.
    pub(super) fn time_respawns(&mut self, now: Instant) {
        self.timers.respawn = self
            .procs
            .iter()
            .map(|p| p.throttle.disabled_until)
            .filter(|&until| until > Deadline::at(now))
            .fold(Deadline::NONE, Ord::min);
    }

    /// Whether the level's own entries (not respawners) are finished and the scheduler walk
    /// would start nothing (checked without side effects): the stop's "settled". One walk for
    /// both questions.
    pub(super) fn entries_settled(&self) -> bool {
        let level = self.current;
        for (p, e) in self.procs.iter().zip(self.tab.entries()) {
            if p.waiting {
                return false;
            }
            if p.running() {
                if !matches!(e.action, Action::Respawn | Action::OnDemand | Action::Boot) {
                    return false;
                }
                continue;
            }
            if !e.levels.contains(level) {
                continue;
            }
            match e.action {
                Action::Off | Action::InitDefault | Action::Respawn | Action::OnDemand => {}
                _ if !p.done => return false,
                _ => {}
            }
        }
        true
    }

    /// Whether anything but `boot` entries runs (the boot phases' test, compat §1.8).
    pub(super) fn busy(&self) -> bool {
        self.procs
            .iter()
            .zip(self.tab.entries())
            .any(|(p, e)| p.running() && e.action != Action::Boot)
    }

    /// Clears "already executed" on the entries `trigger` is for, so the walk starts them.
    pub(super) fn mark_triggered(&mut self, trigger: Trigger) {
        // The one or two actions the trigger is for, decided once, not per entry.
        let (a, b) = match trigger {
            Trigger::KbRequest => (Action::KbRequest, Action::KbRequest),
            Trigger::PowerFail => (Action::PowerFail, Action::PowerWait),
            Trigger::PowerFailNow => (Action::PowerFailNow, Action::PowerFailNow),
            Trigger::PowerOk => (Action::PowerOkWait, Action::PowerOkWait),
            Trigger::CtrlAltDel => (Action::CtrlAltDel, Action::CtrlAltDel),
        };
        for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
            if e.action == a || e.action == b {
                p.done = false;
            }
        }
    }

    /// Whether an entry a stop signal triggers (ctrlaltdel, powerwait/powerfail) of the current
    /// level is still to run or runs.
    pub(super) fn triggered_pending(&self) -> bool {
        self.procs.iter().zip(self.tab.entries()).any(|(p, e)| {
            matches!(
                e.action,
                Action::CtrlAltDel | Action::PowerFail | Action::PowerWait
            ) && e.levels.contains(self.current)
                && (!p.done || p.running())
        })
    }
}

/// Asks an entry's respawn throttle about a start at `now`, queueing what it has to say;
/// true if the entry may start.
pub(super) fn admitted(
    throttle: &mut Throttle,
    id: &Id,
    now: Instant,
    queue: &mut Deque<Queued, EFFECT_QUEUE>,
) -> bool {
    let start = match throttle.admit(now) {
        Verdict::Off => return false,
        Verdict::Start => return true,
        Verdict::Reenabled => true,
        Verdict::TooFast => false,
    };
    // The line built where it is passed, then the id cloned into it: a clone taken first was
    // returned aside and copied twice, into the notice, then into the line.
    let mut line = Queued::Log(if start {
        Notice::Reenabled(Id::new())
    } else {
        Notice::RespawningTooFast(Id::new())
    });
    if let Queued::Log(Notice::Reenabled(quoted) | Notice::RespawningTooFast(quoted)) = &mut line {
        quoted.clone_from(id);
    }
    enqueue(queue, line);
    start
}
