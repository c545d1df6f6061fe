//! halt, poweroff and reboot (compat §6.3): outside level 0 or 6 and unforced, a shutdown
//! now through init; otherwise the wtmp record, sync and reboot(2) themselves.

use super::runlevel::previous_and_current;
use super::shutdown::go_down;
use super::{KEXEC_NEEDS_FORCE, SOFT_HALT, fail_two, not_root, say};
use crate::sys::{self, Envp, RebootCmd};
use vinit_core::client_args::{HaltProgram, Letters, Shutdown};
use vinit_core::limits::{UTMP_PATH, WTMP_PATH};
use vinit_core::status::signal::{SIGCONT, SIGTSTP};
use vinit_core::utmp;

/// halt, poweroff or reboot with its command line `s`, parsed (`client::run`): the level and
/// `InitHalt` its program asks for, its options.
pub(super) fn halt(prog: &[u8], s: &mut Shutdown, envp: Envp) -> u8 {
    if not_root(prog) {
        return 1;
    }
    let h = s.as_halt();
    if !h.force() && !h.wtmp_only() {
        let level = current_level(envp);
        if h.program == HaltProgram::Reboot && h.kexec() && level != Some(b'6') {
            return say(KEXEC_NEEDS_FORCE);
        }
        if level.is_none() {
            // Two lines, one write: PROG is halt, poweroff or reboot (`personality`).
            fail_two(SOFT_HALT, prog, prog);
        }
        if !matches!(level, Some(b'0' | b'6')) {
            // sysvinit execs `shutdown -h -H|-P now` or `shutdown -r now`; same thing here:
            // the level, `InitHalt` and `-t` `parse` set for the program, and none of halt's
            // letters (its `-k` is not shutdown's). The command itself, not a new one built.
            s.letters = Letters::default();
            return go_down(s, envp, b"");
        }
    }
    if !h.no_wtmp() {
        let (sec, usec) = sys::wall_clock();
        let mut record = [0; utmp::RECORD_LEN];
        // Built in place (returned by value, it was built in the callee's frame and copied),
        // on the zeroed array `build_into` expects.
        utmp::SHUTDOWN.build_into(&mut record, sec as i32, usec as i32, &sys::kernel_release());
        let _ = sys::append_existing(WTMP_PATH, &record);
    }
    if h.wtmp_only() {
        return 0;
    }
    if !h.no_sync() {
        sys::sync();
    }
    if h.program == HaltProgram::Reboot {
        if h.kexec() {
            let _ = sys::reboot(RebootCmd::Kexec);
        }
        let _ = sys::reboot(RebootCmd::Restart);
    } else {
        let _ = sys::reboot(RebootCmd::CadOn);
        // Stop init so it does not respawn anything while the kernel goes down.
        let _ = sys::kill(1, SIGTSTP);
        if h.program == HaltProgram::PowerOff {
            let _ = sys::reboot(RebootCmd::PowerOff);
        }
        let _ = sys::reboot(RebootCmd::Halt);
    }
    // Still here: reboot(2) failed (EPERM without CAP_SYS_BOOT). sysvinit undoes what it did
    // and exits 0 without a word (compat §6.3 step 4).
    let _ = sys::reboot(RebootCmd::CadOff);
    let _ = sys::kill(1, SIGCONT);
    0
}

/// The current level: `RUNLEVEL` when started by init (`INIT_VERSION` set), else utmp's
/// RUN_LVL record, else /var/run/runlevel (compat §6.3 step 1).
fn current_level(envp: Envp) -> Option<u8> {
    if envp.var(b"INIT_VERSION").is_some()
        && let Some(level) = envp.var(b"RUNLEVEL")
    {
        return Some(level.first().copied().unwrap_or(0));
    }
    previous_and_current(UTMP_PATH).map(|(_, current)| current)
}
