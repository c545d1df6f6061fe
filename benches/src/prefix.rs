//! vinit-bench-prefix: what `VINIT_LOG_PREFIX=1` costs (issue 14 §2). vinit boots an inittab
//! as PID 1 of a fresh PID + mount namespace, its stdout a pipe this harness reads as fast as
//! it can (as Docker's shim does), and:
//!   - throughput: one entry writes 100 MB of 80-byte lines (`yes | head -c`, so lines cross
//!     the 4 KiB writes as any stdio program's do); wall time to the last line and PID 1's CPU
//!     time (utime + stime from /proc/PID/stat), prefix off and on;
//!   - memory: VmRSS of PID 1 with 2 and with 63 services up (64 entries with initdefault: the
//!     table's maximum), each having
//!     printed a line, prefix off and on.
//! Run as root after `cargo build --release` in the repo root:
//!     cargo run --release --manifest-path benches/Cargo.toml --bin vinit-bench-prefix
//! `BENCH_PREFIX_MB` changes the volume (default 100), `BENCH_PREFIX_RUNS` the runs (default 3,
//! the median is printed).

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// 79 bytes: with its newline, an 80-byte line.
const LINE: &str = "0123456789 service output line for the prefix benchmark: 80 bytes with its newline";

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let vinit = root.join("target/x86_64-unknown-linux-musl/release/vinit");
    assert!(vinit.exists(), "build vinit first: cargo build --release");
    let mb: u64 = env_or("BENCH_PREFIX_MB", 100);
    let runs: usize = env_or("BENCH_PREFIX_RUNS", 3);
    let dir = root.join("benches/target/prefix");
    fs::create_dir_all(&dir).unwrap();
    let hz = clock_ticks();

    println!("| prefix | {mb} MB of 80-byte lines: wall (s) | MB/s | PID 1 CPU (s) |");
    println!("|---|---|---|---|");
    for prefix in [false, true] {
        let mut rows: Vec<(f64, f64)> = (0..runs)
            .map(|_| throughput(&vinit, &dir, prefix, mb, hz))
            .collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, cpu) = rows[rows.len() / 2];
        println!(
            "| {} | {wall:.2} | {:.0} | {cpu:.2} |",
            if prefix { "on" } else { "off" },
            mb as f64 / wall
        );
    }
    println!();
    println!("| prefix | VmRSS of PID 1, 2 services (KiB) | 63 services: a full table with initdefault (KiB) |");
    println!("|---|---|---|");
    for prefix in [false, true] {
        let two = rss(&vinit, &dir, prefix, 2);
        let all = rss(&vinit, &dir, prefix, 63);
        println!("| {} | {two} | {all} |", if prefix { "on" } else { "off" });
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf takes a plain integer.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// vinit as PID 1 of a new namespace on `inittab`, stdout piped to us, stderr to a file.
fn boot(vinit: &PathBuf, dir: &PathBuf, inittab: &str, prefix: bool) -> Child {
    let tab = dir.join("inittab");
    fs::write(&tab, inittab).unwrap();
    let mut cmd = Command::new("unshare");
    cmd.args(["--pid", "--fork", "--mount-proc", "--kill-child"])
        .arg(vinit)
        .arg("-f")
        .arg(&tab)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(fs::File::create(dir.join("stderr")).unwrap());
    cmd.env_remove("VINIT_LOG_PREFIX");
    if prefix {
        cmd.env("VINIT_LOG_PREFIX", "1");
    }
    cmd.spawn().unwrap()
}

/// The host pid of vinit: unshare's child.
fn pid1(child: &Child) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let path = format!("/proc/{0}/task/{0}/children", child.id());
        if let Some(pid) = fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|p| p.parse().ok()))
        {
            return pid;
        }
        assert!(Instant::now() < deadline, "vinit did not start");
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn stop(mut child: Child, pid: i32) {
    // SAFETY: kill takes plain integers.
    unsafe { libc::kill(pid, libc::SIGTERM) };
    let _ = child.wait();
}

/// utime + stime of `pid`, in seconds.
fn cpu_secs(pid: i32, hz: f64) -> f64 {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) / hz
}

/// (wall seconds to the last line, PID 1's CPU seconds).
fn throughput(vinit: &PathBuf, dir: &PathBuf, prefix: bool, mb: u64, hz: f64) -> (f64, f64) {
    let bytes = mb * 1_000_000;
    let tab = format!(
        "id:3:initdefault:\n\
         o:3:once:/bin/sh -c 'yes \"{}\" | head -c {bytes}; echo; echo BENCH-END'\n",
        &LINE[..79]
    );
    const { assert!(LINE.len() >= 79) };
    let mut child = boot(vinit, dir, &tab, prefix);
    let pid = pid1(&child);
    let started = Instant::now();
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let mut seen = 0u64;
    let mut tail = Vec::new();
    loop {
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "vinit's stdout closed early");
        seen += n as u64;
        tail.extend_from_slice(&buf[..n]);
        let keep = tail.len().saturating_sub(32);
        tail.drain(..keep);
        if tail.windows(9).any(|w| w == b"BENCH-END") {
            break;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    assert!(seen >= bytes, "only {seen} bytes of {bytes}");
    let cpu = cpu_secs(pid, hz);
    stop(child, pid);
    (wall, cpu)
}

/// VmRSS of PID 1 (KiB) with `entries` entries up, each having printed its line.
fn rss(vinit: &PathBuf, dir: &PathBuf, prefix: bool, entries: usize) -> u64 {
    let mut tab = String::from("id:3:initdefault:\n");
    for i in 0..entries {
        tab.push_str(&format!(
            "{i}:3:respawn:/bin/sh -c 'echo up {i}; echo err {i} >&2; exec sleep 1000'\n"
        ));
    }
    let mut child = boot(vinit, dir, &tab, prefix);
    let pid = pid1(&child);
    let out = child.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let mut up = 0;
    while up < entries {
        let line = lines.next().expect("stdout closed").unwrap();
        if line.contains("up ") {
            up += 1;
        }
    }
    // Settled: the stderr lines are through too.
    std::thread::sleep(Duration::from_millis(200));
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    std::thread::spawn(move || for _ in lines {});
    stop(child, pid);
    kib
}
