//! How values show in a log line: bytes that may not be UTF-8 (`Bytes`), errno values by
//! their symbolic names with a short text (`ErrName`, never musl's strerror table), signals by
//! name (`SigName`), and how a process ended (`ExitShown`).
//!
//! A line is built in a fixed buffer (`Line`) from a template and its arguments:
//! `fill!(Line::write, [line], "child {} exited", pid)` is one call with a slice of `Arg`s, not
//! one call per piece of text and per value as with `ufmt::uwrite!` (each call site costs a few
//! stores instead; there are some hundred lines). The template is the format string itself,
//! with `{}` for each argument (checked at compile time), `{{` and `}}` for a brace; numbers
//! of every width share one formatter.

use ufmt::uWrite;

use crate::limits::LOG_LINE_MAX;
use crate::status::Exit;

/// A line being built in a fixed buffer. Writing never fails: what does not fit is cut
/// (`finish` marks it with `...`).
pub struct Line {
    buf: heapless::Vec<u8, LOG_LINE_MAX>,
    cut: bool,
}

impl Default for Line {
    fn default() -> Self {
        Self::new()
    }
}

impl Line {
    /// An empty line.
    pub const fn new() -> Self {
        Self {
            buf: heapless::Vec::new(),
            cut: false,
        }
    }

    /// Appends raw bytes, cutting at the capacity (4 bytes stay free for `...\n`).
    pub fn push(&mut self, bytes: &[u8]) {
        let room = (LOG_LINE_MAX - 4).saturating_sub(self.buf.len());
        let fits = bytes.len().min(room);
        let _ = self
            .buf
            .extend_from_slice(bytes.get(..fits).unwrap_or_default());
        self.cut |= fits < bytes.len();
    }

    /// Appends spaces up to column `to`, at least one (the status reply's columns).
    #[inline(never)]
    pub fn pad_to(&mut self, to: usize) {
        let _ = self.buf.push(b' ');
        // Bounded: each pass adds a byte, and a full line ends it.
        while self.buf.len() < to && self.buf.push(b' ').is_ok() {}
    }

    /// Appends bytes that may not be UTF-8 (paths, inittab text), each bad byte as `?`.
    pub fn push_text(&mut self, mut rest: &[u8]) {
        // Bounded: each pass ends the text or consumes at least one bad byte.
        loop {
            let good = crate::utf8::valid_up_to(rest);
            self.push(rest.get(..good).unwrap_or_default());
            let Some(after_bad) = rest.get(good + 1..) else {
                return;
            };
            self.push(b"?");
            rest = after_bad;
        }
    }

    /// Appends a number in decimal: every integer type goes through here, widened.
    pub fn push_number(&mut self, n: u64, negative: bool) {
        if negative {
            self.push(b"-");
        }
        self.push(decimal(n, &mut [0; 20]));
    }

