//! initctl request codec: `Request::parse`, the `emit` round trip, `front` (the framing),
//! `env_changes` and `encode_env`.
//!
//! The same input is read three ways: as a FIFO read (only 384-byte inputs can parse), as a
//! SETENV payload (its first 368 bytes, zero-padded), and as NUL-separated strings to encode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinit_fuzz::initctl::{
    DATA_LEN, EnvChange, Front, MAGIC, REQUEST_LEN, Request, RequestError, encode_env, env_changes,
    front,
};

/// The `runlevel` int's bytes on the wire (spec §5.2).
const RUNLEVEL_FIELD: core::ops::Range<usize> = 8..12;

fn check_changes(data: &[u8]) {
    for change in env_changes(data) {
        match change {
            EnvChange::Set { name, value } => {
                assert!(name.starts_with(b"INIT_") && !name.contains(&b'='));
                assert!(!name.contains(&0) && !value.contains(&0));
            }
            EnvChange::Unset { name } => {
                assert!(name.starts_with(b"INIT_") && !name.contains(&b'=') && !name.contains(&0));
            }
        }
    }
}

fn payload(bytes: &[u8]) -> [u8; DATA_LEN] {
    let mut d = [0u8; DATA_LEN];
    for (d, b) in d.iter_mut().zip(bytes) {
        *d = *b;
    }
    d
}

fuzz_target!(|input: &[u8]| {
    match Request::parse(input) {
        Ok(req) => {
            assert_eq!(input.len(), REQUEST_LEN);
            let mut out = [0xa5u8; REQUEST_LEN];
            req.emit(&mut out);
            // Canonical: the runlevel int fits in a byte (anything else reads as 0).
            let wire = u32::from_ne_bytes(input[RUNLEVEL_FIELD].try_into().unwrap());
            if wire <= 0xff {
                assert_eq!(
                    &out[..],
                    input,
                    "emit(parse(x)) == x for a canonical request"
                );
            } else {
                assert_eq!(req.runlevel, 0);
                assert_eq!(out[RUNLEVEL_FIELD], [0; 4]);
                assert_eq!(out[..8], input[..8]);
                assert_eq!(out[12..], input[12..]);
            }
            assert_eq!(Request::parse(&out), Ok(req), "parse(emit(r)) == r");
            check_changes(req.data);
        }
        Err(RequestError::BadLength(n)) => assert!(n == input.len() && n != REQUEST_LEN),
        Err(RequestError::BadMagic(m)) => assert_ne!(m, MAGIC),
        Err(RequestError::UnknownCommand(c)) => assert!(c > 7),
        // Only a whole, well-formed RUNLVL request can have a bad level.
        Err(RequestError::BadLevel(l)) => {
            assert_eq!(input.len(), REQUEST_LEN);
            assert_eq!(
                u32::from_ne_bytes(input[RUNLEVEL_FIELD].try_into().unwrap()),
                l
            );
        }
    }

    // Framing (control.rs): every answer uses up at least one byte or waits for more.
    match front(input) {
        Front::Request(_) => {
            assert!(input.len() >= REQUEST_LEN && input.starts_with(&MAGIC.to_ne_bytes()));
        }
        Front::Junk(n) => assert!(n >= 1 && n <= input.len(), "{n} of {}", input.len()),
        Front::Partial => assert!(input.len() < REQUEST_LEN),
    }

    check_changes(&payload(input));

    // encode_env then env_changes gives back the INIT_ strings, up to the first empty one.
    let strings: Vec<&[u8]> = input.split(|&b| b == 0).collect();
    let mut data = [0x5au8; DATA_LEN];
    let needed: usize = strings.iter().map(|s| s.len() + 1).sum::<usize>() + 1;
    match encode_env(&strings, &mut data) {
        Ok(()) => {
            assert!(needed <= DATA_LEN, "{needed} bytes fit in {DATA_LEN}");
            let expected: Vec<&[u8]> = strings
                .iter()
                .take_while(|s| !s.is_empty())
                .filter(|s| s.starts_with(b"INIT_"))
                .copied()
                .collect();
            let decoded: Vec<&[u8]> = env_changes(&data)
                .map(|c| match c {
                    EnvChange::Set { name, .. } | EnvChange::Unset { name } => {
                        let len = match c {
                            EnvChange::Set { value, .. } => name.len() + 1 + value.len(),
                            EnvChange::Unset { .. } => name.len(),
                        };
                        // name is a prefix of the whole string within `data`.
                        let start = name.as_ptr() as usize - data.as_ptr() as usize;
                        &data[start..start + len]
                    }
                })
                .collect();
            assert_eq!(decoded, expected);
        }
        Err(_) => {
            assert!(needed > DATA_LEN);
            assert_eq!(
                data, [0; DATA_LEN],
                "a failed encode leaves a zeroed payload"
            );
        }
    }
});
