//! Results, the markdown tables (metrics × inits, then vinit's targets) and the JSON file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq)]
pub enum Unit {
    Bytes,
    KiB,
    Count,
    Ms,
    Us,
}

/// One metric for one init.
#[derive(Clone)]
pub enum Cell {
    /// Samples over repeated runs; the table shows the median (and p10–p90 where the row asks).
    Num { samples: Vec<f64>, note: String },
    Text(String),
    Na(String),
}

impl Cell {
    pub fn num(samples: Vec<f64>, note: impl Into<String>) -> Self {
        if samples.is_empty() { Self::Na("no sample".into()) } else { Self::Num { samples, note: note.into() } }
    }

    pub fn median(&self) -> Option<f64> {
        match self {
            Self::Num { samples, .. } => Some(quantile(samples, 0.5)),
            _ => None,
        }
    }
}

pub fn quantile(samples: &[f64], q: f64) -> f64 {
    let mut v = samples.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// A row of the main table.
pub struct Row {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    /// Show the ratio to the reference init.
    pub ratio: bool,
    /// Show p10–p90 next to the median.
    pub spread: bool,
}

const fn row(key: &'static str, label: &'static str, unit: Unit, ratio: bool, spread: bool) -> Row {
    Row { key, label, unit, ratio, spread }
}

pub const ROWS: &[Row] = &[
    row("size", "binary size (B)", Unit::Bytes, true, false),
    row("rootfs", "minimal rootfs: binary + shared libs (B)", Unit::Bytes, true, false),
    row("rss", "VmRSS of PID 1 after start-up (KiB)", Unit::KiB, true, false),
    row("rss_map", "VmRSS by mapping (KiB): the binary's file pages, its written (anon) pages, stack, heap, other anon, vdso, libs", Unit::KiB, false, false),
    row("pss", "Pss of PID 1 after start-up (KiB)", Unit::KiB, true, false),
    row("idle_wakeups", "idle wake-ups of PID 1 (voluntary ctx switches / window)", Unit::Count, false, false),
    row("stop_die", "stop, child dies on TERM: SIGTERM → PID 1 gone → exit status", Unit::Ms, true, true),
    row("stop_trap", "stop, child traps TERM, exits 0 → exit status", Unit::Ms, true, true),
    row("stop_ignore", "stop, child ignores TERM → exit status", Unit::Ms, false, false),
    row("inittab_stop", "inittab: 2 services + level-0 `wait`, SIGTERM → gone → status", Unit::Ms, false, true),
    row("inittab_rss", "inittab: VmRSS of PID 1 with 2 services up (KiB)", Unit::KiB, false, false),
    row("inittab_rss_map", "inittab: VmRSS by mapping with 2 services up (KiB)", Unit::KiB, false, false),
    row("inittab_full_stop", "inittab, table full (62 services + initdefault + level-0 `wait`): SIGTERM → gone → status", Unit::Ms, false, true),
    row("inittab_full_rss", "inittab, table full: VmRSS of PID 1 with 62 services up (KiB)", Unit::KiB, false, false),
    row("inittab_full_rss_map", "inittab, table full: VmRSS by mapping (KiB)", Unit::KiB, false, false),
    row("startup", "start-up latency: execve of PID 1 → child's first instruction (µs)", Unit::Us, true, true),
    row("startup_over", "… of which the init (median minus PID 1 exec'ing the child itself) (µs)", Unit::Us, true, false),
    row("steady_wall", "reap steady: spawn + reap wall time (ms)", Unit::Ms, true, false),
    row("steady_cpu", "reap steady: PID 1 CPU (ms)", Unit::Ms, true, false),
    row("steady_cpu_per", "reap steady: PID 1 CPU per orphan (µs)", Unit::Us, true, true),
    row("steady_wakeups", "reap steady: PID 1 wake-ups", Unit::Count, true, false),
    row("steady_zombies", "reap steady: zombies left", Unit::Count, false, false),
    row("burst_drain", "reap burst: drain time after SIGCONT (ms)", Unit::Ms, true, true),
    row("burst_wait", "reap burst: PID 1 runnable but waiting for a CPU during the drain (ms)", Unit::Ms, false, false),
    row("burst_cpu", "reap burst: PID 1 CPU (ms)", Unit::Ms, true, false),
    row("burst_wakeups", "reap burst: PID 1 wake-ups during the drain", Unit::Count, false, false),
    row("burst_zombies", "reap burst: zombies left", Unit::Count, false, false),
    row("exit_codes", "exit status for child exit 3 / SIGKILL / SIGTERM (want 3/137/143)", Unit::Count, false, false),
    row("hyg_signals", "child hygiene: SigBlk / SigIgn", Unit::Count, false, false),
    row("hyg_fds", "child hygiene: open fds", Unit::Count, false, false),
    row("hyg_session", "child hygiene: own process group / own session", Unit::Count, false, false),
    row("hyg_env", "child hygiene: env names added to PATH,HOME", Unit::Count, false, false),
];

fn fmt_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Bytes => group(v.round() as u64),
        Unit::KiB | Unit::Count => {
            if (v - v.round()).abs() < 1e-9 { group(v.round() as u64) } else { format!("{v:.1}") }
        }
        Unit::Ms => sig3(v),
        Unit::Us => sig3(v),
    }
}

