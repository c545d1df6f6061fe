//! utmp records: the lookups over a fuzzed file (`find_runlevel`, `replace_slot`,
//! `replace_slot_by_id`, `record_line`) and the encoders with fuzzed fields, then the
//! pututline round trips of records.rs: a RUN_LVL record written where `replace_slot` says is
//! what `runlevel` reads, and a DEAD_PROCESS record keeps the line of the record it replaces.
//!
//! Input: 16 bytes of fields (new, prev, sec, usec, a record type, an id), then the utmp file;
//! the host string is the file's first bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinit_fuzz::utmp::{
    RECORD_LEN, RecordType, boot_time_record, find_runlevel, process_record, record_id,
    record_line, record_pid, record_type, replace_slot, replace_slot_by_id, run_level_record,
    shutdown_record,
};

const HOST: core::ops::Range<usize> = 76..332;

fn check_slot(file: &[u8], slot: Option<usize>, matches: impl Fn(&[u8]) -> bool) {
    let first = file.chunks_exact(RECORD_LEN).position(|r| matches(r));
    assert_eq!(slot, first.map(|i| i * RECORD_LEN));
    if let Some(at) = slot {
        assert!(at % RECORD_LEN == 0 && at + RECORD_LEN <= file.len());
    }
}

fn check_host(rec: &[u8; RECORD_LEN], host: &[u8]) {
    let n = host.len().min(HOST.len());
    assert_eq!(&rec[HOST.start..HOST.start + n], &host[..n]);
    assert!(rec[HOST.start + n..HOST.end].iter().all(|&b| b == 0));
    assert!(rec[HOST.end..340].iter().all(|&b| b == 0) && rec[348..].iter().all(|&b| b == 0));
}

fuzz_target!(|data: &[u8]| {
    let (fields, file) = data.split_at(data.len().min(16));
    let mut f = [0u8; 16];
    f[..fields.len()].copy_from_slice(fields);
    let (new, prev) = (f[0], f[1]);
    let sec = i32::from_ne_bytes(f[2..6].try_into().unwrap());
    let usec = i32::from_ne_bytes(f[6..10].try_into().unwrap());
    let rec_type = u16::from_ne_bytes(f[10..12].try_into().unwrap());
    let id = &f[12..16];
    let host = &file[..file.len().min(300)];

    // Lookups over arbitrary bytes.
    let run_lvl = RecordType::RunLvl as u16;
    let first_run_lvl = file
        .chunks_exact(RECORD_LEN)
        .find(|r| record_type(r) == Some(run_lvl));
    assert_eq!(find_runlevel(file).is_some(), first_run_lvl.is_some());
    for t in (0..=9).chain([rec_type]) {
        let time_like = (1..=4).contains(&t);
        let slot = replace_slot(file, t);
        check_slot(file, slot, |r| time_like && record_type(r) == Some(t));
    }
    let id_len = id.iter().position(|&b| b == 0).unwrap_or(id.len());
    let slot = replace_slot_by_id(file, &id[..id_len]);
    let mut want = [0u8; 4];
    want[..id_len].copy_from_slice(&id[..id_len]);
    check_slot(file, slot, |r| {
        record_type(r).is_some_and(|t| (5..=8).contains(&t)) && record_id(r) == Some(&want[..])
    });

    // Encoders with fuzzed fields.
    let rec = run_level_record(new, prev, sec, usec, host);
    assert_eq!(record_type(&rec), Some(run_lvl));
    assert_eq!(
        record_pid(&rec),
        Some(i32::from(new) + 256 * i32::from(prev))
    );
    assert_eq!(record_id(&rec), Some(&b"~~\0\0"[..]));
    check_host(&rec, host);
    assert_eq!(
        &rec[340..348],
        [sec.to_ne_bytes(), usec.to_ne_bytes()].concat()
    );
    let expected = (if prev == 0 { b'N' } else { prev }, new);
    assert_eq!(find_runlevel(&rec), Some(expected));
    let boot = boot_time_record(sec, usec, host);
    assert_eq!(
        (record_type(&boot), record_pid(&boot)),
        (Some(RecordType::BootTime as u16), Some(0))
    );
    check_host(&boot, host);
    assert_eq!(find_runlevel(&boot), None);
    let down = shutdown_record(sec, usec, host);
    assert_eq!(
        (record_type(&down), record_pid(&down)),
        (Some(run_lvl), Some(0))
    );
    check_host(&down, host);
    assert_eq!(find_runlevel(&down), Some((b'N', 0)));

    // records.rs's pututline: replace the first RUN_LVL record, else write over any partial
    // tail; `runlevel` then reads back (prev-or-N, new).
    let at = replace_slot(file, run_lvl).unwrap_or(file.len() - file.len() % RECORD_LEN);
    let mut utmp = file.to_vec();
    utmp.resize(utmp.len().max(at + RECORD_LEN), 0);
    utmp[at..at + RECORD_LEN].copy_from_slice(&rec);
    assert_eq!(find_runlevel(&utmp), Some(expected));
    assert_eq!(replace_slot(&utmp, run_lvl), Some(at));

    // records.rs's process records: DEAD_PROCESS replaces the record with the same id and
    // keeps its line (at most 32 bytes, up to the first NUL).
    let pid = sec;
    let slot = replace_slot_by_id(file, &id[..id_len]);
    let old_line = slot
        .and_then(|o| file.get(o..o + RECORD_LEN))
        .and_then(record_line);
    if let Some(l) = old_line {
        assert!(l.len() <= 32 && !l.contains(&0));
    }
    let line = old_line.unwrap_or_default();
    let dead = process_record(
        RecordType::DeadProcess,
        &id[..id_len],
        pid,
        line,
        sec,
        usec,
        host,
    );
    assert_eq!(record_type(&dead), Some(RecordType::DeadProcess as u16));
    assert_eq!(record_pid(&dead), Some(pid));
    assert_eq!(record_id(&dead), Some(&want[..]));
    assert_eq!(record_line(&dead), Some(line));
    check_host(&dead, host);
    let at = slot.unwrap_or(file.len() - file.len() % RECORD_LEN);
    let mut utmp = file.to_vec();
    utmp.resize(utmp.len().max(at + RECORD_LEN), 0);
    utmp[at..at + RECORD_LEN].copy_from_slice(&dead);
    // The replaced record was the first with this id; an appended one is the only one.
    assert_eq!(replace_slot_by_id(&utmp, &id[..id_len]), Some(at));
    let init = process_record(
        RecordType::InitProcess,
        &id[..id_len],
        pid,
        b"",
        sec,
        usec,
        b"",
    );
    assert_eq!(record_type(&init), Some(RecordType::InitProcess as u16));
    assert_eq!(record_line(&init), Some(&b""[..]));
});
