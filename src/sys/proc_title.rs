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
        let start = self.ptr(0).cast::<u8>().cast_mut();
        if start.is_null() {
            return None;
        }
        let mut end = start as usize;
        // One walk over the strings, not a lookup of each by its index from argv[0].
        for arg in self.strings() {
            if arg.as_ptr() as usize != end {
                break;
            }
            end += arg.to_bytes_with_nul().len();
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An argv of `strings`, laid out one after another in `buf` as the kernel does.
    fn argv(buf: &mut [u8], strings: &[&[u8]]) -> (std::vec::Vec<*const core::ffi::c_char>, usize) {
        let mut ptrs = std::vec::Vec::new();
        let mut at = 0;
        for s in strings {
            buf[at..at + s.len()].copy_from_slice(s);
            buf[at + s.len()] = 0;
            ptrs.push(buf[at..].as_mut_ptr().cast_const().cast());
            at += s.len() + 1;
        }
        ptrs.push(core::ptr::null());
        (ptrs, at)
    }

    #[test]
    fn the_title_fills_argvs_area_cut_and_padded_with_nuls() {
        let mut buf = [0xffu8; 64];
        let (ptrs, used) = argv(&mut buf, &[b"/sbin/vinit", b"3"]);
        // SAFETY: two strings in `buf`, which outlives every use below, then a null.
        let a = unsafe { Argv::from_main(2, ptrs.as_ptr()) };
        let mut title = a.title_area(c"elsewhere").unwrap();
        assert_eq!(title.len, used);
        title.set(b"init [3]");
        assert_eq!(&buf[..used], b"init [3]\0\0\0\0\0\0");
        assert_eq!(buf[used], 0xff, "nothing past argv's area is written");

        let mut buf = [0u8; 16];
        let (ptrs, used) = argv(&mut buf, &[b"vinit"]);
        // SAFETY: as above.
        let a = unsafe { Argv::from_main(1, ptrs.as_ptr()) };
        let mut title = a.title_area(c"x").unwrap();
        title.set(b"init [3]");
        assert_eq!(&buf[..used], b"init \0");
    }

    #[test]
    fn a_string_vinit_still_reads_is_never_written_over() {
        let mut buf = [0u8; 64];
        let (ptrs, _) = argv(&mut buf, &[b"/sbin/init", b"-f", b"/etc/tab"]);
        // SAFETY: as above.
        let a = unsafe { Argv::from_main(3, ptrs.as_ptr()) };
        let path = a.get(2).unwrap();
        let mut title = a.title_area(path).unwrap();
        title.set(b"init [3]");
        assert_eq!(&buf[..23], b"init [3]\0\0\0\0\0\0/etc/tab\0");
    }
}
