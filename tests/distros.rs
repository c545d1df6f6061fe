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
//! `VINIT_DISTRO_JOBS` scenarios run at once (default 3), `VINIT_DOCKER_LOGS=1` prints every
//! container's logs.

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
use std::time::Instant;

use support::distros::{self, Case, Flavour, Images, Init, Machine, count_lines, record, secs};
use support::docker::Scenario;

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
// vinit scenarios

/// Boot: every service up, `runlevel` and `who -r` right, the inittab's gettys (no ttys in a
/// container) throttled by sysvinit's rule once each and quiet after that, PID 1 idle; then
/// `docker stop` after the long idle is as clean as any other.
fn boot_idle_stop(images: &Images, f: Flavour) {
    let (s, m, up) = boot(images, f, Init::Vinit, "boot", &[]);
    record(f, Init::Vinit, A_BOOT, secs(up));
    let lvl = level(f);
    let logs = m.logs();
    for needle in [
        "vinit: info: booting /etc/inittab as PID 1",
        &format!("vinit: info: Entering runlevel: {lvl}"),
        "Starting periodic command scheduler: cron",
        "Starting internet superserver: inetd",
        "rsyslogd",
    ] {
        m.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in docker logs"),
        );
    }
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("N {lvl}"),
        &format!("runlevel said {runlevel:?}"),
    );
    let who = m.exec_ok(&["who", "-r"]);
    m.assert_that(
        who.contains(&format!("run-level {lvl}")) && who.contains("last=S"),
        &format!("who -r said {who:?}"),
    );

    // The gettys: each respawned until sysvinit's limit, then disabled once, quietly.
    let messages = |logs: &str| {
        f.getty_ids().map(|id| {
            logs.matches(&format!("Id \"{id}\" respawning too fast"))
                .count()
        })
    };
    let deadline = Instant::now() + GETTY_THROTTLE;
    let mut logs = m.logs();
    while messages(&logs).contains(&0) {
        m.assert_that(
            Instant::now() < deadline,
            &format!("gettys not throttled within {GETTY_THROTTLE:?}"),
        );
        m.assert_that(m.is_running(), "exited while idle");
        std::thread::sleep(Duration::from_secs(2));
        logs = m.logs();
    }
    let throttled = m.started.elapsed();
    // The last getty of each id exits ~10 s after its start; then none is started again.
    std::thread::sleep(Duration::from_secs(12));
    let gettys = m.exec_ok(&["sh", "-c", "ps -eo comm= | grep -c getty || true"]);
    m.assert_that(
        gettys == "0",
        &format!("{gettys} gettys still running after the throttle"),
    );
    let logs = m.logs();
    m.assert_that(
        messages(&logs).iter().all(|&n| n == 1),
        &format!(
            "a getty was throttled more than once: {:?}",
            messages(&logs)
        ),
    );
    // Quietly: the throttle's one line per getty is all the logs say about them.
    let noise: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("getty") || l.contains("tty1"))
        .filter(|l| !l.contains("respawning too fast"))
        .collect();
    m.assert_that(
        noise.is_empty(),
        &format!("the gettys are noisy: {noise:?}"),
    );
    // PID 1's own CPU time (utime + stime, in clock ticks of 10 ms) over the whole boot and idle.
    let stat = m.exec_ok(&["cat", "/proc/1/stat"]);
    let fields: Vec<&str> = stat
        .rsplit(") ")
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    m.assert_that(
        ticks < 100,
        &format!("PID 1 used {ticks} ticks of CPU while idle"),
    );
    eprintln!(
        "distros: {}: gettys throttled {:.0} s after the boot, PID 1 CPU {} ms",
        f.name(),
        throttled.as_secs_f64(),
        ticks * 10
    );

    services_still_up(&m);
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}

fn services_still_up(m: &Machine) {
    let down = m.services_down();
    m.assert_that(down.is_empty(), &format!("services down: {down}"));
}

