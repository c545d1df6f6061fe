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
        // One call for both lines.
        self.log(if level == Level::SINGLE {
            Notice::GoingSingle
        } else {
            Notice::Switching(level.byte())
        });
        let prev = if self.current.is_boot_phase() {
            b'N'
        } else {
            self.current.byte()
        };
        self.set_level(level, prev);
        self.apply(now, fresh);
        self.level_entered(now, level);
    }

    /// Makes `level` current, with `prev` for PREVLEVEL and the RUN_LVL record: the boot
    /// phases are over (both callers enter a real level or single-user).
    pub(super) fn set_level(&mut self, level: Level, prev: u8) {
        self.boot_over();
        self.prev = prev;
        self.current = level;
        self.no_more_said = false;
        self.act(Act::Runlevel {
            new: level.byte(),
            prev,
        });
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
    }

    /// A re-read (`telinit q`, a request's re-read, SIGHUP) at the current level.
    pub(super) fn reload(&mut self, now: Instant, fresh: Option<&mut Inittab>) {
        self.apply(now, fresh);
    }

    /// Re-reads: match entries by id, decide who must die, carry state (compat §2.2 step 5),
    /// reset the throttle (step 10), and start the kill round if anyone must die.
    /// `fresh` is the re-read table, swapped in first (the old one is left in it and read as
    /// the old table): tables are never copied, as every copy would stay resident on PID 1's
    /// stack. Swapped (and checked) before the walk, so that nothing of `fresh` is kept across
    /// it; the walk queues nothing, so the critical lines still come first.
    fn apply(&mut self, now: Instant, mut fresh: Option<&mut Inittab>) {
        let level = self.current;
        let mut dying_added = false;
        if let Some(fresh) = fresh.as_deref_mut() {
            self.tab.exchange(fresh);
            self.check_critical();
        }
        // Without a fresh table the current one is compared with itself, not with a copy.
        let old_tab = fresh.as_deref().unwrap_or(&self.tab);
        let tab = &self.tab;
        // The old states are read from a copy while the new ones are written in place.
        let olds = self.procs;
        let procs = &mut self.procs;
        fresh_procs(procs, tab);
        for (old, e) in olds.iter().zip(old_tab.entries()) {
            let new_slot = tab.position(&e.id).map(usize::from);
            let new_entry = new_slot.and_then(|s| tab.entries().get(s));
            let must_die = match new_entry {
                None => true,
                Some(n) if n.action != e.action => true,
                Some(n) => {
                    n.action != Action::Boot
                        && !n.levels.contains(level)
                        && (level == Level::SINGLE || !old.demand)
                }
            };
            if must_die
                && let Some(pid) = old.pid
                && self
                    .dying
                    .push(Dying {
                        pid,
                        id: Id::new(),
                        utmp: writes_utmp(e),
                        hung: false,
                    })
                    .is_ok()
            {
                // The id cloned where it stays (as `admitted`), not returned aside and copied.
                if let Some(d) = self.dying.last_mut() {
                    d.id.clone_from(&e.id);
                }
                dying_added = true;
            }
            // One look-up of the new slot for either outcome.
            let Some(p) = new_slot.and_then(|s| procs.get_mut(s)) else {
                continue;
            };
            if must_die {
                // Still in the table: `vinit status` keeps its history, told to die now.
                p.starts = old.starts;
                p.last_exit = old.last_exit;
                p.since = old.pid.map_or(old.since, |_| Some(now));
            } else {
                let demand = old.demand && level != Level::SINGLE;
                *p = Proc {
                    demand,
                    throttle: Throttle::default(),
                    ..*old
                };
            }
        }
        self.timers.respawn = Deadline::NONE;
        let deadline = self.kill_deadline(now);
        if dying_added {
            self.start_kill_round(deadline);
        } else if matches!(self.phase, Phase::Stopping(_)) {
            // A round of an earlier request (`telinit -t 600 5`) must not hold the stop's
            // level 0 back: it gets the stop's bound too.
            self.cap_kill_round(deadline);
        }
    }
}
