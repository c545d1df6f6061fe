//! The only door to the kernel: thin, safe wrappers with no policy.
//!
//! rustix (linux_raw backend) for everything it exports; musl for what rustix 1.x keeps
//! behind its unstable `runtime` feature: fork, execve, the signal mask and dispositions, and
//! signalfd (through musl's `syscall()`, so the kernel's 64-bit sigset is used as is and the
//! signals musl reserves for threads are blocked too: vinit has one thread). No logging, no
//! retries except EINTR. Every wrapper names the man page it wraps.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_char, c_int, c_long};
use core::sync::atomic::{AtomicI32, Ordering};

pub use rustix::fd::{AsFd, BorrowedFd};
pub use rustix::io::Errno;

use vinit_core::time::Instant;

/// An fd vinit owns, closed on drop. vinit's own type rather than rustix's: rustix's no_std
/// fd types assert `fd != -1` on every borrow, which the optimiser cannot prove, and a
/// reachable assert would break the link-time no-panic proof (docs/size.md).
#[derive(Debug)]
pub struct OwnedFd(c_int);

impl OwnedFd {
    /// Borrows the fd for a rustix call.
    pub fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: self.0 is an open fd (>= 0, checked at creation) that lives as long as self;
        // the mask is a no-op on it and shows the optimiser the value is not -1.
        unsafe { BorrowedFd::borrow_raw(self.0 & c_int::MAX) }
    }

    fn from_ret(rc: c_int) -> Result<Self> {
        if rc < 0 {
            Err(last_errno())
        } else {
            Ok(Self(rc))
        }
    }
}

impl AsFd for OwnedFd {
    fn as_fd(&self) -> BorrowedFd<'_> {
        Self::as_fd(self)
    }
}

impl Drop for OwnedFd {
    fn drop(&mut self) {
        // SAFETY: the fd is owned by this value and closed exactly once, here.
        unsafe { libc::close(self.0) };
    }
}

/// open(2) through musl, so the fd is never wrapped in rustix's asserting type.
fn open(path: &CStr, flags: rustix::fs::OFlags, mode: u32) -> Result<OwnedFd> {
    // SAFETY: path is NUL-terminated and outlives the call; flags and mode are plain integers.
    let rc = unsafe { libc::open(path.as_ptr(), flags.bits() as c_int, mode as libc::c_uint) };
    OwnedFd::from_ret(rc)
}

/// A borrowed standard fd (0, 1 or 2), which vinit never closes.
const fn std_fd(n: c_int) -> BorrowedFd<'static> {
    // SAFETY: fds 0-2 stay open numbers for the life of the process (vinit never closes them;
    // at worst the kernel answers EBADF); a constant 0-2 is not -1.
    unsafe { BorrowedFd::borrow_raw(n) }
}

/// Result of every fallible wrapper.
pub type Result<T> = core::result::Result<T, Errno>;

pub use vinit_core::status::{Exit, Pid};

/// Signals that stay unblocked so a real fault in vinit is not swallowed by the signalfd
/// (catatonit's `kernel_signals`): SIGILL 4, SIGTRAP 5, SIGABRT 6, SIGBUS 7, SIGFPE 8, SIGSEGV 11,
/// SIGSYS 31.
const FAULT_SIGNALS: u64 = bit(4) | bit(5) | bit(6) | bit(7) | bit(8) | bit(11) | bit(31);

const fn bit(sig: u32) -> u64 {
    1u64 << (sig - 1)
}

/// The kernel's sigset for signals 1..=64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigMask(pub u64);

impl SigMask {
    /// Every signal vinit can receive through its signalfd.
    pub const CATCHABLE: Self = Self(!FAULT_SIGNALS & !bit(9) & !bit(19));
}

/// `rt_sigprocmask(SIG_SETMASK, mask)` (sigprocmask(2)); returns the previous mask.
pub fn set_signal_mask(mask: SigMask) -> Result<SigMask> {
    let mut old: u64 = 0;
    // SAFETY: both pointers are valid 8-byte sigsets for the duration of the call, and the
    // size argument (8) matches the kernel's sigset size on Linux.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_rt_sigprocmask,
            libc::SIG_SETMASK as c_long,
            &mask.0 as *const u64,
            &mut old as *mut u64,
            8 as c_long,
        )
    };
    if rc < 0 {
        Err(last_errno())
    } else {
        Ok(SigMask(old))
    }
}

/// `signalfd4(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK)` (signalfd(2)).
pub fn signalfd(mask: SigMask) -> Result<OwnedFd> {
    // SAFETY: the mask pointer is a valid 8-byte sigset; -1 asks for a new fd.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_signalfd4,
            -1 as c_long,
            &mask.0 as *const u64,
            8 as c_long,
            (libc::SFD_CLOEXEC | libc::SFD_NONBLOCK) as c_long,
        )
    };
    if rc < 0 {
        return Err(last_errno());
    }
    // The kernel just returned this fd to us; nothing else owns it.
    OwnedFd::from_ret(c_int::try_from(rc).unwrap_or(-1))
}

/// One signal read from the signalfd.
#[derive(Clone, Copy, Debug)]
pub struct SigInfo {
    /// Signal number.
    pub signo: u8,
}

