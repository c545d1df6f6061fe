//! vinit under a real Podman (issue #13): Debian with sysv-rc and Debian's inittab (the
//! distribution tests' root filesystem, imported with `podman import`) boots and stops under
//! vinit in rootful Podman with runc, on every path Podman has; the same image with stock
//! sysvinit as PID 1 is the baseline.
//!
//! What Podman does: it runs `/sbin/init` in systemd mode (a tmpfs on /run and /tmp,
//! `container=podman`, and SIGRTMIN+3 = 37 as the stop signal); `--systemd=false` keeps
//! SIGTERM. `podman stop` waits 10 s (`-t` to change it), then SIGKILLs.
//!
//! Slow (real engine, stock sysvinit waits out Podman's timeouts), so it runs only when named
//! (`test = false`), with its own runner (`harness = false`): `cargo test --release --test
//! podman [FILTER...]`, as `.ci/run` does. The support code is tests/support/podman.rs. Every
//! scenario asserts the exit code `podman inspect` shows and the wall time; the suite ends with
//! the table of vinit's and sysvinit's exit and seconds per scenario (also written to
//! target/podman/times.md). `VINIT_PODMAN_JOBS` scenarios run at once (default 3);
//! `VINIT_DOCKER_LOGS=1` prints every container's logs.

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

use support::distros::{Flavour, Init, count_lines};
use support::docker::Scenario;
use support::podman::{self, Images, Pod};
use support::runner::{self, Case};
use support::table::{self, record, secs};

/// Bound on a boot reaching every service (2-3 s measured).
const BOOT: Duration = Duration::from_secs(20);
/// "Well under Podman's 10 s": the slowest stop script flushes for 1 s.
const FAST_STOP: Duration = Duration::from_secs(5);
/// The same for a command run inside, timed from `podman exec` to the exit seen by polling.
const FAST_INSIDE: Duration = Duration::from_secs(7);
/// Podman's default `podman stop` timeout.
const PODMAN_STOP: Duration = Duration::from_secs(10);
/// How long stock sysvinit is watched staying up after a request it does not end on.
const STAYS: Duration = Duration::from_secs(10);
/// The one flavour: Debian's sysvinit and its inittab are what people run under Podman.
const DEBIAN: Flavour = Flavour::Debian;

// Rows of the table, in order.
const A_BOOT: &str = "boot → every service up";
const A_RUNLEVEL: &str = "`podman exec … runlevel`";
const A_STOP: &str = "`podman stop` (systemd mode: 37)";
const A_STOP_TERM: &str = "`--systemd=false`, `podman stop` (15)";
const A_STOP_T30: &str = "`podman stop -t 30`, `VINIT_STOP_TIMEOUT=28`";
const A_SHUTDOWN: &str = "`podman exec … shutdown -h now`";
const A_KILL_37: &str = "`podman kill -s SIGRTMIN+3`";
const A_REBOOT: &str = "`podman exec … reboot` → services up again";
const A_REBOOT_EXIT: &str = "`VINIT_REBOOT=exit:3`, `--restart on-failure`, `reboot` inside";
const ORDER: [&str; 9] = [
    A_BOOT,
    A_RUNLEVEL,
    A_STOP,
    A_STOP_TERM,
    A_STOP_T30,
    A_SHUTDOWN,
    A_KILL_37,
    A_REBOOT,
    A_REBOOT_EXIT,
];

/// The images, made once `main` knows which cases run.
static IMAGES: OnceLock<Images> = OnceLock::new();

fn images() -> &'static Images {
    IMAGES.get().expect("images prepared before the cases run")
}

/// Boots `init` and waits for every service; the boot's length.
fn boot(init: Init, label: &str, args: &[&str]) -> (Scenario, Pod, Duration) {
    let label = format!("{}-{label}", init.name());
    let s = Scenario::new(&format!("podman-{label}"));
    let pod = Pod::run(&s, images().tag(init), &label, args);
    let up = pod.wait_up(&s, 1, pod.started, BOOT, false);
    (s, pod, up)
}

/// `exit N, 1.8 s`
fn cell(exit: i32, took: Duration) -> String {
    format!("exit {exit}, {}", secs(took))
}

