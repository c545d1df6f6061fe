//! Real distributions, end to end (issue #7): Debian with sysv-rc and Debian's inittab, and
//! Debian's OpenRC with Gentoo's inittab, boot and stop under vinit in a real Docker engine,
//! unmodified; the same images with stock sysvinit as PID 1 are the baseline.
//!
//! Slow (root filesystems from debootstrap, ~30 containers), so it runs only when named
//! (`test = false`), with its own runner (`harness = false`): `cargo test --release --test
//! distros [FILTER...]`, as `.ci/run` does. The support code is tests/support/distros.rs. The first
//! run builds the root filesystems (minutes); later runs reuse them from target/distros/.
//! Every scenario asserts the exit code `docker inspect` shows, the wall time, what the test
//! service wrote to the volume at /data, the services' pid files and `docker logs`. The
//! measured times end in a before/after table (also written to target/distros/times.md).
//! `VINIT_DISTRO_JOBS` scenarios run at once (default: the CPUs, at most 3);
//! `VINIT_DOCKER_LOGS=1` prints every container's logs.
//!
//! This file holds what the scenarios share and the runner with its list of cases; the
//! scenarios are in one file per topic.

// Test code: a failed unwrap or assert is how these tests fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;
use std::process::ExitCode;
use std::sync::OnceLock;

use support::distros::{self, Flavour, Images, Init, Machine, count_lines};
use support::docker::Scenario;
use support::runner::{self, Case};
use support::table::{self, secs};

mod boot_idle;
mod levels;
mod stock;
mod stop;

use boot_idle::boot_idle_stop;
use levels::{reboot, single_user_and_back};
use stock::{stock_docker_stop, stock_shutdown, stock_sigint_seed};
use stop::{
    docker_stop, docker_stop_longer_grace, inside, stop_signal_sigint_seed,
    stop_signal_sigint_shipped,
};

/// Bound on a boot reaching every service: 2-3 s measured with three containers booting at
/// once on 2 cores; "a few seconds" with room for a loaded CI machine.
const BOOT: Duration = Duration::from_secs(20);
/// "Well under Docker's 10 s": the slowest stop script flushes for 1 s.
const FAST_STOP: Duration = Duration::from_secs(5);
/// The same for a command run inside, timed from `docker exec` to the exit seen by polling:
/// the exec's own start, and OpenRC's level 0 is slower than sysv-rc's (it stops the services
/// one by one, and its hwclock script alone takes ~1 s in a container).
const FAST_INSIDE: Duration = Duration::from_secs(7);
/// Docker's default `docker stop` timeout.
const DOCKER_STOP_SECS: u32 = 10;
/// agetty without its tty exits after ~10 s, so the 11th start inside sysvinit's 120 s window
/// comes at ~100 s; bounded generously.
const GETTY_THROTTLE: Duration = Duration::from_secs(240);

/// The seed's workaround: SIGINT as the stop signal, and a `ctrlaltdel` line that halts.
const SEED_CTRLALTDEL: &str = "ca::ctrlaltdel:/sbin/shutdown -h now";

// Rows of the before/after table, in order.
const A_BOOT: &str = "boot → every service up";
const A_STOP: &str = "`docker stop`";
const A_SIGINT: &str =
    "`docker stop`, `--stop-signal SIGINT` + `ca::ctrlaltdel:/sbin/shutdown -h now`";
const A_SHUTDOWN: &str = "`shutdown -h now` inside";
const A_HALT: &str = "`halt` inside";
const A_POWEROFF: &str = "`poweroff` inside";
const A_TELINIT0: &str = "`telinit 0` inside";
const A_OPENRC_SHUTDOWN: &str = "`openrc-shutdown -p now` inside";
const A_REBOOT: &str = "`reboot` inside → every service up again";
const A_SINGLE: &str = "`telinit 1`, then back to multi-user → services up again";
const ORDER: [&str; 10] = [
    A_BOOT,
    A_STOP,
    A_SIGINT,
    A_SHUTDOWN,
    A_HALT,
    A_POWEROFF,
    A_TELINIT0,
    A_OPENRC_SHUTDOWN,
    A_REBOOT,
    A_SINGLE,
];

fn level(f: Flavour) -> char {
    f.default_level()
}

