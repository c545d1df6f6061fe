//! `docker stop`, `docker kill -s` and the other stop signals: level 0 runs, services flush,
//! `Exited (0)`; SIGPWR keeps sysvinit's meaning; a PID 1 without a TERM handler is the control.

use core::time::Duration;

use support::docker::{Container, Scenario, Stream, report};

use super::{
    DOCKER_STOP_TIMEOUT, FAST_STOP, TWO_SERVICES, assert_between, assert_clean_stop,
    assert_in_order, assert_under, wait_services, with_lines,
};

/// `docker stop` with the default SIGTERM: level 0 runs, the slow service gets its second to
/// flush, exit 0, and `docker logs` holds the services' output and vinit's timeline.
#[test]
fn docker_stop_sigterm_runs_level0_and_services_flush() {
    let s = Scenario::new("stop-sigterm");
    let c = Container::boot(&s, "stop-sigterm", TWO_SERVICES, &[]);
    wait_services(&c, &s, 1);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report("inittab, docker stop (SIGTERM)", "docker stop", took, exit);
    assert_clean_stop(&c, &s, exit);
    assert_under(&c, took, FAST_STOP, "docker stop");

    let logs = c.logs();
    for needle in [
        "rcS: booting",
        "slow: running as pid",
        "fast: running as pid",
        "slow: SIGTERM, flushing for 1s",
        "slow: stopped cleanly",
        "rc: entering runlevel 0",
        "vinit: info: stop: SIGTERM received",
        "vinit: info: stop: complete in",
    ] {
        c.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in docker logs"),
        );
    }
    // Each stream is in order (docker logs may interleave the two): vinit's timeline on
    // stderr, the services' own stop on stdout.
    assert_in_order(
        &c,
        Stream::Stderr,
        &[
            "stop: SIGTERM received",
            "Switching to runlevel: 0",
            "the TERM signal",
            "stop: complete in",
        ],
    );
    assert_in_order(
        &c,
        Stream::Stdout,
        &[
            "slow: SIGTERM, flushing",
            "slow: stopped cleanly",
            "rc: entering runlevel 0",
        ],
    );
}

/// Negative control for the exit-code and time checks: a PID 1 with no SIGTERM handler (here
/// `sleep`, as stock sysvinit ignores SIGTERM) is not stopped by `docker stop` at all; Docker
/// waits out its timeout and SIGKILLs it, `Exited (137)`.
#[test]
fn control_pid1_without_sigterm_handler_is_killed_with_137() {
    let s = Scenario::new("control-137");
    let c = Container::run(
        &s,
        "control-137",
        &["--entrypoint", "/bin/sleep"],
        &["1000"],
    );
    let took = c.stop_within(2);
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "control: sleep as PID 1, docker stop -t 2",
        "docker stop",
        took,
        exit,
    );
    c.assert_that(exit == 137, &format!("exit code {exit}, expected 137"));
    assert_between(
        &c,
        took,
        Duration::from_secs(2),
        Duration::from_secs(5),
        "docker stop",
    );
}

/// `--stop-signal SIGINT` with the two `ctrlaltdel` lines found in the wild: the seed's
/// `shutdown -h now`, and Debian's shipped `shutdown -t1 -a -r now`, whose reboot becomes a
/// halt. Both end `Exited (0)` with the services stopped by their scripts. Debian's `-t1` asks
/// for 1 s between TERM and KILL (compat §6), which vinit honours as sysvinit does, so there the
/// slow service gets a flush it can finish inside that second.
#[test]
fn docker_stop_sigint_runs_ctrlaltdel_then_halts() {
    let cases = [
        ("sigint-seed", "ca::ctrlaltdel:/sbin/shutdown -h now", "1"),
        (
            "sigint-debian",
            "ca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now",
            "0.5",
        ),
    ];
    std::thread::scope(|scope| {
        for (label, ca, flush) in cases {
            scope.spawn(move || {
                let s = Scenario::new(label);
                let slow = format!("service slow {flush}");
                let inittab = with_lines(&TWO_SERVICES.replace("service slow 1", &slow), ca);
                let c = Container::boot(&s, label, &inittab, &["--stop-signal", "SIGINT"]);
                wait_services(&c, &s, 1);
                let took = c.stop();
                let (exit, _) = c.wait_exit(Duration::from_secs(5));
                report(
                    &format!("inittab, docker stop (SIGINT), {label}"),
                    "docker stop",
                    took,
                    exit,
                );
                assert_clean_stop(&c, &s, exit);
                assert_under(&c, took, FAST_STOP, "docker stop");
                let logs = c.logs();
                c.assert_that(
                    logs.contains("SIGINT"),
                    "the stop's timeline does not name SIGINT",
                );
            });
        }
    });
}