/// What the test service's stop script says happened: `stops` runs of it in /data.
fn scripts(stops: usize) -> &'static str {
    if stops == 0 {
        "no stop script ran"
    } else {
        "stop scripts ran"
    }
}

/// A vinit stop's cell (its stop scripts' run is asserted by `assert_clean_stop`).
fn clean_cell(exit: i32, took: Duration, s: &Scenario) -> String {
    let stops = count_lines(&s.read("vinit-test.log"), "stop");
    format!("{}, {}", cell(exit, took), scripts(stops))
}

/// What every clean stop of a vinit container shows: exit 0, the test service stopped by its
/// script `stops` times in all (its flush complete, the last in level 0 or 6), the stop's
/// timeline in the logs, and no KILL needed.
fn assert_clean_stop(pod: &Pod, s: &Scenario, exit: i32, stops: usize) {
    pod.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    let log = s.read("vinit-test.log");
    pod.assert_that(
        count_lines(&log, "stop") == stops
            && log.lines().last().is_some_and(|l| {
                l.starts_with("stop runlevel=0 ") || l.starts_with("stop runlevel=6 ")
            }),
        &format!("the test service's stop script did not run {stops}x last: {log:?}"),
    );
    let flush = s.read("vinit-test.log.flush");
    pod.assert_that(
        flush.starts_with("flushing\n") && flush.trim_end().ends_with("flushed"),
        &format!("the test service's flush is incomplete: {flush:?}"),
    );
    let logs = pod.logs();
    for needle in [
        "Switching to runlevel: 0",
        "All processes ended within",
        "vinit: info: stop: complete in",
    ] {
        pod.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in podman logs"),
        );
    }
    for needle in [
        "stop: grace period over",
        "share of the stop budget ran out",
    ] {
        pod.assert_that(
            !logs.contains(needle),
            &format!("{needle:?}: the stop was not clean"),
        );
    }
}

/// The stop signal Podman put in the container's configuration.
fn assert_stop_signal(pod: &Pod, want: &str) {
    let signal = pod.inspect("{{.Config.StopSignal}}");
    pod.assert_that(
        signal == want,
        &format!("Podman's stop signal is {signal}, expected {want}"),
    );
}

