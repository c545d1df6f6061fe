//! The container stop (compat §9 design notes): level 0, the budget, the sweep, reboots in place.

use super::*;

#[test]
fn test_sigterm_runs_level0_then_term_then_kill() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\nl0:0:wait:/etc/rc 0\n");
    let pr = w.pid("r");
    w.take();
    w.stop(StopCause::Term);
    let seen = w.take();
    assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
    assert!(seen.contains(&format!("kill {} 15", -pr)));
    w.advance(20);
    w.exit_pid(pr, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.advance(30);
    w.exits("l0", 0);
    let seen = w.take();
    assert!(seen.contains(&"killall 15".to_string()), "{seen:?}");
    // An orphan ignores TERM: KILL after the grace period, then exit 0.
    w.advance_to_deadline();
    assert!(w.take().contains(&"killall 9".to_string()));
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
    let seen = w.take();
    assert!(seen.contains(&"sync".to_string()));
}

#[test]
fn test_sigterm_kills_a_term_ignoring_service_in_time_for_level0() {
    // Budget 8 s: the entries' share is 5 s; KILL comes after the default 3 s (below two
    // thirds of the share), not at 5 s, where the sweep would start and rc 0 never run.
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\nl0:0:wait:/etc/rc 0\n");
    let pr = w.pid("r");
    let start = w.now;
    w.stop(StopCause::Term);
    assert!(w.take().contains(&format!("kill {} 15", -pr)));
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.contains(&format!("kill {} 9", -pr)), "{seen:?}");
    assert_eq!(w.now - start, 3_000);
    w.advance(5);
    w.exit_pid(pr, 137);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.exits("l0", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
}

#[test]
fn test_stop_ends_early_when_nothing_is_left() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    let pr = w.pid("r");
    w.stop(StopCause::Term);
    w.advance(10);
    w.exit_pid(pr, 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
    assert!(w.now < 1_100);
}

/// As the driver does it: the reap (exit, then "no children left") and one drain of the
/// actions, with no extra wake-up. A stop whose level 0 has no entries once waited here for
/// the entries' share of the budget (5.6 s), because the kill round ended without the stop
/// being looked at again.
#[test]
fn test_stop_without_level0_entries_ends_when_the_kill_round_does() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    let pr = w.pid("r");
    w.stop(StopCause::Term);
    assert!(w.take().contains(&format!("kill {} 15", -pr)));
    w.now += 10;
    let _ = w.init.handle_child_exit(w.t(), pr, Exit::Signal(15));
    w.init.handle_children(false);
    w.drive();
    assert_eq!(w.exit_code, Some(0), "{:?}", w.seen);
}

/// The same when the service's exit is reaped in the same wake-up as the stop signal, before
/// the kill round has sent anything.
#[test]
fn test_stop_ends_when_the_service_exits_together_with_the_stop_signal() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    let pr = w.pid("r");
    w.init.handle_stop(w.t(), StopCause::Term);
    let _ = w.init.handle_child_exit(w.t(), pr, Exit::Code(0));
    w.init.handle_children(false);
    w.drive();
    assert_eq!(w.exit_code, Some(0), "{:?}", w.seen);
}

#[test]
fn test_hung_level0_entry_is_bounded_by_the_budget() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.stop(StopCause::Term);
    assert!(w.take().contains(&"spawn l0".to_string()));
    let start = w.now;
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.iter().any(|s| s.contains("StopDeadline")), "{seen:?}");
    assert!(seen.contains(&"killall 15".to_string()));
    w.advance_to_deadline();
    assert!(w.take().contains(&"killall 9".to_string()));
    w.advance_to_deadline();
    assert_eq!(w.exit_code, Some(0));
    assert!(
        w.now - start <= 8_000,
        "inside the budget: {}",
        w.now - start
    );
}

#[test]
fn test_sigint_runs_ctrlaltdel_first_and_reboot_becomes_halt() {
    let mut w = boot(
        "id:3:initdefault:\nca:12345:ctrlaltdel:/sbin/shutdown -r now\nl6:6:wait:/etc/rc 6\nl0:0:wait:/etc/rc 0\n",
    );
    w.take();
    w.stop(StopCause::Int);
    assert_eq!(w.spawns(), ["spawn ca"]);
    // The entry asks for a reboot over initctl: it becomes a halt.
    let pca = w.pid("ca");
    w.request(b'6');
    let seen = w.take();
    assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
    w.exit_pid(pca, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
}

#[test]
fn test_stop_kill_round_waits_at_least_the_default_sleeptime() {
    let mut w = boot(
        "id:3:initdefault:\nca::ctrlaltdel:/sbin/shutdown -t1 -a -r now\nr:3:respawn:/bin/db\nl0:0:wait:/etc/rc 0\n",
    );
    let pr = w.pid("r");
    w.stop(StopCause::Int);
    let pca = w.pid("ca");
    // The ctrlaltdel entry asks for level 6 with a 1 s sleep time: a halt, and the db
    // still gets the default 3 s (capped at two thirds of the entries' share) before any KILL.
    w.request_with(b'6', Duration::from_secs(1), None);
    assert!(w.take().contains(&format!("kill {} 15", -pr)));
    w.advance(1_500);
    assert!(
        !w.take().contains(&format!("kill {} 9", -pr)),
        "no KILL after the request's 1 s"
    );
    w.exit_pid(pca, 0);
    w.exit_pid(pr, 0);
    assert!(w.take().contains(&"spawn l0".to_string()));
}

#[test]
fn test_sigint_without_level_change_still_stops() {
    let mut w = boot("id:3:initdefault:\nca::ctrlaltdel:/bin/log-it\nl0:0:wait:/etc/rc 0\n");
    w.take();
    w.stop(StopCause::Int);
    assert_eq!(w.spawns(), ["spawn ca"]);
    w.exits("ca", 0);
    let seen = w.take();
    assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
    assert!(seen.contains(&"spawn l0".to_string()));
}

#[test]
fn test_second_stop_signal_hurries() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.stop(StopCause::Term);
    w.take();
    w.stop(StopCause::Term);
    assert!(w.take().contains(&"killall 15".to_string()));
    w.stop(StopCause::Term);
    assert!(w.take().contains(&"killall 9".to_string()));
}

