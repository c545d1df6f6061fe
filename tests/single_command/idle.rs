//! Idle: an idle vinit never wakes up.

use std::fs;
use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::namespace::Launch;
use support::procfs;

use super::sh;

/// An idle vinit never wakes up: no voluntary context switch in 2 s, while its child, which
/// wakes every 0.1 s, is the control that shows the probe counts wake-ups.
#[test]
fn test_idle_vinit_does_not_wake_up() {
    let mut run = Launch::vinit(&sh("echo ready; while :; do sleep 0.1; done")).pid1();
    run.expect_line("ready", EVENT_TIMEOUT);
    let vinit = run.pid();
    // Settled: vinit is blocked in poll(2).
    support::wait_until("vinit blocked in poll", EVENT_TIMEOUT, || {
        fs::read_to_string(format!("/proc/{vinit}/wchan")).is_ok_and(|w| w.contains("poll"))
    });
    let child = procfs::children(vinit)[0];
    let count = |pid| procfs::status_number(pid, "voluntary_ctxt_switches");
    let (vinit_before, child_before) = (count(vinit), count(child));
    std::thread::sleep(Duration::from_secs(2));
    let (vinit_after, child_after) = (count(vinit), count(child));
    assert_eq!(vinit_after - vinit_before, 0, "vinit woke up while idle");
    assert!(
        child_after - child_before >= 5,
        "control: the child woke {} times",
        child_after - child_before
    );
}
