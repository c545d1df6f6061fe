//! `vinit setuidgid` in a FROM scratch image (issue 15 item 3): the inittab line
//! `web:3:respawn:/sbin/vinit setuidgid nobody /app` runs `/app` as `nobody`, resolved from the
//! image's own /etc/passwd and /etc/group, and the container still stops cleanly.

use support::docker::{Container, Scenario, report};

use super::{BOOT, DOCKER_STOP_TIMEOUT, FAST_STOP, assert_under};

#[test]
fn setuidgid_runs_a_service_as_nobody_in_a_scratch_image() {
    let s = Scenario::new("setuidgid");
    let inittab = "id:3:initdefault:\nweb:3:respawn:/sbin/vinit setuidgid nobody /app\n";
    let c = Container::boot(&s, "setuidgid", inittab, &[]);
    let logs = c.wait_log("app ready as pid", BOOT);
    for line in [
        "app Uid: 65534\t65534\t65534\t65534",
        "app Gid: 65534\t65534\t65534\t65534",
    ] {
        c.assert_that(logs.contains(line), &format!("no {line:?} in the logs"));
    }
    c.assert_that(
        logs.lines().any(|l| l.trim_end() == "app Groups: 65534"),
        "app's supplementary groups are not just nogroup",
    );
    // From outside the process too: its /proc/PID/status as `docker exec` reads it.
    let app = c
        .processes()
        .into_iter()
        .find(|p| p.comm == "app")
        .unwrap_or_else(|| c.fail("no process named app"));
    let status = c.exec(&["cat", &format!("/proc/{}/status", app.pid)]);
    let uid = status.stdout.lines().find(|l| l.starts_with("Uid:"));
    c.assert_that(
        uid.is_some_and(|l| l.split_whitespace().skip(1).all(|id| id == "65534")),
        &format!("/proc/{}/status says {uid:?}", app.pid),
    );
    let took = c.stop();
    let (exit, _) = c.wait_exit(DOCKER_STOP_TIMEOUT);
    report("setuidgid nobody /app", "docker stop", took, exit);
    c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    assert_under(&c, took, FAST_STOP, "docker stop");
    c.assert_that(
        c.logs().contains("app: SIGTERM"),
        "the unprivileged service did not get its SIGTERM",
    );
}
