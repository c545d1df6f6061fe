//! What the machine says to its driver: the effects it asks for (`Action`), the log lines it
//! wants written (`Notice`), the inputs' vocabulary (`StopCause`, `Trigger`) and the driver's
//! settings (`Config`).

use crate::inittab::Id;
use crate::levels::Level;
use crate::status::Pid;
use crate::time::Duration;

/// Why the container is being stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// SIGTERM (docker stop, Kubernetes, busybox `reboot`).
    Term,
    /// SIGINT: the inittab's `ctrlaltdel` entries run first.
    Int,
    /// SIGPWR without /var/run/powerstatus: `powerwait`/`powerfail` entries run first.
    Power,
    /// SIGUSR1 (busybox halt), SIGRTMIN+3 (systemd halt), signal 38 (sysvinit 3.10+ poweroff).
    Halt,
    /// SIGUSR2 (busybox poweroff).
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

/// Something worth one log line; the edge words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// `Switching to runlevel: L` (a request; compat §2.1).
    Switching(u8),
    /// `Going single user`.
    GoingSingle,
    /// `Entering runlevel: L` at the end of boot or coming back from S.
    Entering(u8),
    /// No `initdefault` entry: booting this documented default instead of prompting.
    NoInitdefault(u8),
    /// `no more processes left in this runlevel`.
    NoMoreProcesses,
    /// `Id "x" respawning too fast: disabled for 5 minutes`.
    RespawningTooFast(Id),
    /// A disabled entry is allowed to run again.
    Reenabled(Id),
    /// `Sending processes configured via /etc/inittab the TERM signal` (with the count).
    SendingTerm(u16),
    /// `... the KILL signal`.
    SendingKill(u16),
    /// `Pid N [id x] seems to hang`.
    Hang(Pid, Id),
    /// `bad runlevel: c`.
    BadRunlevel(u8),
    /// `Re-reading inittab`.
    Rereading,
    /// `Activating demand-procedures for 'A'`.
    Demand(u8),
    /// `telinit u`: accepted; vinit keeps its state and does not re-exec.
    ReExec,
    /// A stop signal arrived (the cause) and the stop sequence starts.
    StopRequested(StopCause),
    /// A further stop signal: the stop moves on to its next phase now.
    StopHurried,
    /// A level change asked during a stop was turned into a halt (the stop always ends).
    StopOverrides(u8),
    /// This level-0/6 entry was still running when the stop budget's share for the level's
    /// entries ran out; the sweep takes it.
    StopDeadline(Id),
    /// The final sweep: SIGTERM to this many processes, then the grace period.
    SweepTerm(u16),
    /// The grace period ran out: SIGKILL to what is left.
    SweepKill,
    /// The stop is complete after this long.
    Stopped(Duration),
    /// `tstp`: frozen by `halt -f`; `cont`: thawed.
    Frozen(bool),
    /// A stop signal thawed a frozen init: the stop's level-0 entries must run.
    StopThawed,
    /// fork(2) failed for this entry with this errno; spawning is tried again after a
    /// back-off (sysvinit: `cannot fork, retry..`). Once per run of failures, at most once in
    /// `FORK_LOG_INTERVAL_SECS`.
    CannotFork(Id, i32),
    /// A fork worked again after this many failed ones (ends a logged `CannotFork`).
    ForkWorks(u32),
    /// Too many reboots in place inside the window: the next boot waits this long.
    RebootLoop(Duration),
}

/// What the driver must do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Start `entries()[slot]`, then report with `handle_spawned`.
    Spawn(usize),
    /// kill(2): `pid` < 0 addresses a process group.
    Signal { pid: Pid, sig: u8 },
    /// Signal every process but vinit (the final sweep).
    SignalAll(u8),
    /// A runlevel was entered: RUN_LVL utmp record, `/var/run/runlevel`.
    Runlevel { new: u8, prev: u8 },
    /// The end of the sysinit phase: BOOT_TIME record.
    BootTime,
    /// Write one log line.
    Log(Notice),
    /// sync(2) before leaving.
    Sync,
    /// Exit with this status.
    Exit(u8),
    /// Level 6 is complete: re-read the inittab and boot again in place.
    Reboot,
}

/// Settings the driver chooses (flags and `VINIT_*` variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Level booted when the inittab has no `initdefault` (sysvinit would prompt forever).
    pub default_level: Level,
    /// The whole stop, from the stop signal (or entering 0/6) to exit.
    pub stop_budget: Duration,
    /// `VINIT_REBOOT=exit:N`: level 6 exits with N instead of booting again.
    pub reboot_exit: Option<u8>,
    /// A level from vinit's command line, overriding initdefault (sysvinit's `init 3`).
    pub forced_level: Option<Level>,
}