/// Reads the next pending signal, `Ok(None)` when none is queued (read(2) on a signalfd).
pub fn read_signal(fd: BorrowedFd<'_>) -> Result<Option<SigInfo>> {
    // struct signalfd_siginfo is 128 bytes: ssi_signo at 0 (u32), ssi_pid at 12 (u32).
    let mut buf = [0u8; 128];
    loop {
        match rustix::io::read(fd, &mut buf) {
            Ok(128) => {
                let signo = u32::from_ne_bytes([buf[0], buf[1], buf[2], buf[3]]);
                return Ok(Some(SigInfo { signo: signo as u8 }));
            }
            Ok(_) => return Err(Errno::IO),
            Err(Errno::AGAIN) => return Ok(None),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// Discards pending instances of the signals in `mask` (sigtimedwait(2) with a zero timeout).
pub fn discard_pending(mask: SigMask) {
    let zero = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    loop {
        // SAFETY: valid sigset and timespec pointers; a null siginfo pointer is allowed.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_rt_sigtimedwait,
                &mask.0 as *const u64,
                core::ptr::null_mut::<libc::siginfo_t>(),
                &zero as *const libc::timespec,
                8 as c_long,
            )
        };
        if rc <= 0 {
            return;
        }
    }
}

/// Resets the disposition of every signal in `mask` to SIG_DFL (sigaction(2)).
pub fn reset_signal_dispositions(mask: SigMask) {
    // struct kernel_sigaction: handler, flags, restorer, mask. SIG_DFL is 0, so all zero.
    let action = [0u64; 4];
    for sig in 1..=64u32 {
        if sig == 9 || sig == 19 || mask.0 & bit(sig) == 0 {
            continue;
        }
        // SAFETY: the action points to a zeroed kernel_sigaction (SIG_DFL, no flags); the old
        // action pointer is null, which the kernel allows; failures (none expected) are harmless.
        unsafe {
            libc::syscall(
                libc::SYS_rt_sigaction,
                sig as c_long,
                action.as_ptr(),
                core::ptr::null_mut::<u64>(),
                8 as c_long,
            );
        }
    }
}

/// Where a fault signal that another process sent with kill(2) goes: kill(2)'s pid argument
/// (the main child, or its group as a negative number); 0 drops it. Set by the event loop,
/// read by `on_fault_signal`.
static FAULT_SIGNAL_TARGET: AtomicI32 = AtomicI32::new(0);

/// Sets where `forward_fault_signals`'s handler sends the fault signals that come from
/// kill(2); 0 drops them.
pub fn set_fault_signal_target(target: Pid) {
    FAULT_SIGNAL_TARGET.store(target, Ordering::Relaxed);
}

/// Installs `on_fault_signal` for the fault signals (SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE,
/// SIGSEGV, SIGSYS; sigaction(2) with SA_SIGINFO), which stay unblocked. Call it before the
/// signal mask is set: musl's sigaction unblocks musl's own thread signals (32-34) the first
/// time it installs a handler, and the mask set afterwards blocks them again. Children get
/// default dispositions back at execve(2), which resets every caught signal.
pub fn forward_fault_signals() -> Result<()> {
    // SAFETY: sigaction is plain data (integers, a sigset, an optional function pointer):
    // all zero is a valid value (SIG_DFL, empty mask, no flags, no restorer).
    let mut action: libc::sigaction = unsafe { core::mem::zeroed() };
    let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut core::ffi::c_void) =
        on_fault_signal;
    action.sa_sigaction = handler as libc::sighandler_t;
    action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
    for sig in 1..=64u32 {
        if FAULT_SIGNALS & bit(sig) == 0 {
            continue;
        }
        // SAFETY: `action` is a valid sigaction whose handler is an extern "C" function of the
        // SA_SIGINFO signature; a null old-action pointer is allowed.
        let rc = unsafe { libc::sigaction(sig as c_int, &action, core::ptr::null_mut()) };
        if rc < 0 {
            return Err(last_errno());
        }
    }
    Ok(())
}

/// The handler of the fault signals; async-signal-safe (an atomic load and raw syscalls, none
/// of which touches errno on success). One sent by another process (kill(2), sigqueue(3),
/// tgkill(2): si_code <= 0) is forwarded like any other signal. A real fault (si_code > 0,
/// sent by the kernel) or one vinit raised itself (abort(3)) gets the default action back and
/// is raised again: it is delivered as the handler returns, so vinit dies of it, and dumps
/// core, as it would with no handler. As PID 1 of a namespace the kernel drops the signal
/// vinit sends itself; a faulting instruction (SIGSEGV, SIGBUS, SIGFPE, SIGILL) then runs
/// again as the handler returns and faults for good, but after an int3 (SIGTRAP) or a seccomp
/// trap (SIGSYS) nothing would: vinit leaves with 128 + N instead.
extern "C" fn on_fault_signal(sig: c_int, info: *mut libc::siginfo_t, _: *mut core::ffi::c_void) {
    // SAFETY: the kernel hands an SA_SIGINFO handler a valid siginfo (or, never seen, null).
    let info = unsafe { info.as_ref() };
    let me = rustix::process::getpid();
    let sent = info.is_some_and(|i| {
        // SAFETY: si_pid is the sender for every si_code <= 0 (SI_USER, SI_QUEUE, SI_TKILL);
        // it is read only for those.
        i.si_code <= 0 && unsafe { i.si_pid() } != me.as_raw_nonzero().get()
    });
    let Ok(signo) = u32::try_from(sig) else {
        return;
    };
    // SAFETY: the kernel delivered this number, so it is a valid signal.
    let signal = unsafe { rustix::process::Signal::from_raw_unchecked(sig) };
    if sent {
        let target = FAULT_SIGNAL_TARGET.load(Ordering::Relaxed);
        let _ = match rustix::process::Pid::from_raw(target.saturating_abs()) {
            Some(pid) if target < 0 => rustix::process::kill_process_group(pid, signal),
            Some(pid) => rustix::process::kill_process(pid, signal),
            None => Ok(()),
        };
        return;
    }
    reset_signal_dispositions(SigMask(bit(signo)));
    let _ = rustix::process::kill_process(me, signal);
    if me.is_init() && matches!(signo, 5 | 31) {
        exit(128 + signo as u8);
    }
}