fn sig3(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        group(v.round() as u64)
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

pub struct Results {
    pub inits: Vec<String>,
    pub reference: Option<String>,
    pub cells: BTreeMap<(String, String), Cell>,
    pub notes: Vec<String>,
}

impl Results {
    pub fn new(inits: Vec<String>, reference: Option<String>) -> Self {
        Self { inits, reference, cells: BTreeMap::new(), notes: Vec::new() }
    }

    pub fn set(&mut self, key: &str, init: &str, cell: Cell) {
        self.cells.insert((key.to_string(), init.to_string()), cell);
    }

    pub fn get(&self, key: &str, init: &str) -> Option<&Cell> {
        self.cells.get(&(key.to_string(), init.to_string()))
    }

    pub fn median(&self, key: &str, init: &str) -> Option<f64> {
        self.get(key, init).and_then(Cell::median)
    }

    fn render_cell(&self, row: &Row, init: &str) -> String {
        let Some(cell) = self.get(row.key, init) else { return "–".into() };
        match cell {
            Cell::Na(why) => format!("n/a ({why})"),
            Cell::Text(t) => t.clone(),
            Cell::Num { samples, note } => {
                let med = quantile(samples, 0.5);
                let mut s = fmt_value(med, row.unit);
                if row.spread && samples.len() > 2 {
                    let _ = write!(
                        s,
                        " [{}–{}]",
                        fmt_value(quantile(samples, 0.1), row.unit),
                        fmt_value(quantile(samples, 0.9), row.unit)
                    );
                }
                if row.ratio
                    && let Some(r) = self.reference.as_deref().and_then(|r| self.median(row.key, r))
                        && r > 0.0 && init != self.reference.as_deref().unwrap_or("") {
                            let _ = write!(s, " ({:.2}×)", med / r);
                        }
                if !note.is_empty() {
                    let _ = write!(s, " {note}");
                }
                s
            }
        }
    }

    pub fn table(&self) -> String {
        let mut out = String::new();
        let reference = self.reference.clone().unwrap_or_else(|| "none".into());
        let _ = write!(out, "| metric (median; (×{reference}); [p10–p90]) |");
        for i in &self.inits {
            let _ = write!(out, " {i} |");
        }
        out.push('\n');
        out.push_str("|---|");
        for _ in &self.inits {
            out.push_str("---|");
        }
        out.push('\n');
        for row in ROWS {
            if self.inits.iter().all(|i| self.get(row.key, i).is_none()) {
                continue;
            }
            let _ = write!(out, "| {} |", row.label);
            for i in &self.inits {
                let _ = write!(out, " {} |", self.render_cell(row, i).replace('|', "\\|"));
            }
            out.push('\n');
        }
        out
    }
}

/// One vinit target: what it asks, what vinit measured, what it is compared with, and the verdict.
pub struct Target {
    pub what: String,
    pub vinit: String,
    pub bound: String,
    pub pass: Option<bool>,
}

pub fn targets_table(targets: &[Target]) -> String {
    let mut out = String::from("| vinit target | vinit | bound | result |\n|---|---|---|---|\n");
    for t in targets {
        let verdict = match t.pass {
            Some(true) => "pass",
            Some(false) => "**fail**",
            None => "n/a",
        };
        let _ = writeln!(out, "| {} | {} | {} | {} |", t.what, t.vinit, t.bound, verdict);
    }
    out
}

/// Targets from the issue, checked against this run's numbers.
pub fn targets(r: &Results) -> Vec<Target> {
    let v = |k: &str| r.median(k, "vinit");
    let refname = r.reference.clone().unwrap_or_default();
    let rf = |k: &str| r.median(k, &refname);
    let peers: Vec<&String> = r.inits.iter().filter(|i| *i != "vinit").collect();
    let best_peer = |k: &str| {
        peers
            .iter()
            .filter_map(|p| r.median(k, p).map(|m| (m, p.to_string())))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    };
    let show = |x: Option<f64>, u: Unit| x.map_or("n/a".to_string(), |x| fmt_value(x, u));
    let mut t = Vec::new();
    let check = |x: Option<f64>, ok: &dyn Fn(f64) -> bool| x.map(ok);

    // Issue #16's targets.
    t.push(Target {
        what: "binary ≤ 56 000 B".into(),
        vinit: format!("{} B", show(v("size"), Unit::Bytes)),
        bound: format!("56 000 B; {refname} {} B", show(rf("size"), Unit::Bytes)),
        pass: check(v("size"), &|x| x <= 56_000.0),
    });
    t.push(Target {
        what: "VmRSS, single-command mode ≤ 64 KiB".into(),
        vinit: format!("{} KiB", show(v("rss"), Unit::KiB)),
        bound: format!("64 KiB; {refname} {} KiB", show(rf("rss"), Unit::KiB)),
        pass: check(v("rss"), &|x| x <= 64.0),
    });
    t.push(Target {
        what: "VmRSS, inittab mode with the table full ≤ 96 KiB".into(),
        vinit: format!("{} KiB", show(v("inittab_full_rss"), Unit::KiB)),
        bound: "96 KiB".into(),
        pass: check(v("inittab_full_rss"), &|x| x <= 96.0),
    });
    t.push(Target {
        what: "0 idle wake-ups".into(),
        vinit: show(v("idle_wakeups"), Unit::Count),
        bound: "0".into(),
        pass: check(v("idle_wakeups"), &|x| x == 0.0),
    });
    for (key, label) in [("stop_die", "stop latency, child dies on TERM"), ("stop_trap", "stop latency, child traps TERM")] {
        let best = best_peer(key);
        t.push(Target {
            what: format!("{label}: ≤ best peer + 0.1 ms"),
            vinit: format!("{} ms", show(v(key), Unit::Ms)),
            bound: best.as_ref().map_or("n/a".into(), |(m, p)| format!("{} ms ({p}) + 0.1", fmt_value(*m, Unit::Ms))),
            pass: match (v(key), best) {
                (Some(x), Some((m, _))) => Some(x <= m + 0.1),
                _ => None,
            },
        });
    }
    t.push(Target {
        what: format!("reap steady: PID 1 CPU per orphan ≤ 0.8× {refname}"),
        vinit: format!("{} µs", show(v("steady_cpu_per"), Unit::Us)),
        bound: format!("0.8 × {} µs", show(rf("steady_cpu_per"), Unit::Us)),
        pass: match (v("steady_cpu_per"), rf("steady_cpu_per")) {
            (Some(x), Some(b)) => Some(x <= 0.8 * b),
            _ => None,
        },
    });
    t.push(Target {
        what: format!("reap burst: drain time ≤ 0.8× {refname}"),
        vinit: format!("{} ms", show(v("burst_drain"), Unit::Ms)),
        bound: format!("0.8 × {} ms", show(rf("burst_drain"), Unit::Ms)),
        pass: match (v("burst_drain"), rf("burst_drain")) {
            (Some(x), Some(b)) => Some(x <= 0.8 * b),
            _ => None,
        },
    });
    let zombies = |k: &str| {
        r.get(k, "vinit").and_then(|c| match c {
            Cell::Num { samples, .. } => Some(samples.iter().cloned().fold(0.0, f64::max)),
            _ => None,
        })
    };
    t.push(Target {
        what: "0 zombies left (steady and burst, every run)".into(),
        vinit: format!("{} / {}", show(zombies("steady_zombies"), Unit::Count), show(zombies("burst_zombies"), Unit::Count)),
        bound: "0 / 0".into(),
        pass: match (zombies("steady_zombies"), zombies("burst_zombies")) {
            (Some(a), Some(b)) => Some(a == 0.0 && b == 0.0),
            _ => None,
        },
    });
    t.push(Target {
        what: format!("start-up latency ≤ {refname}"),
        vinit: format!("{} µs", show(v("startup"), Unit::Us)),
        bound: format!("{} µs", show(rf("startup"), Unit::Us)),
        pass: match (v("startup"), rf("startup")) {
            (Some(x), Some(b)) => Some(x <= b),
            _ => None,
        },
    });
    t
}

/// A tiny JSON writer (the harness has no dependencies beyond libc).
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    pub fn str(s: impl Into<String>) -> Self {
        Self::Str(s.into())
    }

    pub fn write(&self, out: &mut String, indent: usize) {
        let pad = |n: usize| "  ".repeat(n);
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Num(n) if n.is_finite() => {
                if (n - n.round()).abs() < 1e-9 && n.abs() < 1e15 {
                    let _ = write!(out, "{}", *n as i64);
                } else {
                    let _ = write!(out, "{n:.6}");
                }
            }
            Self::Num(_) => out.push_str("null"),
            Self::Str(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        c if (c as u32) < 0x20 => {
                            let _ = write!(out, "\\u{:04x}", c as u32);
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            Self::Arr(items) => {
                let flat = items.iter().all(|i| matches!(i, Self::Num(_) | Self::Null | Self::Bool(_)));
                out.push('[');
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    if !flat {
                        out.push('\n');
                        out.push_str(&pad(indent + 1));
                    }
                    item.write(out, indent + 1);
                }
                if !flat && !items.is_empty() {
                    out.push('\n');
                    out.push_str(&pad(indent));
                }
                out.push(']');
            }
            Self::Obj(fields) => {
                out.push('{');
                for (n, (k, v)) in fields.iter().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    out.push('\n');
                    out.push_str(&pad(indent + 1));
                    Self::Str(k.clone()).write(out, indent + 1);
                    out.push_str(": ");
                    v.write(out, indent + 1);
                }
                if !fields.is_empty() {
                    out.push('\n');
                    out.push_str(&pad(indent));
                }
                out.push('}');
            }
        }
    }
}

