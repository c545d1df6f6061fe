//! The measurements, one function per metric family. Each fills cells of `Results`.
//! Sequential measurements interleave the inits round by round so slow drift of the machine
//! spreads over all of them instead of landing on one.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use crate::launch::{self, EarlyExit, Mode, Running, Status};
use crate::report::{Cell, Results};
use crate::setup::{Config, Dialect, Init};
use crate::sys;

pub struct Ctx<'a> {
    pub cfg: &'a Config,
    pub probe: &'a Path,
    pub logs: PathBuf,
    pub run_dir: PathBuf,
}

impl Ctx<'_> {
    fn log(&self, init: &str, case: &str) -> PathBuf {
        self.logs.join(format!("{init}-{case}.log"))
    }

    fn start(&self, init: &Init, args: &[&str], case: &str) -> Result<Running, String> {
        let argv = init.single_args(self.probe, args).ok_or("no single-command mode")?;
        Running::start(&init.bin, &argv, Mode::Single, &self.log(init.name, case))
            .map_err(|e: EarlyExit| format!("PID 1 exited at once ({}): {}", e.status, e.log))
    }

    fn start_ready(&self, init: &Init, args: &[&str], case: &str) -> Result<Running, String> {
        let mut r = self.start(init, args, case)?;
        r.ready(Duration::from_secs(10))?;
        Ok(r)
    }
}

/// The inits with their index, forwards in even rounds and backwards in odd ones, so that no
/// init always runs right after the same neighbour (whose leftovers, e.g. the kernel freeing
/// 20 000 tasks, could land on it).
fn in_round_order<'a>(inits: &[&'a Init], round: usize) -> Vec<(usize, &'a Init)> {
    let mut v: Vec<(usize, &'a Init)> = inits.iter().copied().enumerate().collect();
    if round % 2 == 1 {
        v.reverse();
    }
    v
}

fn single(inits: &[Init]) -> Vec<&Init> {
    inits.iter().filter(|i| i.single.is_some()).collect()
}

fn inittab_only_na(res: &mut Results, inits: &[Init], keys: &[&str]) {
    for i in inits.iter().filter(|i| i.single.is_none()) {
        for k in keys {
            res.set(k, i.name, Cell::Na("inittab mode only".into()));
        }
    }
}

/// Statuses seen over runs, joined: "143" or "143, 0".
fn statuses(seen: &[Status]) -> String {
    let set: BTreeSet<String> = seen.iter().map(|s| s.to_string()).collect();
    set.into_iter().collect::<Vec<_>>().join(", ")
}

/// Binary size, and binary + every shared library `ldd` lists (the minimal rootfs to run it).
pub fn sizes(res: &mut Results, inits: &[Init]) {
    for i in inits {
        let Ok(meta) = fs::metadata(&i.bin) else {
            res.set("size", i.name, Cell::Na("missing".into()));
            continue;
        };
        let size = meta.len() as f64;
        let mut libs = 0u64;
        let mut names = Vec::new();
        if let Ok(out) = Command::new("ldd").arg(&i.bin).output() {
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                if let Some(path) = line.split_whitespace().find(|t| t.starts_with('/'))
                    && let Ok(real) = fs::canonicalize(path) {
                        libs += fs::metadata(&real).map(|m| m.len()).unwrap_or(0);
                        names.push(Path::new(path).file_name().unwrap_or_default().to_string_lossy().into_owned());
                    }
            }
        }
        let kind = if names.is_empty() { "static".to_string() } else { format!("dynamic: {}", names.join(", ")) };
        res.set("size", i.name, Cell::num(vec![size], ""));
        res.set("rootfs", i.name, Cell::num(vec![size + libs as f64], format!("({kind})")));
    }
}

