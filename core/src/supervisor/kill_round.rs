//! The kill round of a level change (compat §2.2 steps 6-9): the processes of the entries that
//! must die get TERM, then KILL after the sleep time, then a report of the ones that hang.
//! Nothing new starts while it runs; its deadline is the timer table's `kill_round` slot.

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

/// Where the kill round is; its deadline is `Timers::kill_round`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum KillRound {
    /// SIGTERM not sent yet; KILL at the deadline.
    Pending,
    /// SIGTERM sent; KILL at the deadline unless all are gone before.
    Term,
    /// SIGKILL sent; report hangs at the deadline.
    Kill,
}

/// How long after a level change's SIGKILL vinit waits for the reaps before it reports the
/// processes that seem to hang and goes on (sysvinit pauses 10 ms, compat §2.2 step 9; a
/// container's reaps can take longer under load, and nothing is lost by waiting a little).
const KILL_SETTLE: Duration = Duration::from_millis(100);

impl Init {
    /// The kill round's KILL deadline: the request's sleep time (compat §2.2), bounded by the
    /// stop's budget during a stop. The round ends early anyway the moment everything has
    /// exited.
    pub(super) fn kill_deadline(&self, now: Instant) -> Instant {
        match &self.phase {
            Phase::Stopping(stop) => stop.kill_deadline(now, self.sleeptime),
            Phase::Down | Phase::Boot | Phase::Running => now.after(self.sleeptime),
        }
    }

    /// Starts a round that sends KILL at `deadline`.
    pub(super) fn start_kill_round(&mut self, deadline: Instant) {
        self.kill_round = Some(KillRound::Pending);
        self.timers.kill_round = Deadline::at(deadline);
    }

    /// Brings a running round's deadline forward to `latest` at the latest.
    pub(super) fn cap_kill_round(&mut self, latest: Instant) {
        if self.kill_round.is_some() {
            self.timers.kill_round.cap(latest);
        }
    }

    /// Drops the round (the processes left stay in `dying`, so their exits are recognised).
    pub(super) fn end_kill_round(&mut self) {
        self.kill_round = None;
        self.timers.kill_round = Deadline::NONE;
    }

    /// Signals the process group of every process of the kill round (not the ones an earlier
    /// round found hung: they have had their KILL), after a notice with their count.
    fn signal_dying(&mut self, sig: u8) {
        let n = self.dying.iter().filter(|d| !d.hung).count() as u16;
        // The notice by the signal: no constructor called through a pointer.
        self.log(if sig == SIGKILL {
            Notice::SendingKill(n)
        } else {
            Notice::SendingTerm(n)
        });
        // One bound check a pass: `act` borrows `self`, so the length is read again anyway.
        let mut i = 0;
        while let Some(d) = self.dying.get(i) {
            let (pid, hung) = (d.pid, d.hung);
            i += 1;
            if !hung {
                self.act(Act::Signal { pid: -pid, sig });
            }
        }
    }

    /// Moves the round on at `now`; what it has to do goes to the queue.
    /// Out of line: inlined into `poll_effect`, its registers spilled all over the loop.
    #[inline(never)]
    pub(super) fn advance_kill_round(&mut self, now: Instant) {
        let Some(round) = self.kill_round else {
            return;
        };
        let due = self.timers.kill_round.due(now);
        match round {
            // Everyone already exited (their exits can be reaped in the same wake-up as the
            // request that started the round), or only hung ones are left: nothing to wait for.
            _ if self.dying.iter().all(|d| d.hung) => self.end_kill_round(),
            KillRound::Pending => {
                self.signal_dying(SIGTERM);
                self.kill_round = Some(KillRound::Term);
            }
            KillRound::Term if due => {
                self.signal_dying(SIGKILL);
                self.kill_round = Some(KillRound::Kill);
                self.timers.kill_round = Deadline::at(now.after(KILL_SETTLE));
            }
            KillRound::Kill if due => {
                for i in 0..self.dying.len() {
                    if let Some(d) = self.dying.get_mut(i).filter(|d| !d.hung) {
                        d.hung = true;
                        let notice = Notice::Hang(d.pid, d.id.clone());
                        self.log(notice);
                    }
                }
                // They stay in `dying`, so their exit is recognised later; scheduling goes on.
                self.end_kill_round();
            }
            KillRound::Term | KillRound::Kill => {}
        }
    }
}
