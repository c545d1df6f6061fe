//! The runner of the suites that are not libtest's (`harness = false`: distros, podman, lxc):
//! their scenarios share engines, images and a before/after table, so one process runs them
//! on a few threads. It reads libtest's arguments (filters, `--skip`, `--list`) and prints
//! libtest's lines, so `cargo test --test NAME -- FILTER` works as with any suite.

use core::sync::atomic::{AtomicUsize, Ordering};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::Instant;

/// One scenario.
pub struct Case {
    pub name: String,
    pub run: Box<dyn Fn() + Send + Sync>,
}

/// libtest's flags that take a value (cargo may pass them to every test binary).
const FLAGS_WITH_VALUE: [&str; 5] = ["--test-threads", "--format", "--color", "--skip", "-Z"];

/// The cases the command line selects, and the clock of the whole run.
pub struct Selection {
    pub cases: Vec<Case>,
    total: usize,
    start: Instant,
}

/// Applies the command line to `all`. `Err` carries the exit code when nothing is left to
/// run (`--list`, or every case filtered out); what libtest prints then is printed already.
pub fn select(all: Vec<Case>) -> Result<Selection, ExitCode> {
    let start = Instant::now();
    let mut filters = Vec::new();
    let mut skips = Vec::new();
    let mut list = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--list" {
            list = true;
        } else if arg == "--skip" {
            skips.extend(args.next());
        } else if FLAGS_WITH_VALUE.contains(&arg.as_str()) {
            args.next();
        } else if !arg.starts_with('-') {
            filters.push(arg);
        }
    }
    let selected = |name: &str| {
        (filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
            && !skips.iter().any(|s| name.contains(s.as_str()))
    };
    let total = all.len();
    let cases: Vec<Case> = all.into_iter().filter(|c| selected(&c.name)).collect();
    if list {
        for case in &cases {
            println!("{}: test", case.name);
        }
        return Err(ExitCode::SUCCESS);
    }
    if cases.is_empty() {
        println!(
            "\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; {total} filtered out; finished in 0.00s\n"
        );
        return Err(ExitCode::SUCCESS);
    }
    Ok(Selection {
        cases,
        total,
        start,
    })
}

/// The suite could not set up its engine or images: one line, and the run fails.
pub fn setup_failed(suite: &str, error: &str) -> ExitCode {
    eprintln!("{suite}: cannot prepare: {error}");
    println!("test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out");
    ExitCode::FAILURE
}

/// The machine's CPUs (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Cases run at once: the environment variable `var`, else `default`.
pub fn jobs(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(default)
}

impl Selection {
    /// Runs the cases on `jobs` threads; prints one line per case and returns the failed names.
    pub fn run(&self, jobs: usize) -> Vec<String> {
        let next = AtomicUsize::new(0);
        let failed = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..jobs.max(1) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(case) = self.cases.get(i) else { break };
                        let start = Instant::now();
                        let result =
                            std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| {
                                (case.run)();
                            }));
                        let took = start.elapsed().as_secs_f64();
                        match result {
                            Ok(()) => eprintln!("test {} ... ok ({took:.1} s)", case.name),
                            Err(_) => {
                                eprintln!("test {} ... FAILED ({took:.1} s)", case.name);
                                failed
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .push(case.name.clone());
                            }
                        }
                    }
                });
            }
        });
        failed.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    /// libtest's closing lines for the run that ended with `failed`, and its exit code.
    pub fn finish(&self, failed: &[String]) -> ExitCode {
        if !failed.is_empty() {
            println!("\nfailures:");
            for name in failed {
                println!("    {name}");
            }
        }
        let passed = self.cases.len() - failed.len();
        println!(
            "\ntest result: {}. {passed} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n",
            if failed.is_empty() { "ok" } else { "FAILED" },
            failed.len(),
            self.total - self.cases.len(),
            self.start.elapsed().as_secs_f64()
        );
        if failed.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
