//! A `static` that takes one value at run time and hands out the one `&'static mut` to it:
//! for PID 1's big state (inittab mode's machine and tables), kept in bss instead of on the
//! stack. A stack frame over a page is probed page by page at entry (stack-clash protection),
//! so every page of it is resident at once and stays so; a bss page costs nothing until it is
//! written, so an empty table costs nothing. `big_static!` declares one in a section of its
//! own, which the link puts after all other bss (.cargo/no-eh-frame.ld): the few small
//! variables single mode writes then share the data's page instead of getting one past it.

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, Ordering};

/// Room for one `T` in bss (zero bytes in the file), filled once by `put`; or, as a
/// `StaticSlot<T, true>`, holding a constant from the start (`holding`), handed out once by
/// `take`. Which of the two is in the type, not in the flag: both start as zero bytes.
/// The flag first: filling the slot then writes the page the value starts on, not also the
/// one it ends on (the staging table's header is at its start).
#[repr(C)]
pub struct StaticSlot<T, const HOLDING: bool = false> {
    taken: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: vinit has one thread, and the value is reached only through the one `&'static mut`
// that `put` or `take` hands out (the flag is swapped atomically), so it is never shared.
unsafe impl<T, const HOLDING: bool> Sync for StaticSlot<T, HOLDING> {}

impl<T> StaticSlot<T> {
    /// An empty slot.
    pub const fn new() -> Self {
        Self {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Moves `make()`'s value into the slot and hands out the one reference to it; `None` if
    /// the slot was filled before (each slot is filled once, by the one caller that owns it).
    /// `make` is called only when the slot is empty; inlined, so the value can be built in
    /// place rather than in a frame of its own first.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)] // unique: the flag lets one call through, ever
    pub fn put(&'static self, make: impl FnOnce() -> T) -> Option<&'static mut T> {
        if self.taken.swap(true, Ordering::Relaxed) {
            return None;
        }
        // SAFETY: the flag was clear and is now set for good, so no reference to the value
        // exists and no other one will ever be made: this one is unique for the process's life.
        let slot = unsafe { &mut *self.value.get() };
        Some(slot.write(make()))
    }
}

impl<T> StaticSlot<T, true> {
    /// A slot holding `value` from the start. A constant of zero bytes stays in bss and no
    /// code writes it (a non-zero byte would put the whole value in the file, seen in its
    /// size).
    pub const fn holding(value: T) -> Self {
        Self {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::new(value)),
        }
    }

    /// The one reference to the value; `None` if it was handed out before (each slot is
    /// taken once, by the one caller that owns it).
    #[allow(clippy::mut_from_ref)] // unique: the flag lets one call through, ever
    pub fn take(&'static self) -> Option<&'static mut T> {
        if self.taken.swap(true, Ordering::Relaxed) {
            return None;
        }
        // SAFETY: the flag was clear and is now set for good, so no reference to the value
        // exists and no other one will ever be made: this one is unique for the process's life.
        let slot = unsafe { &mut *self.value.get() };
        // SAFETY: a `StaticSlot<T, true>` is made only by `holding`, which initialised it.
        Some(unsafe { slot.assume_init_mut() })
    }
}

/// `big_static! { /// doc\n NAME: Type }` declares `static NAME: StaticSlot<Type>` in
/// `.bss.vinit_state`, after all other bss. `big_static! { /// doc\n NAME: Type = VALUE,
/// last }` declares a slot `holding` the constant `VALUE`, for `take`, in
/// `.bss.vinit_state.last`, which the link puts after that (the staging table after the
/// driver, whose last page is written anyway); `at_end` instead of `last`, in
/// `.bss.vinit_end`, an orphan `.bss.` section the link appends after both (the accounts
/// buffers' way, `sys::unzeroed`): for state not every run touches, off the pages around
/// them.
macro_rules! big_static {
    ($(#[doc = $doc:literal])* $name:ident: $t:ty) => {
        $crate::sys::big_static!(@in ".bss.vinit_state", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t> = $crate::sys::StaticSlot::new());
    };
    ($(#[doc = $doc:literal])* $name:ident: $t:ty = $value:expr, last) => {
        $crate::sys::big_static!(@in ".bss.vinit_state.last", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t, true> = $crate::sys::StaticSlot::holding($value));
    };
    ($(#[doc = $doc:literal])* $name:ident: $t:ty = $value:expr, at_end) => {
        $crate::sys::big_static!(@in ".bss.vinit_end", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t, true> = $crate::sys::StaticSlot::holding($value));
    };
    (@in $section:literal, $(#[doc = $doc:literal])* $name:ident: $slot:ty = $init:expr) => {
        $(#[doc = $doc])*
        // Unsafe only in that a section of one's choosing could break the program: this one is
        // NOBITS (the `.bss.` prefix), placed by .cargo/no-eh-frame.ld inside the writable
        // segment (test binaries, linked without it, keep it in `.bss`).
        #[allow(unsafe_code)]
        #[unsafe(link_section = $section)]
        static $name: $slot = $init;
    };
}
pub(crate) use big_static;
