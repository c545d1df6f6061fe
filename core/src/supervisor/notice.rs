//! What the machine says: one `Notice` per log line, carrying everything its words need, and
//! the words themselves (sysvinit's where sysvinit says it, compat §2, §4, §9). The driver
//! only picks the line's prefix (`warns`) and writes it.

use super::StopCause;
use crate::display::{Arg, Line, pack, pack_into};
use crate::fill;
use crate::inittab::{Entry, Id};
use crate::limits::{FORK_RETRY_MAX_MS, REBOOT_MAX, REBOOT_PAUSE_SECS, REBOOT_WINDOW_SECS};
use crate::status::{Exit, Pid};
use crate::time::Duration;

/// Something worth one log line; it renders itself (`render`). The variants are in the
/// order of their templates (`TEMPLATE_TEXT`), those of one shape of arguments neighbours, and
/// the warnings (`warns`) together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice<'a> {
    /// `Switching to runlevel: L` (a request; compat §2.1).
    Switching(u8),
    /// `Entering runlevel: L` at the end of boot or coming back from S.
    Entering(u8),
    /// `bad runlevel: c`.
    BadRunlevel(u8),
    /// `Activating demand-procedures for 'A'`.
    Demand(u8),
    /// A level change asked during a stop was turned into a halt (the stop always ends).
    StopOverrides(u8),
    /// `Going single user`.
    GoingSingle,
    /// `no more processes left in this runlevel`.
    NoMoreProcesses,
    /// `Re-reading inittab`.
    Rereading,
    /// `telinit u`: accepted; vinit keeps its state and does not re-exec.
    ReExec,
    /// The drain delay is over: the stop begins.
    Drained,
    /// A further stop signal: the stop moves on to its next phase now.
    StopHurried,
    /// A stop signal thawed a frozen init: the stop's level-0 entries must run.
    StopThawed,
    /// `tstp`: frozen by `halt -f`; `cont`: thawed.
    Frozen(bool),
    /// `Sending processes configured via /etc/inittab the TERM signal` (with the count).
    SendingTerm(u16),
    /// `... the KILL signal`.
    SendingKill(u16),
    /// The final sweep: SIGTERM to the processes left (the driver's census), then the grace
    /// period.
    SweepTerm(u32),
    /// The grace period ran out: SIGKILL to the processes left (the driver's census).
    SweepKill(u32),
    /// A fork worked again after this many failed ones (ends a logged `CannotFork`).
    ForkWorks(u32),
    /// The stop is complete after this long.
    Stopped(Duration),
    /// `Pid N [id x] seems to hang`.
    Hang(Pid, Id),
    /// A stop signal arrived (the cause) and the stop sequence starts, with this budget, after
    /// this drain delay (`VINIT_STOP_DELAY`; zero: at once).
    StopRequested(StopCause, Duration, Duration),
    /// This level-0/6 entry was still running when the stop budget's share for the level's
    /// entries ran out; the sweep takes it. (A reference: a notice in the queue stays small.)
    StopDeadline(&'a Entry),
    /// `-v`: a process reaped that is no longer its entry's (a kill round's), with the
    /// entry's id, or an orphan (an empty id).
    Reaped(Id, Pid, Exit),
    /// `-v`: an entry's process started.
    Started(&'a Entry, Pid),
    /// An entry's process ended: `id "web" (pid 42, /usr/bin/web) exited with status 1`. A
    /// warning when `warns` (it ended on its own, unexpectedly: `Init::exit_warns`).
    Exited {
        entry: &'a Entry,
        pid: Pid,
        exit: Exit,
        warns: bool,
    },
    /// A disabled entry is allowed to run again.
    Reenabled(Id),
    /// `Id "x" respawning too fast: disabled for 5 minutes` (a warning: a service is down).
    RespawningTooFast(Id),
    /// `VINIT_CRITICAL` names this id, which the inittab lacks.
    CriticalUnknown(Id),
    /// fork(2) failed for this entry with this errno; spawning is tried again after a
    /// back-off (sysvinit: `cannot fork, retry..`). Once per run of failures, at most once in
    /// `FORK_LOG_INTERVAL_SECS`.
    CannotFork(Id, i32),
    /// A critical entry (`VINIT_CRITICAL`) ended on its own with this status (128+N for
    /// signal N): the container stops, and vinit exits with it.
    CriticalExit(Id, u8),
    /// Too many reboots in place inside the window: the next boot waits `REBOOT_PAUSE_SECS`.
    RebootLoop,
    /// An `initdefault` entry whose level (this character) is none: sysvinit's `Initdefault
    /// level 'c' is invalid`, then this default boots instead of a prompt.
    InvalidInitdefault(u8, u8, &'a core::ffi::CStr),
    /// No `initdefault` entry in this inittab: booting this documented default instead of
    /// prompting.
    NoInitdefault(u8, &'a core::ffi::CStr),
}

impl Notice<'_> {
    /// Whether the line is a warning (else it is information): a range of tags and a flag,
    /// inlined into the driver's `say`.
    #[inline(always)]
    pub const fn warns(&self) -> bool {
        // Neighbours, and an exit that says so: the two tests joined without a branch, so the
        // exit's arm is not split off with a second copy of the line's start.
        let by_kind = matches!(
            self,
            Self::RespawningTooFast(_)
                | Self::CriticalUnknown(_)
                | Self::CannotFork(..)
                | Self::CriticalExit(..)
                | Self::InvalidInitdefault(..)
                | Self::RebootLoop
        );
        by_kind | matches!(self, Self::Exited { warns: true, .. })
    }

    /// The variant's place in the declaration, which is its template's number in
    /// `TEMPLATES` (the tag itself: the compiler folds this match away).
    const fn index(&self) -> usize {
        match self {
            Self::Switching(..) => 0,
            Self::Entering(..) => 1,
            Self::BadRunlevel(..) => 2,
            Self::Demand(..) => 3,
            Self::StopOverrides(..) => 4,
            Self::GoingSingle => 5,
            Self::NoMoreProcesses => 6,
            Self::Rereading => 7,
            Self::ReExec => 8,
            Self::Drained => 9,
            Self::StopHurried => 10,
            Self::StopThawed => 11,
            Self::Frozen(..) => 12,
            Self::SendingTerm(..) => 13,
            Self::SendingKill(..) => 14,
            Self::SweepTerm(..) => 15,
            Self::SweepKill(..) => 16,
            Self::ForkWorks(..) => 17,
            Self::Stopped(..) => 18,
            Self::Hang(..) => 19,
            Self::StopRequested(..) => 20,
            Self::StopDeadline(..) => 21,
            Self::Reaped(..) => 22,
            Self::Started(..) => 23,
            Self::Exited { .. } => 24,
            Self::Reenabled(..) => 25,
            Self::RespawningTooFast(..) => 26,
            Self::CriticalUnknown(..) => 27,
            Self::CannotFork(..) => 28,
            Self::CriticalExit(..) => 29,
            Self::RebootLoop => 30,
            Self::InvalidInitdefault(..) => 31,
            Self::NoInitdefault(..) => 32,
        }
    }

    /// Writes the line's words (without the log's `vinit: <level>: ` prefix): one
    /// `Line::write` of the notice's template, by its number in `TEMPLATES` (its variant's
    /// `index`, or one of the templates after them), with the arguments its arm gathers.
    /// Notices of one shape are neighbours and share an arm: a few range checks pick it, not
    /// a jump table of an address per variant.
    pub fn render(&self, line: &mut Line) {
        let w = Line::write;
        let index = self.index();
        let (number, args): (usize, &[Arg<'_>]) = match self {
            Self::Switching(l)
            | Self::Entering(l)
            | Self::BadRunlevel(l)
            | Self::Demand(l)
            | Self::StopOverrides(l) => (index, &[level(l)]),
            Self::GoingSingle
            | Self::NoMoreProcesses
            | Self::Rereading
            | Self::ReExec
            | Self::Drained
            | Self::StopHurried
            | Self::StopThawed
            | Self::Frozen(_)
            | Self::RebootLoop => (
                if matches!(self, Self::Frozen(true)) {
                    FROZEN
                } else {
                    index
                },
                &[],
            ),
            // A count and its noun's plural ending, after the signal's name for the kill round's
            // lines: the lines without a name have an empty one, which their templates leave out.
            Self::SendingTerm(_)
            | Self::SendingKill(_)
            | Self::SweepTerm(_)
            | Self::SweepKill(_)
            | Self::ForkWorks(_)
            | Self::Stopped(_) => {
                // From a table, not a match on the variant: a match would split the arm into
                // one per variant again. The kill round's two lines share SendingTerm's template.
                let (signal, plural) = COUNT_FIELDS
                    .get(index - Self::SendingTerm(0).index())
                    .copied()
                    .unwrap_or_default();
                let number = index - usize::from(signal / 2);
                let counted = match self {
                    Self::SendingTerm(n) | Self::SendingKill(n) => u64::from(*n),
                    Self::SweepTerm(n) | Self::SweepKill(n) | Self::ForkWorks(n) => u64::from(*n),
                    Self::Stopped(d) => d.millis(),
                    _ => 0,
                };
                // The noun is in the template: only its plural's ending is an argument.
                let plural = if counted == 1 { 0 } else { plural };
                (
                    number,
                    &[
                        Arg::Packed(COUNT_WORDS, signal),
                        Arg::Unsigned(counted),
                        Arg::Packed(COUNT_WORDS, plural),
                    ],
                )
            }
            Self::Hang(pid, id) => (index, &[Arg::Signed(i64::from(*pid)), Arg::Text(id)]),
            Self::StopRequested(cause, budget, delay) => {
                // The cause's head: data, by the cause; what runs first: its template.
                line.write_field(STOP_HEADS, 0, *cause as usize, &[]);
                if delay.millis() > 0 {
                    fill!(
                        w,
                        [line],
                        "draining for {} ms before the stop (VINIT_STOP_DELAY), then ",
                        delay.millis()
                    );
                }
                let number = match cause {
                    StopCause::Int => CTRLALTDEL_FIRST,
                    StopCause::Power => POWER_FIRST,
                    _ => index,
                };
                (number, &[Arg::Unsigned(budget.millis())])
            }
            // One arm for both: `id "web" (pid 42, /usr/bin/web) ` then how it went (a start's
            // template takes no fourth argument).
            // A reaped process has no command line, a stop's deadline no pid: an empty one, which
            // their templates put where it shows nothing. An orphan's id is empty too (an entry's never is): its template
            // puts it first.
            Self::StopDeadline(..) | Self::Reaped(..) | Self::Started(..) | Self::Exited { .. } => {
                // Three small matches, not one of four-tuples: the pid and the exit lie at
                // the same place in every variant that has them.
                let (id, process): (&[u8], &[u8]) = match self {
                    Self::StopDeadline(entry)
                    | Self::Started(entry, _)
                    | Self::Exited { entry, .. } => (&entry.id, &entry.process),
                    Self::Reaped(id, ..) => (id, &[]),
                    _ => (&[], &[]),
                };
                let pid = match self {
                    Self::Reaped(_, p, _) | Self::Started(_, p) | Self::Exited { pid: p, .. } => {
                        Arg::Signed(i64::from(*p))
                    }
                    _ => Arg::Text(&[]),
                };
                let how = match self {
                    Self::Reaped(_, _, exit) | Self::Exited { exit, .. } => Arg::Exit(*exit),
                    _ => Arg::Unsigned(0),
                };
                (
                    if id.is_empty() { ORPHAN } else { index },
                    &[Arg::Text(id), pid, Arg::Text(process), how],
                )
            }
            // An id first, then (a fork failure, a critical exit) a second value: the
            // templates that take fewer arguments leave the rest.
            Self::Reenabled(id)
            | Self::RespawningTooFast(id)
            | Self::CriticalUnknown(id)
            | Self::CannotFork(id, _)
            | Self::CriticalExit(id, _) => {
                let second = match self {
                    Self::CannotFork(_, errno) => Arg::Errno(*errno as u16),
                    Self::CriticalExit(_, status) => Arg::Unsigned(u64::from(*status)),
                    _ => Arg::Unsigned(0),
                };
                (index, &[Arg::Text(id), second])
            }
            // The level that is none first: a missing initdefault has an empty one, which its
            // template puts where it shows nothing.
            Self::InvalidInitdefault(_, l, inittab) | Self::NoInitdefault(l, inittab) => {
                let invalid = match self {
                    Self::InvalidInitdefault(c, ..) => level(c),
                    _ => Arg::Text(&[]),
                };
                (index, &[invalid, Arg::Text(inittab.to_bytes()), level(l)])
            }
        };
        line.write_field(&TEMPLATES, 0, number, args);
    }
}

/// The templates after the variants' own (`TEMPLATE_TEXT`): `Frozen(true)`'s, an orphan's
/// `Reaped`, and what a stop runs first for SIGINT and SIGPWR.
const FROZEN: usize = 33;
const ORPHAN: usize = 34;
const CTRLALTDEL_FIRST: usize = 35;
const POWER_FIRST: usize = 36;

/// A runlevel's character as an argument.
const fn level(l: &u8) -> Arg<'_> {
    Arg::Text(core::slice::from_ref(l))
}

/// The count lines' words by number, NUL-separated, packed: none, the kill round's signals
/// (1, 2), the plurals' endings (3, 4).
const COUNT_WORDS: &[u8] = crate::packed!("\0TERM\0KILL\0s\0es");

/// The count lines' fields of `COUNT_WORDS`, from SendingTerm's `index` on: the signal's
/// name and the plural's ending.
const COUNT_FIELDS: [(u8, u8); 6] = [(1, 4), (2, 4), (0, 4), (0, 4), (0, 3), (0, 4)];

/// A stop line's head by its cause (`StopCause`'s order), NUL-separated, packed: the signal
/// in each (one text, not a packed template and a plain name as its argument).
const STOP_HEADS: &[u8] = crate::packed!(concat!(
    "stop: SIGTERM received: \0",
    "stop: SIGINT received: \0",
    "stop: SIGPWR received: \0",
    "stop: halt signal received: \0",
    "stop: SIGRTMIN+3 (37: LXC, Podman halt) received: \0",
    "stop: poweroff signal received: ",
));

/// Every notice's template, NUL-separated: a variant's at its `index`, then those of
/// `FROZEN` on.
const TEMPLATE_TEXT: &str = concat!(
    "Switching to runlevel: {}\0",
    "Entering runlevel: {}\0",
    "bad runlevel: {}\0",
    "Activating demand-procedures for '{}'\0",
    "stop: runlevel {} requested during the stop: halting instead\0",
    "Going single user\0",
    "no more processes left in this runlevel\0",
    "Re-reading inittab\0",
    "re-exec requested (telinit u): state kept, nothing to do\0",
    "stop: drain over: stopping\0",
    "stop: another stop signal: skipping to the next phase\0",
    "stop: thawed: spawning was frozen (SIGTSTP), and runlevel 0 must run\0",
    "thawed (SIGCONT)\0",
    // The counts' lines: SendingKill has SendingTerm's (an empty one at its place), the
    // later ones the signal's empty name first.
    "Sending processes configured via /etc/inittab the {} signal ({} process{})\0",
    "\0",
    "stop: sending TERM to {}{} remaining process{}\0",
    "stop: grace period over: sending KILL to {}{} process{}\0",
    "fork works again after {}{} failed attempt{}\0",
    "stop: complete in {}{} ms\0",
    "Pid {} [id {}] seems to hang\0",
    // After the stop's cause and drain delay (`render`), what a stop runs.
    "runlevel 0, budget {} ms\0",
    "stop: id \"{}\" ({}{}) still running when its share of the stop budget ran out: killing it\0",
    // A reaped process's empty command line third.
    "id \"{}\" (pid {}{}) {}\0",
    "id \"{}\" (pid {}, {}) started\0",
    "id \"{}\" (pid {}, {}) {}\0",
    "Id \"{}\" enabled again\0",
    "Id \"{}\" respawning too fast: disabled for 5 minutes\0",
    "VINIT_CRITICAL: no id \"{}\" in the inittab\0",
    // The limits' values in the text, not arguments built at each line (checked below).
    "cannot fork for id \"{}\": {}: retrying (at most every 1000 ms)\0",
    "critical id \"{}\" ended with status {}: stopping, then exiting with it (VINIT_CRITICAL)\0",
    "reboot loop: 10 reboots in place within 120 s: next boot in 300 s (a stop signal still stops)\0",
    "Initdefault level '{}' is invalid in {}: booting runlevel {} (VINIT_DEFAULT_LEVEL)\0",
    // The level that is none first, empty.
    "{}no initdefault entry in {}: booting runlevel {} (VINIT_DEFAULT_LEVEL)\0",
    // FROZEN, ORPHAN (its empty id first), CTRLALTDEL_FIRST, POWER_FIRST.
    "frozen (SIGTSTP): no spawning until SIGCONT\0",
    "orphan {}pid {}{} {}\0",
    "ctrlaltdel entries, then runlevel 0, budget {} ms\0",
    "powerwait/powerfail entries, then runlevel 0, budget {} ms",
);

/// The limits `TEMPLATE_TEXT` writes out as numbers: a change to one must change its text.
const _: () = assert!(
    FORK_RETRY_MAX_MS == 1000
        && REBOOT_MAX == 10
        && REBOOT_WINDOW_SECS == 120
        && REBOOT_PAUSE_SECS == 300
);

/// `TEMPLATE_TEXT` packed as `fill!` packs a template (`pack_into`).
const TEMPLATES: [u8; pack_into(TEMPLATE_TEXT, &mut [])] = {
    assert!(TEMPLATE_TEXT.is_ascii());
    pack(TEMPLATE_TEXT)
};

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: &Notice<'_>) -> std::string::String {
        let mut l = Line::new();
        n.render(&mut l);
        std::string::String::from_utf8(l.as_bytes().to_vec()).unwrap()
    }

    fn id(s: &str) -> Id {
        Id::from_slice(s.as_bytes()).unwrap()
    }

    #[test]
    fn sysvinits_lines_keep_its_words() {
        for (n, want) in [
            (Notice::Switching(b'3'), "Switching to runlevel: 3"),
            (Notice::GoingSingle, "Going single user"),
            (Notice::Entering(b'2'), "Entering runlevel: 2"),
            (
                Notice::NoMoreProcesses,
                "no more processes left in this runlevel",
            ),
            (
                Notice::SendingTerm(2),
                "Sending processes configured via /etc/inittab the TERM signal (2 processes)",
            ),
            (
                Notice::SendingKill(1),
                "Sending processes configured via /etc/inittab the KILL signal (1 process)",
            ),
            (Notice::Hang(42, id("g1")), "Pid 42 [id g1] seems to hang"),
            (Notice::BadRunlevel(b'z'), "bad runlevel: z"),
            (Notice::Rereading, "Re-reading inittab"),
            (Notice::Demand(b'a'), "Activating demand-procedures for 'a'"),
        ] {
            assert_eq!(line(&n), want);
            assert!(!n.warns(), "{want}");
        }
    }

    #[test]
    fn an_invalid_initdefault_warns_in_sysvinits_words() {
        let n = Notice::InvalidInitdefault(b'A', b'3', c"/etc/inittab");
        assert_eq!(
            line(&n),
            "Initdefault level 'A' is invalid in /etc/inittab: booting runlevel 3 \
             (VINIT_DEFAULT_LEVEL)"
        );
        assert!(n.warns());
    }

    #[test]
    fn vinits_own_lines() {
        let budget = Duration::from_secs(9);
        let mut tab = crate::inittab::Inittab::new();
        tab.load(b"l0:0:wait:/etc/rc 0\n", &mut |e| panic!("{e:?}"));
        for (n, want) in [
            (
                Notice::NoInitdefault(b'3', c"/etc/inittab"),
                "no initdefault entry in /etc/inittab: booting runlevel 3 (VINIT_DEFAULT_LEVEL)",
            ),
            (Notice::Reenabled(id("r1")), "Id \"r1\" enabled again"),
            (
                Notice::ReExec,
                "re-exec requested (telinit u): state kept, nothing to do",
            ),
            (
                Notice::StopRequested(StopCause::Term, budget, Duration::ZERO),
                "stop: SIGTERM received: runlevel 0, budget 9000 ms",
            ),
            (
                Notice::StopRequested(StopCause::Int, budget, Duration::ZERO),
                "stop: SIGINT received: ctrlaltdel entries, then runlevel 0, budget 9000 ms",
            ),
            (
                Notice::StopRequested(StopCause::Power, budget, Duration::ZERO),
                "stop: SIGPWR received: powerwait/powerfail entries, then runlevel 0, budget 9000 ms",
            ),
            (
                Notice::StopRequested(
                    StopCause::SystemdHalt,
                    Duration::from_secs(55),
                    Duration::ZERO,
                ),
                "stop: SIGRTMIN+3 (37: LXC, Podman halt) received: runlevel 0, budget 55000 ms",
            ),
            (
                Notice::StopRequested(StopCause::Halt, budget, Duration::ZERO),
                "stop: halt signal received: runlevel 0, budget 9000 ms",
            ),
            (
                Notice::StopRequested(StopCause::Poweroff, budget, Duration::ZERO),
                "stop: poweroff signal received: runlevel 0, budget 9000 ms",
            ),
            (
                Notice::StopRequested(StopCause::Term, budget, Duration::from_secs(2)),
                "stop: SIGTERM received: draining for 2000 ms before the stop (VINIT_STOP_DELAY), then runlevel 0, budget 9000 ms",
            ),
            (Notice::Drained, "stop: drain over: stopping"),
            (
                Notice::StopHurried,
                "stop: another stop signal: skipping to the next phase",
            ),
            (
                Notice::StopOverrides(b'6'),
                "stop: runlevel 6 requested during the stop: halting instead",
            ),
            (
                Notice::StopDeadline(&tab.entries()[0]),
                "stop: id \"l0\" (/etc/rc 0) still running when its share of the stop budget ran out: killing it",
            ),
            (
                Notice::SweepTerm(3),
                "stop: sending TERM to 3 remaining processes",
            ),
            (
                Notice::SweepTerm(1),
                "stop: sending TERM to 1 remaining process",
            ),
            (
                Notice::SweepKill(0),
                "stop: grace period over: sending KILL to 0 processes",
            ),
            (
                Notice::Stopped(Duration::from_millis(1234)),
                "stop: complete in 1234 ms",
            ),
            (
                Notice::Frozen(true),
                "frozen (SIGTSTP): no spawning until SIGCONT",
            ),
            (Notice::Frozen(false), "thawed (SIGCONT)"),
            (
                Notice::StopThawed,
                "stop: thawed: spawning was frozen (SIGTSTP), and runlevel 0 must run",
            ),
            (
                Notice::ForkWorks(1),
                "fork works again after 1 failed attempt",
            ),
            (
                Notice::ForkWorks(31),
                "fork works again after 31 failed attempts",
            ),
        ] {
            assert_eq!(line(&n), want);
            assert!(!n.warns(), "{want}");
        }
    }

    #[test]
    fn a_crash_loop_is_a_warning_in_sysvinits_words() {
        let n = Notice::RespawningTooFast(id("x"));
        assert_eq!(
            line(&n),
            "Id \"x\" respawning too fast: disabled for 5 minutes"
        );
        assert!(n.warns());
    }

    #[test]
    fn an_exit_names_the_entry_the_pid_the_process_and_the_status() {
        let mut tab = crate::inittab::Inittab::new();
        tab.load(b"web:3:respawn:/usr/bin/web -p 80\n", &mut |e| {
            panic!("{e:?}")
        });
        let entry = &tab.entries()[0];
        for (exit, warns, want) in [
            (
                Exit::Code(1),
                true,
                "id \"web\" (pid 42, /usr/bin/web -p 80) exited with status 1",
            ),
            (
                Exit::Signal(11),
                true,
                "id \"web\" (pid 42, /usr/bin/web -p 80) killed by SIGSEGV",
            ),
            (
                Exit::Code(0),
                false,
                "id \"web\" (pid 42, /usr/bin/web -p 80) exited with status 0",
            ),
        ] {
            let n = Notice::Exited {
                entry,
                pid: 42,
                exit,
                warns,
            };
            assert_eq!(line(&n), want);
            assert_eq!(n.warns(), warns, "{want}");
        }
        for (n, want) in [
            (
                Notice::Started(entry, 7),
                "id \"web\" (pid 7, /usr/bin/web -p 80) started",
            ),
            (
                Notice::Reaped(id("web"), 9, Exit::Signal(15)),
                "id \"web\" (pid 9) killed by SIGTERM",
            ),
            (
                Notice::Reaped(Id::new(), 77, Exit::Code(0)),
                "orphan pid 77 exited with status 0",
            ),
        ] {
            assert_eq!(line(&n), want);
            assert!(!n.warns(), "{want}");
        }
    }

    #[test]
    fn fork_failures_and_reboot_loops_are_warnings() {
        let n = Notice::CannotFork(id("w4"), 11);
        assert!(n.warns());
        assert_eq!(
            line(&n),
            std::format!(
                "cannot fork for id \"w4\": EAGAIN (try again): retrying (at most every {FORK_RETRY_MAX_MS} ms)"
            )
        );
        let n = Notice::RebootLoop;
        assert!(n.warns());
        assert_eq!(
            line(&n),
            std::format!(
                "reboot loop: {REBOOT_MAX} reboots in place within {REBOOT_WINDOW_SECS} s: next boot in {REBOOT_PAUSE_SECS} s (a stop signal still stops)"
            )
        );
    }

    #[test]
    fn critical_entries_are_warnings() {
        for (n, want) in [
            (
                Notice::CriticalExit(id("web"), 137),
                "critical id \"web\" ended with status 137: stopping, then exiting with it (VINIT_CRITICAL)",
            ),
            (
                Notice::CriticalUnknown(id("nope")),
                "VINIT_CRITICAL: no id \"nope\" in the inittab",
            ),
        ] {
            assert!(n.warns());
            assert_eq!(line(&n), want);
        }
    }
}