/// `docker stop` with Docker's defaults (SIGTERM, 10 s).
fn docker_stop(images: &Images, f: Flavour) {
    let (s, m, _) = boot(images, f, Init::Vinit, "stop", &[]);
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    record(f, Init::Vinit, A_STOP, clean_cell(took, exit));
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
    let logs = m.logs();
    for needle in [
        "vinit: info: stop: SIGTERM received",
        "Stopping internet superserver: inetd",
    ] {
        m.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in docker logs"),
        );
    }
}

/// A longer grace period: `docker stop -t 30` with a stop budget of 28 s (`-e
/// VINIT_STOP_TIMEOUT=28`, as for Kubernetes' default terminationGracePeriodSeconds of 30).
fn docker_stop_longer_grace(images: &Images, f: Flavour) {
    let (s, m, _) = boot(
        images,
        f,
        Init::Vinit,
        "stop-t30",
        &["-e", "VINIT_STOP_TIMEOUT=28"],
    );
    let took = m.stop_within(30);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(
        took < FAST_STOP,
        &format!("docker stop -t 30 took {took:?}"),
    );
    m.assert_that(
        m.logs().contains("budget 28000 ms"),
        "the budget is not the 28 s asked for",
    );
}

/// The seed's workaround still works: `--stop-signal SIGINT` with a `ctrlaltdel` line that
/// halts.
fn stop_signal_sigint_seed(images: &Images, f: Flavour) {
    let (s, m, _) = boot_with_inittab(
        images,
        f,
        Init::Vinit,
        "sigint-seed",
        |t| with_ctrlaltdel(t, SEED_CTRLALTDEL),
        &["--stop-signal", "SIGINT"],
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    record(f, Init::Vinit, A_SIGINT, clean_cell(took, exit));
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
    m.assert_that(
        m.logs().contains("vinit: info: stop: SIGINT received"),
        "no SIGINT in the timeline",
    );
}

/// `--stop-signal SIGINT` with the distribution's own `ctrlaltdel` line, which asks for a
/// reboot (Debian: `shutdown -t1 -a -r now`; Gentoo: `shutdown -r now`): the runtime wants the
/// container gone, so the reboot becomes a halt.
fn stop_signal_sigint_shipped(images: &Images, f: Flavour) {
    let (s, m, _) = boot(
        images,
        f,
        Init::Vinit,
        "sigint-shipped",
        &["--stop-signal", "SIGINT"],
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
    let starts = count_lines(&s.read("vinit-test.log"), "start");
    m.assert_that(starts == 1, &format!("booted again: {starts} starts"));
}

/// The distribution's own tools inside: `cmd` ends the container with exit 0.
fn inside(images: &Images, f: Flavour, label: &str, cmd: &[&str], action: &'static str) {
    let (s, m, _) = boot(images, f, Init::Vinit, label, &[]);
    let start = Instant::now();
    let out = m.exec(cmd);
    m.assert_that(
        !out.timed_out,
        &format!("`{}` hung: {out:?}", cmd.join(" ")),
    );
    let (exit, _) = m.wait_exit(Duration::from_secs(DOCKER_STOP_SECS.into()));
    let took = start.elapsed();
    record(f, Init::Vinit, action, clean_cell(took, exit));
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(
        took < FAST_INSIDE,
        &format!("`{}` took {took:?} to end the container", cmd.join(" ")),
    );
}

/// `telinit 1`, then back to the multi-user level with `telinit 2` (Debian) or `telinit 3`
/// (Gentoo's inittab): the services are stopped by their scripts, then started again.
/// Debian's level 1 ends in `telinit S` and `sulogin`, which needs a console: the container
/// gets a terminal (`-t`) so that single-user mode waits there as on a real machine.
fn single_user_and_back(images: &Images, f: Flavour) {
    let args: &[&str] = if f == Flavour::Debian { &["-t"] } else { &[] };
    let (s, m, _) = boot(images, f, Init::Vinit, "single", args);
    let lvl = level(f);
    m.exec_ok(&["telinit", "1"]);
    m.wait_down(Duration::from_secs(20));
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == 1,
        &format!("the test service's stop did not run: {log:?}"),
    );
    let (want, back_from) = match f {
        Flavour::Debian => ("1 S".to_owned(), 'S'),
        Flavour::Openrc => (format!("{lvl} 1"), '1'),
    };
    // Debian's `single` switches to S right after rc 1; wait for the record.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut runlevel = m.exec_ok(&["runlevel"]);
    while runlevel != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        runlevel = m.exec_ok(&["runlevel"]);
    }
    m.assert_that(
        runlevel == want,
        &format!("runlevel said {runlevel:?}, expected {want:?}"),
    );
    if f == Flavour::Debian {
        let ps = m.exec_ok(&["ps", "-eo", "args="]);
        m.assert_that(
            ps.contains("sulogin"),
            &format!("no sulogin in single-user mode: {ps}"),
        );
    }

    let back = Instant::now();
    m.exec_ok(&["telinit", &lvl.to_string()]);
    m.wait_up(&s, 2, BOOT);
    record(
        f,
        Init::Vinit,
        A_SINGLE,
        format!("{} from `telinit {lvl}`", secs(back.elapsed())),
    );
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("{back_from} {lvl}"),
        &format!("runlevel said {runlevel:?}"),
    );
    let who = m.exec_ok(&["who", "-r"]);
    m.assert_that(
        who.contains(&format!("run-level {lvl}")) && who.contains(&format!("last={back_from}")),
        &format!("who -r said {who:?}"),
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 2);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}

