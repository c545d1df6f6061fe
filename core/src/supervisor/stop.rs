//! The kill round of a level change (compat §2.2 steps 6-9) and the container stop sequence
//! (compat §9): TERM, wait, KILL; the level-0/6 entries inside their share of the budget; the
//! final sweep.

use super::*;

/// A process of an entry that must die in a level change (compat §2.2 steps 6-9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Dying {
    pub(super) pid: Pid,
    pub(super) id: Id,
    /// Write a DEAD_PROCESS record when it is reaped (the entry had no `+`).
    pub(super) utmp: bool,
    /// Still there after its KILL (reported `seems to hang`): no later round waits for it.
    pub(super) hung: bool,
}

/// The kill round of a level change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KillRound {
    /// SIGTERM not sent yet; KILL at `deadline`.
    Pending { deadline: Instant },
    /// SIGTERM sent; KILL at `deadline` unless all are gone before.
    Term { deadline: Instant },
    /// SIGKILL sent; report hangs at `deadline`.
    Kill { deadline: Instant },
}

impl KillRound {
    /// The same phase with its deadline no later than `latest`.
    pub(super) fn capped(self, latest: Instant) -> Self {
        match self {
            Self::Pending { deadline } => Self::Pending {
                deadline: deadline.min(latest),
            },
            Self::Term { deadline } => Self::Term {
                deadline: deadline.min(latest),
            },
            Self::Kill { deadline } => Self::Kill {
                deadline: deadline.min(latest),
            },
        }
    }
}

/// The container stop sequence (compat §9 design notes; issue "container lifecycle").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// Running normally.
    None,
    /// A stop signal arrived; its own entries (ctrlaltdel, powerwait/powerfail) run first,
    /// then level 0.
    Pending { started: Instant },
    /// In level 0 or 6: the level's entries run until they are done or `started` + the
    /// entries' share of the budget.
    Level { started: Instant, reboot: bool },
    /// The final sweep: TERM, grace, KILL.
    Sweep { started: Instant, reboot: bool },
}

/// How long after a level change's SIGKILL vinit waits for the reaps before it reports the
/// processes that seem to hang and goes on (sysvinit pauses 10 ms, compat §2.2 step 9; a
/// container's reaps can take longer under load, and nothing is lost by waiting a little).
const KILL_SETTLE: Duration = Duration::from_millis(100);

impl Init {
    /// The kill round's KILL deadline: the request's sleep time (compat §2.2). During a stop the
    /// runtime asked for, at least sysvinit's default 3 s (a `shutdown -t1` written for a
    /// machine halt must not cut a service's flush short) and at most two thirds of what is
    /// left of the entries' share of the budget: the level's own entries (`rc 0`) start only
    /// after the round, so a service that ignores SIGTERM must not use up their time. The
    /// round ends early anyway the moment everything has exited.
    pub(super) fn kill_deadline(&self, now: Instant) -> Instant {
        match self.stop {
            Stop::Pending { started } | Stop::Level { started, .. } => {
                let floor = self
                    .sleeptime
                    .max(Duration::from_secs(DEFAULT_SLEEPTIME_SECS as u64));
                let left = started.after(self.entries_share()).since(now);
                now.after(floor.min(Duration::from_millis(left.millis() * 2 / 3)))
            }
            Stop::None | Stop::Sweep { .. } => now.after(self.sleeptime),
        }
    }

    /// Signals the process group of every process of the kill round (not the ones an earlier
    /// round found hung: they have had their KILL), after a notice with their count.
    pub(super) fn signal_dying(&mut self, sig: u8, notice: fn(u16) -> Notice<'static>) {
        let n = self.dying.iter().filter(|d| !d.hung).count();
        self.log(notice(n as u16));
        for i in 0..self.dying.len() {
            if let Some(pid) = self.dying.get(i).filter(|d| !d.hung).map(|d| d.pid) {
                self.push(Queued::Signal { pid: -pid, sig });
            }
        }
    }

