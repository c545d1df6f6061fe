//! utmp records (compat §6.6): RUN_LVL and BOOT_TIME (pututline replaces the record of the same
//! type), INIT_PROCESS and DEAD_PROCESS per entry process (replacing the record with the same
//! id) in `/var/run/utmp`, each also appended to `/var/log/wtmp` if it exists, in glibc's
//! 384-byte layout so the distribution's `runlevel`, `who` and `last` read them, plus the
//! one-byte `/var/run/runlevel`.
//!
//! Every file is opened by `sys::open_file`: never through a symlink, only a regular file
//! owned by vinit with one link. A missing file or directory is silent (the system keeps no
//! such record, as in sysvinit); any other failure (read-only, a symlink, a FIFO, a foreign
//! owner, a utmp over `UTMP_MAX_RECORDS`) is logged once per file until a write succeeds
//! again, so a read-only /run costs one line, not one per record.

use core::sync::atomic::{AtomicU8, Ordering};

use crate::log;
use crate::log::{Bytes, Level};
use crate::sys::{self, Errno, FileError, FileResult};
use vinit_core::limits::{
    CREATED_DIR_MODE, RUN_DIR, RUNLEVEL_PATH, UTMP_LINE_MAX, UTMP_MAX_RECORDS, UTMP_PATH, VAR_DIR,
    VAR_RUN_PATH, WTMP_PATH,
};
use vinit_core::utmp::{self, RECORD_LEN};

/// At boot: an image without `/var/run` (FROM scratch, with only `/run`) gets the
/// `/var/run -> /run` link every distribution ships, so utmp and the runlevel file have their
/// home and `runlevel`, `who -r` and `last` work. Anything already at `/var/run` is left alone.
pub fn link_var_run() {
    if !matches!(sys::lstat_id(VAR_RUN_PATH), Err(Errno::NOENT)) {
        return;
    }
    let _ = sys::mkdir(RUN_DIR, CREATED_DIR_MODE);
    let _ = sys::mkdir(VAR_DIR, CREATED_DIR_MODE);
    match sys::symlink(RUN_DIR, VAR_RUN_PATH) {
        Ok(()) => log!(
            Level::Info,
            "created /var/run -> /run (the image has no /var/run)"
        ),
        Err(e) => log!(
            Level::Warning,
            "cannot create /var/run -> /run: {}: no utmp or runlevel records",
            log::ErrName(e)
        ),
    }
}

/// The files written here, one bit each in `REFUSED`.
#[derive(Clone, Copy)]
enum File {
    Utmp = 1,
    Wtmp = 2,
    Runlevel = 4,
}

impl File {
    const fn path(self) -> &'static core::ffi::CStr {
        match self {
            Self::Utmp => UTMP_PATH,
            Self::Wtmp => WTMP_PATH,
            Self::Runlevel => RUNLEVEL_PATH,
        }
    }
}

/// The files whose last write failed and was reported.
static REFUSED: AtomicU8 = AtomicU8::new(0);

/// Who is writing: PID 1 reports a failure once; an entry's child, between fork and exec,
/// never does (it would say it once per start).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writer {
    Init,
    Child,
}

/// Reports the outcome of a write to `file`: a failure once, until a write succeeds again.
fn outcome(file: File, result: FileResult<()>, who: Writer) {
    let bit = file as u8;
    match result {
        Ok(()) => {
            REFUSED.fetch_and(!bit, Ordering::Relaxed);
        }
        // No such file or directory: the system keeps no such record (compat §6.6).
        Err(FileError::Sys(Errno::NOENT)) => {}
        Err(e) => {
            if who == Writer::Init && REFUSED.fetch_or(bit, Ordering::Relaxed) & bit == 0 {
                log!(
                    Level::Warning,
                    "{}: {}: records not written",
                    Bytes(file.path().to_bytes()),
                    e
                );
            }
        }
    }
}

/// At boot: create or empty utmp, as sysvinit does (mode 0644).
pub fn reset_utmp() {
    outcome(File::Utmp, sys::write_file(UTMP_PATH, &[]), Writer::Init);
}

/// Entering `new` from `prev` (`N` at boot).
pub fn write_runlevel(new: u8, prev: u8) {
    let (sec, usec) = stamp();
    let host = sys::kernel_release();
    let rec = utmp::run_level_record(new, prev, sec, usec, b"");
    put(&rec, utmp::RecordType::RunLvl as u16);
    let wrec = utmp::run_level_record(new, prev, sec, usec, &host);
    append_wtmp(&wrec, Writer::Init);
    outcome(
        File::Runlevel,
        sys::write_file(RUNLEVEL_PATH, &[new]),
        Writer::Init,
    );
}

