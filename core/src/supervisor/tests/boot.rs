//! The boot phases (compat §1.8), in sysvinit's order, and what a boot leaves behind.

use super::*;

#[test]
fn test_boot_runs_sysinit_then_boot_then_level_behind_the_barrier() {
    let mut w = boot(BASIC);
    assert_eq!(w.spawns(), ["spawn si"]);
    w.exits("si", 0);
    let seen = w.take();
    assert!(seen.contains(&"boottime".to_string()));
    // bootwait is a barrier: boot (after it in the list) waits.
    assert_eq!(
        seen.iter()
            .filter(|s| s.starts_with("spawn"))
            .collect::<StdVec<_>>(),
        ["spawn bw"]
    );
    w.exits("bw", 0);
    // `boot` entries run but do not hold the boot phase: the level is entered at once.
    let seen = w.take();
    let spawns: StdVec<_> = seen.iter().filter(|s| s.starts_with("spawn")).collect();
    assert_eq!(spawns, ["spawn b1", "spawn l3"]);
    assert!(seen.contains(&"runlevel N3".to_string()));
    // l3 is a barrier: o3 and r1 wait for it.
    w.exits("l3", 0);
    assert_eq!(w.spawns(), ["spawn o3", "spawn r1"]);
    assert_eq!(w.init.runlevel_env(), b'3');
    assert_eq!(w.init.poll_timeout(), None);
}

#[test]
fn test_sysinit_sees_runlevel_s_and_prevlevel_n() {
    let w = boot(BASIC);
    assert_eq!(w.init.runlevel_env(), b'S');
    assert_eq!(w.init.prevlevel_env(), b'N');
}

#[test]
fn test_no_initdefault_boots_the_configured_level() {
    let mut w = boot("r:3:respawn:/bin/svc\n");
    let seen = w.take();
    assert!(
        seen.iter().any(|s| s.contains("NoInitdefault(51, ")),
        "{seen:?}"
    );
    assert!(seen.contains(&"spawn r".to_string()));
}

#[test]
fn test_forced_level_overrides_initdefault() {
    let mut c = config();
    c.forced_level = Level::digit(5);
    let mut w = boot_with(
        "id:3:initdefault:\nr5:5:respawn:/bin/x\nr3:3:respawn:/bin/y\n",
        c,
    );
    assert_eq!(w.spawns(), ["spawn r5"]);
}

/// Level 6's in-place reboot resets the machine field by field: it must then boot exactly
/// as a new one does, whatever state it was in.
#[test]
fn test_reset_boots_like_a_new_machine() {
    let mut w = boot(BASIC);
    w.request(b'5');
    w.advance(1_000);
    w.init.handle_freeze(true);
    w.stop(StopCause::Term);
    let mut fresh = tab(BASIC);
    w.init.reset(&mut fresh);
    w.take();
    w.init.handle_boot(w.t());
    w.drive();
    let new = boot(BASIC);
    assert_eq!(w.take(), new.seen);
    assert_eq!(w.init.current(), new.init.current());
}

/// The driver's start-up reads the table straight into the machine's own (`read_table`): it
/// must boot exactly as a machine made with the table does, and say whether the read worked.
#[test]
fn test_read_table_boots_like_a_new_machine() {
    let mut w = world("", config());
    let read = w.init.read_table(|t| {
        t.load(BASIC.as_bytes(), &mut |e| panic!("bad fixture line: {e:?}"));
        true
    });
    assert!(read);
    w.boot();
    let new = boot(BASIC);
    assert_eq!(w.take(), new.seen);
    assert_eq!(w.init.current(), new.init.current());
    assert!(!w.init.read_table(|_| false));
}

#[test]
fn test_idle_has_no_timer() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/r\n");
    w.take();
    assert_eq!(w.init.poll_timeout(), None);
}

