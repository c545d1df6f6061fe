//! The few kernel facts the harness reads or uses, all from the host side: /proc files of PID 1
//! (by its host pid), pidfds to see PID 1 go, signals, and CLOCK_MONOTONIC.

use std::fs;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

pub fn kill(pid: i32, sig: i32) -> bool {
    // SAFETY: kill takes plain integers.
    unsafe { libc::kill(pid, sig) == 0 }
}

/// A pidfd for `pid` (pidfd_open(2)): readable once the process has exited.
pub fn pidfd_open(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes plain integers and returns a new fd or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: the kernel just handed us this fd; nothing else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// poll(2) one fd for input; true when it is readable (or hung up) within `timeout`.
pub fn readable(fd: &impl AsRawFd, timeout: Duration) -> bool {
    let mut pfd = libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
    loop {
        // SAFETY: pfd is one valid pollfd.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        if rc < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return rc > 0;
    }
}

/// Reads a `Key:   value` line of /proc/<pid>/status (first token of the value).
pub fn status_field(pid: i32, key: &str) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field(&text, key)
}

fn field(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|rest| rest.strip_prefix(':')))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

pub fn vm_rss_kib(pid: i32) -> Option<u64> {
    status_field(pid, "VmRSS")
}

pub fn pss_kib(pid: i32) -> Option<u64> {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    field(&text, "Pss")
}

pub fn voluntary_switches(pid: i32) -> Option<u64> {
    status_field(pid, "voluntary_ctxt_switches")
}

pub fn nonvoluntary_switches(pid: i32) -> Option<u64> {
    status_field(pid, "nonvoluntary_ctxt_switches")
}

/// CPU time of `pid` in ns: /proc/<pid>/schedstat (ns resolution) when the kernel has it, else
/// utime+stime from /proc/<pid>/stat (clock ticks, 10 ms on most kernels).
pub fn cpu_ns(pid: i32) -> Option<u64> {
    if let Ok(s) = fs::read_to_string(format!("/proc/{pid}/schedstat"))
        && let Some(ns) = s.split_whitespace().next().and_then(|v| v.parse().ok()) {
            return Some(ns);
        }
    let (utime, stime) = stat_times(pid)?;
    // SAFETY: sysconf takes a plain integer.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some((utime + stime) * 1_000_000_000 / hz)
}

/// Time `pid` spent runnable but waiting for a CPU (ns), second field of /proc/<pid>/schedstat.
pub fn run_delay_ns(pid: i32) -> Option<u64> {
    fs::read_to_string(format!("/proc/{pid}/schedstat")).ok()?.split_whitespace().nth(1)?.parse().ok()
}

/// utime and stime (clock ticks) from /proc/<pid>/stat.
pub fn stat_times(pid: i32) -> Option<(u64, u64)> {
    let s = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // After the comm field: state is field 3, utime 14, stime 15 (1-based), i.e. 0 and 11, 12 here.
    Some((f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?))
}

/// The state letter of /proc/<pid>/stat (R, S, T, Z...).
pub fn state(pid: i32) -> Option<char> {
    let s = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    s[s.rfind(')')? + 1..].trim_start().chars().next()
}

/// Children of `pid` (zombies included) from /proc/<pid>/task/<pid>/children.
pub fn children(pid: i32) -> Vec<i32> {
    fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
        .map(|s| s.split_whitespace().filter_map(|t| t.parse().ok()).collect())
        .unwrap_or_default()
}

/// How many children `pid` has, without building the list (the burst test reads 20 000 of them).
pub fn child_count(pid: i32) -> usize {
    fs::read(format!("/proc/{pid}/task/{pid}/children"))
        .map(|b| b.split(|&c| c == b' ').filter(|t| !t.is_empty() && t[0] != b'\n').count())
        .unwrap_or(0)
}

/// True when `pid` has at most `k` children (k small). Reads only the first 512 bytes of the
/// children file: the kernel then formats only those entries, so polling this while 20 000
/// zombies drain costs next to nothing, where reading the whole list would compete with the
/// init being measured.
pub fn at_most_children(pid: i32, k: usize) -> bool {
    use std::io::Read;
    let Ok(mut f) = fs::File::open(format!("/proc/{pid}/task/{pid}/children")) else { return true };
    let mut buf = [0u8; 512];
    let Ok(n) = f.read(&mut buf) else { return true };
    if n == buf.len() {
        return false;
    }
    buf[..n].split(|&c| c == b' ').filter(|t| !t.is_empty() && t[0] != b'\n').count() <= k
}

