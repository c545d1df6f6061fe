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
    update_utmp(|existing| {
        let slot = utmp::replace_slot_by_id(existing, id);
        if ty == utmp::RecordType::DeadProcess
            && let Some(l) = slot
                .and_then(|o| existing.get(o..o + RECORD_LEN))
                .and_then(utmp::record_line)
        {
            let _ = line.extend_from_slice(l.get(..32).unwrap_or(l));
        }
        (utmp::process_record(ty, id, pid, &line, sec, usec, b""), slot)
    });
    let host = sys::kernel_release();
    let _ = sys::append_existing(WTMP, &utmp::process_record(ty, id, pid, &line, sec, usec, &host));
}

/// How much of utmp is searched for the record to replace: a full inittab's processes plus as
/// many logins. Beyond that, records are appended.
const UTMP_READ: usize = 64 * RECORD_LEN;

/// pututline under glibc's lock: `place` sees the start of utmp and returns the record and
/// the offset of the record it replaces, or `None` to append. Nothing happens when utmp does
/// not exist or is not writable (spec §6.6).
fn update_utmp(place: impl FnOnce(&[u8]) -> ([u8; RECORD_LEN], Option<usize>)) {
    let _ = sys::with_locked_file(UTMP, |fd| {
        let mut file = [0u8; UTMP_READ];
        let n = sys::read_from_start(fd, &mut file)?;
        let (rec, slot) = place(file.get(..n).unwrap_or_default());
        let offset = match slot {
            Some(offset) => offset as u64,
            None => {
                let size = if n < UTMP_READ {
                    n as u64
                } else {
                    sys::file_size(fd)?
                };
                // A partial record at the end is overwritten, as glibc does.
                size - size % RECORD_LEN as u64
            }
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
    update_utmp(|existing| (*rec, utmp::replace_slot(existing, rec_type)));
}
