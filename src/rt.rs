//! What a no_std musl binary needs to exist: the link to musl's static libc, the panic
//! handler (and its link-time proof twin), and the unwinding personality stub.
//!
//! docs/size.md: the `libc` crate does not link libc in no_std, so ask for it here; the
//! precompiled core references `rust_eh_personality` even with panic=abort.
#![allow(unsafe_code)]

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
