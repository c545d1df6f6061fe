//! Level changes (compat §2.2) and re-reads (compat §2.5): the new level, the diff of the
//! entries, the kill round of the ones that must die. Entering level 0 or 6 starts the stop,
//! decided in `level_entered` only.

use super::*;

impl Init {
    /// A level change request (compat §2.2), or the stop's move to level 0.
    pub(super) fn change_level(&mut self, now: Instant, level: Level, fresh: Option<&mut Inittab>) {
        let mut level = level;
        if matches!(self.phase, Phase::Stopping(_)) && level != Level::HALT {
            // A stop always ends in a stop: a reboot (or anything else) asked by the stop's own
            // entries becomes a halt.
            self.log(Notice::StopOverrides(level.byte()));
            level = Level::HALT;
        }
        if level == self.current {
            return;
        }
        if level == Level::SINGLE {
            self.log(Notice::GoingSingle);
        } else {
            self.log(Notice::Switching(level.byte()));
        }
        let prev = if self.current == Level::SYSINIT || self.current == Level::BOOT {
            b'N'
        } else {
            self.current.byte()
        };
        self.boot_over();
        self.set_level(level, prev);
        self.apply(now, fresh);
        self.level_entered(now, level);
    }

    /// Makes `level` current, with `prev` for PREVLEVEL and the RUN_LVL record.
    pub(super) fn set_level(&mut self, level: Level, prev: u8) {
        self.prev = prev;
        self.current = level;
        self.no_more_said = false;
        self.push(Queued::Do(Act::Runlevel {
            new: level.byte(),
            prev,
        }));
    }

    /// The one place where entering level 0 or 6 starts the stop (or, during a stop, moves it
    /// to its level).
    pub(super) fn level_entered(&mut self, now: Instant, level: Level) {
        let reboot = match level {
            Level::HALT => false,
            Level::REBOOT => true,
            _ => return,
        };
        match &mut self.phase {
            Phase::Stopping(stop) => stop.enter_level(now, reboot),
            Phase::Down | Phase::Boot | Phase::Running => {
                self.phase = Phase::Stopping(Stop::at_level(now, reboot, self.config.stop_budget));
            }
        }
        self.time_stop();
    }

    /// A re-read (`telinit q`, a request's re-read, SIGHUP) at the current level.
    pub(super) fn reload(&mut self, now: Instant, fresh: Option<&mut Inittab>) {
        self.apply(now, fresh);
    }

    /// Re-reads: match entries by id, decide who must die, carry state (compat §2.2 step 5),
    /// reset the throttle (step 10), and start the kill round if anyone must die.
    /// `fresh` is the re-read table, swapped in at the end (the old one is left in it): tables
    /// are never copied, as every copy would stay resident on PID 1's stack.
    fn apply(&mut self, now: Instant, fresh: Option<&mut Inittab>) {
        let dying_added = match fresh {
            Some(tab) => {
                let added = self.carry_to(now, tab);
                self.tab.exchange(tab);
                self.check_critical();
                added
            }
            None => self.carry_in_place(now),
        };
        for p in self.procs.iter_mut() {
            p.throttle = Throttle::default();
        }
        self.timers.respawn = None;
        let deadline = self.kill_deadline(now);
        if dying_added {
            self.start_kill_round(deadline);
        } else if matches!(self.phase, Phase::Stopping(_)) {
            // A round of an earlier request (`telinit -t 600 5`) must not hold the stop's
            // level 0 back: it gets the stop's bound too.
            self.cap_kill_round(deadline);
        }
    }

    /// `apply` without a re-read (a level change): the table is compared with itself, slot by
    /// slot in place, so no second array of 64 processes (5 KB) is probed on PID 1's stack at
    /// every level change. An entry's new slot is the first with its id: its own, or an earlier
    /// `~~`'s, which was already carried. Returns whether anyone must die.
    fn carry_in_place(&mut self, now: Instant) -> bool {
        let level = self.current;
        let mut dying_added = false;
        for i in 0..MAX_ENTRIES {
            let Some(slot) = self.procs.get_mut(i) else {
                break;
            };
            let old = *slot;
            let Some(e) = self.tab.entries().get(i) else {
                *slot = Proc::default();
                continue;
            };
            *slot = Proc::fresh(e.action);
            let new_slot = self.tab.position(&e.id);
            let dies = must_die(
                level,
                &old,
                e,
                new_slot.and_then(|s| self.tab.entries().get(s)),
            );
            dying_added |= dies && push_dying(&mut self.dying, &old, e);
            if let Some(p) = new_slot.and_then(|s| self.procs.get_mut(s)) {
                carry(now, level, &old, dies, p);
            }
        }
        dying_added
    }

    /// `apply` with the re-read table `tab`: each entry's state moves to its id's slot in it.
    /// Not inlined: the new array of processes is built in a frame of its own, only on a
    /// re-read. Returns whether anyone must die.
    #[inline(never)]
    fn carry_to(&mut self, now: Instant, tab: &Inittab) -> bool {
        let level = self.current;
        let mut procs = [Proc::default(); MAX_ENTRIES];
        let mut dying_added = false;
        for (p, e) in procs.iter_mut().zip(tab.entries()) {
            *p = Proc::fresh(e.action);
        }
        for (old, e) in self.procs.iter().zip(self.tab.entries()) {
            let new_slot = tab.position(&e.id);
            let dies = must_die(level, old, e, new_slot.and_then(|s| tab.entries().get(s)));
            dying_added |= dies && push_dying(&mut self.dying, old, e);
            if let Some(p) = new_slot.and_then(|s| procs.get_mut(s)) {
                carry(now, level, old, dies, p);
            }
        }
        self.procs = procs;
        dying_added
    }
}

/// Whether entry `e`, whose process is `old`, must die at `level` when `new_entry` is what the
/// table has for its id now (compat §2.2 step 5).
fn must_die(level: Level, old: &Proc, e: &Entry, new_entry: Option<&Entry>) -> bool {
    match new_entry {
        None => true,
        Some(n) if n.action != e.action => true,
        Some(n) => {
            n.action != Action::Boot
                && !n.levels.contains(level)
                && (level == Level::SINGLE || !old.demand)
        }
    }
}

/// Adds `e`'s running process `old` to the kill round; whether it was added.
fn push_dying(dying: &mut Vec<Dying, MAX_DYING>, old: &Proc, e: &Entry) -> bool {
    old.pid.is_some_and(|pid| {
        dying
            .push(Dying {
                pid,
                id: e.id.clone(),
                utmp: writes_utmp(e),
                hung: false,
            })
            .is_ok()
    })
}

/// `old`'s state carried into its slot `p` in the new table: all of it if it lives on, only
/// its history if it dies (`vinit status` keeps it, told to die now).
fn carry(now: Instant, level: Level, old: &Proc, dies: bool, p: &mut Proc) {
    if dies {
        p.starts = old.starts;
        p.last_exit = old.last_exit;
        p.since = old.pid.map_or(old.since, |_| Some(now));
    } else {
        *p = Proc {
            demand: old.demand && level != Level::SINGLE,
            throttle: Throttle::default(),
            ..*old
        };
    }
}
