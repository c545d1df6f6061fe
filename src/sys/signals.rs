//! Signals: the mask, the signalfd, dispositions, and the fault signals' handler.
#![allow(unsafe_code)]

use core::ffi::{c_int, c_ulong};
use core::sync::atomic::{AtomicI32, Ordering};

use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use super::fds::OwnedFd;
use super::processes::{exit, getpid, kill};
use super::raw_syscall::{fd_arg, raw4, syscall3, syscall4, void};
use super::{Pid, Result};

/// The highest signal number (SIGRTMAX on Linux): the kernel's sigset holds 1..=64.
pub(super) const LAST_SIGNAL: u8 = 64;

/// Signals that stay unblocked so a real fault in vinit is not swallowed by the signalfd
/// (catatonit's `kernel_signals`).
const FAULT_SIGNALS: u64 = bit(libc::SIGILL)
    | bit(libc::SIGTRAP)
    | bit(libc::SIGABRT)
    | bit(libc::SIGBUS)
    | bit(libc::SIGFPE)
    | bit(libc::SIGSEGV)
    | bit(libc::SIGSYS);

/// Signals no process can catch, block or ignore.
const UNCATCHABLE: u64 = bit(libc::SIGKILL) | bit(libc::SIGSTOP);

/// The bit of signal `sig` (1..=64) in a sigset.
const fn bit(sig: c_int) -> u64 {
    1u64 << (sig - 1)
}

/// The kernel's sigset for signals 1..=64.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SigMask(pub u64);

impl SigMask {
    /// Every signal vinit can receive through its signalfd.
    pub const CATCHABLE: Self = Self(!FAULT_SIGNALS & !UNCATCHABLE);
    /// Every signal that can be blocked, the fault signals too: until their handler is in
    /// place, one sent with kill(2) waits (a real fault still ends vinit: the kernel unblocks
    /// it).
    pub const ALL: Self = Self(!UNCATCHABLE);
}

/// `rt_sigprocmask(SIG_SETMASK, mask)` (sigprocmask(2)). The previous mask is not asked for
/// (no caller needs it): the result fits a register instead of coming back through memory.
pub fn set_signal_mask(mask: SigMask) -> Result<()> {
    // SAFETY: the new mask is a valid 8-byte sigset for the duration of the call (the kernel
    // only reads it), a null old-set pointer is allowed, and the size argument (8) matches
    // the kernel's sigset size on Linux.
    void(unsafe {
        raw4(
            libc::SYS_rt_sigprocmask,
            libc::SIG_SETMASK as usize,
            &mask.0 as *const u64 as usize,
            0,
            8,
        )
    })
}

/// `signalfd4(-1, mask, SFD_CLOEXEC | SFD_NONBLOCK)` (signalfd(2)).
pub fn signalfd(mask: SigMask) -> Result<OwnedFd> {
    // SAFETY: the mask pointer is a valid 8-byte sigset; -1 asks for a new fd.
    let rc = unsafe {
        syscall4(
            libc::SYS_signalfd4,
            -1i32 as u32 as usize,
            &mask.0 as *const u64 as usize,
            8,
            (libc::SFD_CLOEXEC | libc::SFD_NONBLOCK) as usize,
        )
    };
    // The kernel just returned this fd to us; nothing else owns it.
    OwnedFd::from_ret(rc)
}

/// One signal read from the signalfd.
#[derive(Clone, Copy, Debug)]
pub struct SigInfo {
    /// Signal number.
    pub signo: u8,
}

/// Reads the next pending signal, `Ok(None)` when none is queued (read(2) on a signalfd).
pub fn read_signal(fd: BorrowedFd<'_>) -> Result<Option<SigInfo>> {
    // struct signalfd_siginfo is 128 bytes: ssi_signo at 0 (u32), ssi_pid at 12 (u32). Not
    // zeroed first: it is read only once the kernel has filled it.
    let mut buf = core::mem::MaybeUninit::<[u8; 128]>::uninit();
    let raw = fd_arg(fd);
    loop {
        // SAFETY: `buf` is 128 writable bytes; the fd is borrowed, so open, for the call.
        match unsafe { syscall3(libc::SYS_read, raw, buf.as_mut_ptr() as usize, 128) } {
            // A signalfd read succeeds only with whole siginfos (signalfd(2)): with room for
            // one, any success is one, so the count needs no check.
            Ok(_) => {
                // SAFETY: the read filled all 128 bytes; ssi_signo is the first 4.
                let signo = unsafe { buf.as_ptr().cast::<u32>().read_unaligned() };
                return Ok(Some(SigInfo { signo: signo as u8 }));
            }
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
            syscall4(
                libc::SYS_rt_sigtimedwait,
                &mask.0 as *const u64 as usize,
                0,
                &zero as *const libc::timespec as usize,
                8,
            )
        };
        if !matches!(rc, Ok(n) if n > 0) {
            return;
        }
    }
}