/// The signals this process ignores (`SigIgn` of /proc/self/status, proc(5)); every signal
/// when /proc cannot tell, so the caller resets them all.
pub fn ignored_signals() -> SigMask {
    let mut buf = [0u8; 2048];
    let Ok(n) = read_file(c"/proc/self/status", &mut buf) else {
        return SigMask(u64::MAX);
    };
    let text = buf.get(..n).unwrap_or_default();
    text.split(|&b| b == b'\n')
        .find_map(|line| line.strip_prefix(b"SigIgn:"))
        .and_then(|hex| parse_hex(hex.trim_ascii()))
        .map_or(SigMask(u64::MAX), SigMask)
}

fn parse_hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &d| {
        let v = match d {
            b'0'..=b'9' => d - b'0',
            b'a'..=b'f' => d - b'a' + 10,
            b'A'..=b'F' => d - b'A' + 10,
            _ => return None,
        };
        Some((n << 4) | u64::from(v))
    })
}

/// musl's errno as a rustix Errno (kept inside the kernel's range, so no check can fail).
fn last_errno() -> Errno {
    Errno::from_raw_os_error(errno().clamp(1, 4095))
}

fn errno() -> i32 {
    // SAFETY: __errno_location has no preconditions.
    let location = unsafe { libc::__errno_location() };
    // SAFETY: musl returns a valid, aligned pointer to this thread's errno.
    unsafe { *location }
}

/// Who we are after `fork()`.
pub enum Forked {
    /// In the child.
    Child,
    /// In the parent, with the child's pid.
    Parent(Pid),
}

/// fork(2).
pub fn fork() -> Result<Forked> {
    // SAFETY: vinit is single-threaded, so the child may call any function; the child only calls
    // async-signal-safe wrappers of this module before exec or _exit anyway.
    let pid = unsafe { libc::fork() };
    match pid {
        p if p < 0 => Err(last_errno()),
        0 => Ok(Forked::Child),
        p => Ok(Forked::Parent(p)),
    }
}

/// A NULL-terminated array of C string pointers, as execve(2) wants for argv and envp.
pub type CPtrs<'a> = &'a [*const c_char];

/// execve(2); returns only on failure.
pub fn execve(path: &CStr, argv: CPtrs<'_>, envp: CPtrs<'_>) -> Errno {
    if argv.last().is_some_and(|p| !p.is_null()) || envp.last().is_some_and(|p| !p.is_null()) {
        return Errno::INVAL;
    }
    // SAFETY: path is NUL-terminated; argv and envp end with a null pointer (checked above) and
    // every other element points to a NUL-terminated string owned by the caller.
    unsafe { libc::execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    last_errno()
}

/// _exit(2): leaves at once, without running anything else.
pub fn exit(code: u8) -> ! {
    // SAFETY: _exit is always safe to call; it does not return.
    unsafe { libc::_exit(c_int::from(code)) }
}

/// waitpid(-1, WNOHANG) (wait(2)): `Ok(None)` if children exist but none has exited,
/// `Err(CHILD)` if there are no children at all.
pub fn reap_any() -> Result<Option<(Pid, Exit)>> {
    use rustix::process::{WaitOptions, wait};
    loop {
        match wait(WaitOptions::NOHANG) {
            Ok(Some((pid, status))) => {
                let exit = if let Some(code) = status.exit_status() {
                    Exit::Code(code as u8)
                } else if let Some(sig) = status.terminating_signal() {
                    Exit::Signal(sig as u8)
                } else {
                    // Stopped/continued are not reported without WUNTRACED/WCONTINUED.
                    continue;
                };
                return Ok(Some((pid.as_raw_nonzero().get(), exit)));
            }
            Ok(None) => return Ok(None),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// kill(2) with a raw signal number; `pid` follows kill(2): > 0 one process, < -1 a group,
/// -1 every process we may signal (in a PID namespace: all of it but PID 1).
pub fn kill(pid: Pid, sig: u8) -> Result<()> {
    if sig == 0 || sig > 64 {
        return Err(Errno::INVAL);
    }
    // SAFETY: the value was just checked to be a signal number the kernel accepts.
    let sig = unsafe { rustix::process::Signal::from_raw_unchecked(i32::from(sig)) };
    match pid {
        -1 => {
            // SAFETY: kill(-1, sig) has no memory-safety requirements.
            let rc = unsafe { libc::kill(-1, sig.as_raw()) };
            if rc < 0 { Err(last_errno()) } else { Ok(()) }
        }
        p if p < -1 => match rustix::process::Pid::from_raw(-p) {
            Some(group) => rustix::process::kill_process_group(group, sig),
            None => Err(Errno::INVAL),
        },
        p => match rustix::process::Pid::from_raw(p) {
            Some(one) => rustix::process::kill_process(one, sig),
            None => Err(Errno::INVAL),
        },
    }
}

/// getpid(2).
pub fn getpid() -> Pid {
    rustix::process::getpid().as_raw_nonzero().get()
}

/// getppid(2); 0 when the parent is outside this process's PID namespace.
pub fn getppid() -> Pid {
    rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get())
}

/// stat(2) of both paths: whether they are the same file (device and inode). `false` when
/// either cannot be read. Through /proc/PID/exe, the magic link leads to the executable.
pub fn same_file(a: &CStr, b: &CStr) -> bool {
    match (rustix::fs::stat(a), rustix::fs::stat(b)) {
        (Ok(x), Ok(y)) => x.st_dev == y.st_dev && x.st_ino == y.st_ino,
        _ => false,
    }
}

/// prctl(PR_SET_CHILD_SUBREAPER, 1) (prctl(2)).
pub fn set_child_subreaper() -> Result<()> {
    rustix::process::set_child_subreaper(Some(rustix::process::getpid()))
}

/// setsid(2).
pub fn setsid() -> Result<()> {
    rustix::process::setsid().map(drop)
}

/// ioctl(fd, TIOCSCTTY, 0) (ioctl_tty(2)): take `fd` as the controlling terminal.
pub fn take_controlling_tty(fd: BorrowedFd<'_>) -> Result<()> {
    rustix::process::ioctl_tiocsctty(fd)
}

/// ioctl(fd, TIOCNOTTY) (ioctl_tty(2)): give up the controlling terminal so a child's new
/// session can take it (dumb-init does the same).
pub fn release_controlling_tty(fd: BorrowedFd<'_>) -> Result<()> {
    // SAFETY: TIOCNOTTY takes no argument; the fd is borrowed for the call.
    let rc = unsafe { libc::ioctl(rustix::fd::AsRawFd::as_raw_fd(&fd), libc::TIOCNOTTY) };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// isatty(3), through TCGETS.
pub fn is_terminal(fd: BorrowedFd<'_>) -> bool {
    rustix::termios::isatty(fd)
}

/// fd 0, borrowed.
pub fn stdin() -> BorrowedFd<'static> {
    std_fd(0)
}

/// fd 1, borrowed.
pub fn stdout() -> BorrowedFd<'static> {
    std_fd(1)
}

/// fd 2, borrowed.
pub fn stderr() -> BorrowedFd<'static> {
    std_fd(2)
}

/// close_range(3, ~0, CLOSE_RANGE_CLOEXEC) (close_range(2)): every fd vinit inherited above 2
/// is closed at exec, so children get only 0-2.
pub fn cloexec_inherited_fds() -> Result<()> {
    const CLOSE_RANGE_CLOEXEC: c_long = 1 << 2;
    // SAFETY: close_range takes plain integers; marking fds close-on-exec frees no memory.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3 as c_long,
            c_long::from(u32::MAX),
            CLOSE_RANGE_CLOEXEC,
        )
    };
    if rc < 0 { Err(last_errno()) } else { Ok(()) }
}

