//! The drain delay (`VINIT_STOP_DELAY`): a stop signal waits before the stop, inside the
//! budget; a second stop signal ends the wait.

use super::*;

const TAB: &str = "id:3:initdefault:\nr:3:respawn:/bin/svc\nl0:0:wait:/etc/rc 0\n";

fn drained(delay_ms: u64) -> World {
    boot_with(
        TAB,
        Config {
            stop_delay: Duration::from_millis(delay_ms),
            ..config()
        },
    )
}

#[test]
fn test_a_stop_signal_drains_then_stops() {
    let mut w = drained(2_000);
    let pr = w.pid("r");
    let start = w.now;
    w.stop(StopCause::Term);
    let seen = w.take();
    assert!(
        seen.iter()
            .any(|s| s.contains("StopRequested(Term, Duration(8000), Duration(2000))")),
        "{seen:?}"
    );
    // Nothing is stopped during the drain, and the only timer is its end.
    assert!(!seen.iter().any(|s| s.starts_with("kill")), "{seen:?}");
    assert_eq!(
        w.init.poll_timeout(),
        Some(Instant::from_millis(start + 2_000))
    );
    // A service that ends during the drain is respawned: the container still serves.
    w.advance(500);
    w.exit_pid(pr, 1);
    assert_eq!(w.spawns(), ["spawn r"]);
    let pr = w.pid("r");
    w.advance_to_deadline();
    assert_eq!(w.now - start, 2_000);
    let seen = w.take();
    assert!(seen.contains(&"log Drained".to_string()), "{seen:?}");
    assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
    assert!(seen.contains(&format!("kill {} 15", -pr)), "{seen:?}");
    w.exit_pid(pr, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.exits("l0", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
}

#[test]
fn test_a_second_stop_signal_ends_the_drain() {
    let mut w = drained(5_000);
    let pr = w.pid("r");
    w.stop(StopCause::Term);
    w.advance(300);
    w.take();
    w.stop(StopCause::Term);
    let seen = w.take();
    assert!(seen.contains(&"log StopHurried".to_string()), "{seen:?}");
    assert!(seen.contains(&format!("kill {} 15", -pr)), "{seen:?}");
    // Only the drain ended: level 0 still runs.
    w.exit_pid(pr, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
}

#[test]
fn test_the_drain_is_counted_inside_the_budget() {
    // Budget 8 s, drain 4 s (its most, half): a hung level-0 entry is still cut at 5 s from
    // the signal, and the stop ends inside the 8 s.
    let mut w = drained(4_000);
    let pr = w.pid("r");
    let start = w.now;
    w.stop(StopCause::Term);
    w.advance_to_deadline();
    w.take();
    w.exit_pid(pr, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.advance_to_deadline();
    assert_eq!(w.now - start, 5_000);
    assert!(w.take().iter().any(|s| s.contains("StopDeadline")));
    for _ in 0..6 {
        if w.exit_code.is_some() {
            break;
        }
        w.advance_to_deadline();
    }
    assert_eq!(w.exit_code, Some(0));
    assert!(
        w.now - start <= 8_000,
        "inside the budget: {}",
        w.now - start
    );
}

#[test]
fn test_sigint_drains_before_its_ctrlaltdel_entries() {
    let mut w = drained(1_000);
    w.take();
    w.stop(StopCause::Int);
    assert!(w.spawns().is_empty());
    w.advance_to_deadline();
    assert!(w.spawns().is_empty());
    let mut w = boot_with(
        "id:3:initdefault:\nca::ctrlaltdel:/bin/cad\n",
        Config {
            stop_delay: Duration::from_secs(1),
            ..config()
        },
    );
    w.take();
    w.stop(StopCause::Int);
    assert!(w.spawns().is_empty());
    w.advance_to_deadline();
    assert_eq!(w.spawns(), ["spawn ca"]);
}

#[test]
fn test_telinit_0_does_not_drain() {
    let mut w = drained(2_000);
    let pr = w.pid("r");
    w.take();
    w.request(b'0');
    assert!(w.take().contains(&format!("kill {} 15", -pr)));
}