/// Start-up latency over `start_runs` rounds, plus a baseline without any init.
pub fn startup(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let single = single(inits);
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); single.len()];
    let mut base = Vec::new();
    let exec = |rest: Vec<OsString>| {
        let mut v: Vec<OsString> = vec![ctx.probe.into(), "exec".into()];
        v.extend(rest);
        v
    };
    let base_argv = exec(vec![ctx.probe.into(), "stamp".into()]);
    for round in 0..ctx.cfg.start_runs {
        if let Some(ns) = launch::startup_sample(&base_argv) {
            base.push(ns as f64 / 1e3);
        }
        for (n, i) in in_round_order(&single, round) {
            let mut rest: Vec<OsString> = vec![i.bin.clone().into()];
            rest.extend(i.single_args(ctx.probe, &["stamp"]).unwrap_or_default());
            let argv = exec(rest);
            if let Some(ns) = launch::startup_sample(&argv) {
                samples[n].push(ns as f64 / 1e3);
            }
        }
    }
    let base_med = crate::report::quantile(&base, 0.5);
    res.notes.push(format!(
        "start-up baseline (PID 1 execs the probe itself, no init between): median {base_med:.0} µs over {} runs",
        base.len()
    ));
    for (n, i) in single.iter().enumerate() {
        if !samples[n].is_empty() && !base.is_empty() {
            let med = crate::report::quantile(&samples[n], 0.5);
            res.set("startup_over", i.name, Cell::num(vec![med - base_med], ""));
        }
        res.set("startup", i.name, Cell::num(std::mem::take(&mut samples[n]), ""));
    }
    inittab_only_na(res, inits, &["startup", "startup_over"]);
}

/// Stop latency with a child that dies on TERM or traps it; VmRSS and Pss after start-up.
pub fn stop(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let single = single(inits);
    let cap = Duration::from_secs_f64(ctx.cfg.stop_cap_secs);
    for case in ["die", "trap"] {
        let key = format!("stop_{case}");
        let mut lat: Vec<Vec<f64>> = vec![Vec::new(); single.len()];
        let mut seen: Vec<Vec<Status>> = vec![Vec::new(); single.len()];
        let mut rss: Vec<Vec<f64>> = vec![Vec::new(); single.len()];
        let mut pss: Vec<Vec<f64>> = vec![Vec::new(); single.len()];
        let mut errors: Vec<Option<String>> = vec![None; single.len()];
        let mut by_map: Vec<String> = vec![String::new(); single.len()];
        for round in 0..ctx.cfg.stop_runs {
            for (n, i) in in_round_order(&single, round) {
                if seen[n].contains(&Status::KilledAtCap) {
                    continue; // it never exits: one 12 s wait is enough
                }
                let mut r = match ctx.start_ready(i, &[case], &key) {
                    Ok(r) => r,
                    Err(e) => {
                        errors[n] = Some(e);
                        continue;
                    }
                };
                if case == "die" {
                    // Let PID 1 settle (finish its start-up syscalls) before reading memory.
                    sleep(Duration::from_millis(20));
                    rss[n].extend(sys::vm_rss_kib(r.pid1).map(|v| v as f64));
                    if by_map[n].is_empty() {
                        by_map[n] = sys::rss_by_mapping(r.pid1, &i.bin);
                    }
                    pss[n].extend(sys::pss_kib(r.pid1).map(|v| v as f64));
                }
                let (l, st) = r.stop(libc::SIGTERM, cap);
                if let Some(l) = l {
                    lat[n].push(l.as_secs_f64() * 1e3);
                }
                seen[n].push(st);
            }
        }
        for (n, i) in single.iter().enumerate() {
            let cell = if let Some(e) = &errors[n].as_ref().filter(|_| seen[n].is_empty()) {
                Cell::Na(e.to_string())
            } else if lat[n].is_empty() {
                Cell::Text(format!("did not exit in {:.0} s → {}", ctx.cfg.stop_cap_secs, statuses(&seen[n])))
            } else {
                Cell::num(std::mem::take(&mut lat[n]), format!("→ {}", statuses(&seen[n])))
            };
            res.set(&key, i.name, cell);
            if case == "die" {
                res.set("rss", i.name, Cell::num(std::mem::take(&mut rss[n]), ""));
                res.set("pss", i.name, Cell::num(std::mem::take(&mut pss[n]), ""));
                res.set("rss_map", i.name, Cell::Text(std::mem::take(&mut by_map[n])));
            }
        }
    }
    inittab_only_na(res, inits, &["stop_die", "stop_trap", "rss", "pss", "rss_map"]);
}

