//! The stop budget: a hung level-0 script and services that ignore SIGTERM are killed inside
//! it, and a second stop signal hurries the stop.

use core::time::Duration;

use support::docker::{Container, Scenario, Stream, report};

use super::{
    BOOT, DOCKER_STOP_TIMEOUT, TWO_SERVICES, assert_between, assert_in_order, assert_under,
    wait_services,
};

/// A level-0 script that never finishes (and ignores SIGTERM): with the default budget the
/// container still exits 0 before Docker's 10 s SIGKILL, and the log names the script. With
/// `VINIT_STOP_TIMEOUT=3` or `-T 3`, the stop takes about 3 s.
#[test]
fn hung_level0_script_is_killed_inside_the_budget() {
    let inittab = TWO_SERVICES.replace("l0:0:wait:/etc/init.d/rc 0", "l0:0:wait:/etc/init.d/hang");
    let cases: [(&str, &[&str], &[&str], Duration); 3] = [
        ("hang-default", &[], &[], DOCKER_STOP_TIMEOUT),
        (
            "hang-env-3",
            &["-e", "VINIT_STOP_TIMEOUT=3"],
            &[],
            Duration::from_millis(4500),
        ),
        (
            "hang-flag-3",
            &[],
            &["-T", "3"],
            Duration::from_millis(4500),
        ),
    ];
    std::thread::scope(|scope| {
        for (label, args, vinit_args, bound) in cases {
            let inittab = inittab.as_str();
            scope.spawn(move || {
                let s = Scenario::new(label);
                let file = s.write("inittab", inittab);
                let mount = format!("{}:/etc/inittab:ro", file.display());
                let mut docker_args = vec!["-v", mount.as_str()];
                docker_args.extend_from_slice(args);
                let c = Container::run(&s, label, &docker_args, vinit_args);
                wait_services(&c, &s, 1);
                let took = c.stop();
                let (exit, _) = c.wait_exit(Duration::from_secs(5));
                report(
                    &format!("inittab, hung level-0 script, {label}"),
                    "docker stop",
                    took,
                    exit,
                );
                c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
                assert_under(&c, took, bound, "docker stop");
                c.assert_that(
                    s.read("rc.log").contains("hang started"),
                    "the level-0 script never ran",
                );
                c.assert_that(
                    s.read("slow.out").ends_with("flushed\n"),
                    "slow service lost data",
                );
                let logs = c.logs();
                c.assert_that(
                    logs.contains("stop: id \"l0\"") && logs.contains("still running"),
                    "the hung level-0 script is not named in docker logs",
                );
                c.assert_that(
                    logs.contains("stop: complete in"),
                    "no end of the stop in the logs",
                );
            });
        }
    });
}

/// A respawn service and a daemonised stray that both ignore SIGTERM: each is killed at the
/// end of its grace time and the exit is still 0, inside Docker's timeout.
#[test]
fn services_ignoring_sigterm_are_killed_after_the_grace() {
    let inittab = "\
id:3:initdefault:
si::sysinit:/etc/init.d/rcS
d1::sysinit:/bin/sh -c \"setsid /etc/init.d/service stray 0 --ignore-term &\"
s1:2345:respawn:/etc/init.d/service stubborn 0 --ignore-term
s2:2345:respawn:/etc/init.d/service fast 0
l0:0:wait:/etc/init.d/rc 0
";
    let s = Scenario::new("ignore-term");
    let c = Container::boot(&s, "ignore-term", inittab, &[]);
    c.wait_file(&s, "stray.out", "started", 1, BOOT);
    c.wait_file(&s, "stubborn.out", "started", 1, BOOT);
    c.wait_file(&s, "fast.out", "started", 1, BOOT);
    // Negative control for the probe below: both really are running and ignoring TERM.
    let before = c.processes();
    c.assert_that(
        before.iter().filter(|p| p.comm == "service").count() >= 3,
        &format!("expected three service shells, found {before:?}"),
    );
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "inittab, services ignoring SIGTERM",
        "docker stop",
        took,
        exit,
    );
    c.assert_that(
        exit == 0,
        &format!("exit code {exit}, expected 0 (137 = Docker killed it)"),
    );
    assert_under(&c, took, DOCKER_STOP_TIMEOUT, "docker stop");
    c.assert_that(
        s.read("fast.out").contains("flushed"),
        "fast service did not stop cleanly",
    );
    c.assert_that(s.read("rc.log").contains("rc 0"), "level 0 did not run");
    // Killed at the end of the grace, not before: the entry after sysvinit's 3 s between TERM
    // and KILL, the stray by the final sweep.
    assert_between(
        &c,
        took,
        Duration::from_millis(2900),
        DOCKER_STOP_TIMEOUT,
        "docker stop",
    );
    assert_in_order(
        &c,
        Stream::Stderr,
        &[
            "stop: SIGTERM received",
            "the TERM signal",
            "the KILL signal",
            "remaining processes",
            "KILL",
            "stop: complete in",
        ],
    );
}

/// A second stop signal hurries the stop: each one skips to the next phase (level-0 entries,
/// then TERM to everything, then KILL), so three `docker kill -s TERM` end a stop whose
/// level-0 script hangs long before the budget would.
#[test]
fn second_stop_signal_hurries_the_stop() {
    let s = Scenario::new("hurry");
    let inittab = TWO_SERVICES.replace("l0:0:wait:/etc/init.d/rc 0", "l0:0:wait:/etc/init.d/hang");
    let c = Container::boot(&s, "hurry", &inittab, &[]);
    wait_services(&c, &s, 1);
    let start = std::time::Instant::now();
    c.kill("TERM");
    c.wait_log("hang: stop script started", Duration::from_secs(5));
    c.kill("TERM");
    c.wait_log("another stop signal", Duration::from_secs(5));
    c.kill("TERM");
    let (exit, _) = c.wait_exit(DOCKER_STOP_TIMEOUT);
    let took = start.elapsed();
    report(
        "inittab, hung level 0, TERM x3",
        "first kill to exit",
        took,
        exit,
    );
    c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    // Without the extra signals this stop takes most of the 9 s budget (see the hang tests).
    assert_under(&c, took, Duration::from_secs(4), "the hurried stop");
    c.assert_that(
        s.read("slow.out").ends_with("flushed\n"),
        "slow service lost data",
    );
}
