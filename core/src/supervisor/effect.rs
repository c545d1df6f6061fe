//! What the machine says to its driver: the effects it asks for (`Effect`, a view built from
//! the queued form when popped, so a spawn hands out the entry by reference and the queue
//! stays small), the inputs' vocabulary (`StopCause`, `Trigger`) and the driver's settings
//! (`Config`). The log lines are `Notice`s (notice.rs).

use super::{Critical, Init, Notice, writes_utmp};
use crate::inittab::Entry;
use crate::levels::Level;
use crate::runtime::Runtime;
use crate::status::{Exit, Pid};
use crate::time::Duration;

/// Why the container is being stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// SIGTERM (docker stop, Kubernetes, busybox `reboot`).
    Term,
    /// SIGINT: the inittab's `ctrlaltdel` entries run first. Under LXC it is no stop but
    /// Ctrl-Alt-Del (`lxc-stop -r`): `handle_stop` hands it to `handle_ctrl_alt_del`.
    Int,
    /// SIGPWR without /var/run/powerstatus: `powerwait`/`powerfail` entries run first.
    Power,
    /// SIGUSR1 (busybox halt).
    Halt,
    /// SIGRTMIN+3 (37): systemd's halt, and the stop signal LXC and Podman send to an init
    /// that blocks it; the log line names the number (37 alone says nothing to a reader).
    SystemdHalt,
    /// SIGUSR2 (busybox poweroff), signal 38 (sysvinit 3.10+ poweroff).
    Poweroff,
}

/// A sysvinit trigger for the entries created "already executed" (compat §1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// SIGWINCH: `kbrequest`.
    KbRequest,
    /// Power status `F` or none, initctl POWERFAIL: `powerfail` + `powerwait`.
    PowerFail,
    /// Power status `L`, initctl POWERFAILNOW: `powerfailnow`.
    PowerFailNow,
    /// Power status `O`, initctl POWEROK: `powerokwait`.
    PowerOk,
    /// `ctrlaltdel`.
    CtrlAltDel,
}

/// What the driver must do: a view of the machine's next effect, with everything needed to
/// do it, borrowed from the machine until the driver's next call into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect<'a> {
    /// Start this entry, then report with `handle_spawned` or `handle_fork_failed`.
    Spawn(Spawn<'a>),
    /// Write one log line (`Notice::render`).
    Log(Notice<'a>),
    /// Everything else: it needs nothing from the table, so it is handed out as it was queued.
    Do(Act),
}

/// An effect that needs nothing from the table (`Effect::Do`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// kill(2): `pid` < 0 addresses a process group.
    Signal { pid: Pid, sig: u8 },
    /// Signal every process but vinit (the final sweep).
    SignalAll(u8),
    /// Count the processes `SignalAll` reaches and report the number with `handle_census`
    /// before the next `poll_effect`: the sweep's lines say it.
    Census,
    /// A runlevel was entered: RUN_LVL utmp record, `/var/run/runlevel`.
    Runlevel { new: u8, prev: u8 },
    /// The end of the sysinit phase: BOOT_TIME record.
    BootTime,
    /// sync(2) before leaving.
    Sync,
    /// Exit with this status.
    Exit(u8),
    /// Level 6 is complete: re-read the inittab and boot again in place.
    Reboot,
    /// Level 6 is complete under LXC: reboot(2) with RB_AUTOBOOT, which ends a PID namespace's
    /// init with SIGHUP, LXC's sign to start the container again. It does not return when it
    /// works; when it fails (EPERM: `lxc.cap.drop = sys_boot`), log it and carry on: the next
    /// effect is the fallback, `Reboot` in place (or the reboot-loop pause).
    RestartContainer,
}

// `Spawn::slot` is a byte: every slot must fit in one.
const _: () = assert!(crate::limits::MAX_ENTRIES <= 1 << u8::BITS);

/// An entry to start, with what its child gets (compat §1.6, §3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spawn<'a> {
    /// What `handle_spawned` and `handle_fork_failed` take back (a slot is below
    /// `MAX_ENTRIES`, 64: one byte keeps `Effect` as small as a `Notice`).
    pub slot: u8,
    /// The inittab entry.
    pub entry: &'a Entry,
    /// The child's RUNLEVEL: the current level, `S` during the boot phases (compat §3.1).
    pub runlevel: u8,
    /// The child's PREVLEVEL (`N` at boot).
    pub prevlevel: u8,
    /// Run it through /etc/initscript when that file is there and usable: every start but in
    /// single-user mode (compat §1.6 step 2).
    pub initscript: bool,
    /// Write its INIT_PROCESS utmp record (the process field has no `+`, compat §6.6).
    pub utmp: bool,
    /// A quick restart inside its respawn window: its exec failure was already reported
    /// once, so it fails quietly (a getty with no tty logs one line, not ten).
    pub quick_restart: bool,
}

