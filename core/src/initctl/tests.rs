//! Unit tests of `initctl`.

use super::*;

/// `telinit -t 5 q` as Debian 12's sysvinit 3.06 telinit wrote it (captured from a FIFO).
fn telinit_q_fixture() -> [u8; REQUEST_LEN] {
    let mut b = [0u8; REQUEST_LEN];
    b[..16].copy_from_slice(&[
        0x69, 0x19, 0x09, 0x03, // magic 0x03091969, little-endian
        0x01, 0x00, 0x00, 0x00, // cmd RUNLVL
        0x71, 0x00, 0x00, 0x00, // runlevel 'q'
        0x05, 0x00, 0x00, 0x00, // sleeptime 5
    ]);
    b
}

/// `telinit -e INIT_X=1 -e INIT_Y -e INIT_Z=` from the same capture.
fn telinit_env_fixture() -> [u8; REQUEST_LEN] {
    let mut b = [0u8; REQUEST_LEN];
    b[..8].copy_from_slice(&[0x69, 0x19, 0x09, 0x03, 0x06, 0x00, 0x00, 0x00]);
    b[16..40].copy_from_slice(b"INIT_X=1\0INIT_Y\0INIT_Z=\0");
    b
}

#[test]
fn parse_known_request() {
    let b = telinit_q_fixture();
    let r = Request::parse(&b).unwrap();
    assert_eq!(r.command, Command::RunLevel);
    assert_eq!(r.runlevel, b'q');
    assert_eq!(r.sleeptime, 5);
    assert_eq!(r.data, &EMPTY_DATA);
}

#[test]
fn emit_is_byte_exact_over_poisoned_buffer() {
    let mut out = [0xa5u8; REQUEST_LEN];
    Request::run_level(LevelRequest::from_byte(b'q').unwrap(), 5).emit(&mut out);
    assert_eq!(out, telinit_q_fixture());
    let mut data = [0xa5u8; DATA_LEN];
    encode_env(&[b"INIT_X=1", b"INIT_Y", b"INIT_Z="], &mut data).unwrap();
    let mut out = [0xa5u8; REQUEST_LEN];
    Request::set_env(&data).emit(&mut out);
    assert_eq!(out, telinit_env_fixture());
}

#[test]
fn round_trip() {
    let mut data = [0u8; DATA_LEN];
    data[..5].copy_from_slice(b"abc\0\0");
    data[DATA_LEN - 1] = 0xff;
    for command in Command::ALL {
        let r = Request {
            command,
            runlevel: b'S',
            sleeptime: 0xdead_beef,
            data: &data,
        };
        let mut out = [0u8; REQUEST_LEN];
        r.emit(&mut out);
        assert_eq!(Request::parse(&out), Ok(r));
    }
}

#[test]
fn front_frames_whole_requests() {
    let q = telinit_q_fixture();
    let mut two = q.to_vec();
    two.extend_from_slice(&q);
    assert_eq!(front(&two), Front::Request(Request::parse(&q)));
    assert_eq!(front(&q[..383]), Front::Partial);
    assert_eq!(front(&q[..3]), Front::Partial);
    assert_eq!(front(b"xyz"), Front::Partial);
}

#[test]
fn front_skips_junk_up_to_the_next_magic() {
    let q = telinit_q_fixture();
    let mut v = vec![b'x'; 100];
    v.extend_from_slice(&q);
    assert_eq!(front(&v), Front::Junk(100));
    assert_eq!(front(&v[100..]), Front::Request(Request::parse(&q)));
    // No magic at all: all but the last 3 bytes (a magic may be split across reads).
    assert_eq!(front(&[b'x'; 50]), Front::Junk(47));
    // A request cut short by the next one (its first 384 bytes do not parse): the next
    // one wins.
    let mut bad = q;
    bad[4] = 99;
    let mut short_bad = bad[..100].to_vec();
    short_bad.extend_from_slice(&q);
    assert_eq!(front(&short_bad), Front::Junk(100));
    // A bad request followed by a good one: reported as itself, not as junk.
    let mut bad_then_good = bad.to_vec();
    bad_then_good.extend_from_slice(&q);
    assert_eq!(
        front(&bad_then_good),
        Front::Request(Err(RequestError::UnknownCommand(99)))
    );
}

#[test]
fn rejects_383_bytes() {
    let b = telinit_q_fixture();
    assert_eq!(Request::parse(&b[..383]), Err(RequestError::BadLength(383)));
}

#[test]
fn rejects_385_bytes() {
    let mut v = telinit_q_fixture().to_vec();
    v.push(0);
    assert_eq!(Request::parse(&v), Err(RequestError::BadLength(385)));
}

#[test]
fn rejects_bad_magic() {
    let mut b = telinit_q_fixture();
    b[0] = 0x68;
    assert_eq!(Request::parse(&b), Err(RequestError::BadMagic(0x0309_1968)));
}

#[test]
fn rejects_unknown_command_9() {
    let mut b = telinit_q_fixture();
    b[4] = 9;
    assert_eq!(Request::parse(&b), Err(RequestError::UnknownCommand(9)));
}