/// vinit's line for the stop request (`stop: SIGTERM received: …`).
fn stop_line(pod: &Pod) -> String {
    pod.logs()
        .lines()
        .find(|l| l.contains("vinit: info: stop: ") && l.contains(" received: "))
        .unwrap_or_else(|| pod.fail("no `stop: … received` line"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// vinit

/// Boot, `runlevel` inside, then `podman stop`: systemd mode, so Podman sends 37.
fn vinit_boot_runlevel_stop() {
    let (s, pod, up) = boot(Init::Vinit, "stop", &[]);
    record(DEBIAN, Init::Vinit, A_BOOT, secs(up));
    let env = pod.exec_ok(&["sh", "-c", "tr '\\0' '\\n' </proc/1/environ"]);
    pod.assert_that(
        env.lines().any(|l| l == "container=podman"),
        &format!("no container=podman in PID 1's environment: {env}"),
    );
    let runlevel = pod.exec_ok(&["runlevel"]);
    record(DEBIAN, Init::Vinit, A_RUNLEVEL, format!("`{runlevel}`"));
    pod.assert_that(runlevel == "N 2", &format!("runlevel said {runlevel:?}"));
    assert_stop_signal(&pod, "37");
    let took = pod.stop(None);
    let exit = pod.wait_exit(FAST_STOP);
    record(DEBIAN, Init::Vinit, A_STOP, clean_cell(exit, took, &s));
    assert_clean_stop(&pod, &s, exit, 1);
    pod.assert_that(took < FAST_STOP, &format!("podman stop took {took:?}"));
    let line = stop_line(&pod);
    pod.assert_that(
        !line.contains("SIGTERM") && line.contains("runlevel 0"),
        &format!("not the halt signal 37: {line}"),
    );
}

/// `--systemd=false`: Podman sends SIGTERM, as Docker does.
fn vinit_stop_sigterm() {
    let (s, pod, _) = boot(Init::Vinit, "stop-term", &["--systemd=false"]);
    assert_stop_signal(&pod, "15");
    let took = pod.stop(None);
    let exit = pod.wait_exit(FAST_STOP);
    record(DEBIAN, Init::Vinit, A_STOP_TERM, clean_cell(exit, took, &s));
    assert_clean_stop(&pod, &s, exit, 1);
    pod.assert_that(took < FAST_STOP, &format!("podman stop took {took:?}"));
    let line = stop_line(&pod);
    pod.assert_that(line.contains("SIGTERM received"), &line);
}

/// A longer grace period: `podman stop -t 30` with a stop budget of 28 s.
fn vinit_stop_t30() {
    let (s, pod, _) = boot(Init::Vinit, "stop-t30", &["-e", "VINIT_STOP_TIMEOUT=28"]);
    let took = pod.stop(Some(30));
    let exit = pod.wait_exit(FAST_STOP);
    record(DEBIAN, Init::Vinit, A_STOP_T30, clean_cell(exit, took, &s));
    assert_clean_stop(&pod, &s, exit, 1);
    pod.assert_that(
        took < FAST_STOP,
        &format!("podman stop -t 30 took {took:?}"),
    );
    let line = stop_line(&pod);
    pod.assert_that(
        line.contains("budget 28000 ms"),
        &format!("the budget is not the 28 s asked for: {line}"),
    );
}

/// `podman exec … shutdown -h now`: the container ends with exit 0.
fn vinit_shutdown() {
    let (s, pod, _) = boot(Init::Vinit, "shutdown", &[]);
    let start = Instant::now();
    let out = pod.exec(&["shutdown", "-h", "now"]);
    pod.assert_that(!out.timed_out, &format!("shutdown hung: {out:?}"));
    let exit = pod.wait_exit(PODMAN_STOP);
    let took = start.elapsed();
    record(DEBIAN, Init::Vinit, A_SHUTDOWN, clean_cell(exit, took, &s));
    assert_clean_stop(&pod, &s, exit, 1);
    pod.assert_that(took < FAST_INSIDE, &format!("shutdown took {took:?}"));
}

/// `podman kill -s SIGRTMIN+3`: the halt signal by hand.
fn vinit_kill_37() {
    let (s, pod, _) = boot(Init::Vinit, "kill-37", &[]);
    let start = Instant::now();
    pod.kill("SIGRTMIN+3");
    let exit = pod.wait_exit(PODMAN_STOP);
    let took = start.elapsed();
    record(DEBIAN, Init::Vinit, A_KILL_37, clean_cell(exit, took, &s));
    assert_clean_stop(&pod, &s, exit, 1);
    pod.assert_that(took < FAST_STOP, &format!("the stop took {took:?}"));
    let line = stop_line(&pod);
    pod.assert_that(!line.contains("SIGTERM"), &format!("not 37: {line}"));
}

/// `podman exec … reboot`: level 6's scripts stop the services, then vinit boots the inittab
/// again in place; the container never exits.
fn vinit_reboot() {
    let (s, pod, _) = boot(Init::Vinit, "reboot", &[]);
    let started_at = pod.inspect("{{.State.StartedAt}}");
    let start = Instant::now();
    let out = pod.exec(&["reboot"]);
    pod.assert_that(!out.timed_out, &format!("reboot hung: {out:?}"));
    let took = pod.wait_up(&s, 2, start, BOOT, false);
    record(
        DEBIAN,
        Init::Vinit,
        A_REBOOT,
        format!("{}, not restarted (in place)", secs(took)),
    );
    let log = s.read("vinit-test.log");
    pod.assert_that(
        log.contains("stop runlevel=6 "),
        &format!("level 6 did not stop the test service: {log:?}"),
    );
    pod.assert_that(
        pod.logs().contains("vinit: info: rebooting in place"),
        "no reboot in the timeline",
    );
    let state = pod.inspect("{{.State.StartedAt}} {{.RestartCount}}");
    pod.assert_that(
        state == format!("{started_at} 0"),
        &format!("the container restarted: {state}"),
    );
    let runlevel = pod.exec_ok(&["runlevel"]);
    pod.assert_that(
        runlevel == "N 2",
        &format!("runlevel said {runlevel:?} after the reboot"),
    );
    let took = pod.stop(None);
    let exit = pod.wait_exit(FAST_STOP);
    assert_clean_stop(&pod, &s, exit, 2);
    pod.assert_that(took < FAST_STOP, &format!("podman stop took {took:?}"));
}

/// `VINIT_REBOOT=exit:3` with `--restart on-failure`: `reboot` inside ends level 6 with exit 3,
/// and Podman starts the container again: a new boot, every service up.
fn vinit_reboot_exit_restart() {
    let (s, pod, _) = boot(
        Init::Vinit,
        "reboot-exit3",
        &["-e", "VINIT_REBOOT=exit:3", "--restart", "on-failure"],
    );
    let start = Instant::now();
    let out = pod.exec(&["reboot"]);
    pod.assert_that(!out.timed_out, &format!("reboot hung: {out:?}"));
    let took = pod.wait_up(&s, 2, start, BOOT, true);
    let restarts = pod.inspect("{{.RestartCount}}");
    let exits = died_codes(&pod);
    record(
        DEBIAN,
        Init::Vinit,
        A_REBOOT_EXIT,
        format!(
            "exit {}, restarted by Podman: services up again in {}",
            exits.join(", "),
            secs(took)
        ),
    );
    pod.assert_that(
        restarts == "1",
        &format!("RestartCount {restarts}, expected 1"),
    );
    pod.assert_that(
        exits == ["3"],
        &format!("the container's exits were {exits:?}, expected [\"3\"]"),
    );
    let log = s.read("vinit-test.log");
    pod.assert_that(
        log.contains("stop runlevel=6 "),
        &format!("level 6 did not stop the test service: {log:?}"),
    );
    // Exit 0 is no failure: the policy leaves a stop alone.
    let took = pod.stop(None);
    let exit = pod.wait_exit(FAST_STOP);
    assert_clean_stop(&pod, &s, exit, 2);
    pod.assert_that(took < FAST_STOP, &format!("podman stop took {took:?}"));
    pod.assert_that(
        pod.inspect("{{.RestartCount}}") == "1",
        "restarted after exit 0",
    );
}

/// The exit codes of the container's deaths so far, from Podman's event log.
fn died_codes(pod: &Pod) -> Vec<String> {
    let filter = format!("container={}", pod.name);
    let out = podman::podman(
        &[
            "events",
            "--stream=false",
            "--since",
            "10m",
            "--filter",
            &filter,
            "--filter",
            "event=died",
            "--format",
            "{{.ContainerExitCode}}",
        ],
        Duration::from_secs(30),
    );
    pod.assert_that(out.ok(), &format!("podman events failed: {out:?}"));
    out.stdout.lines().map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------------------------
// Baseline: stock sysvinit

/// A stop request stock sysvinit does not act on: Podman waits its timeout and SIGKILLs.
fn stock_stop(label: &str, args: &[&str], secs_arg: Option<u32>, action: &'static str) {
    let (s, pod, up) = boot(Init::Stock, label, args);
    if secs_arg.is_none() && args.is_empty() {
        record(DEBIAN, Init::Stock, A_BOOT, secs(up));
        let runlevel = pod.exec_ok(&["runlevel"]);
        record(DEBIAN, Init::Stock, A_RUNLEVEL, format!("`{runlevel}`"));
        pod.assert_that(runlevel == "N 2", &format!("runlevel said {runlevel:?}"));
    }
    let took = pod.stop(secs_arg);
    let exit = pod.wait_exit(FAST_STOP);
    let ran = count_lines(&s.read("vinit-test.log"), "stop");
    record(
        DEBIAN,
        Init::Stock,
        action,
        format!("{}, {}", cell(exit, took), scripts(ran)),
    );
    pod.assert_that(exit == 137, &format!("exit code {exit}, expected 137"));
    let timeout = Duration::from_secs(secs_arg.unwrap_or(10).into());
    pod.assert_that(
        took >= timeout - Duration::from_millis(500),
        &format!("podman stop took only {took:?}"),
    );
}

/// A request stock sysvinit handles without ending: PID 1 stays, as `title`.
fn stock_stays(label: &str, args: &[&str], request: &dyn Fn(&Pod), action: &'static str) {
    let (s, pod, _) = boot(Init::Stock, label, args);
    request(&pod);
    pod.assert_stays_running(STAYS);
    let title = pod.exec_ok(&["ps", "-o", "args=", "-p", "1"]);
    let runlevel = pod.exec_ok(&["runlevel"]);
    let stops = count_lines(&s.read("vinit-test.log"), "stop");
    record(
        DEBIAN,
        Init::Stock,
        action,
        format!(
            "still running {} later as `{title}` (`runlevel`: {runlevel}), {}",
            secs(STAYS),
            scripts(stops)
        ),
    );
}

fn exec_quietly(pod: &Pod, cmd: &[&str]) {
    let out = pod.exec(cmd);
    pod.assert_that(
        !out.timed_out,
        &format!("`{}` hung: {out:?}", cmd.join(" ")),
    );
}

// ---------------------------------------------------------------------------------------------

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |init: Init, name: &str, run: Box<dyn Fn() + Send + Sync>| {
        cases.push(Case {
            name: format!("{}::{}::{name}", DEBIAN.name(), init.name()),
            run,
        });
    };
    // The long ones first (stock sysvinit waits out Podman's timeouts), the others beside them.
    add(
        Init::Stock,
        "podman_stop_t30",
        Box::new(|| stock_stop("stop-t30", &[], Some(30), A_STOP_T30)),
    );
    add(
        Init::Stock,
        "podman_stop",
        Box::new(|| stock_stop("stop", &[], None, A_STOP)),
    );
    add(
        Init::Stock,
        "podman_stop_systemd_false",
        Box::new(|| stock_stop("stop-term", &["--systemd=false"], None, A_STOP_TERM)),
    );
    add(
        Init::Stock,
        "exec_shutdown_h_now",
        Box::new(|| {
            stock_stays(
                "shutdown",
                &[],
                &|p| exec_quietly(p, &["shutdown", "-h", "now"]),
                A_SHUTDOWN,
            );
        }),
    );
    add(
        Init::Stock,
        "kill_sigrtmin3",
        Box::new(|| stock_stays("kill-37", &[], &|p| p.kill("SIGRTMIN+3"), A_KILL_37)),
    );
    add(
        Init::Stock,
        "exec_reboot",
        Box::new(|| {
            stock_stays("reboot", &[], &|p| exec_quietly(p, &["reboot"]), A_REBOOT);
        }),
    );
    add(
        Init::Stock,
        "exec_reboot_restart_on_failure",
        Box::new(|| {
            stock_stays(
                "reboot-restart",
                &["--restart", "on-failure"],
                &|p| exec_quietly(p, &["reboot"]),
                A_REBOOT_EXIT,
            );
        }),
    );
    add(
        Init::Vinit,
        "boot_runlevel_podman_stop",
        Box::new(vinit_boot_runlevel_stop),
    );
    add(
        Init::Vinit,
        "podman_stop_systemd_false",
        Box::new(vinit_stop_sigterm),
    );
    add(
        Init::Vinit,
        "podman_stop_t30_budget28",
        Box::new(vinit_stop_t30),
    );
    add(Init::Vinit, "exec_shutdown_h_now", Box::new(vinit_shutdown));
    add(Init::Vinit, "kill_sigrtmin3", Box::new(vinit_kill_37));
    add(Init::Vinit, "exec_reboot", Box::new(vinit_reboot));
    add(
        Init::Vinit,
        "reboot_exit3_restart_on_failure",
        Box::new(vinit_reboot_exit_restart),
    );
    cases
}

fn main() -> ExitCode {
    let selection = match runner::select(cases()) {
        Ok(selection) => selection,
        Err(code) => return code,
    };

    let prepared = std::panic::catch_unwind(|| podman::prepare(DEBIAN))
        .unwrap_or_else(|_| Err("the engine setup panicked (see above)".into()));
    match prepared {
        Ok(images) => {
            let _ = IMAGES.set(images);
        }
        Err(e) => return runner::setup_failed("podman", &e),
    }
    let jobs = runner::jobs("VINIT_PODMAN_JOBS", 3);
    println!(
        "\nrunning {} tests ({jobs} at a time) under Podman {}",
        selection.cases.len(),
        podman::ensure_engine()
    );
    let failed = selection.run(jobs);
    if let Some(images) = IMAGES.get() {
        images.remove();
    }

    let table = table::render(&ORDER);
    println!(
        "\nPodman, rootful, runc: exit code (`podman inspect`) and wall time from the request to \
         the container's exit (or as stated)\n{table}"
    );
    let dir = support::target_dir().join("podman");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("times.md"), &table);
    selection.finish(&failed)
}