/// Writes all of `bytes` to `fd` (write(2)), retrying on EINTR and short writes.
pub fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> Result<()> {
    while !bytes.is_empty() {
        match rustix::io::write(fd, bytes) {
            Ok(0) => return Err(Errno::IO),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// write(2) once: the number of bytes written.
pub fn write(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    rustix::io::write(fd, bytes)
}

/// `pwritev2(fd, bytes, -1, RWF_NOWAIT)` (pwritev2(2)): a write at the file position that fails
/// with EAGAIN instead of waiting for room, without changing the open file description that
/// children share (O_NONBLOCK would). EOPNOTSUPP where the file does not take the flag (FIFOs,
/// ttys, most regular files, and pipes before Linux 6.4).
pub fn write_nowait(fd: BorrowedFd<'_>, bytes: &[u8]) -> Result<usize> {
    let iov = libc::iovec {
        iov_base: bytes.as_ptr() as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: iov points to `bytes`, readable for its length for the whole call (the kernel
    // only reads it); offset -1 (both halves) means the current position; plain flags.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pwritev2,
            c_long::from(rustix::fd::AsRawFd::as_raw_fd(&fd)),
            &iov as *const libc::iovec,
            1 as c_long,
            -1 as c_long,
            -1 as c_long,
            libc::RWF_NOWAIT as c_long,
        )
    };
    usize::try_from(rc).map_err(|_| last_errno())
}

/// fstat(2): whether `fd` is a regular file.
pub fn is_regular_file(fd: BorrowedFd<'_>) -> bool {
    rustix::fs::fstat(fd).is_ok_and(|st| {
        rustix::fs::FileType::from_raw_mode(st.st_mode) == rustix::fs::FileType::RegularFile
    })
}

/// The soft RLIMIT_NOFILE (getrlimit(2)): file descriptors must be below it; `None` when
/// unlimited.
pub fn nofile_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

/// CLOCK_MONOTONIC in milliseconds (clock_gettime(2)).
pub fn now() -> Instant {
    let ts = clock(libc::CLOCK_MONOTONIC);
    let ms = (ts.tv_sec as u64)
        .saturating_mul(1000)
        .saturating_add((ts.tv_nsec as u64) / 1_000_000);
    Instant::from_millis(ms)
}

/// clock_gettime(2) through musl, whose vDSO lookup is linked in anyway (rustix's own copy
/// would add 2 KB).
fn clock(id: libc::clockid_t) -> libc::timespec {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid, writable timespec; the clock ids used are always supported, and
    // on failure ts stays zero.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts
}

/// poll(2) on one fd for input, with an optional timeout in milliseconds; `Ok(true)` if it is
/// readable. EINTR counts as "woke up".
pub fn wait_readable(fd: BorrowedFd<'_>, timeout_ms: Option<u64>) -> Result<bool> {
    wait_readable_fds([Some(fd)], timeout_ms).map(|[ready]| ready)
}

/// The process's argv, as musl's `main` received it.
#[derive(Clone, Copy)]
pub struct Argv {
    argc: usize,
    argv: *const *const c_char,
}

impl Argv {
    /// Wraps `main`'s arguments.
    ///
    /// # Safety
    /// `argv` must point to `argc` valid NUL-terminated strings followed by a null pointer, all
    /// living for the rest of the process (what the kernel and musl's start code guarantee).
    pub unsafe fn from_main(argc: c_int, argv: *const *const c_char) -> Self {
        Self {
            argc: usize::try_from(argc).unwrap_or(0),
            argv,
        }
    }

    /// Argument `i`, if it exists.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        if i >= self.argc || self.argv.is_null() {
            return None;
        }
        // SAFETY: i < argc, and from_main's contract says argv[i] is a valid string pointer.
        let ptr = unsafe { *self.argv.wrapping_add(i) };
        if ptr.is_null() {
            return None;
        }
        // SAFETY: ptr is a NUL-terminated string that lives for the whole process.
        Some(unsafe { CStr::from_ptr(ptr) })
    }

    /// The NULL-terminated pointer array from argument `i` on: exactly what execve(2) wants as
    /// the argv of a command given on vinit's own command line.
    pub fn tail_ptrs(&self, i: usize) -> Option<CPtrs<'static>> {
        if i >= self.argc || self.argv.is_null() {
            return None;
        }
        // SAFETY: elements i..=argc exist (argv[argc] is the terminating null) and live forever.
        Some(unsafe { core::slice::from_raw_parts(self.argv.wrapping_add(i), self.argc - i + 1) })
    }
}