/// Starts every single-mode init at once with `probe ARGS`, waits until all are ready.
fn start_all<'a>(ctx: &Ctx, inits: &[&'a Init], args: &[&str], case: &str) -> Vec<(&'a Init, Result<Running, String>)> {
    inits.iter().map(|i| (*i, ctx.start_ready(i, args, case))).collect()
}

/// Stop latency with a child that ignores TERM: all inits in parallel (each would otherwise cost
/// the whole cap), TERM sent to each PID 1 back to back, then every pidfd watched until the cap.
pub fn stop_ignore(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let single = single(inits);
    let cap = Duration::from_secs_f64(ctx.cfg.stop_cap_secs);
    let mut lat: Vec<Vec<f64>> = vec![Vec::new(); single.len()];
    let mut seen: Vec<Vec<Status>> = vec![Vec::new(); single.len()];
    for _ in 0..ctx.cfg.ignore_runs.max(1) {
        let mut all = start_all(ctx, &single, &["ignore"], "stop_ignore");
        let t0: Vec<Instant> = all
            .iter()
            .map(|(_, r)| {
                let t = Instant::now();
                if let Ok(r) = r {
                    sys::kill(r.pid1, libc::SIGTERM);
                }
                t
            })
            .collect();
        let mut open: Vec<bool> = all.iter().map(|(_, r)| r.is_ok()).collect();
        let start = Instant::now();
        while open.iter().any(|o| *o) && start.elapsed() < cap {
            for (n, (_, r)) in all.iter_mut().enumerate() {
                if let (true, Ok(r)) = (open[n], r.as_mut())
                    && !r.alive() {
                        lat[n].push(t0[n].elapsed().as_secs_f64() * 1e3);
                        seen[n].push(r.finish());
                        open[n] = false;
                    }
            }
            sleep(Duration::from_micros(100));
        }
        for (n, (_, r)) in all.iter_mut().enumerate() {
            if let (true, Ok(r)) = (open[n], r.as_mut()) {
                seen[n].push(r.kill_at_cap());
            }
        }
    }
    for (n, i) in single.iter().enumerate() {
        let cell = if seen[n].is_empty() {
            Cell::Na("did not start".into())
        } else if lat[n].is_empty() {
            Cell::Text(format!("did not exit in {:.0} s → {}", ctx.cfg.stop_cap_secs, statuses(&seen[n])))
        } else {
            Cell::num(std::mem::take(&mut lat[n]), format!("→ {} (parallel run)", statuses(&seen[n])))
        };
        res.set("stop_ignore", i.name, cell);
    }
    inittab_only_na(res, inits, &["stop_ignore"]);
}

/// Idle wake-ups: all inits at once with a sleeping child; voluntary context switches of each
/// PID 1 over the window, after one second to settle.
pub fn idle(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let single = single(inits);
    let all = start_all(ctx, &single, &["die"], "idle");
    sleep(Duration::from_secs(1));
    let before: Vec<Option<(u64, u64)>> = all
        .iter()
        .map(|(_, r)| r.as_ref().ok().and_then(|r| Some((sys::voluntary_switches(r.pid1)?, sys::nonvoluntary_switches(r.pid1)?))))
        .collect();
    sleep(Duration::from_secs_f64(ctx.cfg.idle_secs));
    for (n, (i, r)) in all.iter().enumerate() {
        let cell = match (r, before[n]) {
            (Ok(r), Some((v0, nv0))) => match (sys::voluntary_switches(r.pid1), sys::nonvoluntary_switches(r.pid1)) {
                (Some(v1), Some(nv1)) => Cell::num(
                    vec![(v1 - v0) as f64],
                    if nv1 > nv0 { format!("(+{} involuntary)", nv1 - nv0) } else { String::new() },
                ),
                _ => Cell::Na("PID 1 gone".into()),
            },
            (Err(e), _) => Cell::Na(e.clone()),
            _ => Cell::Na("no /proc status".into()),
        };
        res.set("idle_wakeups", i.name, cell);
    }
    res.notes.push(format!("idle window: {} s, all single-mode inits side by side", ctx.cfg.idle_secs));
    inittab_only_na(res, inits, &["idle_wakeups"]);
}