/// Boots `init` on `f`'s image and waits for every service; the boot's length.
fn boot(
    images: &Images,
    f: Flavour,
    init: Init,
    label: &str,
    args: &[&str],
) -> (Scenario, Machine, Duration) {
    let label = format!("{}-{}-{label}", f.name(), init.name());
    let s = Scenario::new(&label);
    let m = Machine::run(&s, images, f, init, &label, args);
    let up = m.wait_up(&s, 1, BOOT);
    (s, m, up)
}

/// Like `boot`, with the image's inittab edited by `edit` and mounted over /etc/inittab.
fn boot_with_inittab(
    images: &Images,
    f: Flavour,
    init: Init,
    label: &str,
    edit: impl Fn(&str) -> String,
    args: &[&str],
) -> (Scenario, Machine, Duration) {
    let label = format!("{}-{}-{label}", f.name(), init.name());
    let s = Scenario::new(&label);
    let inittab = edit(&Machine::image_inittab(images, f));
    let file = s.write("inittab", &inittab);
    let mount = format!("{}:/etc/inittab:ro", file.display());
    let mut all = vec!["-v", mount.as_str()];
    all.extend_from_slice(args);
    let m = Machine::run(&s, images, f, init, &label, &all);
    let up = m.wait_up(&s, 1, BOOT);
    (s, m, up)
}

/// The inittab with its `ctrlaltdel` line replaced by `line`.
fn with_ctrlaltdel(inittab: &str, line: &str) -> String {
    let mut out: String = inittab
        .lines()
        .filter(|l| l.split(':').nth(2).is_none_or(|a| a != "ctrlaltdel"))
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str(line);
    out.push('\n');
    out
}

/// What every clean stop of a vinit container shows: exit 0, the test service stopped by its
/// script `stops` times in all (its flush complete), the services' pid files gone, the stop's
/// timeline in the logs, and no KILL needed.
fn assert_clean_stop(m: &Machine, s: &Scenario, exit: i32, stops: usize) {
    m.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == stops
            && log.lines().last().is_some_and(|l| l.starts_with("stop")),
        &format!("the test service's stop script did not run {stops}x last: {log:?}"),
    );
    if m.flavour == Flavour::Debian {
        // sysv-rc exports RUNLEVEL to the scripts; OpenRC does not.
        m.assert_that(
            log.lines().last().is_some_and(|l| {
                l.starts_with("stop runlevel=0 ") || l.starts_with("stop runlevel=6 ")
            }),
            &format!("the last stop did not run in level 0 or 6: {log:?}"),
        );
    }
    let flush = s.read("vinit-test.log.flush");
    m.assert_that(
        flush.starts_with("flushing\n") && flush.trim_end().ends_with("flushed"),
        &format!("the test service's flush is incomplete: {flush:?}"),
    );
    let run = m.run_dir();
    let mut gone = vec!["/run/rsyslogd.pid", "/run/inetd.pid", "/run/vinit-test.pid"];
    if m.flavour == Flavour::Openrc {
        gone.push("/run/crond.pid");
    }
    for pidfile in gone {
        m.assert_that(
            !run.iter().any(|f| f == pidfile),
            &format!("{pidfile} is left: its service was not stopped by its script; /run: {run:?}"),
        );
    }
    let logs = m.logs();
    if m.flavour == Flavour::Debian {
        // Debian's cron has no stop link (Default-Stop is empty): sendsigs stops it with
        // SIGTERM, and its pid file stays. Everything must have ended on that TERM.
        m.assert_that(
            logs.contains("All processes ended within"),
            "sendsigs did not see every process end on SIGTERM",
        );
    }
    for needle in ["Switching to runlevel: 0", "vinit: info: stop: complete in"] {
        m.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in docker logs"),
        );
    }
    // The final sweep needed no KILL and no level-0 script overran its share of the budget
    // (a level change's KILL after a zero sleeptime, as openrc-shutdown asks, is fine).
    for needle in [
        "stop: grace period over",
        "share of the stop budget ran out",
    ] {
        m.assert_that(
            !logs.contains(needle),
            &format!("{needle:?}: the stop was not clean"),
        );
    }
}

fn clean_cell(took: Duration, exit: i32) -> String {
    format!("{}, `Exited ({exit})`, stop scripts ran", secs(took))
}

// ---------------------------------------------------------------------------------------------
// The runner

/// The images, made once `main` knows which cases run.
static IMAGES: OnceLock<Images> = OnceLock::new();