    /// Appends `template` (packed by `fill!`: `pack_into`) with each placeholder replaced by
    /// the next of `args` and each word code by its word.
    pub fn write(&mut self, template: &[u8], args: &[Arg<'_>]) {
        self.write_from(template, 0, WHOLE, 0, args);
    }

    /// Appends field `n` of `text` (packed: `pack_into`) cut at each symbol `sep`, as
    /// `write` does a whole text (`sep` `WHOLE`: one field); whether a `sep` ended it (more
    /// fields follow).
    #[inline(always)]
    pub fn write_field(&mut self, text: &[u8], sep: u16, n: usize, args: &[Arg<'_>]) -> bool {
        if args.is_empty() && sep == 0 {
            self.write_nul_field(text, n)
        } else if args.is_empty() {
            self.write_part(text, n, sep)
        } else if sep == 0 {
            self.write_nul_field_with(text, n, args)
        } else {
            self.write_from(text, 0, sep, n, args)
        }
    }

    /// `write_field` of a field cut at NULs, with arguments: six values passed in registers,
    /// where `write_from`'s eight put two on the stack at every call site.
    #[inline(never)]
    fn write_nul_field_with(&mut self, text: &[u8], n: usize, args: &[Arg<'_>]) -> bool {
        self.write_from(text, 0, 0, n, args)
    }

    /// `write_field` with no arguments (most callers): five values passed in registers, where
    /// `write_from`'s eight put two on the stack at every call site.
    /// `sep` last, so that `write_nul_field` only sets it.
    #[inline(never)]
    fn write_part(&mut self, text: &[u8], n: usize, sep: u16) -> bool {
        self.write_from(text, 0, sep, n, &[])
    }

    /// `write_part` of a field cut at NULs (most texts of fields): the separator set here
    /// once, not at each call site.
    #[inline(never)]
    fn write_nul_field(&mut self, text: &[u8], n: usize) -> bool {
        self.write_part(text, n, 0)
    }

    /// `write_field` from bit `at` of `text` on. Not inlined: it is the one formatting path
    /// of every line.
    #[inline(never)]
    fn write_from(
        &mut self,
        text: &[u8],
        mut at: usize,
        sep: u16,
        mut n: usize,
        args: &[Arg<'_>],
    ) -> bool {
        let mut args = args.iter();
        // Bounded: each pass consumes at least one bit of the text.
        while let Some(symbol) = next_symbol(text, &mut at) {
            if u16::from(symbol) == sep {
                if n == 0 {
                    return true;
                }
                n -= 1;
            } else if n == 0 {
                if symbol == PLACEHOLDER {
                    if let Some(arg) = args.next() {
                        self.push_arg(*arg);
                    }
                } else {
                    self.push_symbol(symbol);
                }
            }
        }
        false
    }

    /// Appends a byte, or the word of a word code (`is_code`).
    fn push_symbol(&mut self, symbol: u8) {
        if is_code(symbol) {
            // Bounded: a word is packed by shorter words only. Decoded from the mark before
            // it (`WORD_MARKS`): at most `WORD_MARK - 1` words read to reach it.
            let n = usize::from(symbol ^ 0x80);
            let mark = WORD_MARKS.get(n / WORD_MARK).copied().unwrap_or_default();
            self.write_from(&WORDS_PACKED, usize::from(mark), 0, n % WORD_MARK, &[]);
        } else {
            // Through `push`, the one place that cuts: not a capacity check of its own.
            self.push(core::slice::from_ref(&symbol));
        }
    }

    fn push_arg(&mut self, arg: Arg<'_>) {
        // The values shown in words: a field of `ARG_TEMPLATES` and its one argument.
        let (field, value) = match arg {
            Arg::Text(t) => return self.push_text(t),
            Arg::Packed(t, n) => {
                self.write_field(t, 0, n.into(), &[]);
                return;
            }
            Arg::Unsigned(n) => return self.push_number(n, false),
            Arg::Signed(n) => return self.push_number(n.unsigned_abs(), n < 0),
            Arg::Errno(e) => {
                let e = (e as i16).unsigned_abs();
                match ERRNO_NUMBERS.iter().position(|&n| u16::from(n) == e) {
                    Some(at) => {
                        self.write_field(&ERRNO_PACKED, u16::from(b'\n'), at, &[]);
                        return;
                    }
                    None => (0, Arg::Unsigned(e.into())),
                }
            }
            Arg::Signal(s) => match crate::signal_spec::signal_name(s) {
                Some(name) => (1, Arg::Text(name)),
                None => (2, Arg::Unsigned(s.into())),
            },
            Arg::Exit(Exit::Code(c)) => (3, Arg::Unsigned(c.into())),
            Arg::Exit(Exit::Signal(s)) => (4, Arg::Signal(s)),
        };
        self.write_nul_field_with(&ARG_TEMPLATES, field, &[value]);
    }

    /// Ends the line (`...` if it was cut, then a newline) and returns its bytes.
    pub fn finish(&mut self) -> &[u8] {
        // The end in one piece, in the 4 bytes kept free: `...` and the newline, or the
        // newline alone (one append, not two with a capacity check each).
        let end = b"...\n";
        let _ = self
            .buf
            .extend_from_slice(end.get(if self.cut { 0 } else { 3 }..).unwrap_or(end));
        &self.buf
    }

    /// What has been written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Whether something did not fit.
    pub const fn is_cut(&self) -> bool {
        self.cut
    }
}

impl uWrite for Line {
    type Error = core::convert::Infallible;

    fn write_str(&mut self, s: &str) -> Result<(), Self::Error> {
        self.push(s.as_bytes());
        Ok(())
    }
}

/// One value for a `{}` of a template.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    /// Bytes that may not be UTF-8 (`Bytes`, `&str`): a `?` for each bad byte.
    Text(&'a [u8]),
    /// Field `n` (cut at NULs) of a constant text packed as templates are (`Packed`, the
    /// whole text; `Field`): about half the bytes of a plain one.
    Packed(&'a [u8], u8),
    /// Any unsigned integer, widened.
    Unsigned(u64),
    /// Any signed integer, widened.
    Signed(i64),
    /// An errno value (`ErrName`), of either sign in 16 bits: the edge passes the kernel's
    /// `-errno` as its syscall crate holds it, with no negation at each call site.
    Errno(u16),
    /// A signal (`SigName`).
    Signal(u8),
    /// How a process ended (`ExitShown`).
    Exit(Exit),
}

/// A value that writes itself into a line (with `Line::write`, not ufmt): the edge's own
/// types, called directly. Not an `Arg`: a `dyn Show` vtable would make its code count as
/// called by every mode (.cargo/cold-text).
pub trait Show {
    /// Appends the value.
    fn show(&self, line: &mut Line);
}

/// The `Arg` for a value: every type a template takes implements it (numbers, text, and
/// core's `ErrName`, `SigName`, `ExitShown`).
pub trait ArgOf {
    /// The value as an argument.
    fn log_arg(&self) -> Arg<'_>;
}

impl<T: ArgOf + ?Sized> ArgOf for &T {
    fn log_arg(&self) -> Arg<'_> {
        (**self).log_arg()
    }
}

impl ArgOf for Arg<'_> {
    fn log_arg(&self) -> Arg<'_> {
        *self
    }
}

impl ArgOf for ErrName {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Errno(self.0 as u16)
    }
}

impl ArgOf for SigName {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Signal(self.0)
    }
}

impl ArgOf for ExitShown {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Exit(self.0)
    }
}

macro_rules! int_args {
    ($variant:ident: $($t:ty),*) => {$(
        impl ArgOf for $t {
            fn log_arg(&self) -> Arg<'_> {
                Arg::$variant((*self).into())
            }
        }
    )*};
}
int_args!(Unsigned: u8, u16, u32, u64);
int_args!(Signed: i8, i16, i32, i64);

impl ArgOf for usize {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Unsigned(*self as u64)
    }
}

impl ArgOf for str {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Text(self.as_bytes())
    }
}

impl ArgOf for Bytes<'_> {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Text(self.0)
    }
}

impl ArgOf for Packed<'_> {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Packed(self.0, 0)
    }
}

impl ArgOf for Field<'_> {
    fn log_arg(&self) -> Arg<'_> {
        Arg::Packed(self.0, self.1)
    }
}

