//! The container lifecycle under a real Docker engine (issue #4 item 4): `docker stop`,
//! `docker kill -s`, and shutdown from inside end in `Exited (0)` with the services stopped by
//! their own scripts and nothing lost; single-command mode exits 143 and reaps zombies.
//!
//! Run only when named (`test = false`): `cargo test --release --test docker`, as `.ci/run`
//! does. The support code (tests/support/docker.rs) starts dockerd through
//! tests/docker/setup.sh when it is not running, and fails the test when it cannot. Each
//! scenario asserts the exit code `docker inspect` shows, the wall time of the stop, and what
//! the services wrote to the volume at /data; the times are printed as `docker-time:` lines on
//! every run.
//!
//! This file holds what the scenarios share; each topic is a file of its own.

// Test code: a failed unwrap or assert is how these tests fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;
use support::docker::{Container, Scenario, Stream};

mod budget;
mod critical;
mod drain;
mod inside;
mod log_prefix;
mod not_pid1;
mod observe;
mod rewrite;
mod setuidgid;
mod single_mode;
mod status;
mod stop;

/// Docker's default stop timeout: anything slower ends in SIGKILL and `Exited (137)`.
const DOCKER_STOP_TIMEOUT: Duration = Duration::from_secs(10);
/// "Well under the 10 s timeout" for a stop whose slowest service needs 1 s to flush.
const FAST_STOP: Duration = Duration::from_secs(5);
/// Bound on a boot reaching its services.
const BOOT: Duration = Duration::from_secs(15);

/// Two respawn services: `slow` needs 1 s after SIGTERM to finish its file, `fast` none.
const TWO_SERVICES: &str = "\
id:3:initdefault:
si::sysinit:/etc/init.d/rcS
s1:2345:respawn:/etc/init.d/service slow 1
s2:2345:respawn:/etc/init.d/service fast 0
l0:0:wait:/etc/init.d/rc 0
l6:6:wait:/etc/init.d/rc 6
";

fn with_lines(base: &str, extra: &str) -> String {
    format!("{base}{extra}\n")
}

/// Waits until both services of TWO_SERVICES have started (`count` boots' worth).
fn wait_services(c: &Container, s: &Scenario, count: usize) {
    c.wait_file(s, "slow.out", "started", count, BOOT);
    c.wait_file(s, "fast.out", "started", count, BOOT);
}

/// The outcome every clean stop of TWO_SERVICES must have: exit 0, both services stopped
/// through their SIGTERM handlers (the slow one's file complete), level 0's script ran once,
/// and no reboot in place happened.
fn assert_clean_stop(c: &Container, s: &Scenario, exit: i32) {
    c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    let slow = s.read("slow.out");
    c.assert_that(
        slow.trim_end().ends_with("flushing\nflushed"),
        &format!("slow service's file is incomplete: {slow:?}"),
    );
    let fast = s.read("fast.out");
    c.assert_that(
        fast.contains("flushed"),
        &format!("fast service did not stop cleanly: {fast:?}"),
    );
    let rc = s.read("rc.log");
    c.assert_that(
        rc.matches("rc 0").count() == 1,
        &format!("level 0 did not run once: {rc:?}"),
    );
    let boots = s.read("boot.log");
    c.assert_that(
        boots.matches("boot").count() == 1,
        &format!("booted again: {boots:?}"),
    );
}

fn assert_under(c: &Container, took: Duration, bound: Duration, what: &str) {
    c.assert_that(
        took < bound,
        &format!("{what} took {took:?}, bound {bound:?}"),
    );
}

/// Asserts that `needles` appear in `stream`, in this order.
fn assert_in_order(c: &Container, stream: Stream, needles: &[&str]) {
    let text = c.logs_of(stream);
    let mut from = 0;
    for needle in needles {
        match text.get(from..).and_then(|rest| rest.find(needle)) {
            Some(at) => from += at + needle.len(),
            None => c.fail(&format!(
                "{stream:?} lacks {needle:?} after the earlier {needles:?}"
            )),
        }
    }
}

fn assert_between(c: &Container, took: Duration, low: Duration, high: Duration, what: &str) {
    c.assert_that(
        low <= took && took < high,
        &format!("{what} took {took:?}, expected between {low:?} and {high:?}"),
    );
}
