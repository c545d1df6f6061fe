//! Buffers the kernel fills, never zeroed by code first: setuidgid's room for /etc/passwd and
//! /etc/group in bss (zero already, and untouched until read into).

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use vinit_core::limits::ACCOUNTS_READ_MAX;

/// setuidgid's two buffers: /etc/passwd's, then /etc/group's.
pub type AccountsBuffers = [[u8; ACCOUNTS_READ_MAX]; 2];

/// The buffers and whether they were handed out. On the stack they were 128 KiB probed page
/// by page at entry and zeroed by code; here they cost nothing until a file is read into them.
struct AccountsRoom {
    taken: AtomicBool,
    buffers: UnsafeCell<AccountsBuffers>,
}

// SAFETY: vinit has one thread, and the buffers are reached only through the one `&'static
// mut` that `accounts_buffers` hands out (the flag is swapped atomically).
unsafe impl Sync for AccountsRoom {}

/// In a section of its own, which the link appends to the end of `.bss` (an orphan `.bss.*`
/// section goes into `.bss`): after inittab mode's state, so no page PID 1 writes moves.
// SAFETY: `.bss.` names a NOBITS section inside the writable segment.
#[unsafe(link_section = ".bss.vinit_accounts")]
static ACCOUNTS: AccountsRoom = AccountsRoom {
    taken: AtomicBool::new(false),
    buffers: UnsafeCell::new([[0; ACCOUNTS_READ_MAX]; 2]),
};

/// The accounts buffers, handed out once; `None` after that.
pub fn accounts_buffers() -> Option<&'static mut AccountsBuffers> {
    if ACCOUNTS.taken.swap(true, Ordering::Relaxed) {
        return None;
    }
    // SAFETY: the flag was clear and is now set for good, so no other reference to the
    // buffers exists or will ever be made.
    Some(unsafe { &mut *ACCOUNTS.buffers.get() })
}
