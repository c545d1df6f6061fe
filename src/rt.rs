//! What a no_std musl binary needs to exist: the link to musl's static libc, the start-up
//! (x86_64: vinit's own `_start`; arm64: between musl's crt1 and `main`), the panic
//! handler (and its link-time proof twin), and the unwinding personality stub.
//!
//! docs/size.md: the `libc` crate does not link libc in no_std, so ask for it here; the
//! precompiled core references `rust_eh_personality` even with panic=abort.
#![allow(unsafe_code)]

#[cfg(not(test))]
use core::ffi::{c_char, c_int};
#[cfg(not(test))]
use core::sync::atomic::AtomicI32;

#[cfg(not(test))]
#[link(name = "c", kind = "static", modifiers = "-bundle")]
unsafe extern "C" {}

/// A panic is a bug: say one constant line and leave with the documented internal-error code.
/// Never format the PanicInfo (that drags core::fmt in) and never spin (a spinning PID 1 hangs
/// the container).
#[cfg(all(not(test), not(vinit_panic_check)))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    let _ = crate::sys::write_all(crate::sys::stderr(), b"vinit: fatal: internal error\n");
    crate::sys::exit(vinit_core::limits::EXIT_INTERNAL)
}

/// `size-report` builds with `--cfg vinit_panic_check`: if any panic path survives
/// optimisation, the link fails on this undefined symbol.
#[cfg(all(not(test), vinit_panic_check))]
#[panic_handler]
fn on_panic(_: &core::panic::PanicInfo<'_>) -> ! {
    unsafe extern "C" {
        fn vinit_reachable_panic_detected() -> !;
    }
    // SAFETY: never runs; the symbol does not exist, which is the point (link-time proof).
    unsafe { vinit_reachable_panic_detected() }
}

/// Never called: nothing unwinds (panic=abort, and the handler exits).
#[cfg(not(test))]
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// arm64: musl's crt1 (`_start` → `_start_c`) calls this with `main`, argc and argv (and
/// three pointers vinit does not use); x86_64 links no crt1 (`start` below does this job).
/// vinit's own rather than musl's, whose `__init_libc`,
/// `__init_tls` and `exit` weigh 1.2 KB (docs/size.md): vinit reads nothing they set up. No
/// thread pointer (no TLS, and no errno: every system call goes through `sys`'s raw_syscall),
/// no `environ` or auxv (main gets envp), no constructors, atexit handlers or stdio to flush.
/// So it finds envp after argv, as the kernel lays them out, and leaves with main's code.
/// `.init_array` is not run: on x86_64 it held only crtbegin's `frame_dummy` (a no-op
/// without an unwinder), and .cargo/cc-vinit now links neither crtbegin.o nor crtend.o; on
/// aarch64 also compiler-builtins' CPU-feature probes, which would
/// call musl's `getauxval` (it reads the auxv that musl's start-up would have saved: not set
/// here), so the few atomic read-modify-writes keep their LL/SC form instead of LSE, the
/// same result on one thread.
#[cfg(all(not(test), not(target_arch = "x86_64")))]
#[unsafe(no_mangle)]
extern "C" fn __libc_start_main(
    main: extern "C" fn(c_int, *const *const c_char, *const *const c_char) -> c_int,
    argc: c_int,
    argv: *const *const c_char,
) -> c_int {
    let argc_words = usize::try_from(argc).unwrap_or(0);
    // SAFETY: the kernel puts envp's pointers right after argv's argc pointers and its
    // terminating null, in the same block of the initial stack.
    let envp = unsafe { argv.add(argc_words + 1) };
    let code = main(argc, argv, envp);
    crate::sys::exit(code as u8)
}

// x86_64: vinit's own entry point instead of musl's crt1.o (`_start` → `_start_c` →
// `__libc_start_main` above), which .cargo/cc-vinit leaves out of the link: the kernel's
// initial stack pointer (argc, then argv's pointers and their null, then envp's) goes
// straight to `start`. The stack is 16-byte aligned at entry (the psABI); aligning it again
// costs 4 bytes and holds if a kernel ever did not.
#[cfg(all(not(test), target_arch = "x86_64"))]
core::arch::global_asm!(
    ".globl _start",
    "_start:",
    "mov rdi, rsp",
    "and rsp, -16",
    "call {start}",
    start = sym start,
);

/// What `_start` calls with the initial stack pointer: `main`'s argc, argv and envp, as the
/// kernel laid them out, then exit_group(2) with its code.
#[cfg(all(not(test), target_arch = "x86_64"))]
extern "C" fn start(sp: *const usize) -> ! {
    // SAFETY: the kernel starts a process with argc at the stack pointer, then argv's argc
    // pointers and a null, then envp's pointers and a null, all in one readable block.
    let argc = unsafe { *sp };
    // SAFETY: as above: argv's pointers follow argc.
    let argv = unsafe { sp.add(1) }.cast::<*const c_char>();
    // SAFETY: as above: envp starts after argv's argc pointers and its null.
    let envp = unsafe { argv.add(argc + 1) };
    let code = crate::c_main(argc as c_int, argv, envp);
    crate::sys::exit(code as u8)
}

/// errno, for the musl functions that still set it (`syscall()`, `poll`; src/sys reads it in
/// `last_errno`). musl keeps errno in its thread structure, behind the thread pointer that
/// only its own start-up sets (`__init_tls`, replaced above): with these two symbols defined
/// here, musl's `__errno_location.lo` is not linked, and its code writes this one instead.
/// One thread, one errno.
#[cfg(not(test))]
static ERRNO: AtomicI32 = AtomicI32::new(0);

/// errno's address, as C's `errno` macro asks for it (musl's public name).
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn __errno_location() -> *mut c_int {
    ERRNO.as_ptr()
}

/// errno's address under the name musl's own code uses (its internal errno.h).
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn ___errno_location() -> *mut c_int {
    ERRNO.as_ptr()
}
