//! The /run/initctl request codec: sysvinit's 384-byte `struct init_request`, parsed and
//! emitted without syscalls, plus the SETENV payload (a list of NUL-terminated strings).
//!
//! Native endianness, 32-bit ints (compat §5.2). `Request::parse` checks the length once and
//! cannot panic after that; `Request::emit` writes every byte of its fixed-size buffer.
//! Spec §5.2 (layout, command codes), §5.3 (validation), §5.5 (SETENV payload, `INIT_` names).
#![forbid(unsafe_code)]

use crate::levels::LevelRequest;

/// Size of one request on the wire.
pub const REQUEST_LEN: usize = 384;
/// First field of every request (sysvinit's `INIT_MAGIC`).
pub const MAGIC: u32 = 0x0309_1969;
/// Size of the payload union (`data[368]`).
pub const DATA_LEN: usize = 368;
/// A payload of zeros, for requests that carry none.
pub const EMPTY_DATA: [u8; DATA_LEN] = [0; DATA_LEN];

/// Byte ranges of the fields (compat §5.2 table).
mod field {
    pub type Field = core::ops::Range<usize>;
    pub const MAGIC: Field = 0..4;
    pub const CMD: Field = 4..8;
    pub const RUNLEVEL: Field = 8..12;
    pub const SLEEPTIME: Field = 12..16;
    pub const DATA: Field = 16..super::REQUEST_LEN;
}

/// What a request asks for (`cmd`, compat §5.2); the discriminant is the wire code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Command {
    /// 0: never implemented by init.
    Start = 0,
    /// 1: change runlevel.
    RunLevel = 1,
    /// 2: power failing (as SIGPWR with status `F`).
    PowerFail = 2,
    /// 3: power failing now (status `L`).
    PowerFailNow = 3,
    /// 4: power back (status `O`).
    PowerOk = 4,
    /// 5: BSD sub-struct; never used on Linux.
    Bsd = 5,
    /// 6: set or unset `INIT_*` variables.
    SetEnv = 6,
    /// 7: defined but not implemented by init (unsetting goes through `SetEnv`).
    UnsetEnv = 7,
}

impl Command {
    const ALL: [Self; 8] = [
        Self::Start,
        Self::RunLevel,
        Self::PowerFail,
        Self::PowerFailNow,
        Self::PowerOk,
        Self::Bsd,
        Self::SetEnv,
        Self::UnsetEnv,
    ];

    /// The command with wire code `code`, if there is one: `ALL` is in code order.
    pub fn from_code(code: u32) -> Option<Self> {
        usize::try_from(code)
            .ok()
            .and_then(|i| Self::ALL.get(i))
            .copied()
    }

    /// The wire code.
    pub const fn code(self) -> u32 {
        self as u32
    }
}

/// Why bytes read from the FIFO are not a request (init logs `got bogus initrequest`, §5.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestError {
    /// Not exactly `REQUEST_LEN` bytes; holds the length seen.
    BadLength(usize),
    /// The first field is not `MAGIC`; holds the value seen.
    BadMagic(u32),
    /// A `cmd` outside 0..=7; holds the value seen.
    UnknownCommand(u32),
    /// A RUNLVL request for a level outside `levels::REQUEST_BYTES`; holds the field's value.
    /// sysvinit logs `bad runlevel` and re-reads inittab as for `q` (compat §2.6); vinit drops
    /// it with the other bogus requests, so a flood of them is logged at a bounded rate.
    BadLevel(u32),
}

/// One request, borrowing its payload from the buffer it was parsed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// What is asked.
    pub command: Command,
    /// The wire field: in a RUNLVL request, a `LevelRequest`'s character as sent (`b'3'`,
    /// `b's'`, `b'q'`); in others whatever was sent, 0 when the int does not fit in a byte.
    pub runlevel: u8,
    /// Seconds between SIGTERM and SIGKILL for this change.
    pub sleeptime: u32,
    /// The payload union: SETENV strings, or unused; at most `DATA_LEN` bytes (a parsed
    /// request's are all `DATA_LEN`; `emit` pads shorter ones with NULs, so a RUNLVL request
    /// needs no 368 zero bytes of its own).
    pub data: &'a [u8],
}

impl Request<'static> {
    /// A RUNLVL request for `level` as typed, as telinit sends it (compat §6.1).
    pub const fn run_level(level: LevelRequest, sleeptime: u32) -> Self {
        Self {
            command: Command::RunLevel,
            runlevel: level.byte(),
            sleeptime,
            data: &[],
        }
    }
}