/// Exit status for a child that exits 3, dies of SIGKILL, dies of SIGTERM.
pub fn exit_codes(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    for i in single(inits) {
        let mut got = Vec::new();
        for args in [&["exit", "3"][..], &["kill", "9"], &["kill", "15"]] {
            let argv = i.single_args(ctx.probe, args).unwrap_or_default();
            // PID 1 may be gone before the harness sees it: its status is still the answer.
            let st = match Running::start(&i.bin, &argv, Mode::Single, &ctx.log(i.name, "exit")) {
                Ok(mut r) => r.finish_within(Duration::from_secs(5)).to_string(),
                Err(e) => e.status.to_string(),
            };
            got.push(st);
        }
        let text = got.join(" / ");
        let ok = text == "3 / 137 / 143";
        res.set("exit_codes", i.name, Cell::Text(if ok { format!("{text} ✓") } else { text }));
    }
    inittab_only_na(res, inits, &["exit_codes"]);
}

/// What the init hands its child: signal mask and ignored set, fds, process group and session,
/// environment names.
pub fn hygiene(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let given: BTreeSet<&str> = launch::ENV.iter().map(|(k, _)| *k).collect();
    for i in single(inits) {
        let line = match ctx.start(i, &["hygiene"], "hygiene") {
            Ok(mut r) => {
                let l = r.out.line(Duration::from_secs(5));
                r.finish_within(Duration::from_secs(5));
                l
            }
            Err(e) => {
                res.set("hyg_signals", i.name, Cell::Na(e));
                continue;
            }
        };
        let Some(line) = line else {
            res.set("hyg_signals", i.name, Cell::Na("no report".into()));
            continue;
        };
        let kv = |k: &str| {
            line.split(' ').find_map(|t| t.strip_prefix(k).and_then(|v| v.strip_prefix('='))).unwrap_or("?").to_string()
        };
        let short = |hex: String| {
            let t = hex.trim_start_matches('0');
            if t.is_empty() { "0".to_string() } else { format!("0x{t}") }
        };
        res.set("hyg_signals", i.name, Cell::Text(format!("{} / {}", short(kv("sigblk")), short(kv("sigign")))));
        res.set("hyg_fds", i.name, Cell::Text(format!("{} ({})", kv("fds"), kv("fdlist").replace('+', ","))));
        res.set("hyg_session", i.name, Cell::Text(format!("{} / {}", kv("own_pgrp"), kv("own_session"))));
        let env = kv("env");
        let added: Vec<&str> = env.split(',').filter(|n| !n.is_empty() && !given.contains(n)).collect();
        let missing: Vec<&&str> = given.iter().filter(|g| !env.split(',').any(|n| n == **g)).collect();
        let mut text = if added.is_empty() { "none".to_string() } else { added.join(",") };
        if !missing.is_empty() {
            text.push_str(&format!(" (dropped {})", missing.iter().map(|s| **s).collect::<Vec<_>>().join(",")));
        }
        res.set("hyg_env", i.name, Cell::Text(text));
    }
    inittab_only_na(res, inits, &["hyg_signals", "hyg_fds", "hyg_session", "hyg_env"]);
}

/// Polls until PID 1 has at most `target` children (zombies included), or the timeout.
fn wait_children(pid1: i32, target: usize, timeout: Duration, poll: Duration) -> (bool, Instant) {
    let start = Instant::now();
    loop {
        if sys::at_most_children(pid1, target) {
            return (true, Instant::now());
        }
        if start.elapsed() > timeout {
            return (false, Instant::now());
        }
        sleep(poll);
    }
}

