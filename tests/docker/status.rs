//! `vinit status` in a real container (issue 14 §3): `docker exec c vinit status` lists every
//! entry, and a HEALTHCHECK on `vinit status web` is healthy while `web` runs and turns
//! unhealthy once the respawn throttle disables it.

use core::time::Duration;
use std::time::Instant;

use support::docker::{Container, Scenario};

use super::{BOOT, TWO_SERVICES, wait_services};

/// How long Docker may take to flip the health status with a 1 s interval.
const HEALTH: Duration = Duration::from_secs(20);

#[test]
fn docker_exec_vinit_status_lists_every_entry() {
    let s = Scenario::new("status-list");
    let c = Container::boot(&s, "status-list", TWO_SERVICES, &[]);
    wait_services(&c, &s, 1);
    let out = c.exec(&["/sbin/vinit", "status"]);
    c.assert_that(
        out.code == Some(0),
        &format!("vinit status failed: {out:?}"),
    );
    let mut lines = out.stdout.lines();
    c.assert_that(
        lines.next() == Some("runlevel 3, previous N"),
        &format!("level line: {out:?}"),
    );
    let ids: Vec<&str> = lines.skip(1).filter_map(|l| l.split(' ').next()).collect();
    c.assert_that(
        ids == ["id", "si", "s1", "s2", "l0", "l6", "~~"],
        &format!("not every entry: {ids:?} in {out:?}"),
    );
    for id in ["s1", "s2"] {
        let running = c.exec(&["/sbin/vinit", "status", id]);
        c.assert_that(
            running.code == Some(0) && running.stdout.contains(" running "),
            &format!("{id} is not running: {running:?}"),
        );
    }
    let l0 = c.exec(&["/sbin/vinit", "status", "l0"]);
    c.assert_that(l0.code == Some(3), &format!("l0: {l0:?}"));
}

/// Waits until `docker inspect` says the container's health is `want`.
fn wait_health(c: &Container, want: &str) {
    let deadline = Instant::now() + HEALTH;
    loop {
        let health = c.inspect("{{.State.Health.Status}}");
        if health == want {
            return;
        }
        if Instant::now() >= deadline {
            let log = c.inspect("{{json .State.Health}}");
            c.fail(&format!(
                "health {health:?}, not {want:?}, after {HEALTH:?}: {log}"
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn healthcheck_on_vinit_status_turns_unhealthy_when_web_is_throttled() {
    let s = Scenario::new("status-health");
    // `web` runs until /data/crash exists; from then on it exits at once, every time.
    let inittab = "id:3:initdefault:\n\
         web:3:respawn:/bin/sh -c 'test -e /data/crash && exit 1; echo web up; exec sleep 1000'\n";
    // `docker run --health-cmd` always goes through the image's /bin/sh (busybox here); the
    // exec form `HEALTHCHECK CMD ["/sbin/vinit","status","web"]` needs a Dockerfile.
    let args = [
        "--health-cmd",
        "/sbin/vinit status web",
        "--health-interval=1s",
        "--health-timeout=5s",
        "--health-retries=1",
    ];
    let c = Container::boot(&s, "status-health", inittab, &args);
    c.wait_log("web up", BOOT);
    wait_health(&c, "healthy");
    let out = c.exec(&["/sbin/vinit", "status", "web"]);
    let pid = out
        .stdout
        .lines()
        .nth(2)
        .and_then(|l| l.split_whitespace().nth(4))
        .unwrap_or_else(|| c.fail(&format!("no pid in {out:?}")))
        .to_owned();
    s.write("crash", "");
    let killed = c.exec(&["kill", &pid]);
    c.assert_that(killed.ok(), &format!("kill {pid}: {killed:?}"));
    c.wait_log("respawning too fast", BOOT);
    let out = c.exec(&["/sbin/vinit", "status", "web"]);
    c.assert_that(
        out.code == Some(3) && out.stdout.contains(" disabled until "),
        &format!("web is not disabled: {out:?}"),
    );
    wait_health(&c, "unhealthy");
    c.assert_that(c.is_running(), "the container itself keeps running");
}
