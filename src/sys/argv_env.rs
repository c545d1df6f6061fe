//! `main`'s argv and environment, as musl hands them over.
#![allow(unsafe_code)]

use core::ffi::{CStr, c_char, c_int};

use super::processes::CPtrs;

/// The process's argv, as musl's `main` received it: the pointer alone (one register wherever
/// it is passed); an argument's index is checked by walking to it, as argv ends with a null.
#[derive(Clone, Copy)]
pub struct Argv {
    argv: *const *const c_char,
}

impl Argv {
    /// Wraps `main`'s arguments (`argc` is not kept: argv[argc] is the null that ends it).
    ///
    /// # Safety
    /// `argv` must point to `argc` valid NUL-terminated strings followed by a null pointer, all
    /// living for the rest of the process (what the kernel and musl's start code guarantee:
    /// so `argv` is never null).
    pub const unsafe fn from_main(_argc: c_int, argv: *const *const c_char) -> Self {
        Self { argv }
    }

    /// Argument `i`, if it exists.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        let ptr = self.ptr(i);
        // SAFETY: a pointer that is not argv's terminator is a NUL-terminated string that
        // lives for the whole process.
        (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) })
    }

    /// Argument `i` from byte `from` on (a value attached to its option letter: `-f/etc/x`).
    pub fn get_from(&self, i: usize, from: usize) -> Option<&'static CStr> {
        let tail = self.get(i)?.to_bytes_with_nul().get(from..)?;
        // SAFETY: `tail` is the end of argument `i`, its NUL included and no other: what a
        // `CStr`'s bytes are (not measured again).
        Some(unsafe { CStr::from_bytes_with_nul_unchecked(tail) })
    }

    /// The number of arguments: argv's index of its terminating null.
    fn argc(&self) -> usize {
        let mut argc = 0;
        // SAFETY: from_main's contract: every index up to the terminating null is readable,
        // and the walk stops there.
        while !unsafe { *self.argv.wrapping_add(argc) }.is_null() {
            argc += 1;
        }
        argc
    }

    /// The pointer argv holds for argument `i` (as the kernel placed it); null when it does not
    /// exist (argv's terminator). A walk to `i`, not a count of them all; a plain pointer, not
    /// an `Option` of one (one register).
    pub(super) fn ptr(&self, i: usize) -> *const c_char {
        let mut at = 0;
        loop {
            // SAFETY: from_main's contract: every index up to the terminating null is
            // readable, and the walk stops at the null.
            let ptr = unsafe { *self.argv.wrapping_add(at) };
            if ptr.is_null() || at == i {
                return ptr;
            }
            at += 1;
        }
    }

    /// The arguments in order, by one walk to argv's terminator (the walk `Envp::strings`
    /// makes over the environment's array, which ends the same way).
    pub(super) fn strings(&self) -> EnvStrings {
        EnvStrings { next: self.argv }
    }

    /// The NULL-terminated pointer array from argument `i` on: exactly what execve(2) wants as
    /// the argv of a command given on vinit's own command line.
    pub fn tail_ptrs(&self, i: usize) -> Option<CPtrs<'static>> {
        let argc = self.argc();
        if i >= argc {
            return None;
        }
        // SAFETY: elements i..=argc exist (argv[argc] is the terminating null) and live forever.
        Some(unsafe { core::slice::from_raw_parts(self.argv.wrapping_add(i), argc - i + 1) })
    }

    /// The NULL-terminated pointer array from argument `i` on and argument `i` itself: a
    /// command given on vinit's own command line, its argv and its program (one walk for both).
    /// The array first: its pointer, checked by `tail_ptrs`, tells `None` apart, so the caller
    /// does not test the program's pointer again.
    pub fn command(&self, i: usize) -> Option<(CPtrs<'static>, &'static CStr)> {
        let ptrs = self.tail_ptrs(i)?;
        // SAFETY: argument `i` exists, so the array holds it and the terminator: its first
        // element is read without a length check.
        let prog = unsafe { ptrs.as_ptr().read() };
        // SAFETY: that element is argument `i`'s NUL-terminated string, which lives for the
        // whole process.
        Some((ptrs, unsafe { CStr::from_ptr(prog) }))
    }
}

/// The process's environment, as musl's `main` received it: the pointer alone (one register
/// wherever it is passed), its length counted where it is needed. A null pointer is the empty
/// environment (`EMPTY`): zero bytes, so a constant holding one can stay in bss.
#[derive(Clone, Copy)]
pub struct Envp {
    envp: *const *const c_char,
}

