//! Runlevel records (spec §6.6): the RUN_LVL and BOOT_TIME records of `/var/run/utmp` (with
//! pututline's replace-same-type rule) and `/var/log/wtmp` (appended only if it exists), in
//! glibc's 384-byte layout so the distribution's `runlevel`, `who -r` and `halt` read them,
//! plus the one-byte `/var/run/runlevel`. Failures are harmless (a read-only or missing /var)
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

/// utmp's 32-bit timestamp (glibc's on-disk layout, spec §6.6).
fn stamp() -> (i32, i32) {
    let (sec, usec) = sys::wall_clock();
    (sec as i32, usec as i32)
}

/// pututline: replace the record of the same type, else append.
fn put(rec: &[u8; RECORD_LEN], rec_type: u16) {
    let mut file = [0u8; 64 * RECORD_LEN];
    let Ok(n) = sys::read_file(UTMP, &mut file) else {
        return;
    };
    let offset = utmp::replace_slot(file.get(..n).unwrap_or_default(), rec_type)
        .unwrap_or(n - n % RECORD_LEN);
    let _ = sys::write_at(UTMP, rec, offset as u64);
}