impl<'a> Request<'a> {
    /// A SETENV request carrying `data` (built with `encode_env`); runlevel and sleeptime are
    /// 0, as telinit and shutdown send them.
    pub const fn set_env(data: &'a [u8]) -> Self {
        Self {
            command: Command::SetEnv,
            runlevel: 0,
            sleeptime: 0,
            data,
        }
    }

    /// Parses exactly one request; anything but `REQUEST_LEN` bytes is rejected (compat §5.3).
    pub fn parse(bytes: &'a [u8]) -> Result<Self, RequestError> {
        let buf: &'a [u8; REQUEST_LEN] = bytes
            .try_into()
            .map_err(|_| RequestError::BadLength(bytes.len()))?;
        let magic = read_u32(buf, field::MAGIC);
        if magic != MAGIC {
            return Err(RequestError::BadMagic(magic));
        }
        let code = read_u32(buf, field::CMD);
        let command = Command::from_code(code).ok_or(RequestError::UnknownCommand(code))?;
        let level = read_u32(buf, field::RUNLEVEL);
        // 0 when it does not fit in a byte: not a `LevelRequest` either.
        let runlevel = u8::try_from(level).unwrap_or(0);
        if command == Command::RunLevel && LevelRequest::from_byte(runlevel).is_none() {
            return Err(RequestError::BadLevel(level));
        }
        let data = buf.get(field::DATA).unwrap_or_default();
        Ok(Self {
            command,
            runlevel,
            sleeptime: read_u32(buf, field::SLEEPTIME),
            data,
        })
    }

    /// Writes the request into `out`, every byte of it.
    pub fn emit(&self, out: &mut [u8; REQUEST_LEN]) {
        *out = [0; REQUEST_LEN];
        // The four fields before the data, each one store: an array of them, then copied in
        // a loop, was built on the stack first.
        put_u32(out, field::MAGIC, MAGIC);
        put_u32(out, field::CMD, self.command.code());
        put_u32(out, field::RUNLEVEL, u32::from(self.runlevel));
        put_u32(out, field::SLEEPTIME, self.sleeptime);
        // The data, then zeros (a short SETENV list's end mark).
        copy_prefix(out.get_mut(field::DATA).unwrap_or_default(), self.data);
    }
}

/// What the front of the bytes read from the FIFO holds (`front`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Front<'a> {
    /// `REQUEST_LEN` bytes that start with the magic: a request, or why it is not one. The
    /// caller uses up `REQUEST_LEN` bytes.
    Request(Result<Request<'a>, RequestError>),
    /// This many bytes come before the next request: junk, to skip.
    Junk(usize),
    /// Too few bytes to tell: the start of a request, or fewer than the magic's 4 bytes.
    Partial,
}

/// Frames the bytes read from the FIFO. sysvinit reads 384 bytes at a time (compat §5.3), so
/// bytes that are not a whole request shift every request queued after them out of line and
/// all of them are lost; vinit looks for the next request by its magic instead. Junk holding
/// the magic by chance costs nothing more: a "request" there that does not parse gives way to
/// a real one starting inside it.
pub fn front(bytes: &[u8]) -> Front<'_> {
    let magic = MAGIC.to_ne_bytes();
    // Where the next magic is looked for (from byte 1 on), and the error of a request that
    // did not parse: one search for both cases.
    let (end, error) = if bytes.starts_with(&magic) {
        let Some(whole) = bytes.get(..REQUEST_LEN) else {
            return Front::Partial;
        };
        match Request::parse(whole) {
            Ok(req) => return Front::Request(Ok(req)),
            // A magic at 1..REQUEST_LEN: the one at REQUEST_LEN is the next request's.
            Err(e) => (bytes.len().min(REQUEST_LEN + magic.len() - 1), Some(e)),
        }
    } else if bytes.len() < magic.len() {
        return Front::Partial;
    } else {
        (bytes.len(), None)
    };
    let found = bytes
        .get(1..end)
        .and_then(|from| from.windows(magic.len()).position(|w| w == magic));
    match (found, error) {
        (Some(at), _) => Front::Junk(at + 1),
        (None, Some(e)) => Front::Request(Err(e)),
        // Keep the last 3 bytes when no magic is found: the next read may complete one.
        (None, None) => Front::Junk(bytes.len() + 1 - magic.len()),
    }
}

