//! The machine: reboot(2) and the kernel release.

use super::Result;

/// What reboot(2) is asked to do: each variant is the kernel's command number (reboot(2)),
/// passed as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum RebootCmd {
    /// LINUX_REBOOT_CMD_RESTART.
    Restart = libc::LINUX_REBOOT_CMD_RESTART as u32,
    /// LINUX_REBOOT_CMD_HALT.
    Halt = libc::LINUX_REBOOT_CMD_HALT as u32,
    /// LINUX_REBOOT_CMD_POWER_OFF.
    PowerOff = libc::LINUX_REBOOT_CMD_POWER_OFF as u32,
    /// LINUX_REBOOT_CMD_KEXEC.
    Kexec = libc::LINUX_REBOOT_CMD_KEXEC as u32,
    /// LINUX_REBOOT_CMD_CAD_ON: Ctrl-Alt-Del reboots at once.
    CadOn = libc::LINUX_REBOOT_CMD_CAD_ON as u32,
    /// LINUX_REBOOT_CMD_CAD_OFF: Ctrl-Alt-Del sends SIGINT to init.
    CadOff = libc::LINUX_REBOOT_CMD_CAD_OFF as u32,
}

/// reboot(2). Inside a PID namespace, restart/halt/power-off kill the namespace's init
/// instead of the machine; without CAP_SYS_BOOT every command fails with EPERM. The raw call,
/// the command as it is (no table from an enum of our own to rustix's).
/// Out of line: it is one of the rare paths `.cargo/cold-text` gives a segment of its own.
#[inline(never)]
#[allow(unsafe_code)]
pub fn reboot(cmd: RebootCmd) -> Result<()> {
    // SAFETY: reboot(2) takes plain integers: the two magic numbers and a command; the
    // fourth argument is read only for LINUX_REBOOT_CMD_RESTART2, never passed.
    super::raw_syscall::void(unsafe {
        super::raw_syscall::raw4(
            libc::SYS_reboot,
            libc::LINUX_REBOOT_MAGIC1 as u32 as usize,
            libc::LINUX_REBOOT_MAGIC2 as u32 as usize,
            cmd as u32 as usize,
            0,
        )
    })
}

/// The kernel release from uname(2), for wtmp's ut_host.
pub fn kernel_release() -> heapless::Vec<u8, { vinit_core::limits::KERNEL_RELEASE_MAX }> {
    let name = rustix::system::uname();
    // The kernel's utsname field is 65 bytes with its NUL, so the text always fits (no cut
    // to the bound first); were it longer, the release would be left empty.
    heapless::Vec::from_slice(name.release().to_bytes()).unwrap_or_default()
}
