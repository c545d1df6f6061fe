//! Triggered entries (compat §1.5) and the freeze of `halt -f` (compat §4).

use super::*;

#[test]
fn test_power_trigger_runs_power_entries_only_when_triggered() {
    let mut w =
        boot("id:3:initdefault:\npf::powerwait:/etc/pf start\npo::powerokwait:/etc/pf stop\n");
    assert!(w.spawns().is_empty());
    w.trigger(Trigger::PowerFail);
    assert_eq!(w.spawns(), ["spawn pf"]);
    w.exits("pf", 0);
    assert!(w.spawns().is_empty(), "runs once per trigger");
    w.trigger(Trigger::PowerOk);
    assert_eq!(w.spawns(), ["spawn po"]);
}

#[test]
fn test_kbrequest_on_trigger() {
    let mut w = boot("id:3:initdefault:\nkb::kbrequest:/bin/kb\n");
    assert!(w.spawns().is_empty());
    w.trigger(Trigger::KbRequest);
    assert_eq!(w.spawns(), ["spawn kb"]);
}

#[test]
fn test_frozen_init_spawns_nothing_until_thawed() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/r\n");
    w.take();
    w.init.handle_freeze(true);
    w.exits("r", 0);
    assert!(w.spawns().is_empty());
    w.freeze(false);
    assert_eq!(w.spawns(), ["spawn r"]);
}