fn cases() -> Vec<Case> {
    let images = || IMAGES.get().expect("images prepared before the cases run");
    let mut cases = Vec::new();
    let mut add = |f: Flavour, init: Init, name: &str, run: Box<dyn Fn() + Send + Sync>| {
        cases.push(Case {
            name: format!("{}::{}::{name}", f.name(), init.name()),
            run,
        });
    };
    // The long ones first, so the others run beside them.
    for f in Flavour::ALL {
        add(
            f,
            Init::Vinit,
            "boot_idle_stop",
            Box::new(move || boot_idle_stop(images(), f)),
        );
    }
    for f in Flavour::ALL {
        add(
            f,
            Init::Stock,
            "docker_stop",
            Box::new(move || stock_docker_stop(images(), f)),
        );
        add(
            f,
            Init::Stock,
            "sigint_seed_ctrlaltdel",
            Box::new(move || stock_sigint_seed(images(), f)),
        );
        add(
            f,
            Init::Stock,
            "shutdown_h_now",
            Box::new(move || stock_shutdown(images(), f)),
        );
    }
    for f in Flavour::ALL {
        add(
            f,
            Init::Vinit,
            "docker_stop",
            Box::new(move || docker_stop(images(), f)),
        );
        add(
            f,
            Init::Vinit,
            "docker_stop_t30_budget28",
            Box::new(move || docker_stop_longer_grace(images(), f)),
        );
        add(
            f,
            Init::Vinit,
            "sigint_seed_ctrlaltdel",
            Box::new(move || stop_signal_sigint_seed(images(), f)),
        );
        add(
            f,
            Init::Vinit,
            "sigint_shipped_ctrlaltdel",
            Box::new(move || stop_signal_sigint_shipped(images(), f)),
        );
        let inside_cases: [(&str, &'static [&'static str], &'static str); 4] = [
            ("shutdown_h_now", &["shutdown", "-h", "now"], A_SHUTDOWN),
            ("halt", &["halt"], A_HALT),
            ("poweroff", &["poweroff"], A_POWEROFF),
            ("telinit_0", &["telinit", "0"], A_TELINIT0),
        ];
        for (name, cmd, action) in inside_cases {
            add(
                f,
                Init::Vinit,
                name,
                Box::new(move || inside(images(), f, name, cmd, action)),
            );
        }
        if f == Flavour::Openrc {
            // OpenRC's own client writes the FIFO itself, with a sleeptime of 0 (compat §2.2).
            let openrc_cases: [(&str, &'static [&'static str], &'static str); 2] = [
                (
                    "openrc_shutdown_poweroff",
                    &["openrc-shutdown", "-p", "now"],
                    A_OPENRC_SHUTDOWN,
                ),
                (
                    "openrc_shutdown_halt",
                    &["openrc-shutdown", "-H", "now"],
                    "`openrc-shutdown -H now` inside",
                ),
            ];
            for (name, cmd, action) in openrc_cases {
                add(
                    f,
                    Init::Vinit,
                    name,
                    Box::new(move || inside(images(), f, name, cmd, action)),
                );
            }
        }
        add(
            f,
            Init::Vinit,
            "single_user_and_back",
            Box::new(move || single_user_and_back(images(), f)),
        );
        add(
            f,
            Init::Vinit,
            "reboot",
            Box::new(move || reboot(images(), f)),
        );
    }
    cases
}

fn main() -> ExitCode {
    let selection = match runner::select(cases()) {
        Ok(selection) => selection,
        Err(code) => return code,
    };

    match distros::prepare() {
        Ok(images) => {
            let _ = IMAGES.set(images);
        }
        Err(e) => return runner::setup_failed("distros", &e),
    }
    // No more busy containers than CPUs: an OpenRC shutdown is seconds of shell work, and three
    // at once on two CPUs took CI's past level 0's share of the 9 s budget (5.6 s).
    let jobs = runner::jobs("VINIT_DISTRO_JOBS", runner::cores().min(3));
    println!(
        "\nrunning {} tests ({jobs} at a time)",
        selection.cases.len()
    );
    let failed = selection.run(jobs);
    if let Some(images) = IMAGES.get() {
        images.remove();
    }

    let table = table::render(&ORDER);
    println!(
        "\nBefore/after: wall time from the request to the container's exit (or as stated)\n{table}"
    );
    let _ = std::fs::write(distros::cache_dir().join("times.md"), &table);
    selection.finish(&failed)
}
