//! The respawn throttle (compat §2.9).

use super::*;

#[test]
fn test_respawn_throttled_after_10_in_2_minutes() {
    let mut w = boot("id:3:initdefault:\ng:3:respawn:/sbin/getty tty1\n");
    let mut starts = w.spawns().len();
    for _ in 0..20 {
        if w.init.pid_of(b"g").is_none() {
            break;
        }
        w.exits("g", 1);
        starts += w.spawns().len();
    }
    assert_eq!(starts, 10, "sysvinit allows 10 starts in the window");
    assert!(w.init.pid_of(b"g").is_none());
    // Disabled for 5 minutes, with a timer armed for the re-enable.
    let deadline = w.init.poll_timeout().unwrap();
    assert_eq!(deadline.millis(), w.now + 300_000);
    w.advance(299_000);
    assert!(w.spawns().is_empty());
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.contains(&"spawn g".to_string()), "{seen:?}");
}

#[test]
fn test_every_entry_throttled_in_one_walk_is_reported() {
    let mut text = String::from("id:3:initdefault:\n");
    for i in 1..=6 {
        text.push_str(&format!("{i}:3:respawn:/sbin/getty tty{i}\n"));
    }
    let mut w = boot(&text);
    let ids = ["1", "2", "3", "4", "5", "6"];
    let mut seen = StdVec::new();
    for _ in 0..11 {
        // All six exit before the loop runs again, so one walk restarts (or refuses) all.
        let pids: StdVec<Pid> = ids
            .iter()
            .filter_map(|id| w.init.pid_of(id.as_bytes()))
            .collect();
        for pid in pids {
            let _ = w.init.handle_child_exit(w.t(), pid, Exit::Code(1));
        }
        w.drive();
        seen.extend(w.take());
    }
    let throttled = seen
        .iter()
        .filter(|s| s.contains("RespawningTooFast"))
        .count();
    assert_eq!(throttled, 6, "{seen:?}");
}

#[test]
fn test_respawn_window_is_fixed_not_sliding() {
    let mut w = boot("id:3:initdefault:\ng:3:respawn:/bin/x\n");
    for _ in 0..9 {
        w.advance(10_000);
        w.exits("g", 0);
    }
    // 10 starts in 90 s; after the window (120 s from the first) the count starts over.
    w.advance(40_000);
    w.exits("g", 0);
    assert!(w.init.pid_of(b"g").is_some());
}

/// An entry whose disable ends while the walk cannot reach it (behind a running barrier: a
/// UPS script of `powerwait`) must not leave a deadline in the past: the driver would wake at
/// once, again and again, with nothing to do (a spinning PID 1).
#[test]
fn test_a_disable_that_ends_behind_a_barrier_arms_no_timer() {
    let mut w = boot("id:3:initdefault:\np:3:powerwait:/bin/ups\ng:3:respawn:/bin/x\n");
    for _ in 0..20 {
        if w.init.pid_of(b"g").is_none() {
            break;
        }
        w.exits("g", 1);
        let _ = w.spawns();
    }
    assert!(w.init.pid_of(b"g").is_none(), "g is disabled");
    w.trigger(Trigger::PowerFail);
    let seen = w.take();
    assert!(seen.contains(&"spawn p".to_string()), "{seen:?}");
    // The disable ends at its deadline; `p` still holds the walk.
    w.advance_to_deadline();
    let _ = w.take();
    let now = w.t();
    assert!(
        w.init.poll_timeout().is_none_or(|at| at > now),
        "a deadline in the past, {:?} at {now:?}, with nothing to do",
        w.init.poll_timeout()
    );
    // When the barrier ends, the walk reaches the entry: it runs again and says so.
    w.exits("p", 0);
    let seen = w.take();
    assert!(seen.contains(&"spawn g".to_string()), "{seen:?}");
}
