//! PID 1's command line as `ps` shows it: sysvinit's `init [3]`, written over the argv strings
//! the kernel placed on the stack, which /proc/PID/cmdline reads (so do `ps` and `pgrep -a`).
//! Not prctl(PR_SET_MM_ARG_START): that needs CAP_SYS_RESOURCE, which containers lack. The
//! area is what argv held; a longer title is cut, a shorter one is followed by NULs.
#![allow(unsafe_code)]

use core::ffi::CStr;

use super::Argv;

/// The writable bytes of argv's strings, from argv[0] on.
pub struct ProcTitle {
    start: *mut u8,
    len: usize,
}

impl Argv {
    /// The area argv's strings fill, from argv[0] to the NUL of the last one that follows the
    /// one before it in memory (as the kernel lays them out), ending before `keep` if `keep`
    /// lies in it: a string vinit still reads (the `-f` path) is never written over.
    /// The pointer is argv's own (never one derived from a `&CStr`, which may not be written
    /// through); the strings are only measured through references.
    pub fn title_area(&self, keep: &CStr) -> Option<ProcTitle> {
        let start = self.ptr(0)?.cast::<u8>().cast_mut();
        let mut end = start as usize;
        for i in 0..usize::MAX {
            match (self.ptr(i), self.get(i)) {
                (Some(p), Some(arg)) if p as usize == end => {
                    end += arg.to_bytes_with_nul().len();
                }
                _ => break,
            }
        }
        let keep = keep.as_ptr() as usize;
        if keep >= start as usize && keep < end {
            end = keep;
        }
        let len = end.wrapping_sub(start as usize);
        (len > 1).then_some(ProcTitle { start, len })
    }
}

impl ProcTitle {
    /// Writes `title` over the area, cut to fit with a NUL after it, and zeroes the rest.
    pub fn set(&mut self, title: &[u8]) {
        for i in 0..self.len {
            let byte = match title.get(i) {
                Some(&b) if i + 1 < self.len => b,
                _ => 0,
            };
            let at = self.start.wrapping_add(i);
            // SAFETY: `at` is in `start..start + len`, the bytes of argv's strings
            // (`title_area`): the process's own writable stack memory, live for its whole
            // life; no reference to them is used after the area is taken (`keep` lies
            // outside it).
            unsafe { at.write_volatile(byte) };
        }
    }
}
