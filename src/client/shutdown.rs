//! shutdown (compat §6.2): waits until the time given, warning on sysvinit's schedule, then
//! asks init for the level (and the halt action); `-c` cancels a pending one, `-k` only warns.

use super::send::send;
use super::{
    ALREADY_RUNNING, CANCELLED, MESSAGE, NO_AUTHORIZED_USERS, NO_INIT_UNSUPPORTED, NO_PENDING_PID,
    PENDING_NOT_RUNNING, PID_FILE_UNWRITABLE, fail_one, read_head, say,
};
use crate::log::LogLine;
use crate::sys::{self, Envp, Errno};
use vinit_core::args::ArgList;
use vinit_core::client_args::{InitHalt, Shutdown, When};
use vinit_core::display::{Arg, decimal};
use vinit_core::limits::{
    FASTBOOT_PATH, FORCEFSCK_PATH, PID_FILE_READ_MAX, SHUTDOWN_ALLOW_PATH, SHUTDOWN_MESSAGE_MAX,
    SHUTDOWN_PID_PATH,
};
use vinit_core::status::signal::{SIGINT, SIGTERM};
use vinit_core::time::Duration;
use vinit_core::{packed, template};

/// shutdown's usage, after its usage errors (`client::usage_failed`).
pub(super) const SHUTDOWN_USAGE: &str =
    "Usage:\t  shutdown [-akrhPHfFncqQ] [-t sec] [-i X] time [warning message]
\t\t  -a:      use /etc/shutdown.allow
\t\t  -k:      don't really shutdown, only warn.
\t\t  -r:      reboot after shutdown.
\t\t  -h:      halt after shutdown.
\t\t  -P:      halt action is to turn off power (only with -h).
\t\t  -H:      halt action is to just halt (only with -h).
\t\t  -f:      do a 'fast' reboot (skip fsck).
\t\t  -F:      Force fsck on reboot.
\t\t  -n:      not supported: init is always used.
\t\t  -c:      cancel a running shutdown.
\t\t  -q, -Q:  accepted; warnings go to stderr.
\t\t  -t secs: delay between TERM and KILL for init.
\t\t  -i X:    go to runlevel X (0156aAbBcCsS).
\t\t  ** the \"time\" argument is mandatory! (try \"now\") **
";

/// The name shutdown's lines start with (sysvinit's, whatever argv[0] is).
pub(super) const SHUTDOWN: &[u8] = b"shutdown";

/// shutdown with its command line `s`, parsed (`client::run`) by a root user.
pub(super) fn shutdown<A: ArgList + ?Sized>(args: &A, s: &Shutdown, envp: Envp) -> u8 {
    // sysvinit checks logins on virtual consoles; a container has none, so with the file
    // present nobody is authorised.
    if s.use_allow() && sys::exists(SHUTDOWN_ALLOW_PATH) {
        return say(NO_AUTHORIZED_USERS);
    }
    if s.no_init() {
        say(NO_INIT_UNSUPPORTED);
    }
    let mut message: heapless::Vec<u8, SHUTDOWN_MESSAGE_MAX> = heapless::Vec::new();
    join_words(args, s.message, &mut message);
    let pending = read_pid_file();
    if s.cancel() {
        return cancel(envp, pending, &message);
    }
    if pending.is_some_and(sys::process_exists) {
        return say(ALREADY_RUNNING);
    }
    go_down(s, envp, &message)
}

/// The message words from `first` on, joined by spaces, cut at a word boundary
/// (sysvinit's 256-byte MESSAGELEN).
fn join_words<A: ArgList + ?Sized, const N: usize>(
    args: &A,
    first: usize,
    out: &mut heapless::Vec<u8, N>,
) {
    let mut i = first;
    while let Some(word) = args.arg(i) {
        if out.len() + word.len() + 1 > N {
            break;
        }
        if !out.is_empty() {
            let _ = out.push(b' ');
        }
        let _ = out.extend_from_slice(word);
        i += 1;
    }
}

/// The pid in /var/run/shutdown.pid, if there is a positive one.
fn read_pid_file() -> Option<sys::Pid> {
    let mut buf = [0u8; PID_FILE_READ_MAX];
    let text = read_head(SHUTDOWN_PID_PATH, &mut buf)?;
    let end = text
        .iter()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(text.len());
    vinit_core::args::parse_number(text.get(..end)?, 1, i32::MAX as u64).map(|p| p as sys::Pid)
}

fn cancel(envp: Envp, pending: Option<sys::Pid>, message: &[u8]) -> u8 {
    let Some(pid) = pending else {
        return say(NO_PENDING_PID);
    };
    let _ = send_init_halt(envp, InitHalt::Unset, None);
    if sys::kill(pid, SIGINT).is_err() {
        return say(PENDING_NOT_RUNNING);
    }
    say_message(message);
    0
}

