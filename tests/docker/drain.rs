//! The drain delay (`VINIT_STOP_DELAY`) under `docker stop`: the stop waits the delay, then
//! runs as usual, inside Docker's 10 s.

use core::time::Duration;

use support::docker::{Container, Scenario, report};

use super::{
    DOCKER_STOP_TIMEOUT, TWO_SERVICES, assert_between, assert_clean_stop, assert_in_order,
    wait_services,
};
use support::docker::Stream;

/// `docker stop` with `VINIT_STOP_DELAY=2`: 2 s of drain, then the stop (the slow service's
/// 1 s flush), exit 0, level 0 ran: between 3 s and Docker's 10 s.
#[test]
fn docker_stop_with_a_drain_delay_waits_then_stops_cleanly() {
    let s = Scenario::new("stop-delay");
    let c = Container::boot(
        &s,
        "stop-delay",
        TWO_SERVICES,
        &["-e", "VINIT_STOP_DELAY=2"],
    );
    wait_services(&c, &s, 1);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "inittab, docker stop, VINIT_STOP_DELAY=2",
        "docker stop",
        took,
        exit,
    );
    assert_clean_stop(&c, &s, exit);
    assert_between(
        &c,
        took,
        Duration::from_millis(2_950),
        DOCKER_STOP_TIMEOUT,
        "docker stop with a 2 s drain",
    );
    assert_in_order(
        &c,
        Stream::Stderr,
        &[
            "stop: SIGTERM received: draining for 2000 ms before the stop",
            "stop: drain over: stopping",
            "Switching to runlevel: 0",
            "stop: complete in",
        ],
    );
}

/// Single-command mode: the TERM reaches the command 2 s after `docker stop`.
#[test]
fn docker_stop_single_mode_with_a_drain_delay() {
    let s = Scenario::new("stop-delay-single");
    let script =
        "trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 1 & wait $!; done";
    let c = Container::run(
        &s,
        "stop-delay-single",
        &["-e", "VINIT_STOP_DELAY=2"],
        &["--", "sh", "-c", script],
    );
    c.wait_log("ready", super::BOOT);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report("single mode, VINIT_STOP_DELAY=2", "docker stop", took, exit);
    c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    assert_between(
        &c,
        took,
        Duration::from_millis(1_950),
        DOCKER_STOP_TIMEOUT,
        "docker stop with a 2 s drain",
    );
    let logs = c.logs();
    c.assert_that(
        logs.contains("stop signal 15: draining for 2000 ms") && logs.contains("got TERM"),
        &format!("docker logs: {logs}"),
    );
}