struct Spawned {
    failed: usize,
}

fn go(r: &mut Running) -> Result<Spawned, String> {
    r.poke();
    let line = r.out.line(Duration::from_secs(600)).ok_or("probe did not report")?;
    let mut f = line.split_whitespace();
    if f.next() != Some("spawned") {
        return Err(format!("unexpected probe line {line:?}"));
    }
    let _ns: u64 = f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
    let failed = f.next().and_then(|v| v.parse().ok()).unwrap_or(0);
    Ok(Spawned { failed })
}

#[derive(Default)]
struct Reap {
    wall: Vec<f64>,
    cpu: Vec<f64>,
    user: Vec<f64>,
    sys: Vec<f64>,
    cpu_per: Vec<f64>,
    wakeups: Vec<f64>,
    zombies: Vec<f64>,
    drain: Vec<f64>,
    bcpu: Vec<f64>,
    buser: Vec<f64>,
    bsys: Vec<f64>,
    bzombies: Vec<f64>,
    bvol: Vec<f64>,
    short_piles: Vec<usize>,
    bwait: Vec<f64>,
    binvol: Vec<f64>,
    error: Option<String>,
}

/// Steady: the probe makes N double-forked orphans while PID 1 runs; wall time until every
/// orphan is reaped, PID 1's CPU and wake-ups meanwhile, zombies left after.
fn steady(ctx: &Ctx, i: &Init, n: usize, acc: &mut Reap) -> Result<(), String> {
    let count = n.to_string();
    let mut r = ctx.start_ready(i, &["orphans", &count], "reap_steady")?;
    let base = sys::child_count(r.pid1);
    let cpu0 = sys::cpu_ns(r.pid1).ok_or("no cpu")?;
    let ticks0 = sys::stat_times(r.pid1).ok_or("no stat")?;
    let v0 = sys::voluntary_switches(r.pid1).ok_or("no status")?;
    let t0 = Instant::now();
    let sp = go(&mut r)?;
    let (done, t1) = wait_children(r.pid1, base, Duration::from_secs(30), Duration::from_micros(200));
    let cpu1 = sys::cpu_ns(r.pid1).ok_or("no cpu")?;
    let ticks1 = sys::stat_times(r.pid1).ok_or("no stat")?;
    acc.user.push(tick_ms(ticks1.0 - ticks0.0));
    acc.sys.push(tick_ms(ticks1.1 - ticks0.1));
    let v1 = sys::voluntary_switches(r.pid1).ok_or("no status")?;
    sleep(Duration::from_millis(100));
    let left = sys::child_count(r.pid1).saturating_sub(base);
    let made = n.saturating_sub(sp.failed).max(1);
    if done {
        acc.wall.push((t1 - t0).as_secs_f64() * 1e3);
    }
    acc.cpu.push((cpu1 - cpu0) as f64 / 1e6);
    acc.cpu_per.push((cpu1 - cpu0) as f64 / 1e3 / made as f64);
    acc.wakeups.push((v1 - v0) as f64);
    acc.zombies.push(left as f64);
    r.poke();
    r.finish_within(Duration::from_secs(10));
    if sp.failed > 0 {
        return Err(format!("{} forks failed", sp.failed));
    }
    Ok(())
}