/// SIGTSTP, then a stop: the stop thaws (one line), level 0 runs at once, exit 0 without
/// waiting for the entries' share of the budget.
#[test]
fn test_stop_while_frozen_thaws_and_runs_level0() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.freeze(true);
    w.take();
    let start = w.now;
    w.stop(StopCause::Term);
    let seen = w.take();
    assert!(seen.contains(&"log StopThawed".to_string()), "{seen:?}");
    assert!(seen.contains(&"spawn l0".to_string()), "{seen:?}");
    w.exits("l0", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
    assert!(w.now - start < 100);
}

/// `telinit -t 600 5` leaves a TERM-ignoring service in a 10-minute kill round; a stop
/// then bounds the round as its own (KILL after at most two thirds of the entries' share)
/// and level 0 runs.
#[test]
fn test_stop_bounds_a_long_kill_round_of_an_earlier_request() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/db\nl0:0:wait:/etc/rc 0\n");
    let pr = w.pid("r");
    w.request_with(b'5', Duration::from_secs(600), None);
    assert!(w.take().contains(&format!("kill {} 15", -pr)));
    let start = w.now;
    w.stop(StopCause::Term);
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.contains(&format!("kill {} 9", -pr)), "{seen:?}");
    assert!(w.now - start <= 3_334, "KILL after {} ms", w.now - start);
    w.exit_pid(pr, 137);
    assert_eq!(w.spawns(), ["spawn l0"]);
}

#[test]
fn test_telinit_6_reboots_in_place() {
    let mut w = boot("id:3:initdefault:\nl6:6:wait:/etc/rc 6\n");
    w.take();
    w.request(b'6');
    assert_eq!(w.spawns(), ["spawn l6"]);
    w.exits("l6", 0);
    w.no_children();
    assert!(w.rebooted);
    assert_eq!(w.exit_code, None);
}

#[test]
fn test_reboot_exit_setting() {
    let mut c = config();
    c.reboot_exit = Some(7);
    let mut w = boot_with("id:3:initdefault:\n", c);
    w.request(b'6');
    w.no_children();
    assert_eq!(w.exit_code, Some(7));
}

/// Boots the machine again after each `Reboot`, as the driver does; returns the reboots.
fn reboot_in_place(w: &mut World, text: &str) -> usize {
    let mut reboots = 0;
    while w.rebooted && reboots < 100 {
        reboots += 1;
        w.rebooted = false;
        w.init.reset(&mut tab(text));
        w.init.handle_boot(w.t());
        w.drive();
    }
    reboots
}

/// A boot target of 6 with nothing to run: 10 reboots in place at once, then a 5-minute
/// pause (a timer, one line) in which requests are ignored and a stop exits 0 at once.
#[test]
fn test_reboot_loop_pauses_and_a_stop_ends_the_pause() {
    let text = "id:6:initdefault:\n";
    let mut w = boot(text);
    assert!(w.rebooted);
    assert_eq!(reboot_in_place(&mut w, text), 10);
    let seen = w.take();
    assert_eq!(count(&seen, "log RebootLoop"), 1, "{seen:?}");
    assert_eq!(
        w.init.poll_timeout().map(Instant::millis),
        Some(w.now + 300_000)
    );
    w.request(b'3');
    assert!(w.take().is_empty(), "requests wait for the next boot");
    // The pause ends: one more burst.
    w.advance_to_deadline();
    assert!(w.rebooted);
    assert_eq!(reboot_in_place(&mut w, text), 10);
    w.advance(1_000);
    w.stop(StopCause::Term);
    assert_eq!(w.exit_code, Some(0));
    assert!(!w.rebooted);
}

/// The index of the first action of `seen` that starts with `prefix`.
fn at(seen: &[String], prefix: &str) -> usize {
    seen.iter()
        .position(|s| s.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {seen:?}"))
}

/// The sweep's signal comes after the driver's census and the line that quotes it: the line
/// says how many processes the signal is about to reach.
#[test]
fn test_the_sweep_counts_and_says_it_before_it_signals() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.stop(StopCause::Term);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.advance(10);
    w.exits("l0", 0);
    let seen = w.take();
    let (census, line, signal) = (
        at(&seen, "census"),
        at(&seen, "log SweepTerm"),
        at(&seen, "killall 15"),
    );
    assert!(census < line && line < signal, "{seen:?}");
}

/// A second stop signal that ends the stop at once (level 0 with no child left: its only
/// entry cannot fork) still logs its line, before the exit.
#[test]
fn test_a_second_stop_signal_that_ends_the_stop_is_said_before_the_exit() {
    let mut w = boot("id:3:initdefault:\nl0:0:wait:/etc/rc 0\n");
    w.fork_fails = true;
    w.stop(StopCause::Term);
    assert_eq!(w.exit_code, None);
    w.take();
    w.stop(StopCause::Term);
    let seen = w.take();
    assert_eq!(w.exit_code, Some(0));
    let (hurried, exit) = (at(&seen, "log StopHurried"), at(&seen, "exit 0"));
    assert!(hurried < exit, "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some("exit 0"), "{seen:?}");
}
