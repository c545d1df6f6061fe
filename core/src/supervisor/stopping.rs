//! The machine's side of the container stop (compat §9 design notes): a stop signal starts the
//! `Stop` machine (stop.rs), and each of its steps is carried out here: enter level 0, name the
//! late entries, start the sweep, end in exit or a reboot in place.

use super::*;

impl Init {
    /// A stop signal from the runtime: a stop always ends in exit (compat §9 design notes).
    /// Under LXC, SIGINT is no stop but Ctrl-Alt-Del (`lxc-stop -r`, lxc.rs).
    pub fn handle_stop(&mut self, now: Instant, cause: StopCause) {
        if cause == StopCause::Int && self.config.runtime == Runtime::Lxc {
            return self.ctrl_alt_del(now);
        }
        // Between boots, in the reboot-loop pause: nothing runs, level 6 stopped it all.
        let down = matches!(self.phase, Phase::Down);
        if self.frozen && !down {
            // `halt -f` froze spawning and never thawed it; the stop needs level 0 to run.
            self.frozen = false;
            self.log(Notice::StopThawed);
        }
        if let Phase::Stopping(stop) = &mut self.phase {
            // A stop signal during a reboot turns it into a halt: the runtime wants it gone.
            stop.halt();
            return self.hurry(now);
        }
        // One line for either start: between boots the stop is over at once.
        let budget = self.config.stop_budget;
        let delay = if down {
            Duration::ZERO
        } else {
            self.config.stop_delay
        };
        self.log(Notice::StopRequested(cause, budget, delay));
        if down {
            self.timers.reboot = Deadline::NONE;
            self.log(Notice::Stopped(Duration::ZERO));
            self.act(Act::Exit(0));
            return;
        }
        self.phase = Phase::Stopping(Stop::requested(now, budget, delay, cause));
        if delay.millis() == 0 {
            self.begin_stop(now, cause, Level::HALT);
        }
    }

    /// The stop begins (at the stop signal, or when its drain delay is over): the cause's
    /// own entries, then `level` (0; 6 for LXC's Ctrl-Alt-Del, lxc.rs, which is no stop:
    /// it shares this path outside a stop).
    pub(super) fn begin_stop(&mut self, now: Instant, cause: StopCause, level: Level) {
        if let Phase::Stopping(stop) = &mut self.phase {
            stop.begin();
        }
        let trigger = match cause {
            StopCause::Int => Some(Trigger::CtrlAltDel),
            StopCause::Power => Some(Trigger::PowerFail),
            StopCause::Term | StopCause::Halt | StopCause::SystemdHalt | StopCause::Poweroff => {
                None
            }
        };
        if let Some(trigger) = trigger {
            self.mark_triggered(trigger);
            if self.triggered_pending() {
                return;
            }
        }
        self.change_level(now, level, None);
        // A call, not a tail call: one epilogue, not a copy of it (as `carry_out`).
        core::hint::black_box(());
    }

    /// Advances the stop on a wake-up; `true` when what it queued goes out before anything
    /// else moves (`carry_out`).
    pub(super) fn advance_stop(&mut self, now: Instant) -> bool {
        let progress = Progress {
            triggered_pending: self.triggered_pending(),
            settled: self.kill_round.is_none() && !self.frozen && self.entries_settled(),
            all_gone: !self.children,
        };
        let Phase::Stopping(stop) = &mut self.phase else {
            return false;
        };
        let step = stop.poll(now, progress);
        self.carry_out(now, step, false)
    }

    /// A further stop signal: move on to the next stage at once.
    fn hurry(&mut self, now: Instant) {
        self.log(Notice::StopHurried);
        let Phase::Stopping(stop) = &mut self.phase else {
            return;
        };
        let step = stop.hurry(now);
        self.carry_out(now, step, true);
    }

    /// Does what the stop asks; `hurried` by a further stop signal, the drain's end is not
    /// said and level 0 is passed at once (its entries go with the sweep). Every effect is
    /// queued, in the order it goes out; `true` for the sweep's signal and the stop's end,
    /// which go out before anything else moves.
    fn carry_out(&mut self, now: Instant, step: StopStep, hurried: bool) -> bool {
        let hand_out = match step {
            StopStep::Wait => false,
            StopStep::Begin(cause) => {
                if !hurried {
                    self.log(Notice::Drained);
                }
                self.begin_stop(now, cause, Level::HALT);
                false
            }
            StopStep::EnterLevel => {
                self.change_level(now, Level::HALT, None);
                hurried && self.start_sweep(now)
            }
            StopStep::StartSweep { overdue } => {
                if overdue {
                    self.name_late_entries();
                }
                self.end_kill_round();
                self.start_sweep(now)
            }
            // The sweep's signals, each after its line with the driver's census.
            StopStep::SweepStarted(sig) | StopStep::SweepKill(sig) => {
                self.act(Act::Census);
                self.push(if matches!(step, StopStep::SweepStarted(_)) {
                    Queued::SweepTerm
                } else {
                    Queued::SweepKill
                });
                self.act(Act::SignalAll(sig));
                true
            }
            StopStep::Done { reboot } => {
                self.finish(now, reboot);
                true
            }
        };
        // No arm ends in a tail call: each would be a copy of the epilogue, where a call
        // returns to the one epilogue.
        core::hint::black_box(());
        hand_out
    }

    /// The level's entries' share of the budget ran out: each one still running is named (the
    /// sweep takes it).
    fn name_late_entries(&mut self) {
        let queue = &mut self.queue;
        for (slot, (p, e)) in self.procs.iter().zip(self.tab.entries()).enumerate() {
            if p.running() && !matches!(e.action, Action::Respawn | Action::OnDemand) {
                enqueue(queue, Queued::StopDeadline(slot));
            }
        }
    }

    /// Starts the final sweep, with a notice of how many processes it signals (the driver's
    /// census).
    fn start_sweep(&mut self, now: Instant) -> bool {
        let all_gone = !self.children;
        let Phase::Stopping(stop) = &mut self.phase else {
            return false;
        };
        let step = stop.start_sweep(now, all_gone);
        self.carry_out(now, step, false)
    }

    /// The stop is complete: sync, then exit, or reboot in place (after the reboot-loop pause
    /// when reboots come too fast). Under LXC the reboot in place is only the fallback:
    /// `RestartContainer` comes first, and does not return when it works.
    fn finish(&mut self, now: Instant, reboot: bool) {
        // Always a stop here: `Done` is its last step.
        let took = match &self.phase {
            Phase::Stopping(stop) => stop.took(now),
            Phase::Down | Phase::Boot | Phase::Running => Duration::ZERO,
        };
        self.log(Notice::Stopped(took));
        self.act(Act::Sync);
        if reboot && self.config.reboot_exit.is_none() {
            if self.config.runtime == Runtime::Lxc {
                self.act(Act::RestartContainer);
            }
            if self.reboots.allow(now) {
                self.act(Act::Reboot);
            } else {
                let pause = Duration::from_secs(REBOOT_PAUSE_SECS);
                self.log(Notice::RebootLoop);
                self.timers.reboot = Deadline::at(now.after(pause));
            }
        } else {
            // One exit: `VINIT_REBOOT=exit:N`'s code for a reboot, else the halt's status.
            let code = self.config.reboot_exit.filter(|_| reboot);
            self.act(Act::Exit(code.unwrap_or(self.exit_status)));
        }
        self.phase = Phase::Down;
    }
}