/// Resets the disposition of every signal in `mask` to SIG_DFL (sigaction(2)).
pub fn reset_signal_dispositions(mask: SigMask) {
    // SIG_DFL is 0, so the whole action is zero; failures (none expected) are harmless.
    let _ = set_actions(mask, &KernelSigaction::default());
}

/// rt_sigaction(2) with `action` for every catchable signal in `mask`; the last error, if any
/// (every signal is tried).
fn set_actions(mask: SigMask, action: &KernelSigaction) -> Result<()> {
    let mut result = Ok(());
    // One pass per set bit, lowest first: bit N - 1 is signal N.
    let mut left = mask.0 & !UNCATCHABLE;
    while left != 0 {
        let sig = left.trailing_zeros() + 1;
        left &= left - 1;
        // SAFETY: `action` is a valid kernel sigaction (SIG_DFL with no flags, or the fault
        // handler: see `forward_fault_signals`); a null old-action pointer is allowed; 8 is the
        // kernel's sigset size.
        let rc = void(unsafe {
            raw4(
                libc::SYS_rt_sigaction,
                sig as usize,
                action as *const KernelSigaction as usize,
                0,
                8,
            )
        });
        if let Err(e) = rc {
            result = Err(e);
        }
    }
    result
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
/// SIGSEGV, SIGSYS; rt_sigaction(2) with SA_SIGINFO), which stay unblocked. The raw system
/// call, not musl's sigaction (0.5 KB with its abort lock, docs/size.md): it needs the
/// kernel's struct layout and a restorer of our own. Unlike musl's, it unblocks nothing, so
/// it may come before or after the mask is set. Children get default dispositions back at
/// execve(2), which resets every caught signal.
pub fn forward_fault_signals() -> Result<()> {
    let handler: extern "C" fn(c_int, *mut libc::siginfo_t, *mut core::ffi::c_void) =
        on_fault_signal;
    let action = KernelSigaction {
        handler: handler as usize,
        flags: (libc::SA_SIGINFO | libc::SA_RESTART) as c_ulong | SA_RESTORER,
        restorer: return_from_handler as extern "C" fn() -> ! as usize,
        mask: 0,
    };
    // The handler is an extern "C" function of the SA_SIGINFO signature, and the restorer
    // makes the rt_sigreturn call.
    set_actions(SigMask(FAULT_SIGNALS), &action)
}

/// The kernel's struct sigaction, as rt_sigaction(2) reads it (the same on x86_64 and
/// aarch64; not libc's, whose mask is 128 bytes).
#[repr(C)]
#[derive(Default)]
struct KernelSigaction {
    handler: usize,
    flags: c_ulong,
    restorer: usize,
    mask: u64,
}

/// sa_flags: `restorer` is set (x86_64 requires one for every handler; on aarch64 it replaces
/// the vDSO's trampoline).
const SA_RESTORER: c_ulong = 0x0400_0000;

/// Where a signal handler returns to: rt_sigreturn(2), which restores the interrupted context
/// the kernel saved on the stack.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
extern "C" fn return_from_handler() -> ! {
    // SAFETY: only ever entered by the kernel's signal frame, on which rt_sigreturn (15) acts.
    core::arch::naked_asm!("mov eax, 15", "syscall")
}

/// Where a signal handler returns to: rt_sigreturn(2), which restores the interrupted context
/// the kernel saved on the stack.
#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
extern "C" fn return_from_handler() -> ! {
    // SAFETY: only ever entered by the kernel's signal frame, on which rt_sigreturn (139) acts.
    core::arch::naked_asm!("mov x8, #139", "svc #0")
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
    let me = getpid();
    let sent = info.is_some_and(|i| {
        // SAFETY: si_pid is the sender for every si_code <= 0 (SI_USER, SI_QUEUE, SI_TKILL);
        // it is read only for those.
        i.si_code <= 0 && unsafe { i.si_pid() } != me
    });
    // The kernel delivered `sig`, so it is a valid signal number.
    let sig = sig as u8;
    if sent {
        // 0 (no child) is refused by `kill`, which is what it means: drop it.
        let _ = kill(FAULT_SIGNAL_TARGET.load(Ordering::Relaxed), sig);
        return;
    }
    reset_signal_dispositions(SigMask(bit(c_int::from(sig))));
    let _ = kill(me, sig);
    if me == 1 && matches!(c_int::from(sig), libc::SIGTRAP | libc::SIGSYS) {
        exit(128 + sig);
    }
}