#[test]
fn test_fixtures_boot_in_sysvinit_order() {
    let debian = core::str::from_utf8(include_bytes!(
        "../../../../tests/fixtures/inittab/debian-12"
    ))
    .unwrap();
    let mut w = boot(debian);
    assert_eq!(w.spawns(), ["spawn si"]);
    w.exits("si", 0);
    assert_eq!(w.spawns(), ["spawn l2"]);
    w.exits("l2", 0);
    assert_eq!(
        w.spawns(),
        [
            "spawn 1", "spawn 2", "spawn 3", "spawn 4", "spawn 5", "spawn 6"
        ]
    );
    let gentoo = core::str::from_utf8(include_bytes!(
        "../../../../tests/fixtures/inittab/gentoo-amd64"
    ))
    .unwrap();
    let mut w = boot(gentoo);
    assert_eq!(w.spawns(), ["spawn si"]);
    w.exits("si", 0);
    assert_eq!(w.spawns(), ["spawn rc"]);
    w.exits("rc", 0);
    assert_eq!(w.spawns(), ["spawn l3"]);
    w.exits("l3", 0);
    assert_eq!(
        w.spawns(),
        [
            "spawn c1", "spawn c2", "spawn c3", "spawn c4", "spawn c5", "spawn c6"
        ]
    );
    // Stop: level 0 runs telinit u, openrc shutdown, halt.sh in order.
    let gettys: StdVec<Pid> = ["c1", "c2", "c3", "c4", "c5", "c6"]
        .iter()
        .map(|id| w.pid(id))
        .collect();
    w.stop(StopCause::Term);
    for pid in gettys {
        w.exit_pid(pid, 0);
    }
    assert_eq!(w.spawns(), ["spawn l0u"]);
    w.exits("l0u", 0);
    assert_eq!(w.spawns(), ["spawn l0"]);
    w.exits("l0", 0);
    assert_eq!(w.spawns(), ["spawn l0s"]);
    w.exits("l0s", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
}

/// A boot target of S: sysvinit re-runs the S entries each time they have all ended (compat
/// §1.8 step 8), and vinit once stalled there instead (idle with sulogin re-armed). A sulogin
/// that fails at once (no console) is held by the respawn throttle: the first run and 10
/// re-runs in the window, then 5 minutes off (one line), then again.
#[test]
fn test_boot_target_s_reruns_its_entries_under_the_throttle() {
    let mut w = boot("id:S:initdefault:\nsu:S:wait:/sbin/sulogin\n");
    assert_eq!(w.spawns(), ["spawn su"]);
    let mut runs = 1;
    for _ in 0..20 {
        if w.init.pid_of(b"su").is_none() {
            break;
        }
        w.exits("su", 1);
        let seen = w.take();
        runs += count(&seen, "spawn su");
        if count(&seen, "spawn su") == 0 {
            assert_eq!(count(&seen, "log RespawningTooFast"), 1, "{seen:?}");
        }
    }
    assert_eq!(runs, 11);
    assert_eq!(w.init.current(), Level::SINGLE);
    assert_eq!(
        w.init.poll_timeout().map(Instant::millis),
        Some(w.now + 300_000)
    );
    w.advance_to_deadline();
    let seen = w.take();
    assert_eq!(count(&seen, "spawn su"), 1, "{seen:?}");
    assert_eq!(count(&seen, "log Reenabled"), 1, "{seen:?}");
    // Its exit after a while re-runs it at once, and no line or record says a level changed.
    w.advance(200_000);
    w.exits("su", 0);
    let seen = w.take();
    assert_eq!(
        seen,
        [
            "info: id \"su\" (pid 112, /sbin/sulogin) exited with status 0",
            "spawn su"
        ]
    );
}

/// An initdefault entry with a level that is none (`id:a:initdefault:`) is not a missing one:
/// the line says which character was refused (upper-cased, as sysvinit does), in sysvinit's
/// words, and the default boots.
#[test]
fn test_invalid_initdefault_is_named_and_boots_the_configured_level() {
    let mut w = boot("id:a:initdefault:\nr:3:respawn:/bin/svc\n");
    let seen = w.take();
    assert!(
        !seen.iter().any(|s| s.contains("NoInitdefault")),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|s| s.contains("InvalidInitdefault(65, 51, ")),
        "{seen:?}"
    );
    assert!(seen.contains(&"spawn r".to_string()));
}
