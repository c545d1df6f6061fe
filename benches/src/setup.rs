//! Everything before measuring: the configuration (from the environment), vinit's release build,
//! the peers (fetched by fetch-peers.sh when missing), the probe, and the list of inits with the
//! way each one is told to run a command.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Counts and caps, each overridable by an environment variable (name in the comment).
pub struct Config {
    /// BENCH_START_RUNS: start-up latency samples per init.
    pub start_runs: usize,
    /// BENCH_STOP_RUNS: runs of each stop case whose child exits (TERM dies / TERM trapped).
    pub stop_runs: usize,
    /// BENCH_IGNORE_RUNS: runs of the stop case whose child ignores TERM (all inits in parallel).
    pub ignore_runs: usize,
    /// BENCH_STOP_CAP_SECS: how long a stop may take before PID 1 is SIGKILLed ("did not exit").
    pub stop_cap_secs: f64,
    /// BENCH_IDLE_SECS: idle window for wake-ups (all inits in parallel).
    pub idle_secs: f64,
    /// BENCH_ORPHANS: double-forked orphans per reaping run.
    pub orphans: usize,
    /// BENCH_REAP_RUNS: steady and burst reaping runs per init.
    pub reap_runs: usize,
    /// BENCH_INITTAB_RUNS: inittab-mode stop runs per init.
    pub inittab_runs: usize,
    /// BENCH_INITS: comma-separated subset of init names (default: all).
    pub only: Option<Vec<String>>,
    /// BENCH_METRICS: comma-separated subset of sizes,startup,stop,ignore,idle,exit,hygiene,
    /// inittab,reaping (default: all).
    pub metrics: Option<Vec<String>>,
    /// BENCH_REF: the init ratios are taken against (default tini-musl, else tini-static).
    pub reference: Option<String>,
    /// BENCH_JSON: where the JSON goes (default benches/target/results.json).
    pub json: PathBuf,
    /// BENCH_NICE: nice value for the harness and everything it starts (default -20: the
    /// machine may be shared; a high priority keeps other load out of the latencies).
    pub nice: i32,
    /// BENCH_FLOOR=1: add the auto-reaping sketch (probe/autoreap.c) as a reaping floor.
    pub floor: bool,
    /// BENCH_VINIT: a vinit binary to use instead of building the repo's release.
    pub vinit: Option<PathBuf>,
}

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Config {
    pub fn wants(&self, metric: &str) -> bool {
        self.metrics.as_ref().is_none_or(|m| m.iter().any(|x| x == metric))
    }

    pub fn from_env(paths: &Paths) -> Self {
        Self {
            start_runs: var("BENCH_START_RUNS", 200),
            stop_runs: var("BENCH_STOP_RUNS", 30),
            ignore_runs: var("BENCH_IGNORE_RUNS", 1),
            stop_cap_secs: var("BENCH_STOP_CAP_SECS", 12.0),
            idle_secs: var("BENCH_IDLE_SECS", 10.0),
            orphans: var("BENCH_ORPHANS", 20_000),
            reap_runs: var("BENCH_REAP_RUNS", 3),
            inittab_runs: var("BENCH_INITTAB_RUNS", 3),
            only: env::var("BENCH_INITS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
            metrics: env::var("BENCH_METRICS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect()),
            reference: env::var("BENCH_REF").ok(),
            json: env::var_os("BENCH_JSON").map(PathBuf::from).unwrap_or_else(|| paths.scratch.join("results.json")),
            nice: var("BENCH_NICE", -20),
            floor: var("BENCH_FLOOR", 0) == 1,
            vinit: env::var_os("BENCH_VINIT").map(|p| std::fs::canonicalize(&p).unwrap_or_else(|_| PathBuf::from(p))),
        }
    }
}

pub struct Paths {
    /// The repository root (parent of benches/).
    pub repo: PathBuf,
    /// benches/
    pub benches: PathBuf,
    /// benches/target: scratch for peers, the probe, logs, results.
    pub scratch: PathBuf,
}

impl Paths {
    pub fn new() -> Self {
        let benches = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let repo = benches.parent().expect("benches/ has a parent").to_path_buf();
        let scratch = benches.join("target");
        Self { repo, benches, scratch }
    }
}

/// How an inittab-mode init reads /etc/inittab.
#[derive(Clone, Copy, PartialEq)]
pub enum Dialect {
    /// sysvinit's `id:runlevels:action:process` (vinit, sysvinit).
    Sysv,
    /// busybox's `tty::action:process` (runlevels ignored; `shutdown` action for the stop).
    Busybox,
}

#[derive(Clone)]
pub struct Init {
    pub name: &'static str,
    pub bin: PathBuf,
    /// Arguments before the command in single-command mode; None when the init has no such mode.
    pub single: Option<Vec<&'static str>>,
    /// Arguments for inittab mode; None when the init has no such mode.
    pub inittab: Option<(Dialect, Vec<&'static str>)>,
}

impl Init {
    /// The init's argv (after its own path) for running `probe ARGS...` in single-command mode.
    pub fn single_args(&self, probe: &Path, args: &[&str]) -> Option<Vec<OsString>> {
        let mut v: Vec<OsString> = self.single.as_ref()?.iter().map(OsString::from).collect();
        v.push(probe.into());
        v.extend(args.iter().map(OsString::from));
        Some(v)
    }
}

fn run(cmd: &mut Command, what: &str) {
    eprintln!("bench: {what}");
    match cmd.status() {
        Ok(s) if s.success() => {}
        Ok(s) => panic!("{what} failed: {s}"),
        Err(e) => panic!("{what} failed to start: {e}"),
    }
}

/// Builds vinit in release mode from the repo root and returns the binary's path.
pub fn build_vinit(paths: &Paths) -> PathBuf {
    eprintln!("bench: cargo build --release (repo root)");
    let out = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["build", "--release", "--message-format=json-render-diagnostics"])
        .current_dir(&paths.repo)
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        panic!("cargo build --release failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in stdout.lines() {
        if !line.contains("\"compiler-artifact\"") {
            continue;
        }
        if let Some(i) = line.find("\"executable\":\"") {
            let rest = &line[i + 14..];
            if let Some(end) = rest.find('"') {
                let exe = PathBuf::from(&rest[..end]);
                if exe.file_name().is_some_and(|n| n == "vinit") {
                    return exe;
                }
            }
        }
    }
    panic!("cargo build --release produced no vinit executable")
}

/// Runs fetch-peers.sh when a peer binary is missing; returns the folder of peer binaries.
pub fn fetch_peers(paths: &Paths) -> PathBuf {
    let dest = paths.scratch.join("peers");
    let bin = dest.join("bin");
    let wanted = ["tini", "tini-static", "tini-musl", "dumb-init", "catatonit", "busybox", "sysvinit-init"];
    if wanted.iter().any(|w| !bin.join(w).exists()) {
        run(Command::new("sh").arg(paths.benches.join("fetch-peers.sh")).arg(&dest), "fetch-peers.sh");
    }
    bin
}

/// Builds benches/probe/NAME.c into benches/target/NAME (static; musl-gcc when there is one,
/// else cc -static).
pub fn build_probe(paths: &Paths, name: &str) -> PathBuf {
    let src = paths.benches.join(format!("probe/{name}.c"));
    let out = paths.scratch.join(name);
    let newer = |a: &Path, b: &Path| {
        let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        matches!((m(a), m(b)), (Some(x), Some(y)) if x > y)
    };
    if out.exists() && !newer(&src, &out) {
        return out;
    }
    let musl = Command::new("musl-gcc").arg("--version").output().is_ok_and(|o| o.status.success());
    let cc = if musl { "musl-gcc" } else { "cc" };
    run(
        Command::new(cc).args(["-Os", "-static", "-s", "-Wall", "-o"]).arg(&out).arg(&src),
        &format!("{cc} -Os -static {name}.c"),
    );
    out
}

/// The inits in table order.
pub fn inits(vinit: PathBuf, peers: &Path) -> Vec<Init> {
    let p = |n: &str| peers.join(n);
    vec![
        Init { name: "vinit", bin: vinit, single: Some(vec!["--"]), inittab: Some((Dialect::Sysv, vec![])) },
        Init { name: "tini-musl", bin: p("tini-musl"), single: Some(vec!["--"]), inittab: None },
        Init { name: "tini-static", bin: p("tini-static"), single: Some(vec!["--"]), inittab: None },
        Init { name: "tini", bin: p("tini"), single: Some(vec!["--"]), inittab: None },
        Init { name: "dumb-init", bin: p("dumb-init"), single: Some(vec![]), inittab: None },
        Init { name: "catatonit", bin: p("catatonit"), single: Some(vec!["--"]), inittab: None },
        Init { name: "busybox", bin: p("busybox"), single: None, inittab: Some((Dialect::Busybox, vec!["init"])) },
        Init { name: "sysvinit", bin: p("sysvinit-init"), single: None, inittab: Some((Dialect::Sysv, vec![])) },
    ]
}

/// `nproc`, `uname -r`, the CPU model, and the tool versions, for the report.
pub fn machine() -> Vec<(String, String)> {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_string()))
        .unwrap_or_default();
    let cmd = |c: &str, a: &[&str]| {
        Command::new(c)
            .args(a)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").trim().to_string())
            .unwrap_or_default()
    };
    vec![
        ("nproc".into(), cmd("nproc", &[])),
        ("kernel".into(), read("/proc/sys/kernel/osrelease").trim().to_string()),
        ("cpu".into(), cpu),
        ("memory".into(), read("/proc/meminfo").lines().next().unwrap_or("").split_whitespace().nth(1).map(|k| format!("{} MiB", k.parse::<u64>().unwrap_or(0) / 1024)).unwrap_or_default()),
        ("pid_max".into(), read("/proc/sys/kernel/pid_max").trim().to_string()),
        ("unshare".into(), cmd("unshare", &["--version"])),
        ("os".into(), read("/etc/os-release").lines().find_map(|l| l.strip_prefix("PRETTY_NAME=").map(|v| v.trim_matches('"').to_string())).unwrap_or_default()),
    ]
}

/// The 1-, 5- and 15-minute load averages: the machine may be shared, and this says how much.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}