/// The end of the sysinit phase.
pub fn write_boot() {
    let (sec, usec) = stamp();
    let host = sys::kernel_release();
    let rec = utmp::boot_time_record(sec, usec, b"");
    put(&rec, utmp::RecordType::BootTime as u16);
    let wrec = utmp::boot_time_record(sec, usec, &host);
    append_wtmp(&wrec, Writer::Init);
}

/// Written by an entry's child for itself, before exec (as sysvinit's child does).
pub fn write_init_process(id: &[u8], pid: i32) {
    write_process(utmp::RecordType::InitProcess, id, pid, Writer::Child);
}

/// An entry's process `pid` was reaped.
pub fn write_dead_process(id: &[u8], pid: i32) {
    write_process(utmp::RecordType::DeadProcess, id, pid, Writer::Init);
}

fn append_wtmp(rec: &[u8; RECORD_LEN], who: Writer) {
    outcome(File::Wtmp, sys::append_existing(WTMP_PATH, rec), who);
}

/// A process record replaces the one with the same id. A DEAD_PROCESS record keeps the tty
/// a getty or login put there, so `last` can close the session.
fn write_process(ty: utmp::RecordType, id: &[u8], pid: i32, who: Writer) {
    let (sec, usec) = stamp();
    let mut line: heapless::Vec<u8, UTMP_LINE_MAX> = heapless::Vec::new();
    update_utmp(
        &|records| utmp::replace_slot_by_id(records, id),
        &mut |old| {
            if ty == utmp::RecordType::DeadProcess
                && let Some(l) = old.and_then(utmp::record_line)
            {
                let _ = line.extend_from_slice(l.get(..UTMP_LINE_MAX).unwrap_or(l));
            }
            utmp::process_record(ty, id, pid, &line, sec, usec, b"")
        },
        who,
    );
    let host = sys::kernel_release();
    append_wtmp(
        &utmp::process_record(ty, id, pid, &line, sec, usec, &host),
        who,
    );
}

/// Records read per pread(2) while looking for the one to replace: a small stack buffer, as
/// PID 1 keeps every stack page it ever touches.
const SCAN_RECORDS: usize = 8;
/// The most bytes of utmp scanned (see `UTMP_MAX_RECORDS`).
const UTMP_MAX_BYTES: u64 = (UTMP_MAX_RECORDS * RECORD_LEN) as u64;

/// pututline under glibc's lock: scans utmp for the record `find` picks (it gets a run of
/// whole records and returns the offset of one), writes what `build` makes of that old record
/// over it, or appends (over a partial record at the end, as glibc does) when there is none.
/// Nothing happens when utmp does not exist (compat §6.6). A utmp larger than
/// `UTMP_MAX_RECORDS` records is not scanned at all, so a huge (sparse) file costs one fstat.
#[inline(never)]
fn update_utmp(
    find: &dyn Fn(&[u8]) -> Option<usize>,
    build: &mut dyn FnMut(Option<&[u8]>) -> [u8; RECORD_LEN],
    who: Writer,
) {
    let result = sys::with_locked_file(UTMP_PATH, |fd, size| {
        if size > UTMP_MAX_BYTES {
            return Err(FileError::TooBig(size, UTMP_MAX_BYTES));
        }
        let mut chunk = [0u8; SCAN_RECORDS * RECORD_LEN];
        let mut at = 0u64;
        let (offset, rec) = loop {
            // Bounded even if the file grows while it is read.
            if at > UTMP_MAX_BYTES {
                return Err(FileError::TooBig(at, UTMP_MAX_BYTES));
            }
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
        Ok(sys::write_all_at(fd, &rec, offset)?)
    });
    outcome(File::Utmp, result, who);
}

/// utmp's 32-bit timestamp (glibc's on-disk layout, compat §6.6).
fn stamp() -> (i32, i32) {
    let (sec, usec) = sys::wall_clock();
    (sec as i32, usec as i32)
}

/// pututline: replace the record of the same type, else append.
fn put(rec: &[u8; RECORD_LEN], rec_type: u16) {
    update_utmp(
        &|records| utmp::replace_slot(records, rec_type),
        &mut |_| *rec,
        Writer::Init,
    );
}
