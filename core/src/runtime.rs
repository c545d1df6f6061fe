//! The container runtime vinit runs under, from PID 1's `container=` variable (read once into
//! the supervisor's `Config`): what the runtime's signals mean and how it tells a reboot from a
//! halt (docs/runtimes.md).
//!
//! LXC (`container=lxc`) stops with `lxc.signal.halt` (SIGRTMIN+3 to an init that blocks it)
//! and waits 60 s; `lxc-stop -r` sends SIGINT, Ctrl-Alt-Del to sysvinit, and waits for the
//! container to come back; LXC restarts the container only when init was killed by SIGHUP,
//! which is what reboot(2) with RB_AUTOBOOT does to a PID namespace's init. Docker sets no
//! `container=`, Podman sets `container=podman`: both keep the plain behaviour (SIGINT stops,
//! level 6 reboots in place, 9 s budget).

use crate::limits::{DEFAULT_STOP_BUDGET_SECS, LXC_STOP_BUDGET_SECS};

/// The runtime, as far as vinit's behaviour depends on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Runtime {
    /// Docker, Podman, Kubernetes, anything but LXC.
    #[default]
    Other,
    /// LXC: SIGINT is Ctrl-Alt-Del, level 6 ends in reboot(2), the budget fits its 60 s.
    Lxc,
}

impl Runtime {
    /// The runtime named by the value of `container` (`None`: not set).
    pub const fn from_container(value: Option<&[u8]>) -> Self {
        match value {
            Some([b'l', b'x', b'c']) => Self::Lxc,
            _ => Self::Other,
        }
    }

    /// The stop budget when neither `-T` nor `VINIT_STOP_TIMEOUT` sets one: inside the
    /// runtime's own wait before its SIGKILL.
    pub const fn default_stop_budget_secs(self) -> u64 {
        match self {
            Self::Other => DEFAULT_STOP_BUDGET_SECS,
            Self::Lxc => LXC_STOP_BUDGET_SECS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Runtime;

    #[test]
    fn only_container_lxc_is_lxc() {
        assert_eq!(Runtime::from_container(Some(b"lxc")), Runtime::Lxc);
        for other in [
            None,
            Some(&b"podman"[..]),
            Some(b"docker"),
            Some(b""),
            Some(b"LXC"),
        ] {
            assert_eq!(Runtime::from_container(other), Runtime::Other, "{other:?}");
        }
        assert_eq!(Runtime::Lxc.default_stop_budget_secs(), 55);
        assert_eq!(Runtime::Other.default_stop_budget_secs(), 9);
    }
}