/// The message shutdown was given, if any, on a line of its own.
fn say_message(message: &[u8]) {
    if !message.is_empty() {
        fail_one(MESSAGE, message);
    }
}

/// Sends INIT_HALT (set as `init_halt` says, or unset), then the level change if there is one
/// (sysvinit sends INIT_HALT, then execs `init [-t SEC] LEVEL`); the exit status.
fn send_init_halt(envp: Envp, init_halt: InitHalt, change: Option<&Shutdown>) -> u8 {
    send(SHUTDOWN, envp, init_halt.env_data(), change)
}

/// Which of `NEW_STATES` a shutdown to `level` announces: its place in `0`, `6`, `1`, else
/// the last.
fn new_state(level: u8) -> usize {
    b"061".iter().position(|&c| c == level).unwrap_or(3)
}

/// The words after `The system is going down`, NUL-separated fields (`new_state`); the
/// last one's `{}` is the level.
const NEW_STATES: &str = "for system halt\0for reboot\0to maintenance mode\0to runlevel {}";

/// Minutes until `when`, 0 for now; `hh:mm` is UTC (`utc_minute_of_day`).
fn minutes_until(when: When) -> u32 {
    match when {
        When::Now => 0,
        When::InMinutes(m) => m,
        When::At { minute_of_day } => {
            let now = utc_minute_of_day(sys::wall_clock().0);
            (u32::from(minute_of_day) + 1440 - now) % 1440
        }
    }
}

/// The minute of the UTC day at `sec` seconds since the epoch, 0-1439, which `hh:mm` is
/// compared with (as hour and minute apart, they were split only to be added back).
/// `shutdown hh:mm` reads the time as UTC: musl's localtime would add its time-zone code and
/// malloc (+8 KB) to PID 1's binary for one rarely used client form, and containers mostly
/// run in UTC.
fn utc_minute_of_day(sec: i64) -> u32 {
    (sec.rem_euclid(86_400) / 60) as u32
}

/// sysvinit's warning schedule: every minute under 10, every 15 under 60, every 30 under
/// 180, then hourly: the step picked, then one division.
const fn needs_warning(minutes: u32) -> bool {
    let every = match minutes {
        0..10 => 1,
        10..60 => 15,
        60..180 => 30,
        _ => 60,
    };
    minutes.is_multiple_of(every)
}

/// The message, if any, then `The system is going down for reboot NOW!` or `The system is
/// going DOWN for reboot in 5 minutes!`: each of the three parts a field of one packed text
/// (0 minutes, 1, more), picked by number, not a text per branch.
fn warn(message: &[u8], level: u8, minutes: u32) {
    say_message(message);
    let mut line = LogLine::bare();
    let l = line.line();
    l.write_field(
        packed!("The system is going down \0The system is going DOWN "),
        0,
        usize::from(minutes != 0),
        &[],
    );
    l.write_field(
        template!(1, NEW_STATES),
        0,
        new_state(level),
        &[Arg::Text(core::slice::from_ref(&level))],
    );
    l.write_field(
        template!(2, " NOW!\0 in {} minute!\0 in {} minutes!"),
        0,
        minutes.min(2) as usize,
        &[Arg::Unsigned(u64::from(minutes))],
    );
    line.emit();
}

pub(super) fn go_down(s: &Shutdown, envp: Envp, message: &[u8]) -> u8 {
    if s.fast_boot() {
        let _ = sys::write_file(FASTBOOT_PATH, b"");
    }
    if s.force_fsck() {
        let _ = sys::write_file(FORCEFSCK_PATH, b"");
    }
    let minutes = minutes_until(s.when);
    // Cancelled by `shutdown -c` (SIGINT) or SIGTERM while waiting: sysvinit's stopit().
    let mut cancelled = minutes > 0 && wait_for_time(s.level.byte(), minutes, message).is_err();
    if !cancelled {
        warn(message, s.level.byte(), 0);
        if s.warn_only() {
            sys::sleep_ms(1000);
            cancelled = true;
        }
    }
    if cancelled || minutes > 0 {
        let _ = sys::unlink(SHUTDOWN_PID_PATH);
    }
    let status = if cancelled {
        0
    } else {
        sys::sync();
        send_init_halt(envp, s.init_halt, Some(s))
    };
    // Not going down after all: cancelled, or init not told. One call for both.
    if cancelled || status != 0 {
        remove_boot_flags(s);
    }
    if cancelled {
        say(CANCELLED);
    }
    status
}

