//! The machine: reboot(2) and the kernel release.

use super::Result;

/// What reboot(2) is asked to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RebootCmd {
    /// LINUX_REBOOT_CMD_RESTART.
    Restart,
    /// LINUX_REBOOT_CMD_HALT.
    Halt,
    /// LINUX_REBOOT_CMD_POWER_OFF.
    PowerOff,
    /// LINUX_REBOOT_CMD_KEXEC.
    Kexec,
    /// LINUX_REBOOT_CMD_CAD_ON: Ctrl-Alt-Del reboots at once.
    CadOn,
    /// LINUX_REBOOT_CMD_CAD_OFF: Ctrl-Alt-Del sends SIGINT to init.
    CadOff,
}

/// reboot(2). Inside a PID namespace, restart/halt/power-off kill the namespace's init
/// instead of the machine; without CAP_SYS_BOOT every command fails with EPERM.
/// Out of line: it is one of the rare paths `.cargo/cold-text` gives a segment of its own.
#[inline(never)]
pub fn reboot(cmd: RebootCmd) -> Result<()> {
    use rustix::system::RebootCommand as R;
    rustix::system::reboot(match cmd {
        RebootCmd::Restart => R::Restart,
        RebootCmd::Halt => R::Halt,
        RebootCmd::PowerOff => R::PowerOff,
        RebootCmd::Kexec => R::Kexec,
        RebootCmd::CadOn => R::CadOn,
        RebootCmd::CadOff => R::CadOff,
    })
}

/// The kernel release from uname(2), for wtmp's ut_host.
pub fn kernel_release() -> heapless::Vec<u8, { vinit_core::limits::KERNEL_RELEASE_MAX }> {
    let name = rustix::system::uname();
    // The kernel's utsname field is 65 bytes with its NUL, so the text always fits (no cut
    // to the bound first); were it longer, the release would be left empty.
    heapless::Vec::from_slice(name.release().to_bytes()).unwrap_or_default()
}
