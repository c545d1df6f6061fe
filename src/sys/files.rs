//! Files: every file PID 1 opens goes through `open_file` (or `fifo::open_fifo`, which shares
//! its checks; `procfs::read_proc_file` for procfs, `for_each_dir_entry` for directories); the
//! client tools read theirs with `open_read`.
#![allow(unsafe_code)]

use core::ffi::CStr;

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use vinit_core::limits::{STATE_FILE_MODE, UTMP_LOCK_WAIT_MS};

use super::Result;
use super::fds::{OwnedFd, open, write_all};
use super::poll::sleep_ms;
use super::processes::geteuid;
use super::raw_syscall::{fd_arg, syscall1, syscall3, syscall4};

/// The file type bits of `st_mode` (inode(7)).
pub const S_IFMT: u32 = 0o170_000;

/// A regular file.
pub const S_IFREG: u32 = 0o100_000;

/// A FIFO.
pub const S_IFIFO: u32 = 0o010_000;

/// A symbolic link.
pub const S_IFLNK: u32 = 0o120_000;

/// What vinit does with a file: how `open_file` opens it and which checks it must pass.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileUse {
    /// Configuration it reads (inittab, drop-ins, initscript). A symlink is followed (only
    /// root can make one in /etc, and Kubernetes mounts ConfigMap files as symlinks); the file
    /// reached must be owned by root or vinit's euid and not writable by others.
    Config,
    /// The user and group databases setuidgid reads: as `Config`, but never through a symlink.
    Accounts,
    /// State it reads (powerstatus).
    ReadState,
    /// State it rewrites in place (utmp); never created.
    UpdateState,
    /// State it appends to (wtmp); never created.
    AppendState,
    /// State it creates or empties (utmp at boot, runlevel), mode 0644 before umask.
    ReplaceState,
    /// A client's end of init's FIFO, write-only: a FIFO owned by root or vinit's euid.
    FifoWriter,
    /// vinit's own FIFO, read-write: owned by vinit's euid, no access for other users.
    Fifo,
}

/// Why a file was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileError {
    /// A system call failed.
    Sys(Errno),
    /// The wrong type: its `S_IFMT` bits (`S_IFLNK` for a symlink that was not followed, 0
    /// when unknown).
    Kind(u32),
    /// Owned by this uid, not by root or vinit's euid.
    Owner(u32),
    /// A FIFO other users may open: its permission bits.
    Mode(u32),
    /// Configuration writable by other users: its permission bits.
    WritableByOthers(u32),
    /// A state file with this many hard links: it may be another file's name.
    Links(u64),
    /// Larger than vinit reads: its size and the bound (a `u32`, as every bound is: the error
    /// is 16 bytes, not 24, less to copy at each `?` of a `FileResult`).
    TooBig(u64, u32),
    /// Another process held the lock past the bounded wait.
    Locked(Errno),
}

impl From<Errno> for FileError {
    fn from(e: Errno) -> Self {
        Self::Sys(e)
    }
}

/// Result of the file helpers.
pub type FileResult<T> = core::result::Result<T, FileError>;

/// An open(2) error, read: O_NOFOLLOW (when `follow` is false) answers ELOOP for a symlink,
/// O_NONBLOCK answers ENXIO for a FIFO nobody reads (or a device without a driver).
fn open_error(path: &CStr, e: Errno, follow: bool) -> FileError {
    match e {
        Errno::LOOP if !follow => FileError::Kind(S_IFLNK),
        Errno::NXIO => FileError::Kind(lstat_id(path).map_or(0, |(_, kind)| kind)),
        e => FileError::Sys(e),
    }
}

/// Opens `path` for `what` the one way PID 1 opens files (open(2), fstat(2)): close-on-exec,
/// never as a controlling tty, never blocking (O_NONBLOCK: a FIFO or device does not hang
/// the open, nor does a file lease), and for state files never through a symlink at the last
/// component (directories on the way, like Debian's /var/run -> /run, are followed). The
/// file must be a regular file; state files must be owned by vinit's euid with one link;
/// configuration owned by root or the euid and not writable by others. `ReplaceState`
/// empties the file once it has passed. Returns the fd (O_NONBLOCK stays: Linux ignores it
/// for regular files) and the file's size.
pub fn open_file(path: &CStr, what: FileUse) -> FileResult<(OwnedFd, u64)> {
    open_checked(path, what, None)
}