/// The process's environment, as musl's `main` received it.
#[derive(Clone, Copy)]
pub struct Envp {
    envp: *const *const c_char,
    len: usize,
}

impl Envp {
    /// Wraps `main`'s environment.
    ///
    /// # Safety
    /// `envp` must be a null-terminated array of valid NUL-terminated strings living for the
    /// rest of the process (or null).
    pub unsafe fn from_main(envp: *const *const c_char) -> Self {
        let mut len = 0;
        if !envp.is_null() {
            // SAFETY: the array is null-terminated, so every index up to the null is readable.
            while !unsafe { *envp.wrapping_add(len) }.is_null() {
                len += 1;
            }
        }
        Self { envp, len }
    }

    /// Number of `NAME=VALUE` strings.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// The `i`th `NAME=VALUE` string.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        if i >= self.len {
            return None;
        }
        // SAFETY: i < len, and every element before the terminator is a valid string pointer.
        let ptr = unsafe { *self.envp.wrapping_add(i) };
        // SAFETY: the string is NUL-terminated and lives for the whole process.
        Some(unsafe { CStr::from_ptr(ptr) })
    }

    /// The value of `name`, if set.
    pub fn var(&self, name: &[u8]) -> Option<&'static [u8]> {
        self.var_cstr(name).map(CStr::to_bytes)
    }

    /// The value of `name`, if set, as the NUL-terminated string it already is in memory.
    pub fn var_cstr(&self, name: &[u8]) -> Option<&'static CStr> {
        (0..self.len).filter_map(|i| self.get(i)).find_map(|kv| {
            let value = kv
                .to_bytes_with_nul()
                .strip_prefix(name)?
                .strip_prefix(b"=")?;
            CStr::from_bytes_with_nul(value).ok()
        })
    }

    /// An empty environment.
    #[cfg(test)]
    pub const fn empty() -> Self {
        Self {
            envp: core::ptr::null(),
            len: 0,
        }
    }

    /// The whole NULL-terminated array, for execve(2).
    pub fn ptrs(&self) -> CPtrs<'static> {
        if self.envp.is_null() {
            return &[core::ptr::null()];
        }
        // SAFETY: elements 0..=len exist (envp[len] is the terminating null) and live forever.
        unsafe { core::slice::from_raw_parts(self.envp, self.len + 1) }
    }
}

