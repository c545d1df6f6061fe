//! vinit-bench: vinit side by side with tini (musl build, Debian's static and dynamic builds),
//! dumb-init, catatonit, busybox init and sysvinit, each run as PID 1 of a fresh PID + mount
//! namespace and driven from the parent namespace as `docker stop` drives a container.
//!
//! Run from a clean clone, as root:
//!     cargo run --release --manifest-path benches/Cargo.toml
//! It builds vinit (`cargo build --release` in the repo root), fetches the peers if missing
//! (benches/fetch-peers.sh), builds the probe (benches/probe/probe.c), measures, prints the
//! markdown tables and writes the JSON (benches/target/results.json, or $BENCH_JSON).
//! Counts come from the environment: see `setup::Config`.

mod launch;
mod metrics;
mod report;
mod setup;
mod sys;

use std::fs;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use report::{Json, Results};

fn main() {
    // SAFETY: geteuid takes no arguments.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("vinit-bench: must run as root (it creates PID and mount namespaces)");
        std::process::exit(2);
    }
    // Hand each init exactly fds 0-2: whatever the harness inherited from its caller (a
    // terminal's extra fds, a CI runner's) must not reach the inits and skew the fd count.
    // SAFETY: close_range takes plain integers; marking fds close-on-exec frees nothing.
    unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, libc::CLOSE_RANGE_CLOEXEC) };
    let started = Instant::now();
    let load_start = setup::loadavg();
    let paths = setup::Paths::new();
    let cfg = setup::Config::from_env(&paths);
    fs::create_dir_all(&paths.scratch).expect("benches/target");
    // SAFETY: setpriority takes plain integers; children inherit the nice value.
    if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, cfg.nice) } != 0 {
        eprintln!("bench: could not set nice {}", cfg.nice);
    }

    let vinit = cfg.vinit.clone().unwrap_or_else(|| setup::build_vinit(&paths));
    let peers = setup::fetch_peers(&paths);
    let probe = setup::build_probe(&paths, "probe");

    let mut inits = setup::inits(vinit, &peers);
    if cfg.floor {
        let bin = setup::build_probe(&paths, "autoreap");
        inits.push(setup::Init { name: "autoreap-sketch", bin, single: Some(vec![]), inittab: None });
    }
    if let Some(only) = &cfg.only {
        inits.retain(|i| only.iter().any(|o| o == i.name));
    }
    let reference = cfg.reference.clone().or_else(|| {
        ["tini-musl", "tini-static", "tini"].iter().find(|n| inits.iter().any(|i| i.name == **n)).map(|s| s.to_string())
    });
    let mut res = Results::new(inits.iter().map(|i| i.name.to_string()).collect(), reference);

    let run_dir = paths.scratch.join("run");
    let logs = run_dir.join("logs");
    fs::create_dir_all(&logs).expect("logs dir");
    let ctx = metrics::Ctx { cfg: &cfg, probe: &probe, logs, run_dir };

    let step = |name: &str| eprintln!("bench: {name} ({:.0} s)", started.elapsed().as_secs_f64());
    type Metric = fn(&metrics::Ctx, &mut Results, &[setup::Init]);
    let all: [(&str, &str, Metric); 9] = [
        ("sizes", "binary and rootfs size", |_, r, i| metrics::sizes(r, i)),
        ("startup", "start-up latency", metrics::startup),
        ("stop", "stop latency, memory", metrics::stop),
        ("ignore", "stop latency, child ignoring TERM", metrics::stop_ignore),
        ("idle", "idle wake-ups", metrics::idle),
        ("exit", "exit codes", metrics::exit_codes),
        ("hygiene", "child hygiene", metrics::hygiene),
        ("inittab", "inittab mode", metrics::inittab),
        ("reaping", "reaping", metrics::reaping),
    ];
    for (name, what, run) in all {
        if cfg.wants(name) {
            step(what);
            run(&ctx, &mut res, &inits);
        }
    }
    step("done");

    let targets = report::targets(&res);
    let mut machine = setup::machine();
    machine.push(("nice".into(), cfg.nice.to_string()));
    machine.push(("loadavg at start / end".into(), format!("{load_start} / {}", setup::loadavg())));
    let elapsed = started.elapsed().as_secs_f64();
    let mut md = String::new();
    md.push_str(&res.table());
    md.push('\n');
    md.push_str(&report::targets_table(&targets));
    md.push('\n');
    for (k, v) in &machine {
        md.push_str(&format!("- {k}: {v}\n"));
    }
    for n in &res.notes {
        md.push_str(&format!("- {n}\n"));
    }
    md.push_str(&format!("- total run time: {elapsed:.0} s\n"));
    println!("{md}");
    let table_path = paths.scratch.join("results.md");
    let _ = fs::write(&table_path, &md);

    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let config = vec![
        ("start_runs".into(), Json::Num(cfg.start_runs as f64)),
        ("stop_runs".into(), Json::Num(cfg.stop_runs as f64)),
        ("ignore_runs".into(), Json::Num(cfg.ignore_runs as f64)),
        ("stop_cap_secs".into(), Json::Num(cfg.stop_cap_secs)),
        ("idle_secs".into(), Json::Num(cfg.idle_secs)),
        ("orphans".into(), Json::Num(cfg.orphans as f64)),
        ("reap_runs".into(), Json::Num(cfg.reap_runs as f64)),
        ("inittab_runs".into(), Json::Num(cfg.inittab_runs as f64)),
        ("nice".into(), Json::Num(cfg.nice as f64)),
    ];
    let binaries = inits.iter().map(|i| (i.name.to_string(), Json::str(i.bin.display().to_string()))).collect();
    let head = vec![
        ("generated_unix".into(), Json::Num(now as f64)),
        ("command".into(), Json::str("cargo run --release --manifest-path benches/Cargo.toml")),
        ("machine".into(), Json::Obj(machine.into_iter().map(|(k, v)| (k, Json::Str(v))).collect())),
        ("config".into(), Json::Obj(config)),
        ("binaries".into(), Json::Obj(binaries)),
        ("run_seconds".into(), Json::Num(elapsed.round())),
    ];
    let json = report::results_json(&res, &targets, head);
    if let Some(dir) = cfg.json.parent() {
        let _ = fs::create_dir_all(dir);
    }
    fs::write(&cfg.json, json).expect("write JSON");
    eprintln!("bench: wrote {} and {}", cfg.json.display(), table_path.display());
}