/// How many `{}` a template has; `None` when a brace is neither part of one nor doubled
/// (`{{`, `}}`: a brace) or the text has the placeholder's byte (no `{:?}`: `fill!` fails to
/// compile).
pub const fn placeholders(template: &str) -> Option<usize> {
    let mut rest = template.as_bytes();
    let mut n = 0;
    while let [c, tail @ ..] = rest {
        rest = match (*c, tail) {
            (b'{', [b'}', after @ ..]) => {
                n += 1;
                after
            }
            (b'{', [b'{', after @ ..]) | (b'}', [b'}', after @ ..]) => after,
            (b'{' | b'}' | PLACEHOLDER, _) => return None,
            _ => tail,
        };
    }
    Some(n)
}

/// Words common to vinit's messages: a word-code symbol of a stored text (`is_code`) stands
/// for the word of its number (NUL-separated; stored coded, `WORDS_PACKED`). Picked for the
/// fewest coded bits over all the texts of December 2026 (templates, help texts, errno texts;
/// the words' own coded bits counted), most used first; any text still packs, if less well.
/// The texts are ASCII; coded, they are a little under half as long.
const WORDS: &str = concat!(
    ": \0",
    "in\0",
    " (\0",
    "er\0",
    "t \0",
    "or\0",
    "e \0",
    "s \0",
    "en\0",
    "d \0",
    "an\0",
    ", \0",
    "ed\0",
    " f\0",
    " m\0",
    "ing \0",
    "ar\0",
    "on\0",
    "not \0",
    "no\0",
    " d\0",
    "re\0",
    "it\0",
    "th\0",
    "es\0",
    "al\0",
    " re\0",
    "us\0",
    "runlevel\0",
    "id \0",
    "y \0",
    "le\0",
    "il\0",
    "ex\0",
    "ch\0",
    "at\0",
    "] [-\0",
    "ac\0",
    "ro\0",
    "st\0",
    " to \0",
    "run\0",
    "boot\0",
    "stop\0",
    "ag\0",
    "init\0",
    "te\0",
    "a \0",
    "     \0",
    "to\0",
    "op\0",
    "ec\0",
    "ning\0",
    "vinit\0",
    " the \0",
    "ing\0",
    " (VINIT_\0",
    "ti\0",
    "ma\0",
    "ut\0",
    "tr\0",
    "  -\0",
    "\t\t  -\0",
    "unable to \0",
    "lo\0",
    "ad\0",
    "able\0",
    " signal \0",
    "shutdown\0",
    "s)\0",
    " field\0",
    "stop: \0",
    ":      \0",
    "vinit \0",
    "signal\0",
    "su\0",
    "od\0",
    "shutdown: \0",
    "       \0",
    "VINIT_\0",
    "SECS\0",
    "budge\0",
    "SIG\0",
    "CMD\0",
    "ba\0",
    " [-\0",
    "ic\0",
    "ER\0",
    " too long\0",
    "default \0",
    " status \0",
    "miss\0",
    "KILL\0",
    "gum\0",
    "ENO\0",
    "own\0",
    "wh\0",
    "wa\0",
    " with \0",
    " sending \0",
    " processes\0",
    " with\0",
    " process\0",
    "INIT\0",
    "..\0",
    "tab\0",
    "y)\0",
    "un\0",
    "com\0",
    "TERM\0",
    "aft\0",
    "qu\0",
    "/etc/\0",
    "dra\0",
    "statu\0",
    "STOP_DELAY\0",
    " [ARG...]\0",
    "PID 1\0",
    "spawn\0",
    "CODE\0",
    "sys\0",
    "initrequest\0",
    "DEFAULT_LEVEL\0",
    "CRITICAL\0",
    "FROM:TO\0",
    "skip\0",
    "NAME\0",
    "process\0",
    // 128 to 138: no word (codes 0x00 to 0x0a: NUL, tab and newline stay themselves).
    "\0\0\0\0\0\0\0\0\0\0\0",
    "RLIMIT_NOFILE\0",
);

/// Whether `byte` of a packed text is a word's code: `0x80..=0xff` (words 0 to 127) and the
/// control bytes no text has, `0x0b..=0x1f` (words 139 on: the code XOR `0x80`; 128 to 138
/// are empty, for the bytes that stay themselves: NUL, tab and newline, which separate texts).
const fn is_code(byte: u8) -> bool {
    byte >= 0x80 || matches!(byte, 0x0b..=0x1f)
}

/// The symbol a `{}` is packed as: a byte no text has (a brace is a byte of the text, `{{`).
/// `LINES`' clients cut their text at it.
pub const PLACEHOLDER: u8 = 0x01;

/// `Line::write_field`'s separator for a whole text: no symbol is 256.
const WHOLE: u16 = 256;