/// Calls `f(pid, stat)` for every process listed in /proc (proc(5)); vinit's own pid is
/// skipped. Used to count, name and signal what is left at the end.
pub fn scan_processes(mut f: impl FnMut(Pid, &ProcStat)) -> Result<()> {
    let me = getpid();
    for_each_dir_entry(c"/proc", |name| {
        let Some(pid) = vinit_core::args::parse_number(name.to_bytes(), 1, i32::MAX as u64) else {
            return;
        };
        let pid = pid as Pid;
        if pid == me {
            return;
        }
        if let Some(stat) = read_stat(pid) {
            f(pid, &stat);
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
        self.name
            .get(..usize::from(self.name_len))
            .unwrap_or_default()
    }
}

/// /proc/PID/stat of `pid`, `None` if the process is gone (a zombie is still there).
pub fn read_stat(pid: Pid) -> Option<ProcStat> {
    let mut path: heapless::String<32> = heapless::String::new();
    ufmt::uwrite!(path, "/proc/{}/stat", pid).ok()?;
    // One byte more than the path holds, so the copy always ends in a NUL.
    let mut cpath = [0u8; 33];
    for (to, from) in cpath.iter_mut().zip(path.as_bytes()) {
        *to = *from;
    }
    let cpath = CStr::from_bytes_until_nul(&cpath).ok()?;
    let mut buf = [0u8; 512];
    let n = read_file(cpath, &mut buf).ok()?;
    parse_stat(buf.get(..n)?)
}

/// Fields 2 (the name, in parentheses) and 4 (the parent) of /proc/PID/stat. The name may
/// hold spaces and parentheses itself, so it runs from the first `(` to the last `)`.
pub fn parse_stat(stat: &[u8]) -> Option<ProcStat> {
    let open = stat.iter().position(|&b| b == b'(')?;
    let close = stat.iter().rposition(|&b| b == b')')?;
    let comm = stat.get(open + 1..close)?;
    let mut fields = stat
        .get(close + 1..)?
        .split(|&b| b == b' ')
        .filter(|f| !f.is_empty());
    let _state = fields.next()?;
    let ppid = vinit_core::args::parse_number(fields.next()?, 0, i32::MAX as u64)?;
    let mut name = [0u8; vinit_core::limits::PROC_NAME_MAX];
    for (to, from) in name.iter_mut().zip(comm) {
        *to = *from;
    }
    Some(ProcStat {
        ppid: ppid as Pid,
        name,
        name_len: comm.len().min(name.len()) as u8,
    })
}

/// chdir("/") (chdir(2)): PID 1 must not keep the directory it was started in busy (a bind
/// mount of the host could then not be unmounted).
pub fn chdir_root() -> Result<()> {
    rustix::process::chdir(c"/")
}

// ---- Client tools (telinit, shutdown, halt family, runlevel) ----

/// geteuid(2).
pub fn geteuid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// open(2) of a FIFO's write end with O_NONBLOCK, so it fails with ENXIO at once instead of
/// blocking while nobody reads (fifo(7)).
pub fn open_fifo_writer(path: &CStr) -> Result<OwnedFd> {
    use rustix::fs::OFlags;
    open(path, OFlags::WRONLY | OFlags::NONBLOCK | OFlags::CLOEXEC, 0)
}

/// poll(2) on one fd for output, with a timeout in milliseconds; `Ok(true)` if it is
/// writable. EINTR counts as "not yet".
pub fn wait_writable(fd: BorrowedFd<'_>, timeout_ms: u64) -> Result<bool> {
    use rustix::event::{PollFd, PollFlags, poll};
    let mut fds = [PollFd::new(&fd, PollFlags::OUT)];
    match poll(&mut fds, Some(&timespec_ms(timeout_ms))) {
        Ok(n) => Ok(n > 0),
        Err(Errno::INTR) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Sleeps about `ms` milliseconds (poll(2) on no fds); a signal may cut it short.
pub fn sleep_ms(ms: u64) {
    let _ = rustix::event::poll(&mut [], Some(&timespec_ms(ms)));
}

fn timespec_ms(ms: u64) -> rustix::event::Timespec {
    let tv_sec = (ms / 1000) as i64;
    rustix::event::Timespec {
        tv_sec,
        tv_nsec: ((ms % 1000) * 1_000_000) as i64,
    }
}

/// open(2) read-only, for the client tools (utmp, runlevel, shutdown.pid): non-blocking, so
/// a FIFO there is an error (EAGAIN on read) rather than a hang.
pub fn open_read(path: &CStr) -> Result<OwnedFd> {
    use rustix::fs::OFlags;
    open(path, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK, 0)
}

/// read(2) until `buf` is full or end of file, retrying EINTR; returns the bytes read.
pub fn read_full(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while let Some(rest) = buf.get_mut(filled..).filter(|r| !r.is_empty()) {
        match rustix::io::read(fd, rest) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

// ---- Files: every file PID 1 opens goes through `open_file` (or `open_fifo`, `read_file`
// for procfs, `for_each_dir_entry` for directories) ----

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
    /// State it reads (powerstatus).
    ReadState,
    /// State it rewrites in place (utmp); never created.
    UpdateState,
    /// State it appends to (wtmp); never created.
    AppendState,
    /// State it creates or empties (utmp at boot, runlevel), mode 0644 before umask.
    ReplaceState,
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
    /// Larger than vinit reads: its size and the bound.
    TooBig(u64, u64),
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
    use rustix::fs::OFlags;
    let (access, follow) = match what {
        FileUse::Config => (OFlags::RDONLY, true),
        FileUse::ReadState => (OFlags::RDONLY, false),
        FileUse::UpdateState => (OFlags::RDWR, false),
        FileUse::AppendState => (OFlags::WRONLY | OFlags::APPEND, false),
        FileUse::ReplaceState => (OFlags::WRONLY | OFlags::CREATE, false),
    };
    let mut flags = access | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NONBLOCK;
    if !follow {
        flags |= OFlags::NOFOLLOW;
    }
    let fd = open(path, flags, 0o644).map_err(|e| open_error(path, e, follow))?;
    let st = rustix::fs::fstat(fd.as_fd())?;
    let kind = st.st_mode & S_IFMT;
    if kind != S_IFREG {
        return Err(FileError::Kind(kind));
    }
    let me = geteuid();
    if follow {
        if st.st_uid != 0 && st.st_uid != me {
            return Err(FileError::Owner(st.st_uid));
        }
        if st.st_mode & 0o002 != 0 {
            return Err(FileError::WritableByOthers(st.st_mode & 0o7777));
        }
    } else {
        if st.st_uid != me {
            return Err(FileError::Owner(st.st_uid));
        }
        if st.st_nlink as u64 > 1 {
            return Err(FileError::Links(st.st_nlink as u64));
        }
    }
    if what == FileUse::ReplaceState {
        rustix::fs::ftruncate(fd.as_fd(), 0)?;
    }
    Ok((fd, st.st_size.max(0) as u64))
}

/// Appends `bytes` to the state file `path` if it exists (never created: wtmp is only written
/// when the system keeps one), after `open_file`'s checks.
pub fn append_existing(path: &CStr, bytes: &[u8]) -> FileResult<()> {
    let (fd, _) = open_file(path, FileUse::AppendState)?;
    Ok(write_all(fd.as_fd(), bytes)?)
}

/// Runs `f` on the existing state file `path` (and its size), opened read-write by
/// `open_file`, while holding an exclusive whole-file fcntl lock: the lock glibc's utmp
/// writers (login, getty) take, so no record is lost to a concurrent writer. A holder is
/// waited for at most `LOCK_TRIES` ms, as PID 1 must not hang on a stuck one (glibc gives up
/// after 10 s); after a wait has run out, later calls try once without waiting until a lock
/// is taken again, so a holder that never lets go costs PID 1 those 100 ms once, not once per
/// record.
pub fn with_locked_file<T>(
    path: &CStr,
    f: impl FnOnce(BorrowedFd<'_>, u64) -> FileResult<T>,
) -> FileResult<T> {
    use core::sync::atomic::{AtomicBool, Ordering};
    use rustix::fs::FlockOperation;
    const LOCK_TRIES: u32 = 100;
    static GAVE_UP: AtomicBool = AtomicBool::new(false);
    let (fd, size) = open_file(path, FileUse::UpdateState)?;
    let mut tries = if GAVE_UP.load(Ordering::Relaxed) {
        LOCK_TRIES
    } else {
        0
    };
    loop {
        match rustix::fs::fcntl_lock(fd.as_fd(), FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => break,
            Err(Errno::AGAIN | Errno::ACCESS | Errno::INTR) if tries < LOCK_TRIES => {
                tries += 1;
                let _ = wait_readable_fds::<0>([], Some(1));
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

/// pread(2) from `offset` until `buf` is full or the file ends; the number of bytes read.
pub fn read_at(fd: BorrowedFd<'_>, buf: &mut [u8], offset: u64) -> Result<usize> {
    fill(buf, |rest, done| rustix::io::pread(fd, rest, offset + done))
}

/// Calls `read(rest, offset)` until `buf` is full or it returns 0 (the end); retries EINTR.
fn fill(buf: &mut [u8], mut read: impl FnMut(&mut [u8], u64) -> Result<usize>) -> Result<usize> {
    let mut len = 0;
    loop {
        let Some(rest) = buf.get_mut(len..) else {
            return Ok(len);
        };
        if rest.is_empty() {
            return Ok(len);
        }
        match read(rest, len as u64) {
            Ok(0) => return Ok(len),
            Ok(n) => len += n,
            Err(Errno::INTR) => {}
            Err(e) => return Err(e),
        }
    }
}

/// pwrite(2) of all of `bytes` at `offset`.
pub fn write_all_at(fd: BorrowedFd<'_>, bytes: &[u8], offset: u64) -> Result<()> {
    match rustix::io::pwrite(fd, bytes, offset) {
        Ok(n) if n == bytes.len() => Ok(()),
        Ok(_) => Err(Errno::IO),
        Err(e) => Err(e),
    }
}

/// Creates or empties the state file `path` (mode 0644 before umask) and writes `bytes`,
/// after `open_file`'s checks.
pub fn write_file(path: &CStr, bytes: &[u8]) -> FileResult<()> {
    let (fd, _) = open_file(path, FileUse::ReplaceState)?;
    Ok(write_all(fd.as_fd(), bytes)?)
}

/// unlink(2).
pub fn unlink(path: &CStr) -> Result<()> {
    rustix::fs::unlink(path)
}

/// access(2) F_OK: does `path` exist?
pub fn exists(path: &CStr) -> bool {
    rustix::fs::access(path, rustix::fs::Access::EXISTS).is_ok()
}

/// sync(2).
pub fn sync() {
    rustix::fs::sync();
}

/// kill(pid, 0) (kill(2)): is there a process `pid` we may signal?
pub fn process_exists(pid: Pid) -> bool {
    let pid = rustix::process::Pid::from_raw(pid);
    pid.is_some_and(|p| rustix::process::test_kill_process(p).is_ok())
}

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

/// CLOCK_REALTIME as (seconds, microseconds) (clock_gettime(2)), as utmp stamps records.
pub fn wall_clock() -> (i64, u32) {
    let ts = clock(libc::CLOCK_REALTIME);
    (ts.tv_sec, (ts.tv_nsec / 1000) as u32)
}

/// The kernel release from uname(2), for wtmp's ut_host.
pub fn kernel_release() -> heapless::Vec<u8, { vinit_core::limits::KERNEL_RELEASE_MAX }> {
    let name = rustix::system::uname();
    let release = name.release().to_bytes();
    heapless::Vec::from_slice(
        release
            .get(..vinit_core::limits::KERNEL_RELEASE_MAX)
            .unwrap_or(release),
    )
    .unwrap_or_default()
}

/// Hour and minute of UTC at `sec` seconds since the epoch. `shutdown hh:mm` reads the time
/// as UTC: musl's localtime would add its time-zone code and malloc (+8 KB) to PID 1's
/// binary for one rarely used client form, and containers mostly run in UTC.
pub fn utc_hour_minute(sec: i64) -> (u8, u8) {
    let minute_of_day = sec.rem_euclid(86_400) / 60;
    ((minute_of_day / 60) as u8, (minute_of_day % 60) as u8)
}

/// Reads a whole (small) procfs file into `buf` (open(2) + read(2)); returns the length read.
/// A file longer than `buf` is cut at its size. No owner check: /proc/PID files belong to the
/// process's user, and the kernel writes them.
pub fn read_file(path: &CStr, buf: &mut [u8]) -> Result<usize> {
    use rustix::fs::OFlags;
    let flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY | OFlags::NOFOLLOW;
    let fd = open(path, flags | OFlags::NONBLOCK, 0)?;
    fill(buf, |rest, _| rustix::io::read(fd.as_fd(), rest))
}

/// umask(2): adds `bits` to the current mask.
pub fn umask_add(bits: u32) {
    let old = rustix::process::umask(rustix::fs::Mode::empty());
    let _ = rustix::process::umask(old | rustix::fs::Mode::from_raw_mode(bits));
}

/// Calls `f` with the name of every entry of a directory (getdents64(2)), `.` and `..` left
/// out. The order is the kernel's (sysvinit uses readdir order too, compat §1.1).
pub fn for_each_dir_entry(path: &CStr, mut f: impl FnMut(&CStr)) -> Result<()> {
    use rustix::fs::OFlags;
    let dir = open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK,
        0,
    )?;
    let mut buf = [0u8; 2048];
    loop {
        // SAFETY: buf is writable for its whole length; the fd is open for the call.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_getdents64,
                c_long::from(dir.0),
                buf.as_mut_ptr(),
                buf.len() as c_long,
            )
        };
        if rc < 0 {
            return Err(last_errno());
        }
        if rc == 0 {
            return Ok(());
        }
        let mut rest = buf.get(..rc as usize).unwrap_or_default();
        // struct linux_dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name[].
        while let Some(&[lo, hi]) = rest.get(16..18) {
            let reclen = usize::from(u16::from_ne_bytes([lo, hi]));
            let (Some(record), Some(next)) = (rest.get(..reclen), rest.get(reclen..)) else {
                break;
            };
            if reclen == 0 {
                break;
            }
            if let Some(name) = record
                .get(19..)
                .and_then(|n| CStr::from_bytes_until_nul(n).ok())
                && name != c"."
                && name != c".."
            {
                f(name);
            }
            rest = next;
        }
    }
}

/// A file's identity: device and inode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

/// lstat(2): the identity of `path` (not following a symlink) and its type (`S_IFMT` bits).
pub fn lstat_id(path: &CStr) -> Result<(FileId, u32)> {
    let st = rustix::fs::lstat(path)?;
    Ok((
        FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        },
        st.st_mode & S_IFMT,
    ))
}

/// mkdir(2).
pub fn mkdir(path: &CStr, mode: u32) -> Result<()> {
    rustix::fs::mkdir(path, rustix::fs::Mode::from_raw_mode(mode))
}

/// symlink(2): a link at `link` holding `target`.
pub fn symlink(target: &CStr, link: &CStr) -> Result<()> {
    rustix::fs::symlink(target, link)
}

/// mkfifo(3), through mknodat(2).
pub fn mkfifo(path: &CStr, mode: u32) -> Result<()> {
    rustix::fs::mkfifoat(rustix::fs::CWD, path, rustix::fs::Mode::from_raw_mode(mode))
}

/// Opens vinit's own FIFO read-write and non-blocking without following a symlink (open(2))
/// and checks it (fstat(2)): a FIFO owned by vinit's euid that no other user may open
/// (`mode & 077 == 0`, so a umask cannot make vinit refuse its own). Returns it with its
/// identity.
pub fn open_fifo(path: &CStr) -> FileResult<(OwnedFd, FileId)> {
    use rustix::fs::OFlags;
    let flags =
        OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NOCTTY;
    let fd = open(path, flags, 0).map_err(|e| open_error(path, e, false))?;
    let st = rustix::fs::fstat(fd.as_fd())?;
    let kind = st.st_mode & S_IFMT;
    if kind != S_IFIFO {
        return Err(FileError::Kind(kind));
    }
    if st.st_uid != geteuid() {
        return Err(FileError::Owner(st.st_uid));
    }
    if st.st_mode & 0o077 != 0 {
        return Err(FileError::Mode(st.st_mode & 0o7777));
    }
    Ok((
        fd,
        FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        },
    ))
}

/// read(2).
pub fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize> {
    rustix::io::read(fd, buf)
}

/// poll(2) on every fd that is present; returns which are readable (absent ones never
/// are). EINTR counts as "woke up, nothing ready".
pub fn wait_readable_fds<const N: usize>(
    fds: [Option<BorrowedFd<'_>>; N],
    timeout_ms: Option<u64>,
) -> Result<[bool; N]> {
    use rustix::event::{PollFd, PollFlags, poll};
    let ts;
    let timeout = match timeout_ms {
        Some(ms) => {
            ts = timespec_ms(ms);
            Some(&ts)
        }
        None => None,
    };
    let mut polled: heapless::Vec<PollFd<'_>, N> = heapless::Vec::new();
    let mut slots: heapless::Vec<usize, N> = heapless::Vec::new();
    for (i, fd) in fds.iter().enumerate() {
        if let Some(fd) = fd {
            let _ = polled.push(PollFd::new(fd, PollFlags::IN));
            let _ = slots.push(i);
        }
    }
    let mut ready = [false; N];
    match poll(&mut polled, timeout) {
        Ok(_) => {
            for (p, &i) in polled.iter().zip(&slots) {
                if let Some(r) = ready.get_mut(i) {
                    *r = p
                        .revents()
                        .intersects(PollFlags::IN | PollFlags::HUP | PollFlags::ERR);
                }
            }
            Ok(ready)
        }
        Err(Errno::INTR) => Ok(ready),
        Err(e) => Err(e),
    }
}

/// inotify_init1(2) + inotify_add_watch(2) through musl: a non-blocking fd that becomes
/// readable when an entry of directory `dir` is created, deleted or renamed (or `dir` itself
/// goes away).
pub fn watch_dir_entries(dir: &CStr) -> Result<OwnedFd> {
    // SAFETY: inotify_init1 takes plain flags and returns a new fd or -1.
    let fd =
        OwnedFd::from_ret(unsafe { libc::inotify_init1(libc::IN_CLOEXEC | libc::IN_NONBLOCK) })?;
    let what = libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_MOVED_FROM
        | libc::IN_MOVED_TO
        | libc::IN_DELETE_SELF
        | libc::IN_MOVE_SELF
        | libc::IN_ONLYDIR;
    // SAFETY: fd.0 is the open inotify fd owned above; dir is NUL-terminated and outlives
    // the call.
    let rc = unsafe { libc::inotify_add_watch(fd.0, dir.as_ptr(), what) };
    if rc < 0 { Err(last_errno()) } else { Ok(fd) }
}

/// Reads and discards everything queued on a non-blocking fd (read(2) until EAGAIN).
pub fn drain(fd: BorrowedFd<'_>) {
    let mut buf = [0u8; 512];
    while matches!(rustix::io::read(fd, &mut buf), Ok(n) if n > 0) {}
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