    pub(super) fn advance_kill_round(&mut self, now: Instant) -> Option<Queued> {
        let round = self.kill_round?;
        match round {
            // Everyone already exited (their exits can be reaped in the same wake-up as the
            // request that started the round), or only hung ones are left: nothing to wait for.
            _ if self.dying.iter().all(|d| d.hung) => self.kill_round = None,
            KillRound::Pending { deadline } => {
                self.signal_dying(SIGTERM, Notice::SendingTerm);
                self.kill_round = Some(KillRound::Term { deadline });
            }
            KillRound::Term { deadline } if now >= deadline => {
                self.signal_dying(SIGKILL, Notice::SendingKill);
                self.kill_round = Some(KillRound::Kill {
                    deadline: now.after(KILL_SETTLE),
                });
            }
            KillRound::Kill { deadline } if now >= deadline => {
                for i in 0..self.dying.len() {
                    if let Some(d) = self.dying.get_mut(i).filter(|d| !d.hung) {
                        d.hung = true;
                        let notice = Notice::Hang(d.pid, d.id.clone());
                        self.log(notice);
                    }
                }
                // They stay in `dying`, so their exit is recognised later; scheduling goes on.
                self.kill_round = None;
            }
            KillRound::Term { .. } | KillRound::Kill { .. } => {}
        }
        self.queue.pop_front()
    }

    // ---------------------------------------------------------------- stop sequence

    /// The share of the stop budget for the level's entries (and the level change's kill
    /// round): what is left after the sweep's grace and kill reserve.
    pub(super) fn entries_share(&self) -> Duration {
        let budget = self.config.stop_budget.millis();
        Duration::from_millis(budget - budget / 4 - budget / 8)
    }

    pub(super) fn sweep_grace(&self) -> Duration {
        Duration::from_millis(self.config.stop_budget.millis() / 4)
    }

    pub(super) fn triggered_pending(&self) -> bool {
        self.procs.iter().zip(self.tab.entries()).any(|(p, e)| {
            matches!(
                e.action,
                Kind::CtrlAltDel | Kind::PowerFail | Kind::PowerWait
            ) && e.levels.contains(self.current)
                && (!p.done || p.running())
        })
    }

    pub(super) fn enter_stop_level(&mut self, now: Instant, reboot: bool) {
        let level = Level::digit(if reboot { 6 } else { 0 });
        if let Some(level) = level {
            let before = self.current;
            self.change_level(now, level, None);
            if before == level {
                self.begin_stop_level(now, reboot);
            }
        }
    }

    pub(super) fn begin_stop_level(&mut self, now: Instant, reboot: bool) {
        let started = match self.stop {
            Stop::Pending { started } => started,
            Stop::None | Stop::Level { .. } | Stop::Sweep { .. } => now,
        };
        self.stop = Stop::Level { started, reboot };
    }

    /// Whether the level's own entries (not respawners) are finished.
    pub(super) fn level_entries_done(&self) -> bool {
        self.procs.iter().zip(self.tab.entries()).all(|(p, e)| {
            !p.running() || matches!(e.action, Kind::Respawn | Kind::OnDemand | Kind::Boot)
        })
    }

    pub(super) fn start_sweep(
        &mut self,
        now: Instant,
        started: Instant,
        reboot: bool,
    ) -> Option<Queued> {
        self.stop = Stop::Sweep { started, reboot };
        let deadline = started.after(self.config.stop_budget);
        let kill_reserve = Duration::from_millis(self.config.stop_budget.millis() / 8);
        let latest_kill =
            Instant::from_millis(deadline.millis().saturating_sub(kill_reserve.millis()));
        let grace = self.sweep_grace().min(latest_kill.since(now));
        let kill_wait = deadline.since(now.after(grace));
        match self
            .sweep
            .start_within(now, grace, kill_wait, !self.children)
        {
            Step::SignalAll(sig) => {
                self.push(Queued::Census);
                self.push(Queued::SweepTerm);
                Some(Queued::SignalAll(sig))
            }
            Step::Finished | Step::Wait => self.finish(now, started, reboot),
        }
    }