/// Each symbol's code length in bits, 0 for none: a Huffman code of the symbols of a packed
/// text (`pack_with`: bytes, `PLACEHOLDER`, word codes), fitted to their counts over all the texts of
/// December 2026 and the words (`WORDS_PACKED`) as packed by these lengths; every printable
/// ASCII byte, tab, newline and NUL has one (those no text has, the longest); words no text
/// needs take none (the decoder's table, `SYMBOLS`, holds one byte per code). Canonical: the
/// codes themselves follow from the lengths. A text's bits are padded to a byte with ones,
/// which never complete a code (the longest, all ones, has more than 7 bits: checked below).
/// The placeholder (0x01) has the code `{` had before braces could be text: `{` and `}` split
/// `}`'s old 16-bit code, as no text had them.
#[rustfmt::skip] // A row per 16 symbols: 0x00 to 0x0f first.
const CODE_BITS: [u8; 256] = [
    5, 5, 0, 0, 0, 0, 0, 0, 0, 10, 6, 11, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    4, 10, 7, 16, 16, 16, 16, 8, 11, 6, 10, 16, 10, 7, 7, 8,
    8, 9, 11, 11, 11, 10, 10, 16, 12, 11, 9, 9, 16, 9, 11, 16,
    16, 8, 9, 8, 8, 6, 9, 9, 10, 7, 16, 12, 8, 9, 8, 7,
    8, 11, 8, 7, 7, 9, 9, 10, 9, 10, 16, 9, 16, 8, 16, 9,
    11, 6, 7, 7, 7, 6, 7, 7, 7, 6, 12, 7, 6, 7, 8, 6,
    6, 11, 6, 6, 6, 7, 7, 7, 10, 8, 11, 17, 11, 17, 15, 0,
    5, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
    7, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
    8, 8, 8, 8, 8, 8, 9, 9, 8, 9, 9, 9, 9, 9, 9, 9,
    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
    9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9,
    9, 9, 9, 9, 9, 9, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
    10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 11, 11, 11, 11, 11,
];

/// The longest code's length.
const MAX_BITS: usize = {
    let (mut max, mut s) = (0, 0);
    while s < 256 {
        let bits = get(&CODE_BITS, s, 0) as usize;
        if bits > max {
            max = bits;
        }
        s += 1;
    }
    assert!(
        max >= 8 && max <= 24,
        "padding with ones must not complete a code"
    );
    max
};

/// How many symbols have a code.
const fn coded_symbols() -> usize {
    let (mut n, mut s) = (0, 0);
    while s < 256 {
        if get(&CODE_BITS, s, 0) > 0 {
            n += 1;
        }
        s += 1;
    }
    n
}

/// The canonical code: each symbol's code (`CODES`, for `pack_with` at compile time only),
/// how many codes each length has (`COUNTS`, from 1 bit on) and the symbols by code
/// (`SYMBOLS`): the decoder's tables.
struct Canonical {
    codes: [u32; 256],
    counts: [u8; MAX_BITS],
    symbols: [u8; coded_symbols()],
}

const CANONICAL: Canonical = {
    let mut canonical = Canonical {
        codes: [0; 256],
        counts: [0; MAX_BITS],
        symbols: [0; coded_symbols()],
    };
    let (mut code, mut bits, mut n) = (0u32, 1, 0);
    while bits <= MAX_BITS {
        let mut s = 0;
        while s < 256 {
            if get(&CODE_BITS, s, 0) as usize == bits {
                set(&mut canonical.codes, s, code);
                set(&mut canonical.symbols, n, s as u8);
                let count = get(&canonical.counts, bits - 1, 0);
                set(&mut canonical.counts, bits - 1, count + 1);
                code += 1;
                n += 1;
            }
            s += 1;
        }
        code <<= 1;
        bits += 1;
    }
    // Complete (Kraft's sum 1): every bit string starts with a code, the padding's ones too.
    assert!(
        code == 1 << (MAX_BITS + 1),
        "the code lengths are not a complete code"
    );
    canonical
};

/// The decoder's tables (`CANONICAL`).
static COUNTS: [u8; MAX_BITS] = CANONICAL.counts;
static SYMBOLS: [u8; coded_symbols()] = CANONICAL.symbols;

/// The bits symbol `s` costs in a packed text; 0 when it has no code.
const fn bit_cost(s: u8) -> u16 {
    get(&CODE_BITS, s as usize, 0) as u16
}

/// Sets `len` bits of `out` from bit `at` on (the first the lowest of its byte) to `code`'s
/// low bits, the code's highest first.
const fn put_bits(out: &mut [u8], at: usize, code: u32, len: usize) {
    let mut k = 0;
    while k < len {
        if code >> (len - 1 - k) & 1 == 1 {
            let byte = (at + k) / 8;
            set(out, byte, get(out, byte, 0) | 1 << ((at + k) % 8));
        }
        k += 1;
    }
}

/// Bit `at` of `text` (the first the lowest of its byte: a shift by the bit's place, with no
/// subtraction from 7), and `at` moved past it.
fn next_bit(text: &[u8], at: &mut usize) -> Option<usize> {
    let byte = text.get(*at / 8)?;
    let bit = byte >> (*at % 8) & 1;
    *at += 1;
    Some(usize::from(bit))
}

/// The symbol whose code starts at bit `at` of `text` (packed: `pack_into`), and `at` moved
/// past it; `None` at the text's end. Canonical decoding: the codes of one length are
/// consecutive numbers, after the shorter ones'. Inlined into `write_from`, its one caller:
/// out of line, `at` went through memory at every bit.
fn next_symbol(text: &[u8], at: &mut usize) -> Option<u8> {
    let (mut code, mut first, mut index) = (0, 0, 0);
    for &count in &COUNTS {
        code |= next_bit(text, at)?;
        let count = usize::from(count);
        if code < first + count {
            return SYMBOLS.get(index + code.wrapping_sub(first)).copied();
        }
        index += count;
        first = (first + count) << 1;
        code <<= 1;
    }
    None
}

/// The longest text `pack_into` takes (the help texts are the longest).
const PACK_MAX: usize = 2048;

/// `a[i]`, or `zero` past its end (for `pack_into`, at compile time: no indexing, clippy).
const fn get<T: Copy>(a: &[T], i: usize, zero: T) -> T {
    match a.split_at_checked(i) {
        Some((_, [x, ..])) => *x,
        _ => zero,
    }
}

