//! The clocks: monotonic for deadlines, real time for records and `shutdown hh:mm`.
#![allow(unsafe_code)]

use vinit_core::time::Instant;

use super::raw_syscall::syscall2;

/// CLOCK_MONOTONIC in milliseconds (clock_gettime(2)).
pub fn now() -> Instant {
    let ts = clock(libc::CLOCK_MONOTONIC);
    // Wrapping, not saturating: the monotonic clock counts from boot, and its milliseconds
    // would reach u64::MAX after 584 million years.
    let ms = (ts.tv_sec as u64)
        .wrapping_mul(1000)
        .wrapping_add((ts.tv_nsec as u64) / 1_000_000);
    Instant::from_millis(ms)
}

/// clock_gettime(2) as a plain system call, not through the vDSO: musl's vDSO lookup costs
/// 0.77 KB of code and its page 4 KiB of PID 1's resident memory, for about 0.1 µs more per
/// read, and vinit reads the clock about once per event (docs/size.md).
fn clock(id: libc::clockid_t) -> libc::timespec {
    // Not zeroed first: the kernel fills it.
    let mut ts = core::mem::MaybeUninit::<libc::timespec>::uninit();
    // SAFETY: ts is a writable timespec (the kernel's layout on 64-bit targets); the clock ids
    // used (MONOTONIC, REALTIME) are always supported and the pointer is valid, so the call
    // cannot fail.
    let _ = unsafe {
        syscall2(
            libc::SYS_clock_gettime,
            id as usize,
            ts.as_mut_ptr() as usize,
        )
    };
    // SAFETY: the call above succeeded (it cannot fail) and wrote the whole timespec.
    unsafe { ts.assume_init() }
}

/// CLOCK_REALTIME as (seconds, microseconds) (clock_gettime(2)), as utmp stamps records.
pub fn wall_clock() -> (i64, u32) {
    let ts = clock(libc::CLOCK_REALTIME);
    (ts.tv_sec, (ts.tv_nsec / 1000) as u32)
}
