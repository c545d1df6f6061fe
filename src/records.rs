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
use crate::log::Level;
use crate::sys::{self, Errno, FileError, FileResult};
use vinit_core::limits::{
    CREATED_DIR_MODE, RUN_DIR, RUNLEVEL_PATH, UTMP_MAX_RECORDS, UTMP_PATH, VAR_DIR, VAR_RUN_PATH,
    WTMP_PATH,
};
use vinit_core::utmp::{self, RECORD_LEN, Record, RecordType};

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
        Err(e) => crate::log::log_warning_errno(
            vinit_core::template!(
                1,
                "cannot create /var/run -> /run: {}: no utmp or runlevel records"
            ),
            e,
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
    // A load and a store, not a compare-and-swap loop: vinit has one thread.
    let refused = REFUSED.load(Ordering::Relaxed);
    match result {
        Ok(()) => REFUSED.store(refused & !bit, Ordering::Relaxed),
        // No such file or directory: the system keeps no such record (compat §6.6).
        Err(FileError::Sys(Errno::NOENT)) => {}
        Err(e) => {
            if who == Writer::Init && refused & bit == 0 {
                REFUSED.store(refused | bit, Ordering::Relaxed);
                log::file_line(
                    Level::Warning,
                    file.path(),
                    e,
                    log::Outcome::RecordsNotWritten,
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
    write(RecordType::RunLvl, b"", Record::run_level_pid(new, prev));
    outcome(
        File::Runlevel,
        sys::write_file(RUNLEVEL_PATH, &[new]),
        Writer::Init,
    );
}

/// The end of the sysinit phase.
pub fn write_boot() {
    write(RecordType::BootTime, b"", 0);
}

/// Written by an entry's child for itself, before exec (as sysvinit's child does).
pub fn write_init_process(id: &[u8], pid: i32) {
    write(RecordType::InitProcess, id, pid);
}

/// An entry's process `pid` was reaped.
pub fn write_dead_process(id: &[u8], pid: i32) {
    write(RecordType::DeadProcess, id, pid);
}

/// Every record, one path, built once from its type, `id` and `pid` (`utmp::build_init_into`:
/// at each caller a record was six stores, or a constant in .rodata): into utmp in place of the
/// one it replaces (host empty), then appended to wtmp (host the kernel release). A
/// DEAD_PROCESS record keeps the tty a getty or login put in the record it replaces, so
/// `last` can close the session.
#[inline(never)]
fn write(ty: RecordType, id: &[u8], pid: i32) {
    // The one record a child writes is its own INIT_PROCESS.
    let who = if ty == RecordType::InitProcess {
        Writer::Child
    } else {
        Writer::Init
    };
    let (sec, usec) = sys::wall_clock();
    // utmp's 32-bit timestamp (glibc's on-disk layout, compat §6.6).
    let mut new = [0u8; RECORD_LEN];
    utmp::build_init_into(&mut new, ty, id, pid, sec as i32, usec as i32);
    let result = sys::with_locked_file(UTMP_PATH, |fd, size| {
        // Not zeroed: only what the kernel writes is read.
        let mut chunk = [const { core::mem::MaybeUninit::<u8>::uninit() }; CHUNK_LEN];
        let mut at = 0u64;
        let offset = loop {
            // The file's size first, then what was read: bounded even if it grows meanwhile.
            let seen = size.max(at);
            if seen > UTMP_MAX_BYTES {
                return Err(FileError::TooBig(seen, UTMP_MAX_BYTES as u32));
            }
            let read = match sys::read_at_unzeroed(fd, &mut chunk, at) {
                Ok(read) => read,
                Err(e) => break Err(e),
            };
            let n = read.len();
            match utmp::slot_for(&new, read) {
                Ok(i) => {
                    if ty == RecordType::DeadProcess
                        && let Some(old) = read.get(i..)
                    {
                        utmp::copy_line(&mut new, old);
                    }
                    break Ok(at + i as u64);
                }
                // Over a partial record at the end, as glibc does.
                Err(end) if n < CHUNK_LEN => break Ok(at + end as u64),
                Err(_) => {}
            }
            at += n as u64;
        };
        // The read's and the write's errors become a `FileError` at one place.
        Ok(offset.and_then(|offset| sys::write_all_at(fd, &new, offset))?)
    });
    outcome(File::Utmp, result, who);
    utmp::set_host(&mut new, &sys::kernel_release());
    outcome(File::Wtmp, sys::append_existing(WTMP_PATH, &new), who);
}

/// Records read per pread(2) while looking for the one to replace: a small stack buffer, as
/// PID 1 keeps every stack page it ever touches.
const SCAN_RECORDS: usize = 8;
/// The bytes of one pread(2) of records.
const CHUNK_LEN: usize = SCAN_RECORDS * RECORD_LEN;
/// The most bytes of utmp scanned (see `UTMP_MAX_RECORDS`).
const UTMP_MAX_BYTES: u64 = (UTMP_MAX_RECORDS * RECORD_LEN) as u64;