    pub(super) fn finish(
        &mut self,
        now: Instant,
        started: Instant,
        reboot: bool,
    ) -> Option<Queued> {
        self.log(Notice::Stopped(now.since(started)));
        self.push(Queued::Sync);
        match (reboot, self.config.reboot_exit) {
            (true, None) if self.reboots.allow(now) => self.push(Queued::Reboot),
            (true, None) => {
                let pause = Duration::from_secs(REBOOT_PAUSE_SECS);
                self.log(Notice::RebootLoop(pause));
                self.reboot_at = Some(now.after(pause));
            }
            (true, Some(code)) => self.push(Queued::Exit(code)),
            (false, _) => self.push(Queued::Exit(0)),
        }
        self.stop = Stop::None;
        self.booted = false;
        self.queue.pop_front()
    }

    pub(super) fn advance_stop(&mut self, now: Instant) -> Option<Queued> {
        match self.stop {
            Stop::None => None,
            Stop::Pending { started } => {
                if now >= started.after(self.entries_share()) || !self.triggered_pending() {
                    self.enter_stop_level(now, false);
                }
                None
            }
            Stop::Level { started, reboot } => {
                let deadline = started.after(self.entries_share());
                if now >= deadline {
                    let mut late: Vec<usize, MAX_ENTRIES> = Vec::new();
                    for (slot, (p, e)) in self.procs.iter().zip(self.tab.entries()).enumerate() {
                        if p.running() && !matches!(e.action, Kind::Respawn | Kind::OnDemand) {
                            let _ = late.push(slot);
                        }
                    }
                    for slot in late {
                        self.push(Queued::StopDeadline(slot));
                    }
                    self.kill_round = None;
                    return self.start_sweep(now, started, reboot);
                }
                if self.kill_round.is_none()
                    && !self.frozen
                    && self.level_entries_done()
                    && self.nothing_to_start()
                {
                    return self.start_sweep(now, started, reboot);
                }
                None
            }
            Stop::Sweep { started, reboot } => match self.sweep.poll(now, !self.children) {
                Step::Wait => None,
                Step::SignalAll(sig) => {
                    self.push(Queued::Census);
                    self.push(Queued::SweepKill);
                    Some(Queued::SignalAll(sig))
                }
                Step::Finished => self.finish(now, started, reboot),
            },
        }
    }

    /// Whether the scheduler walk would start nothing (checked without side effects).
    pub(super) fn nothing_to_start(&self) -> bool {
        let level = self.current;
        for (p, e) in self.procs.iter().zip(self.tab.entries()) {
            if p.waiting {
                return false;
            }
            if p.running() || !e.levels.contains(level) {
                continue;
            }
            match e.action {
                Kind::Off | Kind::InitDefault | Kind::Respawn | Kind::OnDemand => {}
                _ if !p.done => return false,
                _ => {}
            }
        }
        true
    }

    /// A further stop signal: move on to the next phase at once.
    pub(super) fn hurry(&mut self, now: Instant) {
        self.log(Notice::StopHurried);
        match self.stop {
            Stop::None => {}
            Stop::Pending { started } => {
                self.stop = Stop::Level {
                    started,
                    reboot: false,
                };
                self.enter_stop_level(now, false);
                if let Some(a) = self.start_sweep(now, started, false) {
                    self.push(a);
                }
            }
            Stop::Level { started, reboot } => {
                self.kill_round = None;
                if let Some(a) = self.start_sweep(now, started, reboot) {
                    self.push(a);
                }
            }
            Stop::Sweep { .. } => {
                if let Step::SignalAll(sig) = self.sweep.hurry(now) {
                    self.push(Queued::Census);
                    self.push(Queued::SweepKill);
                    self.push(Queued::SignalAll(sig));
                }
            }
        }
    }
}
