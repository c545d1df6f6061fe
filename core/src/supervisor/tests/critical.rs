//! Critical entries (`VINIT_CRITICAL`): their end on its own stops the container, which exits
//! with their status.

use super::*;

const TAB: &str = "id:3:initdefault:\nweb:3:respawn:/app\nr:3:respawn:/bin/svc\n\
                   l0:0:wait:/etc/rc 0\n";

fn critical(ids: &'static [u8]) -> Config {
    Config {
        critical: Critical::parse(ids).unwrap(),
        ..config()
    }
}

/// Runs the stop `w` is in to its end: `r` (pid `pr`) exits on its TERM, `l0` runs and exits.
fn finish_stop(w: &mut World, pr: Pid) {
    w.advance(10);
    w.exit_pid(pr, 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.exits("l0", 0);
    w.no_children();
}

#[test]
fn test_a_critical_exit_stops_and_exits_with_its_status() {
    let mut w = boot_with(TAB, critical(b"web"));
    let pr = w.pid("r");
    w.take();
    w.exits("web", 3);
    let seen = w.take();
    assert!(
        seen.contains(&"log CriticalExit([119, 101, 98], 3)".to_string()),
        "{seen:?}"
    );
    // The normal stop: level 0, its kill round; `web` is not respawned.
    assert!(seen.contains(&"runlevel 30".to_string()), "{seen:?}");
    assert!(seen.contains(&format!("kill {} 15", -pr)), "{seen:?}");
    assert!(!seen.contains(&"spawn web".to_string()), "{seen:?}");
    finish_stop(&mut w, pr);
    assert_eq!(w.exit_code, Some(3), "{:?}", w.seen);
    assert!(!w.rebooted);
}

#[test]
fn test_a_critical_entry_killed_by_a_signal_exits_128_plus_n() {
    let mut w = boot_with(TAB, critical(b"r,web"));
    let (pid, pr) = (w.pid("web"), w.pid("r"));
    w.take();
    let _ = w.init.handle_child_exit(w.t(), pid, Exit::Signal(9));
    w.drive();
    finish_stop(&mut w, pr);
    assert_eq!(w.exit_code, Some(137));
}

#[test]
fn test_a_critical_exit_0_exits_0_after_the_stop() {
    let mut w = boot_with(TAB, critical(b"web"));
    let pr = w.pid("r");
    w.exits("web", 0);
    assert!(w.take().contains(&"runlevel 30".to_string()));
    finish_stop(&mut w, pr);
    assert_eq!(w.exit_code, Some(0));
}

#[test]
fn test_a_non_critical_entry_is_respawned_as_before() {
    let mut w = boot_with(TAB, critical(b"web"));
    w.take();
    w.exits("r", 3);
    assert_eq!(w.spawns(), ["spawn r"]);
    assert_eq!(w.init.current(), Level::digit(3).unwrap());
    // And without VINIT_CRITICAL, `web` too.
    let mut w = boot(TAB);
    w.take();
    w.exits("web", 3);
    assert_eq!(w.spawns(), ["spawn web"]);
}

#[test]
fn test_exits_vinit_caused_are_not_critical() {
    // The stop's own kill round: `web` gets TERM and exits 143; the stop exits 0.
    let mut w = boot_with(TAB, critical(b"web"));
    let (pw, pr) = (w.pid("web"), w.pid("r"));
    w.stop(StopCause::Term);
    w.advance(10);
    w.exit_pid(pw, 143);
    assert!(!w.take().iter().any(|s| s.contains("CriticalExit")));
    finish_stop(&mut w, pr);
    assert_eq!(w.exit_code, Some(0));
    // A level change that ends it (`telinit 2`): no stop.
    let mut w = boot_with(TAB, critical(b"web"));
    let pw = w.pid("web");
    w.request(b'2');
    w.exit_pid(pw, 143);
    assert!(!w.take().iter().any(|s| s.contains("CriticalExit")));
    assert_eq!(w.init.current(), Level::digit(2).unwrap());
    assert_eq!(w.exit_code, None);
}

#[test]
fn test_a_stop_signal_during_a_critical_stop_keeps_its_status() {
    let mut w = boot_with(TAB, critical(b"web"));
    let pr = w.pid("r");
    w.exits("web", 4);
    w.stop(StopCause::Term);
    // The second signal skips the kill round's wait: the sweep starts.
    assert!(w.take().contains(&"killall 15".to_string()));
    w.exit_pid(pr, 143);
    w.no_children();
    assert_eq!(w.exit_code, Some(4), "{:?}", w.seen);
}

#[test]
fn test_a_critical_reboot_request_still_halts() {
    // VINIT_REBOOT or a `telinit 6` during a critical stop: a halt, with the entry's status.
    let mut w = boot_with(
        TAB,
        Config {
            reboot_exit: Some(9),
            ..critical(b"web")
        },
    );
    let pr = w.pid("r");
    w.exits("web", 5);
    w.request(b'6');
    assert!(w.take().contains(&"log StopOverrides(54)".to_string()));
    finish_stop(&mut w, pr);
    assert_eq!(w.exit_code, Some(5));
    assert!(!w.rebooted);
}

#[test]
fn test_unknown_critical_ids_are_named_at_boot_and_on_reread() {
    let mut w = boot_with(TAB, critical(b"web,nope"));
    let seen = w.take();
    let unknown: StdVec<_> = seen
        .iter()
        .filter(|s| s.contains("CriticalUnknown"))
        .collect();
    assert_eq!(
        unknown,
        ["log CriticalUnknown([110, 111, 112, 101])"],
        "{seen:?}"
    );
    let mut fresh = tab("id:3:initdefault:\nr:3:respawn:/bin/svc\n");
    w.reload(&mut fresh);
    let seen = w.take();
    assert_eq!(count(&seen, "log CriticalUnknown"), 2, "{seen:?}");
}

#[test]
fn test_a_critical_entry_that_cannot_start_stops_with_1() {
    let mut w = world("id:3:initdefault:\nweb:3:respawn:/app\n", critical(b"web"));
    w.init.handle_boot(w.t());
    // The driver's answer for a malformed command: no pid.
    let slot = loop {
        match w.init.poll_effect(w.t()) {
            Some(Effect::Spawn(s)) => break usize::from(s.slot),
            Some(_) => {}
            None => panic!("no spawn"),
        }
    };
    w.init.handle_spawned(w.t(), slot, None);
    w.drive();
    w.no_children();
    for _ in 0..8 {
        if w.exit_code.is_some() {
            break;
        }
        w.advance_to_deadline();
    }
    assert_eq!(w.exit_code, Some(1), "{:?}", w.seen);
}