#[test]
fn rejects_runlevel_request_for_unknown_level() {
    let mut b = telinit_q_fixture();
    b[8] = b'x';
    assert_eq!(Request::parse(&b), Err(RequestError::BadLevel(0x78)));
    b[8] = 0x71;
    b[9] = 1; // 0x171: 'q' plus junk in the upper bytes
    assert_eq!(Request::parse(&b), Err(RequestError::BadLevel(0x171)));
}

#[test]
fn every_telinit_level_is_accepted() {
    let mut b = telinit_q_fixture();
    for &level in crate::levels::REQUEST_BYTES {
        b[8] = level;
        assert_eq!(Request::parse(&b).unwrap().runlevel, level);
    }
}

#[test]
fn other_commands_ignore_the_level_field() {
    let mut b = telinit_q_fixture();
    b[4] = 2; // POWERFAIL
    b[9] = 1; // 0x171 does not fit a byte: reads as zero
    assert_eq!(Request::parse(&b).unwrap().runlevel, 0);
}

fn changes(data: &[u8; DATA_LEN]) -> Vec<EnvChange<'_>> {
    env_changes(data).collect()
}

fn payload(bytes: &[u8]) -> [u8; DATA_LEN] {
    let mut d = [0u8; DATA_LEN];
    d[..bytes.len()].copy_from_slice(bytes);
    d
}

#[test]
fn setenv_set_unset_and_empty_value() {
    let d = payload(b"INIT_HALT=POWEROFF\0INIT_X\0INIT_E=\0");
    assert_eq!(
        changes(&d),
        [
            EnvChange::Set {
                name: b"INIT_HALT",
                value: b"POWEROFF"
            },
            EnvChange::Unset { name: b"INIT_X" },
            EnvChange::Set {
                name: b"INIT_E",
                value: b""
            },
        ]
    );
    let d = payload(b"INIT_A=x=y\0");
    assert_eq!(
        changes(&d),
        [EnvChange::Set {
            name: b"INIT_A",
            value: b"x=y"
        }]
    );
}

#[test]
fn setenv_ignores_names_without_init_prefix() {
    let d = payload(b"PATH=/evil\0init_x=1\0INIT_OK=1\0");
    assert_eq!(
        changes(&d),
        [EnvChange::Set {
            name: b"INIT_OK",
            value: b"1"
        }]
    );
}

#[test]
fn setenv_stops_at_empty_string() {
    let d = payload(b"INIT_A=1\0\0INIT_B=2\0");
    assert_eq!(
        changes(&d),
        [EnvChange::Set {
            name: b"INIT_A",
            value: b"1"
        }]
    );
    assert!(changes(&EMPTY_DATA).is_empty());
}

#[test]
fn setenv_stops_at_unterminated_string() {
    let mut d = [b'A'; DATA_LEN];
    d[..9].copy_from_slice(b"INIT_A=1\0");
    d[9..14].copy_from_slice(b"INIT_");
    assert_eq!(
        changes(&d),
        [EnvChange::Set {
            name: b"INIT_A",
            value: b"1"
        }]
    );
    assert!(changes(&[b'I'; DATA_LEN]).is_empty());
}

#[test]
fn encode_env_limits_match_telinit() {
    // sysvinit: a string of length l fits while used + l + 2 <= 368.
    let mut d = [0u8; DATA_LEN];
    let fits = vec![b'A'; DATA_LEN - 2];
    encode_env(&[&fits], &mut d).unwrap();
    assert_eq!(d[DATA_LEN - 3..], [b'A', 0, 0]);
    let too_big = vec![b'A'; DATA_LEN - 1];
    assert_eq!(encode_env(&[&too_big], &mut d), Err(TooLarge));
    assert_eq!(d, EMPTY_DATA);
    let half = vec![b'A'; 182];
    assert_eq!(encode_env(&[&half, &half], &mut d), Ok(()));
    assert_eq!(encode_env(&[&half, &half, b""], &mut d), Ok(()));
    assert_eq!(encode_env(&[&half, &half, b"x"], &mut d), Err(TooLarge));
}

#[test]
fn fuzz_parse_never_panics() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut buf = [0u8; REQUEST_LEN + 8];
    for i in 0..2000 {
        for b in buf.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        if i % 2 == 0 {
            buf[..4].copy_from_slice(&MAGIC.to_ne_bytes());
            buf[4..8].copy_from_slice(&((x % 9) as u32).to_ne_bytes());
        }
        let len = if i % 3 == 0 {
            REQUEST_LEN
        } else {
            (x as usize) % buf.len()
        };
        if let Ok(r) = Request::parse(&buf[..len]) {
            let _ = env_changes(r.data).count();
        }
    }
}

#[test]
fn from_code_indexes_all_in_code_order() {
    for (i, command) in Command::ALL.into_iter().enumerate() {
        assert_eq!(command.code() as usize, i);
        assert_eq!(Command::from_code(i as u32), Some(command));
    }
    assert_eq!(Command::from_code(8), None);
    assert_eq!(Command::from_code(u32::MAX), None);
}
