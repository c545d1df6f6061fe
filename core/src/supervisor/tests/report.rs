//! What `vinit status` sees (report.rs): each entry's state and history on the virtual clock.

use super::*;

/// The report of entry `id` at the world's time.
fn entry<'a>(w: &'a World, id: &str) -> EntryReport<'a> {
    w.init
        .report(w.t())
        .find(|r| r.entry.id == id.as_bytes())
        .unwrap()
}

#[test]
fn test_report_names_every_state() {
    let mut w = boot(
        "id:3:initdefault:\n\
         si::sysinit:/bin/true\n\
         web:3:respawn:/bin/web\n\
         once:3:once:/bin/once\n\
         off:3:off:/bin/x\n\
         five:5:respawn:/bin/five\n\
         kb::kbrequest:/bin/kb\n",
    );
    w.exits("si", 0);
    assert_eq!(w.init.current(), Level::digit(3).unwrap());
    w.advance(2_000);
    w.exits("once", 1);
    w.advance(3_000);
    let web = entry(&w, "web");
    assert_eq!(web.state, State::Running);
    assert_eq!(
        (web.pid, web.starts, web.last_exit),
        (Some(w.pid("web")), 1, None)
    );
    assert_eq!(web.since, Some(Duration::from_millis(5_000)));
    let once = entry(&w, "once");
    assert_eq!((once.state, once.pid), (State::Stopped, None));
    assert_eq!((once.starts, once.last_exit), (1, Some(Exit::Code(1))));
    assert_eq!(once.since, Some(Duration::from_millis(3_000)));
    let si = entry(&w, "si");
    assert_eq!(
        (si.state, si.last_exit),
        (State::Stopped, Some(Exit::Code(0)))
    );
    assert_eq!(entry(&w, "off").state, State::Stopped);
    let five = entry(&w, "five");
    assert_eq!(
        (five.state, five.starts, five.since),
        (State::NotInLevel, 0, None)
    );
    assert_eq!(entry(&w, "kb").state, State::Waiting);
    let s = w.init.summary();
    assert_eq!((s.current.byte(), s.prev, s.stopping), (b'3', b'N', false));
    assert_eq!(w.init.report(w.t()).count(), 7, "initdefault included");
}

#[test]
fn test_report_shows_the_throttle_disable_and_its_end() {
    let mut w = boot("id:3:initdefault:\nweb:3:respawn:/bin/web\n");
    for _ in 0..10 {
        w.exits("web", 1);
    }
    assert!(w.init.pid_of(b"web").is_none(), "throttled");
    let web = entry(&w, "web");
    assert_eq!(web.state, State::Disabled(Duration::from_secs(300)));
    assert_eq!((web.starts, web.last_exit), (10, Some(Exit::Code(1))));
    w.advance(100_000);
    assert_eq!(
        entry(&w, "web").state,
        State::Disabled(Duration::from_secs(200))
    );
    assert_eq!(entry(&w, "web").since, Some(Duration::from_secs(100)));
    w.advance_to_deadline();
    let web = entry(&w, "web");
    assert_eq!((web.state, web.starts), (State::Running, 11));
}

#[test]
fn test_report_keeps_history_across_a_level_change_and_shows_the_stop() {
    let mut w = boot("id:3:initdefault:\nweb:3:respawn:/bin/web\nl5:5:wait:/bin/l5\n");
    w.exits("web", 2);
    w.advance(1_000);
    let dying = w.pid("web");
    w.request(b'5');
    let web = entry(&w, "web");
    assert_eq!(
        (web.state, web.starts),
        (State::NotInLevel, 2),
        "history kept"
    );
    assert_eq!(web.since, Some(Duration::ZERO), "told to die now");
    assert_eq!(
        entry(&w, "l5").state,
        State::Waiting,
        "behind the kill round"
    );
    w.exit_pid(dying, 0);
    assert_eq!(entry(&w, "l5").state, State::Running);
    let s = w.init.summary();
    assert_eq!((s.current.byte(), s.prev), (b'5', b'3'));
    w.stop(StopCause::Term);
    assert!(w.init.summary().stopping);
}