/// Sets `a[i]` to `v` (nothing past its end).
const fn set<T: Copy>(a: &mut [T], i: usize, v: T) {
    if let Some((_, [x, ..])) = a.split_at_mut_checked(i) {
        *x = v;
    }
}

/// `WORDS` by first byte, for `pack_into` (which tries, at each byte of a text, only the
/// words that start with it): where each word starts in `WORDS`, and chains of the words of
/// one first byte (numbers plus one; 0 ends a chain).
struct WordIndex {
    start: [u16; 256],
    next: [u8; 256],
    head: [u8; 128],
}

const WORD_INDEX: WordIndex = {
    let mut index = WordIndex {
        start: [0; 256],
        next: [0; 256],
        head: [0; 128],
    };
    let (mut words, mut at, mut n) = (WORDS.as_bytes(), 0, 0);
    while let [first, ..] = words {
        assert!(n < 255 && *first < 0x80);
        set(&mut index.start, n, at as u16);
        if *first != 0 {
            set(&mut index.next, n, get(&index.head, *first as usize, 0));
            set(&mut index.head, *first as usize, n as u8 + 1);
        }
        // Bounded: each pass consumes one byte, the word's NUL.
        while let [c, tail @ ..] = words {
            words = tail;
            at += 1;
            if *c == 0 {
                break;
            }
        }
        n += 1;
    }
    index
};

/// How many bytes of `text` a word of `WORDS` (`word`: from its start on) stands for: its
/// length if `text` starts with it, 0 if not (or if it is shorter than 2 bytes).
const fn word_len(mut word: &[u8], mut text: &[u8]) -> usize {
    let mut len = 0;
    while let [c, tail @ ..] = word {
        if *c == 0 {
            break;
        }
        match text {
            [d, more @ ..] if *d == *c => text = more,
            _ => return 0,
        }
        len += 1;
        word = tail;
    }
    if len > 1 { len } else { 0 }
}

/// Packs `template` into `out` (zeroed) as `Line::write` reads it: each `{}` a
/// `PLACEHOLDER`, `{{` and `}}` a brace, runs of text by the codes of `WORDS`, each symbol by its Huffman code (`CODE_BITS`),
/// chosen for the fewest bits in all (shortest path, from the end); returns the packed length
/// in bytes (`out` may be shorter, `&mut []` to measure). Evaluated at compile time by `fill!`.
pub const fn pack_into(template: &str, out: &mut [u8]) -> usize {
    assert!(
        placeholders(template).is_some(),
        "a brace not part of `{{}}`, `{{{{` or `}}}}`, or the placeholder's byte"
    );
    let bits = pack_with(template.as_bytes(), out, 0, usize::MAX);
    // Padded with ones to a byte: a part of the longest code, never a whole one.
    put_bits(out, bits, 0xff, (8 - bits % 8) % 8);
    bits.div_ceil(8)
}

/// Codes `text` into `out` from bit `at` on, by the words of at most `longest` bytes (a word
/// is packed by shorter ones); returns the bit after the last.
const fn pack_with(text: &[u8], out: &mut [u8], at: usize, longest: usize) -> usize {
    assert!(text.len() <= PACK_MAX, "a text longer than PACK_MAX");
    // fewest[i]: the fewest packed bits for text[i..]; first[i]: the first symbol
    // of them, and how many bytes of text it stands for.
    let mut fewest = [0u16; PACK_MAX + 1];
    let mut first = [(0u8, 0u16); PACK_MAX];
    let mut i = text.len();
    while i > 0 {
        i -= 1;
        let rest = match text.split_at_checked(i) {
            Some((_, rest)) => rest,
            None => &[],
        };
        let mut best = match rest {
            [b'{', b'}', ..] => (PLACEHOLDER, 2),
            // A doubled brace, a brace. (A lone one is reached only from within a pair,
            // never on the way from the text's start: `placeholders` refuses it.)
            [b @ (b'{' | b'}'), c, ..] if *c == *b => (*b, 2),
            [c, ..] => {
                assert!(
                    !is_code(*c) && bit_cost(*c) > 0,
                    "a text of printable ASCII bytes, tabs and newlines"
                );
                (*c, 1)
            }
            [] => (0, 1),
        };
        let mut cost = get(&fewest, i + best.1 as usize, 0) + bit_cost(best.0);
        // A `{}` or a doubled brace is always one symbol; other text tries the words that start with its byte.
        let mut chain = match best {
            (c, 1) => get(&WORD_INDEX.head, c as usize, 0),
            _ => 0,
        };
        while chain > 0 {
            let n = (chain - 1) as usize;
            let word = match WORDS
                .as_bytes()
                .split_at_checked(get(&WORD_INDEX.start, n, 0) as usize)
            {
                Some((_, word)) => word,
                None => &[],
            };
            let len = word_len(word, rest);
            let code = (n as u8) ^ 0x80;
            let step = bit_cost(code);
            if len > 0 && len <= longest && step > 0 && get(&fewest, i + len, 0) + step < cost {
                cost = get(&fewest, i + len, 0) + step;
                best = (code, len as u16);
            }
            chain = get(&WORD_INDEX.next, n, 0);
        }
        set(&mut fewest, i, cost);
        set(&mut first, i, best);
    }
    let (mut i, mut bits) = (0, at);
    while i < text.len() {
        let (symbol, len) = match first.split_at_checked(i) {
            Some((_, [step, ..])) => *step,
            _ => (0, 1),
        };
        let code = get(&CANONICAL.codes, symbol as usize, 0);
        put_bits(out, bits, code, bit_cost(symbol) as usize);
        bits += bit_cost(symbol) as usize;
        i += len as usize;
    }
    bits
}