/// Burst: PID 1 is SIGSTOPped from outside, the orphans all pile up as its zombies, then
/// SIGCONT; drain time until none is left, and PID 1's CPU for it.
fn burst(ctx: &Ctx, i: &Init, n: usize, acc: &mut Reap) -> Result<(), String> {
    let count = n.to_string();
    let mut r = ctx.start_ready(i, &["orphans", &count], "reap_burst")?;
    let base = sys::child_count(r.pid1);
    sys::kill(r.pid1, libc::SIGSTOP);
    let t = Instant::now();
    while sys::state(r.pid1) != Some('T') && t.elapsed() < Duration::from_secs(5) {
        sleep(Duration::from_micros(200));
    }
    let sp = go(&mut r)?;
    let want = base + n.saturating_sub(sp.failed);
    // Wait until every orphan is a zombie of PID 1, or the count stops growing (an init that
    // lets the kernel auto-reap, SIGCHLD ignored or SA_NOCLDWAIT, never piles any up).
    let t = Instant::now();
    let (mut last, mut since) = (usize::MAX, Instant::now());
    loop {
        let c = sys::child_count(r.pid1);
        if c >= want || t.elapsed() > Duration::from_secs(30) || since.elapsed() > Duration::from_millis(300) {
            break;
        }
        if c != last {
            (last, since) = (c, Instant::now());
        }
        sleep(Duration::from_millis(20));
    }
    let piled = sys::child_count(r.pid1).saturating_sub(base);
    let cpu0 = sys::cpu_ns(r.pid1).ok_or("no cpu")?;
    let ticks0 = sys::stat_times(r.pid1).ok_or("no stat")?;
    let v0 = sys::voluntary_switches(r.pid1).ok_or("no status")?;
    let nv0 = sys::nonvoluntary_switches(r.pid1).ok_or("no status")?;
    let wait0 = sys::run_delay_ns(r.pid1).unwrap_or(0);
    let t0 = Instant::now();
    sys::kill(r.pid1, libc::SIGCONT);
    let (done, t1) = wait_children(r.pid1, base, Duration::from_secs(60), Duration::from_micros(200));
    let cpu1 = sys::cpu_ns(r.pid1).ok_or("no cpu")?;
    let ticks1 = sys::stat_times(r.pid1).ok_or("no stat")?;
    acc.bwait.push(sys::run_delay_ns(r.pid1).unwrap_or(0).saturating_sub(wait0) as f64 / 1e6);
    acc.bvol.push((sys::voluntary_switches(r.pid1).ok_or("no status")? - v0) as f64);
    acc.binvol.push((sys::nonvoluntary_switches(r.pid1).ok_or("no status")? - nv0) as f64);
    acc.buser.push(tick_ms(ticks1.0 - ticks0.0));
    acc.bsys.push(tick_ms(ticks1.1 - ticks0.1));
    sleep(Duration::from_millis(100));
    let left = sys::child_count(r.pid1).saturating_sub(base);
    if done {
        acc.drain.push((t1 - t0).as_secs_f64() * 1e3);
    }
    acc.bcpu.push((cpu1 - cpu0) as f64 / 1e6);
    acc.bzombies.push(left as f64);
    r.poke();
    r.finish_within(Duration::from_secs(10));
    if piled + sp.failed < n {
        acc.short_piles.push(piled);
    }
    Ok(())
}

fn tick_ms(ticks: u64) -> f64 {
    // SAFETY: sysconf takes a plain integer.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    ticks as f64 * 1e3 / hz
}

/// "(user U + sys S ms)" from the clock-tick split of /proc/<pid>/stat: how much of PID 1's
/// reaping CPU is its own code and how much the kernel's (wait4, signal delivery).
fn split_note(user: &[f64], sys: &[f64]) -> String {
    if user.is_empty() {
        return String::new();
    }
    let q = |v: &[f64]| crate::report::quantile(v, 0.5);
    format!("(user {:.0} + sys {:.0} ms)", q(user), q(sys))
}