/// An action as it waits in the machine's queue: `Effect` without its borrows. The notices
/// that quote the table or the driver's census are completed when popped (`Init::view`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Queued {
    /// `Effect::Spawn` of this slot: handed out at once, never queued.
    Spawn(usize),
    Do(Act),
    Log(Notice<'static>),
    /// `Notice::StopDeadline` of the entry in this slot.
    StopDeadline(usize),
    /// `Notice::Exited` of the entry in this slot. The slot a `usize`, where the notice has
    /// its entry: every other field then lies where the notice has it, so `view` swaps in
    /// the entry and copies the rest as it is.
    Exited {
        slot: usize,
        pid: Pid,
        exit: Exit,
        warns: bool,
    },
    /// `Notice::Started` of the entry in this slot (laid out as `Exited`, for the same reason).
    Started(usize, Pid),
    /// `Notice::SweepTerm` with the last census.
    SweepTerm,
    /// `Notice::SweepKill` with the last census.
    SweepKill,
}

impl Init {
    /// The driver's answer to `Census`: how many processes `SignalAll` reaches now.
    pub fn handle_census(&mut self, left: u32) {
        self.census = left;
    }

    /// The view of a popped action. `None` only for a slot outside the table, which the machine
    /// never queues: a slot is taken from the table, and the table is not swapped before the
    /// slot is popped (the driver drains every action before its next input).
    pub(super) fn view(&self, queued: Queued) -> Option<Effect<'_>> {
        Some(match queued {
            Queued::Spawn(slot) => {
                let entry = self.tab.entries().get(slot)?;
                Effect::Spawn(Spawn {
                    slot: slot as u8,
                    entry,
                    runlevel: self.runlevel_env(),
                    prevlevel: self.prevlevel_env(),
                    initscript: self.current != Level::SINGLE,
                    utmp: writes_utmp(entry),
                    quick_restart: self.procs.get(slot).is_some_and(|p| p.throttle.count > 0),
                })
            }
            Queued::Do(act) => Effect::Do(act),
            Queued::Log(notice) => Effect::Log(notice),
            Queued::StopDeadline(slot) => {
                Effect::Log(Notice::StopDeadline(self.tab.entries().get(slot)?))
            }
            Queued::Exited {
                slot,
                pid,
                exit,
                warns,
            } => Effect::Log(Notice::Exited {
                entry: self.tab.entries().get(slot)?,
                pid,
                exit,
                warns,
            }),
            Queued::Started(slot, pid) => {
                Effect::Log(Notice::Started(self.tab.entries().get(slot)?, pid))
            }
            Queued::SweepTerm => Effect::Log(Notice::SweepTerm(self.census)),
            Queued::SweepKill => Effect::Log(Notice::SweepKill(self.census)),
        })
    }

    /// RUNLEVEL for children: the current level, `S` during the boot phases (compat §3.1).
    pub(super) fn runlevel_env(&self) -> u8 {
        match self.current {
            l if l.is_boot_phase() => b'S',
            l => l.byte(),
        }
    }

    /// PREVLEVEL for children ('N' at boot).
    pub(super) const fn prevlevel_env(&self) -> u8 {
        self.prev
    }
}

/// Settings the driver chooses (flags and `VINIT_*` variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Level booted when the inittab has no `initdefault` (sysvinit would prompt forever).
    pub default_level: Level,
    /// The whole stop, from the stop signal (or entering 0/6) to exit.
    pub stop_budget: Duration,
    /// `VINIT_STOP_DELAY`, `-d`: after a stop signal, wait this long before the stop (inside
    /// the budget: `args::stop_delay_within`); zero: stop at once.
    pub stop_delay: Duration,
    /// `VINIT_REBOOT=exit:N`: level 6 exits with N instead of booting again.
    pub reboot_exit: Option<u8>,
    /// A level from vinit's command line, overriding initdefault (sysvinit's `init 3`).
    pub forced_level: Option<Level>,
    /// The runtime, from PID 1's `container=`: under LXC, SIGINT is Ctrl-Alt-Del and level 6
    /// ends in `RestartContainer`.
    pub runtime: Runtime,
    /// `-v`, `VINIT_VERBOSE`: a line for every spawn and every reap, not only entries' exits.
    pub verbose: bool,
    /// `VINIT_CRITICAL`: the entries whose end stops the container (critical.rs).
    pub critical: Critical,
}

#[cfg(test)]
mod tests {
    /// The queue holds `EFFECT_QUEUE` of them on PID 1's stack: a notice quotes the table by
    /// reference, never by copy (a process field is 256 bytes).
    #[test]
    fn a_queued_action_stays_small() {
        assert!(size_of::<super::Queued>() <= 3 * size_of::<usize>());
    }

    /// A spawn fits beside a notice's tag: `poll_effect` hands out a notice as it was queued,
    /// not split and rebuilt in a larger effect.
    #[test]
    fn an_effect_is_no_larger_than_a_notice() {
        assert_eq!(
            size_of::<Option<super::Effect<'_>>>(),
            size_of::<super::Notice<'_>>()
        );
    }
}