/// `reboot` inside: level 6's scripts stop the services, then vinit boots the inittab again in
/// place; the container never exits.
fn reboot(images: &Images, f: Flavour) {
    let (s, m, _) = boot(images, f, Init::Vinit, "reboot", &[]);
    let started_at = m.inspect("{{.State.StartedAt}}");
    let start = Instant::now();
    let out = m.exec(&["reboot"]);
    m.assert_that(!out.timed_out, &format!("reboot hung: {out:?}"));
    m.wait_up(&s, 2, BOOT);
    let took = start.elapsed();
    record(
        f,
        Init::Vinit,
        A_REBOOT,
        format!("{}, container not restarted", secs(took)),
    );
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == 1,
        &format!("level 6 did not stop the test service: {log:?}"),
    );
    if f == Flavour::Debian {
        m.assert_that(
            log.contains("stop runlevel=6 "),
            &format!("not stopped in level 6: {log:?}"),
        );
    }
    m.assert_that(
        m.logs().contains("vinit: info: rebooting in place"),
        "no reboot in the timeline",
    );
    let state = m.inspect("{{.State.StartedAt}} {{.RestartCount}}");
    m.assert_that(
        state == format!("{started_at} 0"),
        &format!("the container restarted: {state}"),
    );
    let lvl = level(f);
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("N {lvl}"),
        &format!("runlevel said {runlevel:?} after the reboot"),
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 2);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}

// ---------------------------------------------------------------------------------------------
// Baseline: stock sysvinit

/// Stock sysvinit ignores SIGTERM: Docker waits its 10 s and SIGKILLs it; no stop script runs.
fn stock_docker_stop(images: &Images, f: Flavour) {
    let (s, m, up) = boot(images, f, Init::Stock, "stop", &[]);
    record(f, Init::Stock, A_BOOT, secs(up));
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    record(
        f,
        Init::Stock,
        A_STOP,
        format!("{}, `Exited ({exit})`, no stop script ran", secs(took)),
    );
    m.assert_that(exit == 137, &format!("exit code {exit}, expected 137"));
    m.assert_that(
        took >= Duration::from_millis(9500),
        &format!("docker stop took only {took:?}"),
    );
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == 0,
        &format!("a stop script ran: {log:?}"),
    );
}