pub fn reaping(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    let single = single(inits);
    let n = ctx.cfg.orphans;
    // Every zombie holds a pid until reaped: leave room for the rest of the machine.
    let n_burst = n.min(sys::pid_headroom().saturating_sub(4096));
    if n_burst < n {
        res.notes.push(format!("burst reduced to {n_burst} orphans: pid_max headroom"));
    }
    let mut acc: Vec<Reap> = single.iter().map(|_| Reap::default()).collect();
    for run in 0..ctx.cfg.reap_runs {
        for (k, i) in in_round_order(&single, run) {
            eprintln!("bench: reaping run {}/{} {}", run + 1, ctx.cfg.reap_runs, i.name);
            if let Err(e) = steady(ctx, i, n, &mut acc[k]) {
                acc[k].error = Some(e);
            }
            if let Err(e) = burst(ctx, i, n_burst, &mut acc[k]) {
                acc[k].error = Some(e);
            }
        }
    }
    for (k, i) in single.iter().enumerate() {
        let a = &mut acc[k];
        let note = a.error.clone().map(|e| format!("({e})")).unwrap_or_default();
        let take = |v: &mut Vec<f64>| std::mem::take(v);
        res.set("steady_wall", i.name, Cell::num(take(&mut a.wall), note.clone()));
        let note = split_note(&a.user, &a.sys);
        res.set("steady_cpu", i.name, Cell::num(take(&mut a.cpu), note));
        res.set("steady_cpu_per", i.name, Cell::num(take(&mut a.cpu_per), ""));
        res.set("steady_wakeups", i.name, Cell::num(take(&mut a.wakeups), ""));
        res.set("steady_zombies", i.name, Cell::num(take(&mut a.zombies), ""));
        let piles = if a.short_piles.is_empty() {
            String::new()
        } else {
            format!("(only {:?} zombies piled up while stopped)", a.short_piles)
        };
        res.set("burst_drain", i.name, Cell::num(take(&mut a.drain), piles));
        res.set("burst_wait", i.name, Cell::num(take(&mut a.bwait), ""));
        let note = split_note(&a.buser, &a.bsys);
        res.set("burst_cpu", i.name, Cell::num(take(&mut a.bcpu), note));
        res.set("burst_zombies", i.name, Cell::num(take(&mut a.bzombies), ""));
        let invol = if a.binvol.is_empty() { String::new() } else { format!("(+{:.0} preempted)", crate::report::quantile(&a.binvol, 0.5)) };
        res.set("burst_wakeups", i.name, Cell::num(take(&mut a.bvol), invol));
    }
    res.notes.push(format!(
        "reaping: {n} double-forked orphans steady, {n_burst} in the burst, {} runs each; CPU from /proc/<pid>/schedstat",
        ctx.cfg.reap_runs
    ));
    inittab_only_na(
        res,
        inits,
        &["steady_wall", "steady_cpu", "steady_cpu_per", "steady_wakeups", "steady_zombies", "burst_drain", "burst_wait", "burst_cpu", "burst_wakeups", "burst_zombies"],
    );
}

/// Services in the full-table case: with the initdefault and level-0 entries, vinit's whole
/// table (`MAX_ENTRIES`, 64 in core/src/limits.rs).
const FULL_TABLE_SERVICES: usize = 62;

/// An inittab with `services` respawn services s1..sN (each creates its marker, then sleeps) and
/// a level-0 `wait` entry (busybox: a `shutdown` entry; it has no runlevels).
fn inittab_text(dialect: Dialect, probe: &Path, markers: &Path, services: usize) -> String {
    let p = probe.display();
    let m = markers.display();
    let mut text = String::new();
    match dialect {
        Dialect::Sysv => {
            text.push_str("# vinit benchmark: services and a level-0 wait entry\nid:3:initdefault:\n");
            for n in 1..=services {
                text.push_str(&format!("s{n}:2345:respawn:{p} service {m} s{n}\n"));
            }
            text.push_str(&format!("z0:0:wait:{p} shutdown {m}\n"));
        }
        Dialect::Busybox => {
            text.push_str("# vinit benchmark: services and a shutdown entry (busybox has no runlevels)\n");
            for n in 1..=services {
                text.push_str(&format!("::respawn:{p} service {m} s{n}\n"));
            }
            text.push_str(&format!("::shutdown:{p} shutdown {m}\n"));
        }
    }
    text
}

/// Inittab mode: PID 1 reads /etc/inittab (an overlay on /etc inside a private mount namespace)
/// and starts its services; VmRSS and its split 20 ms after all are up; SIGTERM from outside; time
/// until PID 1 is gone, its status, and whether the level-0 (busybox: shutdown) entry ran. Twice:
/// with 2 services (keys `inittab_*`) and with the table full (`inittab_full_*`).
pub fn inittab(ctx: &Ctx, res: &mut Results, inits: &[Init]) {
    for (prefix, services) in [("inittab", 2), ("inittab_full", FULL_TABLE_SERVICES)] {
        inittab_case(ctx, res, inits, prefix, services);
    }
}

