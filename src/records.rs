//! utmp records (spec §6.6): RUN_LVL and BOOT_TIME (pututline replaces the record of the same
//! type), INIT_PROCESS and DEAD_PROCESS per entry process (replacing the record with the same
//! id) in `/var/run/utmp`, each also appended to `/var/log/wtmp` if it exists, in glibc's
//! 384-byte layout so the distribution's `runlevel`, `who` and `last` read them, plus the
//! one-byte `/var/run/runlevel`. Failures are harmless (a read-only or missing /var)
//! and are not logged: sysvinit is silent about them too.

use crate::sys;
use crate::utmp::{self, RECORD_LEN};

const UTMP: &core::ffi::CStr = c"/var/run/utmp";
const WTMP: &core::ffi::CStr = c"/var/log/wtmp";

/// At boot: create or truncate utmp, as sysvinit does (mode 0644).
pub fn reset_utmp() {
    let _ = sys::write_file(UTMP, &[], 0o644);
}

/// Entering `new` from `prev` (`N` at boot).
pub fn write_runlevel(new: u8, prev: u8) {
    let (sec, usec) = stamp();
    let host = sys::kernel_release();
    let rec = utmp::run_level_record(new, prev, sec, usec, b"");
    put(&rec, utmp::RecordType::RunLvl as u16);
    let wrec = utmp::run_level_record(new, prev, sec, usec, &host);
    let _ = sys::append_existing(WTMP, &wrec);
    let _ = sys::write_file(c"/var/run/runlevel", &[new], 0o644);
}

/// The end of the sysinit phase.
pub fn write_boot() {
    let (sec, usec) = stamp();
    let host = sys::kernel_release();
    let rec = utmp::boot_time_record(sec, usec, b"");
    put(&rec, utmp::RecordType::BootTime as u16);
    let wrec = utmp::boot_time_record(sec, usec, &host);
    let _ = sys::append_existing(WTMP, &wrec);
}

/// Written by an entry's child for itself, before exec (as sysvinit's child does).
pub fn write_init_process(id: &[u8], pid: i32) {
    write_process(utmp::RecordType::InitProcess, id, pid);
}

/// An entry's process `pid` was reaped.
pub fn write_dead_process(id: &[u8], pid: i32) {
    write_process(utmp::RecordType::DeadProcess, id, pid);
}

/// A process record replaces the one with the same id. A DEAD_PROCESS record keeps the tty
/// a getty or login put there, so `last` can close the session.
fn write_process(ty: utmp::RecordType, id: &[u8], pid: i32) {
    let (sec, usec) = stamp();
    let mut line: heapless::Vec<u8, 32> = heapless::Vec::new();
    update_utmp(
        |records| utmp::replace_slot_by_id(records, id),
        |old| {
            if ty == utmp::RecordType::DeadProcess
                && let Some(l) = old.and_then(utmp::record_line)
            {
                let _ = line.extend_from_slice(l.get(..32).unwrap_or(l));
            }
            utmp::process_record(ty, id, pid, &line, sec, usec, b"")
        },
    );
    let host = sys::kernel_release();
    let _ = sys::append_existing(
        WTMP,
        &utmp::process_record(ty, id, pid, &line, sec, usec, &host),
    );
}

/// Records read per pread(2) while looking for the one to replace: a small stack buffer, as
/// PID 1 keeps every stack page it ever touches.
const SCAN_RECORDS: usize = 8;

/// pututline under glibc's lock: scans utmp for the record `find` picks (it gets a run of
/// whole records and returns the offset of one), writes what `build` makes of that old record
/// over it, or appends (over a partial record at the end, as glibc does) when there is none.
/// Nothing happens when utmp does not exist or is not writable (spec §6.6).
fn update_utmp(
    find: impl Fn(&[u8]) -> Option<usize>,
    build: impl FnOnce(Option<&[u8]>) -> [u8; RECORD_LEN],
) {
    let _ = sys::with_locked_file(UTMP, |fd| {
        let mut chunk = [0u8; SCAN_RECORDS * RECORD_LEN];
        let mut at = 0u64;
        let (offset, rec) = loop {
            let n = sys::read_at(fd, &mut chunk, at)?;
            let records = chunk.get(..n - n % RECORD_LEN).unwrap_or_default();
            if let Some(i) = find(records) {
                break (at + i as u64, build(records.get(i..i + RECORD_LEN)));
            }
            if n < chunk.len() {
                break (at + records.len() as u64, build(None));
            }
            at += n as u64;
        };
        sys::write_all_at(fd, &rec, offset)
    });
}

/// utmp's 32-bit timestamp (glibc's on-disk layout, spec §6.6).
fn stamp() -> (i32, i32) {
    let (sec, usec) = sys::wall_clock();
    (sec as i32, usec as i32)
}

/// pututline: replace the record of the same type, else append.
fn put(rec: &[u8; RECORD_LEN], rec_type: u16) {
    update_utmp(|records| utmp::replace_slot(records, rec_type), |_| *rec);
}