/// `open_file` and the control FIFO's two ends (`fifo.rs`): one open, one fstat, one set of
/// checks, so the code is compiled once. Returns the fd and the size, and stores the identity
/// in `id` when asked: the result has `open_file`'s type, so it needs no repacking there.
pub(super) fn open_checked(
    path: &CStr,
    what: FileUse,
    id: Option<&mut FileId>,
) -> FileResult<(OwnedFd, u64)> {
    use FileUse::{
        Accounts, AppendState, Config, Fifo, FifoWriter, ReadState, ReplaceState, UpdateState,
    };
    use rustix::fs::OFlags;
    let access = match what {
        Config | Accounts | ReadState => OFlags::RDONLY,
        UpdateState | Fifo => OFlags::RDWR,
        AppendState => OFlags::WRONLY | OFlags::APPEND,
        ReplaceState => OFlags::WRONLY | OFlags::CREATE,
        FifoWriter => OFlags::WRONLY,
    };
    let follow = what == Config;
    let mut flags = access | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = open(path, flags, STATE_FILE_MODE).map_err(|e| match e {
        // A writer's ENXIO means "nobody reads yet", which the caller retries.
        Errno::NXIO if what == FifoWriter => FileError::Sys(e),
        e => open_error(path, e, follow),
    })?;
    let st = rustix::fs::fstat(fd.as_fd())?;
    let kind = st.st_mode & S_IFMT;
    let fifo = matches!(what, Fifo | FifoWriter);
    if kind != if fifo { S_IFIFO } else { S_IFREG } {
        return Err(FileError::Kind(kind));
    }
    // Configuration, the accounts and a client's FIFO may be root's; the rest is vinit's.
    if st.st_uid != geteuid() && !(matches!(what, Config | Accounts | FifoWriter) && st.st_uid == 0)
    {
        return Err(FileError::Owner(st.st_uid));
    }
    let mode = st.st_mode & 0o7777;
    // Tests, not a match with guards: a match compared `what` with each variant in turn.
    if matches!(what, Config | Accounts) && mode & 0o002 != 0 {
        return Err(FileError::WritableByOthers(mode));
    }
    // vinit's own FIFO: no other user may open it (a umask cannot make vinit refuse it).
    if what == Fifo && mode & 0o077 != 0 {
        return Err(FileError::Mode(mode));
    }
    if matches!(what, ReadState | UpdateState | AppendState | ReplaceState)
        && st.st_nlink as u64 > 1
    {
        return Err(FileError::Links(st.st_nlink as u64));
    }
    if what == ReplaceState {
        rustix::fs::ftruncate(fd.as_fd(), 0)?;
    }
    if let Some(id) = id {
        *id = FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        };
    }
    // A plain cast: the kernel's size of a regular file or FIFO is never negative.
    Ok((fd, st.st_size as u64))
}

/// Appends `bytes` to the state file `path` if it exists (never created: wtmp is only written
/// when the system keeps one), after `open_file`'s checks.
pub fn append_existing(path: &CStr, bytes: &[u8]) -> FileResult<()> {
    open_and_write(path, FileUse::AppendState, bytes)
}

/// `open_file` then one `write_all`: one copy for `append_existing` and `write_file`.
#[inline(never)]
fn open_and_write(path: &CStr, what: FileUse, bytes: &[u8]) -> FileResult<()> {
    let (fd, _) = open_file(path, what)?;
    Ok(write_all(fd.as_fd(), bytes)?)
}