fn inittab_case(ctx: &Ctx, res: &mut Results, inits: &[Init], prefix: &str, services: usize) {
    let key = |k: &str| format!("{prefix}_{k}");
    let cap = Duration::from_secs_f64(ctx.cfg.stop_cap_secs);
    for i in inits {
        let Some((dialect, args)) = &i.inittab else {
            res.set(&key("stop"), i.name, Cell::Na("single-command only".into()));
            continue;
        };
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        let dir = ctx.run_dir.join(format!("{prefix}-{}", i.name));
        let markers = dir.join("markers");
        let scratch = dir.join("overlay");
        let tab = dir.join("inittab");
        let mut lat = Vec::new();
        let mut rss = Vec::new();
        let mut by_map = String::new();
        let mut seen = Vec::new();
        let mut level0 = Vec::new();
        let mut na: Option<String> = None;
        for _ in 0..ctx.cfg.inittab_runs.max(1) {
            let _ = fs::remove_dir_all(&markers);
            fs::create_dir_all(&markers).expect("markers dir");
            fs::create_dir_all(&scratch).expect("overlay dir");
            fs::write(&tab, inittab_text(*dialect, ctx.probe, &markers, services)).expect("inittab");
            let log = ctx.log(i.name, prefix);
            let mut r = match Running::start(&i.bin, &args, Mode::Inittab { scratch: &scratch, inittab: &tab }, &log) {
                Ok(r) => r,
                Err(e) => {
                    na = Some(format!("PID 1 exited at once, status {}: {}", e.status, e.log));
                    break;
                }
            };
            let up = |m: &Path| (1..=services).all(|n| m.join(format!("s{n}.up")).exists());
            let t = Instant::now();
            while !up(&markers) && r.alive() && t.elapsed() < Duration::from_secs(10) {
                sleep(Duration::from_millis(1));
            }
            if !up(&markers) {
                let alive = r.alive();
                let st = r.finish_within(Duration::ZERO);
                na = Some(format!(
                    "services not started ({}): {}",
                    if alive { "PID 1 running".to_string() } else { format!("PID 1 exited {st}") },
                    r.log_tail()
                ));
                break;
            }
            sleep(Duration::from_millis(20));
            rss.extend(sys::vm_rss_kib(r.pid1).map(|v| v as f64));
            if by_map.is_empty() {
                by_map = sys::rss_by_mapping(r.pid1, &i.bin);
            }
            let (l, st) = r.stop(libc::SIGTERM, cap);
            if let Some(l) = l {
                lat.push(l.as_secs_f64() * 1e3);
            }
            level0.push(markers.join("level0.ran").exists());
            let capped = st == Status::KilledAtCap;
            seen.push(st);
            if capped {
                break; // never exits on TERM: one wait for the cap is enough
            }
        }
        if let Some(why) = na {
            res.notes.push(format!("{prefix} ({services} services), {}: {why}", i.name));
            let why = if i.name == "vinit" { "not yet supported".to_string() } else { why };
            res.set(&key("stop"), i.name, Cell::Na(why));
            continue;
        }
        let ran = if level0.iter().all(|b| *b) {
            "level-0 ran"
        } else if level0.iter().any(|b| *b) {
            "level-0 ran sometimes"
        } else {
            "level-0 did not run"
        };
        let cell = if lat.is_empty() {
            Cell::Text(format!("did not exit in {:.0} s → {}, {ran}", ctx.cfg.stop_cap_secs, statuses(&seen)))
        } else {
            Cell::num(lat, format!("→ {}, {ran}", statuses(&seen)))
        };
        res.set(&key("stop"), i.name, cell);
        res.set(&key("rss"), i.name, Cell::num(rss, ""));
        res.set(&key("rss_map"), i.name, Cell::Text(by_map));
    }
}
