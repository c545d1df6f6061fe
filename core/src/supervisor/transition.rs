//! The moves init makes by itself when nothing is left to start: the boot phases, the return
//! from single-user, the "no more processes" line (compat §1.8 steps 6-9).

use super::schedule::admitted;
use super::*;
use crate::levels::Levels;

impl Init {
    /// Boot-phase and single-user transitions (compat §1.8 steps 6-9); true if the level moved.
    /// Out of line, as `advance_kill_round`: `poll_effect`'s loop is shorter without it.
    #[inline(never)]
    pub(super) fn transition(&mut self, now: Instant) -> bool {
        if self.busy() {
            return false;
        }
        let level = self.current;
        if level == Level::SYSINIT {
            self.act(Act::BootTime);
        }
        if level == Level::BOOT {
            let target = self.boot_target.unwrap_or(self.config.default_level);
            return self.enter(now, target, b'N');
        }
        if level == Level::SYSINIT || level == Level::SINGLE {
            // One path for the boot target chosen: at the end of sysinit, and when a boot into
            // single-user is over but the target is another level (S, then the boot phase).
            let target = self.boot_target();
            if level == Level::SYSINIT
                || (matches!(self.phase, Phase::Boot) && target != Level::SINGLE)
            {
                self.boot_target = Some(target);
                self.current = if target == Level::SINGLE {
                    Level::SINGLE
                } else {
                    Level::BOOT
                };
                return true;
            }
            self.boot_over();
            // One walk of the entries whose field is exactly S: they run again next time
            // (compat §1.8 step 8), and when the target is S too, each re-run is charged to
            // the entry's respawn throttle (compat §2.9), so a sulogin that fails at once does
            // not spin.
            let stays_single = target == Level::SINGLE;
            let queue = &mut self.queue;
            let mut rearmed = false;
            for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
                if e.levels != Levels::SINGLE_ONLY {
                    continue;
                }
                if !stays_single {
                    p.done = false;
                } else if p.done && admitted(&mut p.throttle, &e.id, now, queue) {
                    p.done = false;
                    rearmed = true;
                }
            }
            if stays_single {
                // True if any entry was re-armed.
                self.time_respawns(now);
                return rearmed;
            }
            return self.enter(now, target, b'S');
        }
        let stop_in_level = matches!(&self.phase, Phase::Stopping(stop) if stop.in_level());
        if !self.no_more_said && !stop_in_level {
            self.no_more_said = true;
            self.log(Notice::NoMoreProcesses);
        }
        false
    }

    /// The boot phases or single-user are over: `target` is entered from `prev`. True.
    fn enter(&mut self, now: Instant, target: Level, prev: u8) -> bool {
        self.log(Notice::Entering(target.byte()));
        self.set_level(target, prev);
        self.level_entered(now, target);
        true
    }

    /// The initdefault level, or the configured default when there is none.
    fn boot_target(&mut self) -> Level {
        if let Some(level) = self.config.forced_level {
            return level;
        }
        match self.tab.initdefault() {
            Some(level) => level,
            None => {
                let level = self.config.default_level;
                let notice = match self.tab.initdefault_char() {
                    Some(c) => Notice::InvalidInitdefault(c, level.byte(), self.inittab()),
                    None => Notice::NoInitdefault(level.byte(), self.inittab()),
                };
                self.log(notice);
                level
            }
        }
    }

    /// The boot phases are over (the first real level, or single-user, was reached).
    pub(super) fn boot_over(&mut self) {
        if matches!(self.phase, Phase::Boot) {
            self.phase = Phase::Running;
        }
    }
}
