//! What changes under LXC (`container=lxc`, `Config::runtime`; docs/runtimes.md): SIGINT is
//! `lxc-stop -r`, which sysvinit takes as Ctrl-Alt-Del, and the end of level 6 is
//! `RestartContainer` (reboot(2), stopping.rs), which falls back to a reboot in place here.

use super::*;

/// Level 6: where a Ctrl-Alt-Del goes when the inittab has no `ctrlaltdel` entry.
const REBOOT: Level = match Level::digit(6) {
    Some(level) => level,
    None => Level::SINGLE,
};

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
        self.mark_triggered(Trigger::CtrlAltDel);
        if !self.triggered_pending() {
            self.change_level(now, REBOOT, None);
        }
    }

    /// The driver's answer to `RestartContainer` when reboot(2) failed with `errno` (EPERM
    /// without CAP_SYS_BOOT): boot again in place, as without LXC.
    pub fn handle_restart_refused(&mut self, now: Instant, errno: i32) {
        if matches!(self.phase, Phase::Down) {
            self.log(Notice::RestartRefused(errno));
            self.reboot_in_place(now);
        }
    }
}