/// Runs `f` on the existing state file `path` (and its size), opened read-write by
/// `open_file`, while holding an exclusive whole-file fcntl lock: the lock glibc's utmp
/// writers (login, getty) take, so no record is lost to a concurrent writer. A holder is
/// waited for at most `UTMP_LOCK_WAIT_MS`, as PID 1 must not hang on a stuck one (glibc gives up
/// after 10 s); after a wait has run out, later calls try once without waiting until a lock
/// is taken again, so a holder that never lets go costs PID 1 those 100 ms once, not once per
/// record.
pub fn with_locked_file<T>(
    path: &CStr,
    f: impl FnOnce(BorrowedFd<'_>, u64) -> FileResult<T>,
) -> FileResult<T> {
    use core::sync::atomic::{AtomicBool, Ordering};
    use rustix::fs::FlockOperation;
    static GAVE_UP: AtomicBool = AtomicBool::new(false);
    let (fd, size) = open_file(path, FileUse::UpdateState)?;
    let mut tries = if GAVE_UP.load(Ordering::Relaxed) {
        UTMP_LOCK_WAIT_MS
    } else {
        0
    };
    loop {
        match rustix::fs::fcntl_lock(fd.as_fd(), FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => break,
            Err(Errno::AGAIN | Errno::ACCESS | Errno::INTR) if tries < UTMP_LOCK_WAIT_MS => {
                tries += 1;
                sleep_ms(1);
            }
            Err(e @ (Errno::AGAIN | Errno::ACCESS)) => {
                GAVE_UP.store(true, Ordering::Relaxed);
                return Err(FileError::Locked(e));
            }
            Err(e) => return Err(e.into()),
        }
    }
    GAVE_UP.store(false, Ordering::Relaxed);
    // Closing the fd releases the lock.
    f(fd.as_fd(), size)
}

/// pwrite(2) of all of `bytes` at `offset`.
pub fn write_all_at(fd: BorrowedFd<'_>, bytes: &[u8], offset: u64) -> Result<()> {
    // The raw call: rustix's checks the result twice.
    // SAFETY: `bytes` is readable for its length (the kernel only reads it); the fd is
    // borrowed, so open, for the call; the offset is a plain integer.
    let written = unsafe {
        syscall4(
            libc::SYS_pwrite64,
            fd_arg(fd),
            bytes.as_ptr() as usize,
            bytes.len(),
            offset as usize,
        )
    };
    match written {
        Ok(n) if n == bytes.len() => Ok(()),
        Ok(_) => Err(Errno::IO),
        Err(e) => Err(e),
    }
}

/// Creates or empties the state file `path` (mode 0644 before umask) and writes `bytes`,
/// after `open_file`'s checks.
pub fn write_file(path: &CStr, bytes: &[u8]) -> FileResult<()> {
    open_and_write(path, FileUse::ReplaceState, bytes)
}

/// unlink(2). Out of line: 12 call sites, and a call is shorter than the system call's setup.
#[inline(never)]
pub fn unlink(path: &CStr) -> Result<()> {
    // x86_64's own call, one argument (unlinkat needs two more); elsewhere rustix's unlinkat.
    #[cfg(target_arch = "x86_64")]
    // SAFETY: path is NUL-terminated and outlives the call.
    let done = super::raw_syscall::void(unsafe {
        super::raw_syscall::raw1(libc::SYS_unlink, path.as_ptr() as usize)
    });
    #[cfg(not(target_arch = "x86_64"))]
    let done = rustix::fs::unlink(path);
    done
}

/// access(2) F_OK: does `path` exist?
pub fn exists(path: &CStr) -> bool {
    rustix::fs::access(path, rustix::fs::Access::EXISTS).is_ok()
}

/// stat(2) of both paths: whether they are the same file (device and inode). `false` when
/// either cannot be read. Through /proc/PID/exe, the magic link leads to the executable.
pub fn same_file(a: &CStr, b: &CStr) -> bool {
    // One after the other: the second is not asked for when the first fails.
    let Ok(x) = stat(a) else {
        return false;
    };
    stat(b).is_ok_and(|y| x.st_dev == y.st_dev && x.st_ino == y.st_ino)
}

/// stat(2): x86_64's own call, two arguments (rustix's newfstatat needs two more: AT_FDCWD
/// and the flags); elsewhere rustix's.
#[cfg(target_arch = "x86_64")]
fn stat(path: &CStr) -> Result<rustix::fs::Stat> {
    stat_raw(libc::SYS_stat, path)
}

/// lstat(2): as `stat`, without following a symlink at the last component.
#[cfg(target_arch = "x86_64")]
fn lstat(path: &CStr) -> Result<rustix::fs::Stat> {
    stat_raw(libc::SYS_lstat, path)
}

/// stat(2) or lstat(2) (`nr`), the kernel's struct filled in place.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn stat_raw(nr: i64, path: &CStr) -> Result<rustix::fs::Stat> {
    let mut st = core::mem::MaybeUninit::<rustix::fs::Stat>::uninit();
    // SAFETY: path is NUL-terminated and outlives the call; `st` is writable for the kernel's
    // struct stat, which rustix's `Stat` is on x86_64.
    super::raw_syscall::void(unsafe {
        super::raw_syscall::raw2(nr, path.as_ptr() as usize, st.as_mut_ptr() as usize)
    })?;
    // SAFETY: the call succeeded, so the kernel filled the whole struct.
    Ok(unsafe { st.assume_init() })
}

#[cfg(not(target_arch = "x86_64"))]
use rustix::fs::{lstat, stat};

/// open(2) read-only, for the client tools (utmp, runlevel, shutdown.pid): non-blocking, so
/// a FIFO there is an error (EAGAIN on read) rather than a hang.
pub fn open_read(path: &CStr) -> Result<OwnedFd> {
    use rustix::fs::OFlags;
    open(path, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK, 0)
}

/// sync(2).
pub fn sync() {
    rustix::fs::sync();
}

