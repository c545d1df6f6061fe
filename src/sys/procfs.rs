//! What /proc says about processes (proc(5)): the list, each one's parent and name.
#![allow(unsafe_code)]

use core::ffi::CStr;
use core::mem::MaybeUninit;

use vinit_core::display::decimal;
use vinit_core::limits::{PROC_DIR, PROC_STAT_READ_MAX};

use super::fds::open;
use super::files::for_each_dir_entry;
use super::raw_syscall::{fd_arg, syscall3};
use super::{Pid, Result};

/// Calls `f(pid, stat)` for every process listed in /proc (proc(5)) but `me` (vinit's own
/// pid, which the caller has already asked for). Used to count, name and signal what is left
/// at the end.
pub fn scan_processes(me: Pid, mut f: impl FnMut(Pid, &ProcStat)) -> Result<()> {
    for_each_dir_entry(PROC_DIR, |name| {
        let Some(pid) = vinit_core::args::parse_number(name.to_bytes(), 1, i32::MAX as u64) else {
            return;
        };
        let pid = pid as Pid;
        if pid == me {
            return;
        }
        // By reference: no copy of the stat out of the Option.
        if let Some(stat) = &read_stat(pid) {
            f(pid, stat);
        }
    })
}

/// What vinit reads of a process in /proc/PID/stat: its parent and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcStat {
    /// The parent pid (0 for a process whose parent is outside the PID namespace).
    pub ppid: Pid,
    name: [u8; vinit_core::limits::PROC_NAME_MAX],
    name_len: u8,
}

impl ProcStat {
    /// The command name (`comm`), as the kernel keeps it.
    pub fn name(&self) -> &[u8] {
        let len = usize::from(self.name_len);
        // SAFETY: `parse_stat`, the only constructor, caps name_len at the array's length; told
        // so, the optimiser drops the bounds check at every caller.
        unsafe { core::hint::assert_unchecked(len <= self.name.len()) };
        self.name.get(..len).unwrap_or_default()
    }
}

/// /proc/PID/stat of `pid`, `None` if the process is gone (a zombie is still there).
pub fn read_stat(pid: Pid) -> Option<ProcStat> {
    // Built from its end in one array: `/stat` and its NUL, the pid's digits before them
    // (display's one integer formatter writes at the end of its 20 bytes), `/proc/` before
    // those.
    let mut path = [0u8; 32];
    let (head, tail) = path.split_at_mut(26);
    tail.copy_from_slice(b"/stat\0");
    // Zero-extended, not checked: a negative pid names no /proc entry either.
    let digits = decimal(u64::from(pid as u32), head.last_chunk_mut()?).len();
    let start = 26 - 6 - digits;
    head.get_mut(start..start + 6)?.copy_from_slice(b"/proc/");
    // SAFETY: the path's only NUL is its last byte (a number between two texts without one).
    let cpath = unsafe { CStr::from_bytes_with_nul_unchecked(path.get(start..)?) };
    let mut buf = MaybeUninit::<[u8; PROC_STAT_READ_MAX]>::uninit();
    parse_stat(read_proc_file(cpath, &mut buf).ok()?)
}

/// Fields 2 (the name, in parentheses) and 4 (the parent) of /proc/PID/stat. The name may
/// hold spaces and parentheses itself, so it runs from the first `(` to the last `)`.
pub fn parse_stat(stat: &[u8]) -> Option<ProcStat> {
    let open = stat.iter().position(|&b| b == b'(')?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    let comm = stat.get(open + 1..close)?;
    // `) S PPID ...`: the state is one letter (proc(5)).
    let ppid = vinit_core::display::field(stat.get(close + 4..)?, b' ', 0)?;
    let ppid = vinit_core::args::parse_number(ppid, 0, i32::MAX as u64)?;
    let len = comm.len().min(vinit_core::limits::PROC_NAME_MAX);
    // Built where it is returned, then filled: not built aside and copied over.
    let mut stat = ProcStat {
        ppid: ppid as Pid,
        name: [0; vinit_core::limits::PROC_NAME_MAX],
        name_len: len as u8,
    };
    if let (Some(to), Some(from)) = (stat.name.get_mut(..len), comm.get(..len)) {
        to.copy_from_slice(from);
    }
    Some(stat)
}

/// Reads a whole (small) procfs file into `buf` (open(2) + one read(2)); returns the bytes
/// read, the only ones of `buf` read (it is not zeroed first). A file longer than `buf` is
/// cut at its size. One read is the whole file: the kernel writes it out at once and hands
/// over as much as fits (seq_file), so a second read would only find its end. No owner
/// check: /proc/PID files belong to the process's user, and the kernel writes them.
fn read_proc_file<'b, const N: usize>(
    path: &CStr,
    buf: &'b mut MaybeUninit<[u8; N]>,
) -> Result<&'b [u8]> {
    use rustix::fs::OFlags;
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NOFOLLOW;
    let fd = open(path, flags | OFlags::NONBLOCK, 0)?;
    // SAFETY: buf is N writable bytes; the fd is open for the call.
    let n = unsafe { syscall3(libc::SYS_read, fd_arg(&fd), buf.as_mut_ptr() as usize, N) }?;
    // SAFETY: read(2) wrote the first n bytes, and never reports more than it was given room
    // for (n <= N).
    Ok(unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), n) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::processes::getpid;

    #[test]
    fn stat_gives_the_parent_and_the_name_even_with_parentheses_and_spaces() {
        let stat = parse_stat(b"42 (a) b (c) S 7 42 42 0 -1").unwrap();
        assert_eq!((stat.ppid, stat.name()), (7, &b"a) b (c"[..]));
        let long = parse_stat(b"9 (0123456789abcdefXYZ) R 1 9").unwrap();
        assert_eq!(long.name(), b"0123456789abcde");
        assert_eq!(parse_stat(b"9 (sh) Z 0 9").unwrap().ppid, 0);
        assert_eq!(parse_stat(b"9 (sh)"), None);
        assert_eq!(parse_stat(b"garbage"), None);
    }

    #[test]
    fn the_path_is_built_for_any_pid() {
        let me = read_stat(getpid()).unwrap();
        assert_eq!(
            me.ppid,
            rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get())
        );
        assert_eq!(read_stat(i32::MAX), None);
        assert_eq!(read_stat(-1), None);
    }
}