fn remove_boot_flags(s: &Shutdown) {
    if s.fast_boot() {
        let _ = sys::unlink(FASTBOOT_PATH);
    }
    if s.force_fsck() {
        let _ = sys::unlink(FORCEFSCK_PATH);
    }
}

/// Writes the pid file and waits `minutes`, warning on sysvinit's schedule; `Err` if SIGINT
/// or SIGTERM came first.
fn wait_for_time(level: u8, minutes: u32, message: &[u8]) -> Result<(), ()> {
    // The pid's digits written before the newline at the end: a 512-byte `Line` (and two
    // calls to fill it) for some 8 bytes was kept in the frame.
    let mut pid = [0; 21];
    let digits = match pid.split_first_chunk_mut::<20>() {
        Some((digits, newline)) => {
            newline.fill(b'\n');
            decimal(sys::getpid() as u64, digits).len()
        }
        None => 0,
    };
    let line = pid.get(20 - digits..).unwrap_or_default();
    match sys::write_file(SHUTDOWN_PID_PATH, line) {
        Ok(()) | Err(sys::FileError::Sys(Errno::ROFS)) => {}
        Err(_) => {
            fail_one(PID_FILE_UNWRITABLE, SHUTDOWN_PID_PATH.to_bytes());
        }
    }
    let mask = sys::SigMask((1 << (SIGINT - 1)) | (1 << (SIGTERM - 1)));
    // Never closed: shutdown exits soon after the wait (the kernel closes it then).
    let signals = core::mem::ManuallyDrop::new(
        sys::set_signal_mask(mask)
            .and_then(|_| sys::signalfd(mask))
            .ok(),
    );
    let start = sys::now();
    let deadline = start.after(Duration::from_secs(u64::from(minutes) * 60));
    // The minute last warned at; 0 is none (a minute left is at least 1).
    let mut warned_at = 0;
    loop {
        let now = sys::now();
        let left_ms = deadline.since(now).millis();
        if left_ms == 0 {
            return Ok(());
        }
        // The minutes left, rounded up, and the wait until the next whole minute before the
        // deadline (or the deadline): both from one division of the time left less 1 ms.
        let before = left_ms - 1;
        let left_min = (before / 60_000) as u32 + 1;
        let step = before % 60_000 + 1;
        if warned_at != left_min && needs_warning(left_min) {
            warn(message, level, left_min);
        }
        warned_at = left_min;
        match &*signals {
            Some(fd) => {
                if matches!(sys::wait_readable(fd.as_fd(), Some(step)), Ok(true))
                    && matches!(sys::read_signal(fd.as_fd()), Ok(Some(_)))
                {
                    return Err(());
                }
            }
            None => sys::sleep_ms(step),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_schedule_matches_sysvinit() {
        let warned: Vec<u32> = (0..200).filter(|&m| needs_warning(m)).collect();
        assert_eq!(
            warned,
            [
                0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 30, 45, 60, 90, 120, 150, 180
            ]
        );
        assert!(needs_warning(240) && !needs_warning(210));
    }

    #[test]
    fn new_state_words() {
        let show = |level: u8| {
            let mut line = vinit_core::display::Line::new();
            let level_arg = [Arg::Text(core::slice::from_ref(&level))];
            line.write_field(template!(1, NEW_STATES), 0, new_state(level), &level_arg);
            String::from_utf8(line.as_bytes().to_vec()).unwrap()
        };
        assert_eq!(show(b'0'), "for system halt");
        assert_eq!(show(b'6'), "for reboot");
        assert_eq!(show(b'1'), "to maintenance mode");
        assert_eq!(show(b'S'), "to runlevel S");
    }

    #[test]
    fn message_words_are_joined_and_cut_at_a_word() {
        let args: [&[u8]; 4] = [b"shutdown", b"now", b"going", b"down"];
        let mut out: heapless::Vec<u8, 16> = heapless::Vec::new();
        join_words(&args[..], 2, &mut out);
        assert_eq!(&out[..], b"going down");
        let mut small: heapless::Vec<u8, 8> = heapless::Vec::new();
        join_words(&args[..], 2, &mut small);
        assert_eq!(&small[..], b"going");
    }

    #[test]
    fn utc_clock_and_relative_minutes() {
        assert_eq!(utc_minute_of_day(0), 0);
        assert_eq!(utc_minute_of_day(1_700_000_000), 22 * 60 + 13);
        assert_eq!(utc_minute_of_day(-60), 23 * 60 + 59);
        assert_eq!(minutes_until(When::Now), 0);
        assert_eq!(minutes_until(When::InMinutes(7)), 7);
        assert!(minutes_until(When::At { minute_of_day: 0 }) < 1440);
    }
}