/// `template` packed (`pack_into`), `N` bytes long.
pub const fn pack<const N: usize>(template: &str) -> [u8; N] {
    let mut out = [0; N];
    pack_into(template, &mut out);
    out
}

/// `WORDS` as stored in the binary: each word packed by the shorter words (`pack_with`),
/// NUL-separated, one coded text. `Line::write` writes a word's code by writing its field.
const WORDS_PACKED: [u8; packed_words(&mut [], &mut []).0] = {
    let mut out = [0; packed_words(&mut [], &mut []).0];
    packed_words(&mut out, &mut []);
    out
};

/// Every `WORD_MARK`-th word of `WORDS_PACKED` is marked with the bit it starts at.
const WORD_MARK: usize = 8;

/// The marks (`WORD_MARK`): a word is written by decoding from the mark before it, a few
/// words, where decoding from the list's start cost about 50 000 instructions a log line.
const WORD_MARKS: [u16; packed_words(&mut [], &mut []).1.div_ceil(WORD_MARK)] = {
    let mut marks = [0; packed_words(&mut [], &mut []).1.div_ceil(WORD_MARK)];
    packed_words(&mut [], &mut marks);
    marks
};

/// Packs `WORDS` into `out` (zeroed) as `WORDS_PACKED` and marks every `WORD_MARK`-th word's
/// first bit in `marks` (`WORD_MARKS`; either may be `&mut []`); returns the length in bytes
/// and the number of words.
const fn packed_words(out: &mut [u8], marks: &mut [u16]) -> (usize, usize) {
    let (mut words, mut at, mut count) = (WORDS.as_bytes(), 0, 0);
    while !words.is_empty() {
        if count % WORD_MARK == 0 {
            assert!(at <= u16::MAX as usize, "a word mark past u16");
            set(marks, count / WORD_MARK, at as u16);
        }
        count += 1;
        let mut len = 0;
        // Bounded: each pass counts a byte of the word.
        while let Some((_, [c, ..])) = words.split_at_checked(len) {
            if *c == 0 {
                break;
            }
            len += 1;
        }
        let (word, after): (&[u8], &[u8]) = match words.split_at_checked(len) {
            Some(split) => split,
            None => (words, &[]),
        };
        at = pack_with(word, out, at, len.saturating_sub(1));
        put_bits(out, at, get(&CANONICAL.codes, 0, 0), bit_cost(0) as usize);
        at += bit_cost(0) as usize;
        words = match after {
            [_, tail @ ..] => tail,
            [] => after,
        };
    }
    put_bits(out, at, 0xff, (8 - at % 8) % 8);
    (at.div_ceil(8), count)
}

/// Field `n` of `bytes` cut at each `sep`, as `bytes.split(|&b| b == sep).nth(n)`: one loop
/// for every separator (a `Split` iterator is compiled once per closure).
pub fn field(mut bytes: &[u8], sep: u8, mut n: usize) -> Option<&[u8]> {
    // Bounded: each pass returns or consumes at least one byte.
    loop {
        let end = bytes.iter().position(|&b| b == sep);
        if n == 0 {
            return Some(bytes.get(..end.unwrap_or(bytes.len())).unwrap_or_default());
        }
        bytes = bytes.get(end? + 1..)?;
        n -= 1;
    }
}

/// Calls `f(pre.., template, &[args as Arg])`: `fill!(Line::write, [line], "pid {}", pid)`.
/// The count of `{}` and of arguments must match (a compile-time check); the template is
/// stored packed (`pack_into`).
#[macro_export]
macro_rules! fill {
    ($f:expr, [$($pre:expr),*], $template:literal $(, $arg:expr)* $(,)?) => {{
        const ARGS: usize = <[&str]>::len(&[$(stringify!($arg)),*]);
        const _: () = assert!(
            matches!($crate::display::placeholders($template), Some(n) if n == ARGS)
                && $template.is_ascii(),
            "one `{{}}` per argument, other braces doubled, only ASCII"
        );
        const LEN: usize = $crate::display::pack_into($template, &mut []);
        const TEMPLATE: [u8; LEN] = $crate::display::pack($template);
        $f($($pre,)* &TEMPLATE, &[$($crate::display::ArgOf::log_arg(&$arg)),*])
    }};
}

/// A template with `n` placeholders, checked and packed at compile time as `fill!` does, for
/// callers that pick one of several templates (as `&[u8]`) for one `Line::write` call:
/// `template!(1, "bad runlevel: {}")`.
#[macro_export]
macro_rules! template {
    ($n:literal, $text:expr) => {{
        const PACKED: [u8; $crate::display::pack_into($text, &mut [])] = {
            assert!(
                matches!($crate::display::placeholders($text), Some($n)) && $text.is_ascii(),
                "one `{{}}` per argument, other braces doubled, only ASCII"
            );
            $crate::display::pack($text)
        };
        &PACKED
    }};
}

/// A constant text packed as templates are (`pack_into`; ASCII, braces doubled), for
/// `Line::write` with no arguments: `packed!(HELP)`.
#[macro_export]
macro_rules! packed {
    ($text:expr) => {
        $crate::template!(0, $text)
    };
}

/// Bytes that may not be UTF-8 (paths, inittab text), shown with bad bytes as `?`.
pub struct Bytes<'a>(pub &'a [u8]);

/// A constant text packed as templates are (`packed!`), as an argument: what a caller picks
/// among fixed words stays packed (`Packed(packed!("signals were ignored"))`).
pub struct Packed<'a>(pub &'a [u8]);

/// Field `n` of a constant text packed as templates are, its fields NUL-separated, as an
/// argument: a caller that picks among fixed words passes a number, not an address and a
/// length each (`Field(packed!("a\0b"), 1)`).
pub struct Field<'a>(pub &'a [u8], pub u8);

