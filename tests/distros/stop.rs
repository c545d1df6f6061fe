//! vinit scenarios: stopping from outside (`docker stop`, the SIGINT stop signal) and from
//! inside (`shutdown`, `halt`, `poweroff`, `telinit 0`, `openrc-shutdown`).

use core::time::Duration;
use std::time::Instant;

use support::distros::{Flavour, Images, Init, count_lines};
use support::table::record;

use super::{
    A_SIGINT, A_STOP, DOCKER_STOP_SECS, FAST_INSIDE, FAST_STOP, SEED_CTRLALTDEL, assert_clean_stop,
    boot, boot_with_inittab, clean_cell, with_ctrlaltdel,
};

/// `docker stop` with Docker's defaults (SIGTERM, 10 s).
pub(crate) fn docker_stop(images: &Images, f: Flavour) {
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
pub(crate) fn docker_stop_longer_grace(images: &Images, f: Flavour) {
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
pub(crate) fn stop_signal_sigint_seed(images: &Images, f: Flavour) {
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
pub(crate) fn stop_signal_sigint_shipped(images: &Images, f: Flavour) {
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
pub(crate) fn inside(images: &Images, f: Flavour, label: &str, cmd: &[&str], action: &'static str) {
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
