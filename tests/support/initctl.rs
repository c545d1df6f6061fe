//! Raw requests to a namespace's `/run/initctl`, written from outside: the 384-byte layout of
//! compat §5.2, encoded here independently of core/src/initctl.rs so that the two are checked
//! against each other.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::thread;
use std::time::Duration;

use crate::clients::ns_path;

pub const MAGIC: u32 = 0x0309_1969;
pub const REQUEST_LEN: usize = 384;
pub const CMD_RUNLVL: u32 = 1;
pub const CMD_SETENV: u32 = 6;

/// A 384-byte request in native (little-endian on x86-64) byte order.
pub fn request(magic: u32, cmd: u32, runlevel: u8, sleeptime: u32, data: &[u8]) -> Vec<u8> {
    let mut r = vec![0u8; REQUEST_LEN];
    r[0..4].copy_from_slice(&magic.to_ne_bytes());
    r[4..8].copy_from_slice(&cmd.to_ne_bytes());
    r[8..12].copy_from_slice(&u32::from(runlevel).to_ne_bytes());
    r[12..16].copy_from_slice(&sleeptime.to_ne_bytes());
    r[16..16 + data.len()].copy_from_slice(data);
    r
}

/// A valid RUNLVL request for `level`, sleeptime 3.
pub fn runlevel_request(level: u8) -> Vec<u8> {
    request(MAGIC, CMD_RUNLVL, level, 3, &[])
}

/// Writes `chunks` to `/run/initctl` of the namespace of `pid` from outside, one write(2)
/// each, all within `timeout` (a reader that stops reading makes the writer block: the
/// bound catches it). Refuses to follow a symlink at the path.
pub fn write_initctl(pid: i32, chunks: Vec<Vec<u8>>, timeout: Duration) {
    let path = ns_path(pid, "/run/initctl");
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let result = (|| -> std::io::Result<()> {
            let mut fifo = fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path)?;
            for chunk in &chunks {
                let n = fifo.write(chunk)?;
                assert_eq!(n, chunk.len(), "short write to the FIFO");
            }
            Ok(())
        })();
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(result) => result.unwrap(),
        Err(_) => panic!("writing to /run/initctl of {pid} did not finish within {timeout:?}"),
    }
}