/// An errno value (Linux's numbers) shown by its symbolic name and a short text
/// (`ENOENT (no such file)`), or `errno N` when it is not in the table.
pub struct ErrName(pub i32);

/// A signal shown by its name (`SIGSEGV`), or `signal N` when it has none (real-time ones).
pub struct SigName(pub u8);

/// How a process ended, for a log line: `exited with status 1` / `killed by SIGSEGV`.
pub struct ExitShown(pub Exit);

/// The errno values vinit can meet, with Linux's generic numbers (asm-generic/errno*.h: the
/// numbers of every architecture vinit builds for; the edge's unit test checks them against
/// its syscall crate), in the order of `ERRNO_TEXT`'s lines.
pub const ERRNO_NUMBERS: [u8; 26] = [
    2, 13, 1, 10, 3, 11, 4, 8, 7, 24, 12, 6, 32, 17, 20, 21, 40, 36, 9, 22, 28, 30, 38, 26, 5, 25,
];

/// Each errno's name and a few words for readers who do not know the names, one line each:
/// one string, not a table of slices (16 bytes each).
pub const ERRNO_TEXT: &str = "\
    ENOENT (no such file)\n\
    EACCES (permission denied)\n\
    EPERM (not permitted)\n\
    ECHILD (no child)\n\
    ESRCH (no such process)\n\
    EAGAIN (try again)\n\
    EINTR (interrupted)\n\
    ENOEXEC (bad executable format)\n\
    E2BIG (argument list too long)\n\
    EMFILE (too many open files)\n\
    ENOMEM (out of memory)\n\
    ENXIO (no such device or reader)\n\
    EPIPE (broken pipe)\n\
    EEXIST (exists)\n\
    ENOTDIR (not a directory)\n\
    EISDIR (is a directory)\n\
    ELOOP (too many symlinks)\n\
    ENAMETOOLONG (name too long)\n\
    EBADF (bad fd)\n\
    EINVAL (invalid argument)\n\
    ENOSPC (no space left)\n\
    EROFS (read-only file system)\n\
    ENOSYS (not implemented)\n\
    ETXTBSY (text file busy)\n\
    EIO (I/O error)\n\
    ENOTTY (not a tty)\n\
";

/// How `push_arg` shows an errno without a name, a signal with and without one, and an exit
/// by code and by signal: NUL-separated fields of one packed text, picked by number.
const ARG_TEMPLATES: [u8; pack_into(ARG_TEXT, &mut [])] = {
    assert!(matches!(placeholders(ARG_TEXT), Some(5)) && ARG_TEXT.is_ascii());
    pack(ARG_TEXT)
};
const ARG_TEXT: &str = "errno {}\0SIG{}\0signal {}\0exited with status {}\0killed by {}";

/// `ERRNO_TEXT` packed (`pack_into`).
const ERRNO_PACKED: [u8; pack_into(ERRNO_TEXT, &mut [])] = {
    assert!(matches!(placeholders(ERRNO_TEXT), Some(0)) && ERRNO_TEXT.is_ascii());
    pack(ERRNO_TEXT)
};