/// The other runtimes' halt signals, sent with `docker kill -s`: LXC's SIGPWR (with no
/// /var/run/powerstatus, the powerwait and powerfail entries run first), busybox halt's
/// SIGUSR1, poweroff's SIGUSR2, systemd's SIGRTMIN+3 (37) and sysvinit 3.10's signal 38.
#[test]
fn docker_kill_halt_signals_stop_with_exit_0() {
    let power = "pw::powerwait:/bin/sh -c \"echo powerwait >>/data/power.log\"\n\
                 pf::powerfail:/bin/sh -c \"echo powerfail >>/data/power.log\"";
    let signals = ["PWR", "USR1", "USR2", "RTMIN+3", "38"];
    std::thread::scope(|scope| {
        for signal in signals {
            scope.spawn(move || {
                let label = format!("kill-{}", signal.replace('+', "plus"));
                let s = Scenario::new(&label);
                let c = Container::boot(&s, &label, &with_lines(TWO_SERVICES, power), &[]);
                wait_services(&c, &s, 1);
                c.kill(signal);
                let (exit, took) = c.wait_exit(DOCKER_STOP_TIMEOUT);
                report(
                    &format!("inittab, docker kill -s {signal}"),
                    "kill to exit",
                    took,
                    exit,
                );
                assert_clean_stop(&c, &s, exit);
                assert_under(&c, took, FAST_STOP, "the stop");
                let power_log = s.read("power.log");
                if signal == "PWR" {
                    c.assert_that(
                        power_log.contains("powerwait") && power_log.contains("powerfail"),
                        &format!("SIGPWR did not run the power entries first: {power_log:?}"),
                    );
                } else {
                    c.assert_that(
                        power_log.is_empty(),
                        &format!("power entries ran: {power_log:?}"),
                    );
                }
            });
        }
    });
}

/// SIGPWR with a /var/run/powerstatus file keeps sysvinit's power semantics (compat §4): `O`
/// (power is back) runs the powerokwait entries, deletes the file, and does not stop.
#[test]
fn sigpwr_with_powerstatus_keeps_sysvinit_semantics() {
    let power = "po::powerokwait:/bin/sh -c \"echo powerokwait >>/data/power.log\"\n\
                 pf::powerfail:/bin/sh -c \"echo powerfail >>/data/power.log\"";
    let s = Scenario::new("powerstatus");
    let c = Container::boot(&s, "powerstatus", &with_lines(TWO_SERVICES, power), &[]);
    wait_services(&c, &s, 1);
    let wrote = c.exec(&["sh", "-c", "echo O >/var/run/powerstatus"]);
    c.assert_that(wrote.ok(), &format!("cannot write powerstatus: {wrote:?}"));
    c.kill("PWR");
    c.wait_file(&s, "power.log", "powerokwait", 1, Duration::from_secs(5));
    c.assert_stays_running(Duration::from_secs(1));
    let power_log = s.read("power.log");
    c.assert_that(
        !power_log.contains("powerfail"),
        &format!("powerfail ran: {power_log:?}"),
    );
    let left = c.exec(&["test", "-e", "/var/run/powerstatus"]);
    c.assert_that(left.code == Some(1), "/var/run/powerstatus was not deleted");
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "inittab, docker stop after SIGPWR with status O",
        "docker stop",
        took,
        exit,
    );
    assert_clean_stop(&c, &s, exit);
}