/// The seed's workaround without the sysvinit patch: SIGINT runs `shutdown -h now`, the stop
/// scripts run, but init stays in level 0 until Docker's SIGKILL.
fn stock_sigint_seed(images: &Images, f: Flavour) {
    let (s, m, _) = boot_with_inittab(
        images,
        f,
        Init::Stock,
        "sigint-seed",
        |t| with_ctrlaltdel(t, SEED_CTRLALTDEL),
        &["--stop-signal", "SIGINT"],
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    let log = s.read("vinit-test.log");
    let ran = count_lines(&log, "stop") == 1;
    let what = if ran {
        "stop scripts ran"
    } else {
        "no stop script ran"
    };
    record(
        f,
        Init::Stock,
        A_SIGINT,
        format!("{}, `Exited ({exit})`, {what}", secs(took)),
    );
    m.assert_that(exit == 137, &format!("exit code {exit}, expected 137"));
    m.assert_that(
        took >= Duration::from_millis(9500),
        &format!("docker stop took only {took:?}"),
    );
    m.assert_that(
        ran,
        &format!("the ctrlaltdel line's shutdown did not run level 0: {log:?}"),
    );
}

/// `shutdown -h now` under stock sysvinit: level 0's scripts run, `halt` cannot reboot(2)
/// without CAP_SYS_BOOT, and `init [0]` stays.
fn stock_shutdown(images: &Images, f: Flavour) {
    let (s, m, _) = boot(images, f, Init::Stock, "shutdown", &[]);
    let out = m.exec(&["shutdown", "-h", "now"]);
    m.assert_that(!out.timed_out, &format!("shutdown hung: {out:?}"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_lines(&s.read("vinit-test.log"), "stop") == 0 {
        m.assert_that(
            Instant::now() < deadline,
            "level 0 did not stop the test service",
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    m.assert_stays_running(Duration::from_secs(10));
    let title = m.exec_ok(&["ps", "-o", "args=", "-p", "1"]);
    let runlevel = m.exec_ok(&["runlevel"]);
    record(
        f,
        Init::Stock,
        A_SHUTDOWN,
        format!("still running 10 s later as `{title}` (`runlevel`: {runlevel})"),
    );
    m.assert_that(title == "init [0]", &format!("PID 1 is {title:?}"));
    m.assert_that(
        runlevel == format!("{} 0", level(f)),
        &format!("runlevel said {runlevel:?}"),
    );
}

// ---------------------------------------------------------------------------------------------

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

/// libtest's flags that take a value (cargo may pass them to every test binary).
const FLAGS_WITH_VALUE: [&str; 5] = ["--test-threads", "--format", "--color", "--skip", "-Z"];

fn main() -> ExitCode {
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
    let all = cases();
    let total = all.len();
    let run: Vec<Case> = all.into_iter().filter(|c| selected(&c.name)).collect();
    if list {
        for case in &run {
            println!("{}: test", case.name);
        }
        return ExitCode::SUCCESS;
    }
    if run.is_empty() {
        println!(
            "\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; {total} filtered out; finished in 0.00s\n"
        );
        return ExitCode::SUCCESS;
    }

    match distros::prepare() {
        Ok(images) => {
            let _ = IMAGES.set(images);
        }
        Err(e) => {
            eprintln!("distros: cannot prepare the images: {e}");
            println!(
                "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"
            );
            return ExitCode::FAILURE;
        }
    }
    let jobs = std::env::var("VINIT_DISTRO_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(3);
    println!("\nrunning {} tests ({jobs} at a time)", run.len());
    let failed = distros::run_cases(&run, jobs);
    if let Some(images) = IMAGES.get() {
        images.remove();
    }

    let table = distros::table(&ORDER);
    println!(
        "\nBefore/after: wall time from the request to the container's exit (or as stated)\n{table}"
    );
    let _ = std::fs::write(distros::cache_dir().join("times.md"), &table);
    if !failed.is_empty() {
        println!("\nfailures:");
        for name in &failed {
            println!("    {name}");
        }
    }
    let passed = run.len() - failed.len();
    println!(
        "\ntest result: {}. {passed} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        failed.len(),
        total - run.len(),
        start.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
