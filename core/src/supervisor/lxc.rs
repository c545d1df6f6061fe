//! What changes under LXC (`container=lxc`, `Config::runtime`; docs/runtimes.md): SIGINT is
//! `lxc-stop -r`, which sysvinit takes as Ctrl-Alt-Del (here); the end of level 6 is
//! `RestartContainer` (reboot(2)) before the reboot in place (stopping.rs `finish`).

use super::*;

impl Init {
    /// SIGINT under LXC: Ctrl-Alt-Del, as sysvinit takes it. The `ctrlaltdel` entries of the
    /// current level run, and the level they ask for is an ordinary request (`init 6`, Debian's
    /// `shutdown -r now`: a reboot). With no such entry, runlevel 6: `lxc-stop -r` means a
    /// reboot. During a stop, or between boots, it changes nothing. Silent, as in sysvinit:
    /// the entries' own lines, or `Switching to runlevel: 6`, say what happens.
    pub(super) fn ctrl_alt_del(&mut self, now: Instant) {
        if matches!(self.phase, Phase::Down | Phase::Stopping(_)) {
            return;
        }
        // The stop's start for SIGINT with level 6 (outside a stop it marks no stop as
        // begun): the `ctrlaltdel` entries, else runlevel 6. One path, not a copy of it.
        self.begin_stop(now, StopCause::Int, Level::REBOOT);
    }
}
