//! The drain delay (`-d`, `VINIT_STOP_DELAY`): the first stop signal reaches the child only
//! after the delay; a second one forwards it at once.

use std::time::{Duration, Instant};

use support::EVENT_TIMEOUT;
use support::namespace::Launch;

use super::{EXIT_TIMEOUT, with_options};

/// Says when TERM came, then exits 0.
const WAITS_FOR_TERM: &str = r#"
    trap 'echo got TERM; exit 0' TERM
    echo ready
    while :; do sleep 0.05; done
"#;

#[test]
fn test_the_stop_signal_is_held_for_the_delay() {
    let mut run = Launch::vinit(&with_options(&[], WAITS_FOR_TERM))
        .env("VINIT_STOP_DELAY", "1")
        .pid1();
    run.expect_line("ready", EVENT_TIMEOUT);
    let stop = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop signal 15: draining for 1000 ms before forwarding it",
        EVENT_TIMEOUT,
    );
    run.expect_line("got TERM", EVENT_TIMEOUT);
    let took = stop.elapsed();
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "took {took:?}"
    );
}

#[test]
fn test_a_second_stop_signal_ends_the_delay() {
    let mut run = Launch::vinit(&with_options(&["-d", "30", "-T", "60"], WAITS_FOR_TERM)).pid1();
    run.expect_line("ready", EVENT_TIMEOUT);
    let stop = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line("draining for 30000 ms", EVENT_TIMEOUT);
    run.signal(libc::SIGINT);
    run.expect_line("got TERM", EVENT_TIMEOUT);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
    assert!(
        stop.elapsed() < Duration::from_secs(10),
        "{:?}",
        stop.elapsed()
    );
}

/// A delay longer than half the budget is cut to half, with one line at start-up.
#[test]
fn test_a_delay_over_the_budget_is_cut() {
    let mut run = Launch::vinit(&with_options(&["-d", "9", "-T", "2"], WAITS_FOR_TERM)).pid1();
    run.expect_line(
        "vinit: warning: stop delay (-d, VINIT_STOP_DELAY) over half the stop budget (-T): draining 1000 ms",
        EVENT_TIMEOUT,
    );
    run.expect_line("ready", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line("draining for 1000 ms", EVENT_TIMEOUT);
    run.expect_line("got TERM", EVENT_TIMEOUT);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}
