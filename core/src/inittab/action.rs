//! Field 3 of an inittab line: the action names, compared like sysvinit's `strcasecmp`, and
//! the groups that decide an entry's list place, default levels and barrier (compat §1.5).

/// What an entry does (compat §1.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Restarted whenever it exits while its level is current.
    Respawn,
    /// Run once on entering a level; init waits for it.
    Wait,
    /// Run once on entering a level.
    Once,
    /// Run once at boot, in pseudo-level `*`.
    Boot,
    /// Run once at boot, in pseudo-level `*`; init waits for it.
    BootWait,
    /// Never run.
    Off,
    /// Like respawn, after `telinit a|b|c`.
    OnDemand,
    /// Not run: selects the default level.
    InitDefault,
    /// Run first at boot, in pseudo-level `#`; init waits for it.
    SysInit,
    /// On power failure; init waits for it.
    PowerWait,
    /// On power failure.
    PowerFail,
    /// On power restored; init waits for it.
    PowerOkWait,
    /// On battery low; init waits for it.
    PowerFailNow,
    /// On SIGINT (Ctrl-Alt-Del); init waits for it.
    CtrlAltDel,
    /// On SIGWINCH (keyboard request).
    KbRequest,
}

/// Every action with its sysvinit name.
pub(super) const ACTIONS: [Action; 15] = [
    Action::Respawn,
    Action::Wait,
    Action::Once,
    Action::Boot,
    Action::BootWait,
    Action::Off,
    Action::OnDemand,
    Action::InitDefault,
    Action::SysInit,
    Action::PowerWait,
    Action::PowerFail,
    Action::PowerOkWait,
    Action::PowerFailNow,
    Action::CtrlAltDel,
    Action::KbRequest,
];

/// The names, in `ACTIONS` order, one after the other (`NAME_ENDS` cuts them).
const NAMES: &str = "respawnwaitonceboot\
    bootwaitoffondemandinitdefaultsysinit\
    powerwaitpowerfailpowerokwaitpowerfailnowctrlaltdelkbrequest";

/// Where each name of `NAMES` starts: the name of action `i` is `NAME_ENDS[i]..NAME_ENDS[i + 1]`
/// (the test `action_names` checks every one).
const NAME_ENDS: [u8; 16] = [
    0, 7, 11, 15, 19, 27, 30, 38, 49, 56, 65, 74, 85, 97, 107, 116,
];
const _: () = assert!(matches!(NAME_ENDS, [.., end] if end as usize == NAMES.len()));

impl Action {
    /// The action named `name`, compared case-insensitively like sysvinit's `strcasecmp`
    /// (compat §1.3, runtime-confirmed: `ONCE` works). Byte by byte: the slice method's
    /// chunked fast path is twice the code, for names of at most 12 bytes.
    pub fn from_name(name: &[u8]) -> Option<Self> {
        // The names are lower-case letters only, so setting the field byte's case bit folds
        // it enough: only `k` and its upper case match a letter `k` that way.
        ACTIONS.iter().copied().find(|a| {
            let known = a.name().as_bytes();
            known.len() == name.len() && known.iter().zip(name).all(|(&k, &n)| k == n | 0x20)
        })
    }

    /// The lower-case sysvinit name: a slice of one string (a table of 15 `&str` is 240
    /// bytes of pointers and lengths).
    pub fn name(self) -> &'static str {
        let i = self as usize;
        let (Some(&start), Some(&end)) = (NAME_ENDS.get(i), NAME_ENDS.get(i + 1)) else {
            return "";
        };
        NAMES
            .get(usize::from(start)..usize::from(end))
            .unwrap_or_default()
    }

    /// powerwait, powerfail, powerokwait, powerfailnow and ctrlaltdel: kept at the front of the
    /// list (compat §1.7) and given `S0123456789` for an empty runlevels field (compat §1.4).
    pub const fn is_power_group(self) -> bool {
        matches!(
            self,
            Self::PowerWait
                | Self::PowerFail
                | Self::PowerOkWait
                | Self::PowerFailNow
                | Self::CtrlAltDel
        )
    }

    /// Barrier actions: while one runs, nothing after it in the list starts (compat §1.5, §1.7).
    pub const fn waits(self) -> bool {
        matches!(
            self,
            Self::SysInit
                | Self::BootWait
                | Self::Wait
                | Self::PowerWait
                | Self::PowerOkWait
                | Self::PowerFailNow
                | Self::CtrlAltDel
        )
    }
}
