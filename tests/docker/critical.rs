//! Critical entries (`VINIT_CRITICAL`) under Docker: a critical service that exits 3 ends
//! the container with 3, after a clean stop.

use core::time::Duration;

use support::docker::{Container, Scenario, report};

use super::{BOOT, TWO_SERVICES, wait_services, with_lines};

/// `app` exits 3 after 2 s: vinit stops the container as `docker stop` would (services flush,
/// level 0 runs once) and `docker inspect` shows exit code 3.
#[test]
fn critical_entry_exit_3_ends_the_container_with_3_after_a_clean_stop() {
    let s = Scenario::new("critical");
    let inittab = with_lines(
        TWO_SERVICES,
        "app:2345:respawn:/bin/sh -c 'echo app: up; sleep 2; echo app: failing; exit 3'",
    );
    let c = Container::boot(&s, "critical", &inittab, &["-e", "VINIT_CRITICAL=app"]);
    wait_services(&c, &s, 1);
    let (exit, took) = c.wait_exit(BOOT + Duration::from_secs(10));
    report(
        "inittab, critical entry exits 3",
        "exit after start",
        took,
        exit,
    );
    c.assert_that(exit == 3, &format!("exit code {exit}, expected 3"));
    let slow = s.read("slow.out");
    c.assert_that(
        slow.trim_end().ends_with("flushing\nflushed"),
        &format!("slow service's file is incomplete: {slow:?}"),
    );
    let rc = s.read("rc.log");
    c.assert_that(
        rc.matches("rc 0").count() == 1,
        &format!("level 0 did not run once: {rc:?}"),
    );
    let logs = c.logs();
    c.assert_that(
        logs.matches("app: up").count() == 1
            && logs.contains("critical id \"app\" ended with status 3")
            && logs.contains("stop: complete in"),
        &format!("docker logs: {logs}"),
    );
}