/// Calls `f` with the name of every entry of a directory (getdents64(2)), `.` and `..` left
/// out. The order is the kernel's (sysvinit uses readdir order too, compat §1.1).
pub fn for_each_dir_entry(path: &CStr, mut f: impl FnMut(&CStr)) -> Result<()> {
    each_dir_entry(path, &mut f)
}

/// `for_each_dir_entry`'s loop, compiled once: generic, it was copied into each of its four
/// callers.
fn each_dir_entry(path: &CStr, f: &mut dyn FnMut(&CStr)) -> Result<()> {
    use rustix::fs::OFlags;
    let dir = open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK,
        0,
    )?;
    // Not zeroed: only what the kernel writes is read.
    const LEN: usize = 2048;
    let mut buf = core::mem::MaybeUninit::<[u8; LEN]>::uninit();
    loop {
        // SAFETY: buf is writable for its whole length; the fd is open for the call.
        let n = unsafe {
            syscall3(
                libc::SYS_getdents64,
                fd_arg(&dir),
                buf.as_mut_ptr() as usize,
                LEN,
            )
        }?;
        if n == 0 {
            return Ok(());
        }
        // The kernel writes whole records, `n` bytes of them (getdents64(2)): struct
        // linux_dirent64 is d_ino u64, d_off i64, d_reclen u16, d_type u8, then d_name, NUL
        // terminated inside the record. Walked by their lengths, without checks of what the
        // kernel guarantees (n <= LEN among them).
        let mut at = 0;
        while at < n {
            let record = buf.as_ptr().cast::<u8>().wrapping_add(at);
            // SAFETY: a record starts at `at` < n, so its header, d_reclen at 16 included, was
            // written.
            let reclen = unsafe { record.wrapping_add(16).cast::<u16>().read_unaligned() };
            if reclen == 0 {
                // Never written, but the loop must end whatever it reads.
                break;
            }
            // SAFETY: d_name, at 19, is a NUL-terminated string inside the record, which the
            // kernel wrote; it lives as long as `buf`, past the call.
            let name = unsafe { CStr::from_ptr(record.wrapping_add(19).cast()) };
            if !matches!(name.to_bytes(), b"." | b"..") {
                f(name);
            }
            at += usize::from(reclen);
        }
    }
}

/// A file's identity: device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    pub(super) dev: u64,
    pub(super) ino: u64,
}

/// lstat(2): the identity of `path` (not following a symlink) and its type (`S_IFMT` bits).
pub fn lstat_id(path: &CStr) -> Result<(FileId, u32)> {
    let st = lstat(path)?;
    Ok((
        FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        },
        st.st_mode & S_IFMT,
    ))
}

/// mkdir(2). Out of line: 8 call sites, and a call is shorter than the system call's setup.
#[inline(never)]
pub fn mkdir(path: &CStr, mode: u32) -> Result<()> {
    // x86_64's own call, without mkdirat's dirfd; elsewhere rustix's mkdirat.
    #[cfg(target_arch = "x86_64")]
    // SAFETY: path is NUL-terminated and outlives the call; the mode is a plain integer.
    let done = super::raw_syscall::void(unsafe {
        super::raw_syscall::raw2(libc::SYS_mkdir, path.as_ptr() as usize, mode as usize)
    });
    #[cfg(not(target_arch = "x86_64"))]
    let done = rustix::fs::mkdir(path, rustix::fs::Mode::from_raw_mode(mode));
    done
}

/// symlink(2): a link at `link` holding `target`.
pub fn symlink(target: &CStr, link: &CStr) -> Result<()> {
    rustix::fs::symlink(target, link)
}

/// inotify_init1(2) + inotify_add_watch(2): a non-blocking fd that becomes
/// readable when an entry of directory `dir` is created, deleted or renamed (or `dir` itself
/// goes away).
pub fn watch_dir_entries(dir: &CStr) -> Result<OwnedFd> {
    let flags = (libc::IN_CLOEXEC | libc::IN_NONBLOCK) as usize;
    // SAFETY: inotify_init1 takes plain flags and returns a new fd or an error.
    let fd = OwnedFd::from_ret(unsafe { syscall1(libc::SYS_inotify_init1, flags) })?;
    let what = libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_DELETE_SELF
        | libc::IN_MOVE_SELF
        | libc::IN_ONLYDIR;
    let what = what as usize;
    // SAFETY: fd.0 is the open inotify fd owned above; dir is NUL-terminated and outlives
    // the call.
    unsafe {
        syscall3(
            libc::SYS_inotify_add_watch,
            fd_arg(&fd),
            dir.as_ptr() as usize,
            what,
        )
    }?;
    Ok(fd)
}