/// `n` in decimal, written at the end of `digits`: the one integer formatter (log lines and
/// `vinit status`'s replies).
#[inline(never)]
pub fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        n /= 10;
        start -= 1;
        if n == 0 {
            break;
        }
    }
    digits.get(start..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(d: impl ArgOf) -> std::string::String {
        let mut line = Line::new();
        fill!(Line::write, [&mut line], "{}", d);
        std::string::String::from_utf8(line.as_bytes().to_vec()).unwrap()
    }

    /// `text` packed (`pack_into`), at run time.
    fn packed(text: &str) -> std::vec::Vec<u8> {
        let mut out = std::vec![0; pack_into(text, &mut [])];
        assert_eq!(pack_into(text, &mut out), out.len());
        out
    }

    fn filled(template: &str, args: &[Arg<'_>]) -> std::string::String {
        let mut line = Line::new();
        line.write(&packed(template), args);
        std::string::String::from_utf8(line.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn templates_take_their_arguments_in_order() {
        let mut line = Line::new();
        fill!(
            Line::write,
            [&mut line],
            "a {} b {}{} c",
            7u8,
            Bytes(b"x\xff"),
            -12i32
        );
        assert_eq!(line.as_bytes(), b"a 7 b x?-12 c");
        assert_eq!(
            filled("{}", &[Arg::Unsigned(u64::MAX)]),
            "18446744073709551615"
        );
        assert_eq!(
            filled("{}", &[Arg::Signed(i64::MIN)]),
            "-9223372036854775808"
        );
        assert_eq!(filled("{}|{}", &[Arg::Unsigned(0), Arg::Signed(0)]), "0|0");
        assert_eq!(filled("{}", &[Arg::Signed(-7)]), "-7");
        // A missing argument is left out; the macro makes it a compile error.
        assert_eq!(filled("x{}y", &[]), "xy");
        assert!(pack_into("unable to runlevel", &mut []) < 8);
        assert_eq!(placeholders("a {} {}"), Some(2));
        assert_eq!(placeholders("none"), Some(0));
        assert_eq!(placeholders("{:?}"), None);
        assert_eq!(placeholders("{{"), Some(0));
        assert_eq!(placeholders("{{{}}}"), Some(1));
        assert_eq!(placeholders("{{}"), None);
        assert_eq!(placeholders("\u{1}"), None);
        assert_eq!(filled("{{{}}} }}{{", &[Arg::Unsigned(5)]), "{5} }{");
        assert_eq!(placeholders("}"), None);
        assert_eq!(placeholders("{"), None);
    }

    #[test]
    fn packed_templates_read_back_as_written() {
        let words = WORDS.split('\0').map(|w| std::format!("<{w}>"));
        let sentences = [
            "stop: SIGTERM received: runlevel 0, budget 9000 ms",
            "The system is going down for system halt NOW!",
            "unable to send request: no reader: VINIT_STOP_DELAY)",
            "a",
            "",
        ];
        for text in words.chain(sentences.map(std::string::String::from)) {
            let text = text.as_str();
            assert_eq!(filled(text, &[]), text);
        }
        assert!(pack_into("the runlevel", &mut []) < 5, "words are packed");
        // Every byte a text may have, those no text has so far too (braces doubled).
        let all: std::string::String = (0u8..0x7f)
            .filter(|&b| matches!(b, 0 | b'\t' | b'\n' | 0x20..))
            .map(char::from)
            .collect();
        assert_eq!(filled(&all.replace('{', "{{").replace('}', "}}"), &[]), all);
    }

    /// The placeholder took over the code `{` had (5 bits, the second of that length: no
    /// byte between them has 5), and `}` was the last 16-bit code: every text without a
    /// doubled brace packs to the same bytes as before the braces had codes of their own.
    #[test]
    fn the_placeholder_kept_the_code_of_the_brace_before_it() {
        assert_eq!(CODE_BITS[usize::from(PLACEHOLDER)], 5);
        assert!(CODE_BITS[2..=0x7a].iter().all(|&bits| bits != 5));
        assert!(CODE_BITS[0x7e..].iter().all(|&bits| bits < 16));
        assert_eq!((CODE_BITS[0x7b], CODE_BITS[0x7d]), (17, 17));
    }

    #[test]
    fn fields_of_a_packed_text_are_its_parts() {
        let text = packed("ab{}\0\0the runlevel {}\0x");
        let field = |sep: u8, n| {
            let mut line = Line::new();
            let more = line.write_field(&text, u16::from(sep), n, &[Arg::Unsigned(7)]);
            (
                core::str::from_utf8(line.as_bytes()).unwrap().to_owned(),
                more,
            )
        };
        assert_eq!(field(0, 0), ("ab7".into(), true));
        assert_eq!(field(0, 1), ("".into(), true));
        assert_eq!(field(0, 2), ("the runlevel 7".into(), true));
        assert_eq!(field(0, 3), ("x".into(), false));
        assert_eq!(field(0, 4), ("".into(), false));
        assert_eq!(field(PLACEHOLDER, 0), ("ab".into(), true));
        assert_eq!(field(PLACEHOLDER, 1), ("\0\0the runlevel ".into(), true));
    }

    #[test]
    fn packed_arguments_show_their_field() {
        let words = packed("the runlevel\0two words");
        let mut line = Line::new();
        fill!(
            Line::write,
            [&mut line],
            "{}, {} and {}",
            Packed(&words),
            Field(&words, 1),
            Field(&words, 2)
        );
        assert_eq!(line.as_bytes(), b"the runlevel, two words and ");
    }

    #[test]
    fn fields_are_what_split_gives() {
        for text in [&b""[..], b"a", b"a\0b", b"\0", b"a\0\0b\0", b"\0\0"] {
            for n in 0..6 {
                assert_eq!(
                    field(text, 0, n),
                    text.split(|&b| b == 0).nth(n),
                    "{text:?} {n}"
                );
            }
        }
    }

    #[test]
    fn a_line_is_cut_with_room_for_the_marker() {
        let mut line = Line::new();
        for _ in 0..LOG_LINE_MAX {
            line.push(b"ab");
        }
        assert!(line.is_cut());
        assert_eq!(line.as_bytes().len(), LOG_LINE_MAX - 4);
        let end = line.finish();
        assert_eq!(end.len(), LOG_LINE_MAX);
        assert!(end.ends_with(b"a...\n") || end.ends_with(b"b...\n"));
        let mut exact = Line::new();
        exact.push(&[b'z'; LOG_LINE_MAX - 4]);
        assert!(!exact.is_cut());
    }

    #[test]
    fn bytes_show_invalid_utf8_as_question_marks() {
        assert_eq!(shown(Bytes(b"a\xffb")), "a?b");
        assert_eq!(shown(Bytes(b"/etc/inittab")), "/etc/inittab");
        // One `?` per byte that does not start a valid sequence.
        assert_eq!(shown(Bytes(b"x\xe2\x82")), "x??");
    }

    #[test]
    fn errno_values_show_by_name_and_text_or_number() {
        assert_eq!(shown(ErrName(2)), "ENOENT (no such file)");
        assert_eq!(shown(ErrName(11)), "EAGAIN (try again)");
        assert_eq!(shown(ErrName(200)), "errno 200");
    }

    #[test]
    fn signals_show_by_name_or_number() {
        assert_eq!(shown(SigName(1)), "SIGHUP");
        assert_eq!(shown(SigName(11)), "SIGSEGV");
        assert_eq!(shown(SigName(15)), "SIGTERM");
        assert_eq!(shown(SigName(31)), "SIGSYS");
        assert_eq!(shown(SigName(0)), "signal 0");
        assert_eq!(shown(SigName(37)), "signal 37");
    }

    #[test]
    fn exits_show_their_status_or_signal() {
        use crate::status::Exit;
        assert_eq!(shown(ExitShown(Exit::Code(1))), "exited with status 1");
        assert_eq!(shown(ExitShown(Exit::Signal(11))), "killed by SIGSEGV");
    }
}
