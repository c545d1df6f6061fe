//! `VINIT_LOG_PREFIX=1` in a real container (issue 14 §2): `docker logs` attributes every line
//! a service printed, on the stream it printed it on.

use support::docker::{Container, Scenario, Stream};

use super::{DOCKER_STOP_TIMEOUT, TWO_SERVICES, assert_clean_stop, wait_services};

/// The entries of TWO_SERVICES that print: sysinit, the two services, level 0's script.
const IDS: [&str; 4] = ["si", "s1", "s2", "l0"];

fn attributed(line: &str) -> bool {
    IDS.iter()
        .any(|id| line.starts_with(&format!("{id}| ")) || line.starts_with(&format!("{id}+| ")))
}

/// Two services and the boot and stop scripts: on stdout every line carries its entry's id;
/// on stderr, the services' lines do and vinit's own lines are as ever.
#[test]
fn docker_logs_attribute_every_service_line() {
    let s = Scenario::new("log-prefix");
    let c = Container::boot(
        &s,
        "log-prefix",
        TWO_SERVICES,
        &["-e", "VINIT_LOG_PREFIX=1"],
    );
    wait_services(&c, &s, 1);
    let _ = c.stop();
    let (exit, _) = c.wait_exit(DOCKER_STOP_TIMEOUT);
    assert_clean_stop(&c, &s, exit);
    let stdout = c.logs_of(Stream::Stdout);
    for line in stdout.lines() {
        c.assert_that(attributed(line), &format!("stdout line {line:?} has no id"));
    }
    for want in [
        "si| rcS: booting",
        "s1| slow: running as pid",
        "s2| fast: running as pid",
        "s1| slow: stopped cleanly",
        "s2| fast: stopped cleanly",
        "l0| rc: entering runlevel 0",
    ] {
        c.assert_that(stdout.contains(want), &format!("no {want:?} on stdout"));
    }
    let stderr = c.logs_of(Stream::Stderr);
    for line in stderr.lines() {
        c.assert_that(
            line.starts_with("vinit: ") || attributed(line),
            &format!("stderr line {line:?} is neither vinit's nor attributed"),
        );
    }
}