/// True when `pid` is the init of a PID namespace below ours (its NSpid line ends in 1).
pub fn is_namespace_init(pid: i32) -> bool {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| l.strip_prefix("NSpid:")).map(|v| {
                let ids: Vec<&str> = v.split_whitespace().collect();
                ids.len() >= 2 && ids.last() == Some(&"1")
            })
        })
        .unwrap_or(false)
}

/// Threads in use on the machine and the pid limit: how many zombies the burst test may pile up.
pub fn pid_headroom() -> usize {
    let max: usize = fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(32768);
    let used: usize = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().nth(3).and_then(|f| f.split('/').nth(1)?.parse().ok()))
        .unwrap_or(1000);
    max.saturating_sub(used)
}

/// VmRSS of `pid` split by mapping from /proc/<pid>/smaps: "bin 40 + bin-anon 8 + stack 12 +
/// vdso 4" (KiB). "bin" is the binary's file-backed pages (text, read-only data, and the data
/// pages never written), "bin-anon" its pages made private by a write (data, bss), the rest by
/// name. Says what a resident-memory figure is made of (the issue asks what bounds a missed
/// target).
pub fn rss_by_mapping(pid: i32, bin: &std::path::Path) -> String {
    let Ok(text) = fs::read_to_string(format!("/proc/{pid}/smaps")) else { return String::new() };
    if std::env::var_os("BENCH_PAGES").is_some() {
        resident_pages(pid, &text);
    }
    let real = fs::canonicalize(bin).unwrap_or_else(|_| bin.to_path_buf());
    let mut groups: Vec<(&'static str, u64)> =
        ["bin", "bin-anon", "stack", "heap", "anon", "vdso", "libs"].iter().map(|g| (*g, 0)).collect();
    let mut add = |group: &str, kib: i64| {
        if let Some(g) = groups.iter_mut().find(|g| g.0 == group) {
            g.1 = (g.1 as i64 + kib).max(0) as u64;
        }
    };
    let kib = |v: &str| -> i64 { v.split_whitespace().next().and_then(|x| x.parse().ok()).unwrap_or(0) };
    let mut current = "anon";
    for line in text.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        if first.contains('-') && first.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
            let name = line.split_whitespace().nth(5).unwrap_or("");
            current = match name {
                "" => "anon",
                "[stack]" => "stack",
                "[heap]" => "heap",
                "[vdso]" | "[vvar]" | "[vvar_vclock]" | "[vsyscall]" => "vdso",
                n if std::path::Path::new(n) == real => "bin",
                n if n.starts_with('[') => "anon",
                _ => "libs",
            };
        } else if let Some(v) = line.strip_prefix("Rss:") {
            add(current, kib(v));
        } else if let Some(v) = line.strip_prefix("Anonymous:") {
            // The binary's written pages are private copies, no longer the file's.
            if current == "bin" {
                add("bin", -kib(v));
                add("bin-anon", kib(v));
            }
        }
    }
    groups.iter().filter(|g| g.1 > 0).map(|(g, k)| format!("{g} {k}")).collect::<Vec<_>>().join(" + ")
}

/// BENCH_PAGES=1: prints each mapping of `pid` and which of its pages are resident ('#') or not
/// ('.'), from /proc/<pid>/pagemap (bit 63: present), to stderr: where a VmRSS figure's pages are.
fn resident_pages(pid: i32, smaps: &str) {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut pagemap) = fs::File::open(format!("/proc/{pid}/pagemap")) else { return };
    for line in smaps.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        let Some((from, to)) = first.split_once('-') else { continue };
        let (Ok(from), Ok(to)) = (u64::from_str_radix(from, 16), u64::from_str_radix(to, 16)) else { continue };
        if to - from > (1 << 24) {
            continue;
        }
        let pages = ((to - from) / 4096) as usize;
        let mut raw = vec![0u8; pages * 8];
        if pagemap.seek(SeekFrom::Start(from / 4096 * 8)).is_err() || pagemap.read_exact(&mut raw).is_err() {
            continue;
        }
        let map: String = raw
            .chunks(8)
            .map(|c| if u64::from_le_bytes(c.try_into().unwrap_or([0; 8])) >> 63 == 1 { '#' } else { '.' })
            .collect();
        eprintln!("pages {line}\n      {map}");
    }
}