/// A native-endian u32 at `f`; the ranges in `field` are in bounds, so the 0 never happens.
fn read_u32(buf: &[u8; REQUEST_LEN], f: field::Field) -> u32 {
    buf.get(f)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, u32::from_ne_bytes)
}

/// Puts `v` in native byte order at `f`; the ranges in `field` are in bounds and 4 bytes long.
fn put_u32(buf: &mut [u8; REQUEST_LEN], f: field::Field, v: u32) {
    if let Some(at) = buf.get_mut(f) {
        at.copy_from_slice(&v.to_ne_bytes());
    }
}

/// Copies as much of `src` as fits to the start of `dst`; a zip, so no length check can panic.
fn copy_prefix(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// One honoured string of a SETENV payload (compat §5.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvChange<'a> {
    /// `NAME=VALUE`: store it (an empty value is still set).
    Set {
        /// Everything before the first `=`.
        name: &'a [u8],
        /// Everything after it.
        value: &'a [u8],
    },
    /// `NAME` without `=`: remove it.
    Unset {
        /// The whole string.
        name: &'a [u8],
    },
}

impl<'a> EnvChange<'a> {
    /// The variable's name.
    pub const fn name(&self) -> &'a [u8] {
        match self {
            Self::Set { name, .. } | Self::Unset { name } => name,
        }
    }
}

/// Only variables with this prefix may be changed over the FIFO (compat §5.5).
const ENV_PREFIX: &[u8] = b"INIT_";

/// The changes a SETENV payload asks for: NUL-terminated strings up to the first empty one
/// or the first without a NUL inside the payload; names not starting with `INIT_` are
/// skipped silently, as init does (compat §5.5).
pub fn env_changes(data: &[u8]) -> impl Iterator<Item = EnvChange<'_>> {
    let mut rest: &[u8] = data;
    core::iter::from_fn(move || {
        loop {
            let nul = rest.iter().position(|&b| b == 0)?;
            let (string, tail) = rest.split_at(nul);
            rest = tail.get(1..).unwrap_or_default();
            if string.is_empty() {
                rest = &[];
                return None;
            }
            if !string.starts_with(ENV_PREFIX) {
                continue;
            }
            return Some(match string.iter().position(|&b| b == b'=') {
                Some(eq) => {
                    let (name, value) = string.split_at(eq);
                    EnvChange::Set {
                        name,
                        value: value.get(1..).unwrap_or_default(),
                    }
                }
                None => EnvChange::Unset { name: string },
            });
        }
    })
}

/// The SETENV strings do not fit in the payload (telinit: `-e option data too large`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge;

/// A SETENV payload being filled: NUL-terminated strings. The empty string that ends the
/// list is the padding `Request::emit` writes after them, so nothing is zeroed up front.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvPayload(heapless::Vec<u8, DATA_LEN>);

impl EnvPayload {
    /// An empty list.
    pub const fn new() -> Self {
        Self(heapless::Vec::new())
    }

    /// Appends `s`. Like telinit, every string must leave room for the list's end mark
    /// (sysvinit 3.14 `telinit`); on `TooLarge` nothing is added. Out of line: with one
    /// caller LLVM inlined it into `client_args::parse`.
    #[inline(never)]
    pub fn push(&mut self, s: &[u8]) -> Result<(), TooLarge> {
        // s, its NUL, and the final empty string's NUL.
        if self.0.len() + s.len() + 2 > DATA_LEN {
            return Err(TooLarge);
        }
        let _ = self.0.extend_from_slice(s);
        let _ = self.0.push(0);
        Ok(())
    }

    /// Whether no string was pushed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The payload, for `Request::set_env`: the strings, each with its NUL (shorter than
    /// `DATA_LEN`: `emit` pads it with the list's end mark).
    pub fn data(&self) -> &[u8] {
        &self.0
    }
}

/// Packs `strings` into a SETENV payload (`EnvPayload`); on `TooLarge`, `data` is all zeros.
pub fn encode_env(strings: &[&[u8]], data: &mut [u8; DATA_LEN]) -> Result<(), TooLarge> {
    let mut payload = EnvPayload::new();
    let packed = strings.iter().try_for_each(|s| payload.push(s));
    *data = EMPTY_DATA;
    if packed.is_ok() {
        copy_prefix(data, payload.data());
    }
    packed
}

#[cfg(test)]
mod tests;
