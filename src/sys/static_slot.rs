//! A `static` that holds a constant from the start and hands out the one `&'static mut` to
//! it: for PID 1's big state (inittab mode's machine and tables), kept in bss instead of on the
//! stack. A stack frame over a page is probed page by page at entry (stack-clash protection),
//! so every page of it is resident at once and stays so; a bss page costs nothing until it is
//! written, so an empty table costs nothing (nor does code write its zeros). `big_static!`
//! declares one in a section of its own, which the link puts after all other bss
//! (.cargo/no-eh-frame.ld): the few small variables single mode writes then share the data's
//! page instead of getting one past it.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

/// One `T` in bss, holding a constant from the start (`holding`) and handed out once by
/// `take`: a constant of zero bytes stays in bss and no code writes it (`big_static!`'s
/// sections are NOBITS, so a constant with a non-zero byte does not build: LLVM's "BSS section
/// cannot have non-zero bytes"). The flag first: taking the value then writes the page it
/// starts on, not also the one it ends on (the staging table's header is at its start).
#[repr(C)]
pub struct StaticSlot<T> {
    taken: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: vinit has one thread, and the value is reached only through the one `&'static mut`
// that `take` hands out (the flag is swapped atomically), so it is never shared.
unsafe impl<T> Sync for StaticSlot<T> {}

impl<T> StaticSlot<T> {
    /// A slot holding `value`.
    pub const fn holding(value: T) -> Self {
        Self {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(value),
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
        Some(unsafe { &mut *self.value.get() })
    }
}

/// `big_static! { /// doc\n NAME: Type = VALUE }` declares `static NAME: StaticSlot<Type>`
/// `holding` the constant `VALUE`, for `take`, in `.bss.vinit_state`, after all other bss;
/// `NAME: Type = VALUE, last` in `.bss.vinit_state.last`, which the link puts after that (the
/// staging table after the driver, whose last page is written anyway); `at_end` instead of
/// `last`, in `.bss.vinit_end`, an orphan `.bss.` section the link appends after both (the
/// accounts buffers' way, `sys::unzeroed`): for state not every run touches, off the pages
/// around them.
macro_rules! big_static {
    ($(#[doc = $doc:literal])* $name:ident: $t:ty = $value:expr) => {
        $crate::sys::big_static!(@in ".bss.vinit_state", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t> = $crate::sys::StaticSlot::holding($value));
    };
    ($(#[doc = $doc:literal])* $name:ident: $t:ty = $value:expr, last) => {
        $crate::sys::big_static!(@in ".bss.vinit_state.last", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t> = $crate::sys::StaticSlot::holding($value));
    };
    ($(#[doc = $doc:literal])* $name:ident: $t:ty = $value:expr, at_end) => {
        $crate::sys::big_static!(@in ".bss.vinit_end", $(#[doc = $doc])* $name:
            $crate::sys::StaticSlot<$t> = $crate::sys::StaticSlot::holding($value));
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
