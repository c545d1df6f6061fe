//! `vinit setuidgid USER[:GROUP] CMD [ARG...]` (or a link named `setuidgid`): drops root's
//! privileges and execs CMD, for an inittab process field or a Dockerfile in an image with no
//! `su` or `chpst` (docs/setuidgid.md).
//!
//! `accounts` decides the ids from /etc/passwd and /etc/group, read here (never through a
//! symlink, regular, owned by root, at most `ACCOUNTS_READ_MAX` bytes; no NSS). Then
//! setgroups, setgid, setuid, and exec with PATH searched as single-command mode does. The
//! environment, signals and fds are passed on as they are: no HOME or USER is set
//! (daemontools' setuidgid sets none either). Exit statuses: 2 usage, 111 when the privileges
//! cannot be dropped (unknown user or group, unreadable file, not root), 126/127 when CMD
//! cannot be executed.

use core::ffi::CStr;

use crate::log::{Level, LogLine};
use crate::spawn;
use crate::sys::{self, Argv, Envp, FileError, FileUse};
use vinit_core::accounts::{Ids, LookupError, UserSpec};
use vinit_core::limits::{EXIT_SETUIDGID, EXIT_USAGE, GROUP_PATH, PASSWD_PATH, SEARCH_PATH};
use vinit_core::packed;

/// Runs setuidgid on `argv` from argument `first` (its own name) on; returns only on failure,
/// with the exit status.
#[inline(never)]
pub fn run(argv: Argv, first: usize, envp: Envp) -> u8 {
    let spec = argv
        .get(first + 1)
        .and_then(|s| UserSpec::parse(s.to_bytes()));
    let (Some(spec), Some(prog), Some(cmd_argv)) =
        (spec, argv.get(first + 2), argv.tail_ptrs(first + 2))
    else {
        refuse(USAGE, b"", None, NONE);
        return EXIT_USAGE;
    };
    // In bss, not zeroed on the stack (`sys::accounts_buffers`); handed out once, so never
    // `None` here.
    let Some([passwd, group]) = sys::accounts_buffers() else {
        return EXIT_SETUIDGID;
    };
    // No /etc/group is no other group, unless a group name must be found there.
    let missing_ok = spec.group.is_none();
    let Some(passwd) = read_if(PASSWD_PATH, passwd, spec.needs_passwd(), false) else {
        return EXIT_SETUIDGID;
    };
    let Some(group) = read_if(GROUP_PATH, group, spec.needs_group(), missing_ok) else {
        return EXIT_SETUIDGID;
    };
    let mut ids = Ids::default();
    if let Err(e) = spec.resolve(passwd, group, &mut ids) {
        // `user "x" not in /etc/passwd`: the kind of name, the name, then why (`WORDS`).
        let group_unknown = e == LookupError::UnknownGroup;
        let name = match spec.group {
            Some(g) if group_unknown => g,
            _ => spec.user,
        };
        return refuse(
            USER + usize::from(group_unknown),
            name,
            None,
            NOT_IN_PASSWD + e as usize,
        );
    }
    // The groups first: once the uid is dropped, nothing else may be changed.
    let dropped = sys::set_groups(&ids.groups)
        .map_err(|e| (SETGROUPS_FAILED, e))
        .and_then(|()| sys::set_gid(ids.gid).map_err(|e| (SETGID_FAILED, e)))
        .and_then(|()| sys::set_uid(ids.uid).map_err(|e| (SETUID_FAILED, e)));
    if let Err((call, e)) = dropped {
        let hint = if e == sys::Errno::PERM {
            NOT_ROOT
        } else {
            NONE
        };
        return refuse(call, b"", Some(&FileError::Sys(e)), hint);
    }
    let path = envp.var(b"PATH").unwrap_or(SEARCH_PATH);
    spawn::exec_failed(prog, spawn::exec_search(prog, cmd_argv, envp.ptrs(), path))
}

/// The fixed words of setuidgid's fatal lines, NUL-separated fields of one packed text, each
/// picked by its number below (`refuse`): a number passed, where a text was two words at
/// each call.
const WORDS: &str = "\0user \"\0group \"\0\" not in /etc/passwd\0\" not in /etc/group\0\" is in \
too many groups (over 64)\0setgroups failed\0setgid failed\0setuid failed\0: not root\0usage: \
setuidgid USER[:GROUP] CMD [ARG...]";

/// `WORDS`' fields: nothing; the kind of name (`USER + 1` is `group "`); why a name failed,
/// in `LookupError`'s order; the calls that drop privileges; the hint for EPERM; the usage.
const NONE: usize = 0;
const USER: usize = 1;
const NOT_IN_PASSWD: usize = 3;
const SETGROUPS_FAILED: usize = 6;
const SETGID_FAILED: usize = 7;
const SETUID_FAILED: usize = 8;
const NOT_ROOT: usize = 9;
const USAGE: usize = 10;

/// The one fatal line, `setuidgid: {a}{b}: {why}{c}` (`{a}{b}{c}` without a `why`);
/// `EXIT_SETUIDGID`. `a` and `c` are fields of `WORDS`, `b` is written as it is (a name from
/// argv, a path).
#[inline(never)]
fn refuse(a: usize, b: &[u8], why: Option<&FileError>, c: usize) -> u8 {
    let mut line = LogLine::new(Level::Fatal);
    line.push(b"setuidgid: ");
    line.line().write_field(packed!(WORDS), 0, a, &[]);
    line.push(b);
    if let Some(e) = why {
        line.push(b": ");
        vinit_core::display::Show::show(e, line.line());
    }
    line.line().write_field(packed!(WORDS), 0, c, &[]);
    line.emit();
    EXIT_SETUIDGID
}

/// The text of `path` in `buf` when `needed` (else empty); a missing file is empty too when
/// `missing_ok`; a file larger than `buf` is refused. `None` when it cannot be read, said in
/// the one fatal line.
#[inline(never)]
fn read_if<'b>(path: &CStr, buf: &'b mut [u8], needed: bool, missing_ok: bool) -> Option<&'b [u8]> {
    if !needed {
        return Some(&[]);
    }
    // The open's error is borrowed where the open left it, not taken apart and rebuilt for
    // `refuse`; only the size and read errors are made here.
    // Never closed: close-on-exec, so CMD's exec (or setuidgid's exit) closes it.
    let opened = core::mem::ManuallyDrop::new(sys::open_file(path, FileUse::Accounts));
    let made;
    let e = match &*opened {
        Err(e) => e,
        Ok((fd, size)) => {
            let bound = buf.len() as u64;
            made = if *size > bound {
                FileError::TooBig(*size, bound as u32)
            } else {
                match sys::read_full(fd.as_fd(), buf) {
                    // `read_full` never counts more than `buf` holds.
                    Ok(n) => return buf.get(..n),
                    Err(e) => FileError::Sys(e),
                }
            };
            &made
        }
    };
    if missing_ok && matches!(e, FileError::Sys(sys::Errno::NOENT)) {
        return Some(&[]);
    }
    refuse(NONE, path.to_bytes(), Some(e), NONE);
    None
}
