//! Baseline: the same images with stock sysvinit as PID 1.

use core::time::Duration;
use std::time::Instant;

use support::distros::{Flavour, Images, Init, count_lines};
use support::table::{record, secs};

use super::{
    A_BOOT, A_SHUTDOWN, A_SIGINT, A_STOP, DOCKER_STOP_SECS, FAST_STOP, SEED_CTRLALTDEL, boot,
    boot_with_inittab, level, with_ctrlaltdel,
};

/// Stock sysvinit ignores SIGTERM: Docker waits its 10 s and SIGKILLs it; no stop script runs.
pub(crate) fn stock_docker_stop(images: &Images, f: Flavour) {
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
pub(crate) fn stock_sigint_seed(images: &Images, f: Flavour) {
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
pub(crate) fn stock_shutdown(images: &Images, f: Flavour) {
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
