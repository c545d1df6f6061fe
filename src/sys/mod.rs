//! The only door to the kernel: thin, safe wrappers with no policy, one file per concern.
//!
//! rustix (linux_raw backend) for everything it exports; `raw_syscall` (the instruction
//! itself, no errno) for what rustix 1.x keeps behind its unstable `runtime` feature or wraps
//! in a type that asserts: fork (as clone), execve, exit, the signal mask, dispositions and
//! handlers, signalfd (the kernel's 64-bit sigset as is), open, close. Not musl's wrappers,
//! which bring their locks, cancellation and vDSO code (docs/size.md). No logging, no
//! retries except EINTR. Every wrapper names the man page it wraps.
//!
//! `fds`: vinit's fd type, reads and writes, the terminal; `poll`: waiting on fds and sleeping;
//! `clock`: the clocks; `signals`: the mask, the signalfd, dispositions, the fault handler;
//! `processes`: fork, exec, wait, kill, ids; `vfork`: single-command mode's child, on vinit's
//! memory until it execs; `procfs`: what /proc says of processes; `files`:
//! every file PID 1 opens, checked, and directories; `fifo`: the control FIFO's two ends;
//! `socket`: the status socket's two ends; `system`: reboot(2) and uname(2); `argv_env`:
//! `main`'s argv and environment; `proc_title`: PID 1's `init [3]` written over argv;
//! `raw_syscall`: the system call instruction; `static_slot`: big state in bss, not on the
//! stack. Every `unsafe`
//! block of the crate outside `rt` is in these files, each with its `// SAFETY:` line.
#![allow(unsafe_code)]

mod argv_env;
mod clock;
mod fds;
mod fifo;
mod files;
mod poll;
mod proc_title;
mod processes;
mod procfs;
mod raw_syscall;
mod signals;
mod socket;
mod static_slot;
mod system;
mod unzeroed;
mod vfork;

pub use rustix::fd::BorrowedFd;
pub use rustix::io::Errno;
pub use vinit_core::status::{Exit, Pid};

pub use argv_env::{Argv, Envp};
pub use clock::{now, wall_clock};
pub use fds::{
    OwnedFd, cloexec_inherited_fds, drain, dup_onto, is_regular_file, is_terminal, nofile_limit,
    output_pipe, read, read_full, release_controlling_tty, stderr, stdin, stdout,
    take_controlling_tty, write, write_all, write_nowait,
};
pub use fifo::{mkfifo, open_fifo, open_fifo_writer};
pub use files::{
    FileError, FileId, FileResult, FileUse, S_IFIFO, append_existing, exists, for_each_dir_entry,
    lstat_id, mkdir, open_file, open_read, same_file, symlink, sync, unlink, watch_dir_entries,
    with_locked_file, write_all_at, write_file,
};
pub use poll::{Watch, sleep_ms, wait_fds, wait_readable, wait_writable};
pub use proc_title::ProcTitle;
pub use processes::{
    CPtrs, Forked, chdir_root, execve, execve_in, exit, fork, geteuid, getpid, getppid, kill,
    peek_exited, process_exists, reap, reap_any, set_child_subreaper, set_gid, set_groups,
    set_parent_death_signal, set_uid, setsid, umask_add,
};
pub use procfs::{ProcStat, read_stat, scan_processes};
pub use signals::{
    SigMask, discard_pending, forward_fault_signals, read_signal, reset_signal_dispositions,
    set_fault_signal_target, set_signal_mask, signalfd,
};
pub use socket::{accept_nonblocking, connect_seqpacket, listen_seqpacket, peer_uid, send_nowait};
pub use static_slot::StaticSlot;
pub(crate) use static_slot::big_static;
pub use system::{RebootCmd, kernel_release, reboot};
pub use unzeroed::{accounts_buffers, read_at_unzeroed, read_unzeroed};
pub use vfork::spawn_shared;

/// The C string at the start of `bytes`, up to its first NUL; `None` without one. A plain
/// loop: core's `CStr::from_bytes_until_nul` brings its word-at-a-time `memchr`.
pub fn c_str(bytes: &[u8]) -> Option<&core::ffi::CStr> {
    let nul = bytes.iter().position(|&b| b == 0)?;
    let with_nul = bytes.get(..=nul)?;
    // SAFETY: `with_nul` ends with its first NUL, which is its only one.
    Some(unsafe { core::ffi::CStr::from_bytes_with_nul_unchecked(with_nul) })
}

/// Result of every fallible wrapper.
pub type Result<T> = core::result::Result<T, Errno>;