pub fn cell_json(cell: &Cell) -> Json {
    match cell {
        Cell::Na(why) => Json::Obj(vec![("na".into(), Json::str(why.clone()))]),
        Cell::Text(t) => Json::Obj(vec![("text".into(), Json::str(t.clone()))]),
        Cell::Num { samples, note } => {
            let mut f = vec![
                ("median".into(), Json::Num(quantile(samples, 0.5))),
                ("p10".into(), Json::Num(quantile(samples, 0.1))),
                ("p90".into(), Json::Num(quantile(samples, 0.9))),
                ("min".into(), Json::Num(quantile(samples, 0.0))),
                ("max".into(), Json::Num(quantile(samples, 1.0))),
                ("n".into(), Json::Num(samples.len() as f64)),
                ("samples".into(), Json::Arr(samples.iter().map(|s| Json::Num(*s)).collect())),
            ];
            if !note.is_empty() {
                f.push(("note".into(), Json::str(note.clone())));
            }
            Json::Obj(f)
        }
    }
}

pub fn results_json(r: &Results, targets: &[Target], head: Vec<(String, Json)>) -> String {
    let mut obj = head;
    obj.push(("reference".into(), r.reference.clone().map_or(Json::Null, Json::Str)));
    let units = |u: Unit| match u {
        Unit::Bytes => "B",
        Unit::KiB => "KiB",
        Unit::Count => "count",
        Unit::Ms => "ms",
        Unit::Us => "µs",
    };
    obj.push((
        "metrics".into(),
        Json::Obj(
            ROWS.iter()
                .map(|row| {
                    let mut per = vec![("label".into(), Json::str(row.label)), ("unit".into(), Json::str(units(row.unit)))];
                    for i in &r.inits {
                        if let Some(c) = r.get(row.key, i) {
                            per.push((i.clone(), cell_json(c)));
                        }
                    }
                    (row.key.to_string(), Json::Obj(per))
                })
                .collect(),
        ),
    ));
    obj.push((
        "targets".into(),
        Json::Arr(
            targets
                .iter()
                .map(|t| {
                    Json::Obj(vec![
                        ("target".into(), Json::str(t.what.clone())),
                        ("vinit".into(), Json::str(t.vinit.clone())),
                        ("bound".into(), Json::str(t.bound.clone())),
                        ("pass".into(), t.pass.map_or(Json::Null, Json::Bool)),
                    ])
                })
                .collect(),
        ),
    ));
    obj.push(("notes".into(), Json::Arr(r.notes.iter().map(|n| Json::str(n.clone())).collect())));
    let mut s = String::new();
    Json::Obj(obj).write(&mut s, 0);
    s.push('\n');
    s
}