/// `Envp::ptrs`'s array for the empty environment: only the terminator.
const NO_STRINGS: &[*const c_char] = &[core::ptr::null()];

impl Envp {
    /// The empty environment: a null pointer, which every reader below takes as an array
    /// holding only its terminator.
    pub const EMPTY: Self = Self {
        envp: core::ptr::null(),
    };

    /// Wraps `main`'s environment.
    ///
    /// # Safety
    /// `envp` must be null (`EMPTY`) or a null-terminated array of valid NUL-terminated
    /// strings living for the rest of the process.
    pub const unsafe fn from_main(envp: *const *const c_char) -> Self {
        Self { envp }
    }

    /// The pointer at index `i`; null for any index of `EMPTY`.
    ///
    /// # Safety
    /// `i` must be at most the terminator's index: the callers walk the array in order and
    /// stop at the null.
    const unsafe fn at(&self, i: usize) -> *const c_char {
        if self.envp.is_null() {
            return core::ptr::null();
        }
        // SAFETY: from_main's contract: every index up to the terminator is readable.
        unsafe { *self.envp.wrapping_add(i) }
    }

    /// Number of `NAME=VALUE` strings.
    pub fn len(&self) -> usize {
        let mut len = 0;
        // SAFETY: the walk stops at the terminator.
        while !unsafe { self.at(len) }.is_null() {
            len += 1;
        }
        len
    }

    /// The `NAME=VALUE` strings in order, by one walk to the terminator (an index into an
    /// array whose length is not kept would walk from the start each time: quadratic in the
    /// number of variables, which the kernel bounds only by ARG_MAX).
    pub fn strings(&self) -> EnvStrings {
        EnvStrings { next: self.envp }
    }

    /// The value of `name`, if set.
    pub fn var(&self, name: &[u8]) -> Option<&'static [u8]> {
        self.var_cstr(name).map(CStr::to_bytes)
    }

    /// The value of `name`, if set, as the NUL-terminated string it already is in memory.
    /// Each string's `NAME=` is compared in place, byte by byte: no string is measured but
    /// the value found.
    pub fn var_cstr(&self, name: &[u8]) -> Option<&'static CStr> {
        let mut i = 0;
        'strings: loop {
            // SAFETY: the walk stops at the terminator.
            let kv = unsafe { self.at(i) }.cast::<u8>();
            if kv.is_null() {
                return None;
            }
            i += 1;
            // The name and its `=`; an exclusive range (`..=` keeps an extra done flag).
            for at in 0..name.len() + 1 {
                let want = name.get(at).copied().unwrap_or(b'=');
                // SAFETY: bytes 0..at of `kv` were not its NUL (the loop goes on only past a
                // byte that is not 0), so byte `at` is at most that NUL: inside the string.
                let got = unsafe { *kv.wrapping_add(at) };
                if got == 0 || got != want {
                    continue 'strings;
                }
            }
            // SAFETY: as above, `kv`'s first name.len() + 1 bytes are not its NUL, so the
            // value starts inside the string and ends with its NUL; it lives for the whole
            // process.
            return Some(unsafe { CStr::from_ptr(kv.wrapping_add(name.len() + 1).cast()) });
        }
    }

    /// The whole NULL-terminated array, for execve(2).
    pub fn ptrs(&self) -> CPtrs<'static> {
        if self.envp.is_null() {
            return NO_STRINGS;
        }
        // SAFETY: elements 0..=len exist (envp[len] is the terminating null) and live forever.
        unsafe { core::slice::from_raw_parts(self.envp, self.len() + 1) }
    }
}

/// `Envp::strings` and `Argv::strings`: the walk's place in the array (null for
/// `Envp::EMPTY`).
#[derive(Clone)]
pub struct EnvStrings {
    next: *const *const c_char,
}

impl Iterator for EnvStrings {
    type Item = &'static CStr;

    fn next(&mut self) -> Option<&'static CStr> {
        // `Envp::EMPTY`'s array.
        if self.next.is_null() {
            return None;
        }
        // SAFETY: Envp::from_main's contract: every element up to the terminating null is
        // readable, and the walk does not step past the null.
        let ptr = unsafe { *self.next };
        if ptr.is_null() {
            return None;
        }
        self.next = self.next.wrapping_add(1);
        // SAFETY: an element before the terminator: a NUL-terminated string that lives for the
        // whole process.
        Some(unsafe { CStr::from_ptr(ptr) })
    }
}
