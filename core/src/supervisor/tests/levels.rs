//! Level changes, requests and re-reads (compat §2.2-§2.6): the kill round, the diff, single-user.

use super::*;

#[test]
fn test_level_change_term_then_kill_after_sleeptime() {
    let mut w =
        boot("id:3:initdefault:\na:3:respawn:/bin/a\nb:35:respawn:/bin/b\nc:5:respawn:/bin/c\n");
    let pa = w.pid("a");
    let pb = w.pid("b");
    w.take();
    w.request(b'5');
    let seen = w.take();
    assert!(seen.contains(&"runlevel 35".to_string()));
    assert!(seen.contains(&format!("kill {} 15", -pa)), "{seen:?}");
    assert!(
        !seen.iter().any(|s| s.contains(&pb.to_string())),
        "b stays: {seen:?}"
    );
    // Nothing new starts while the kill round runs.
    assert!(!seen.contains(&"spawn c".to_string()));
    w.advance(2_999);
    assert!(w.take().is_empty());
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.contains(&format!("kill {} 9", -pa)), "{seen:?}");
    w.advance_to_deadline();
    let seen = w.take();
    assert!(seen.iter().any(|s| s.contains("Hang")), "{seen:?}");
    assert!(seen.contains(&"spawn c".to_string()), "{seen:?}");
}

#[test]
fn test_level_change_signals_every_process_of_a_full_table() {
    let mut text = String::from("id:3:initdefault:\n");
    for i in 0..60 {
        text.push_str(&format!("r{i}:3:respawn:/bin/r\n"));
    }
    let mut w = boot(&text);
    assert_eq!(w.spawns().len(), 60);
    w.request(b'5');
    let terms = w
        .take()
        .iter()
        .filter(|s| s.starts_with("kill -") && s.ends_with(" 15"))
        .count();
    assert_eq!(terms, 60, "no signal may be dropped");
}

#[test]
fn test_level_change_ends_early_when_killed_processes_exit() {
    let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nc:5:respawn:/bin/c\n");
    let pa = w.pid("a");
    w.request(b'5');
    w.take();
    w.advance(50);
    w.exit_pid(pa, 0);
    assert_eq!(w.spawns(), ["spawn c"]);
}

#[test]
fn test_exits_name_the_entry_for_its_dead_process_record() {
    let mut w = boot("id:3:initdefault:\na:35:respawn:/bin/a\np:3:respawn:+/bin/p\n");
    let (pa, pp) = (w.pid("a"), w.pid("p"));
    let dead = w.init.handle_child_exit(w.t(), pa, Exit::Code(0));
    assert_eq!(dead, Some(&b"a"[..]));
    assert_eq!(
        w.init.handle_child_exit(w.t(), pp, Exit::Code(0)),
        None,
        "`+`"
    );
    assert_eq!(
        w.init.handle_child_exit(w.t(), 9999, Exit::Code(0)),
        None,
        "orphan"
    );
    w.drive();
    // One killed in a level change (a `dying` process) gets its record too.
    let (pa, pp) = (w.pid("a"), w.pid("p"));
    w.request(b'4');
    let dead = w.init.handle_child_exit(w.t(), pa, Exit::Signal(15));
    assert_eq!(dead, Some(&b"a"[..]));
    assert_eq!(w.init.handle_child_exit(w.t(), pp, Exit::Signal(15)), None);
}

#[test]
fn test_request_for_current_level_does_nothing() {
    let mut w = boot("id:3:initdefault:\no:3:once:/bin/o\n");
    w.exits("o", 0);
    w.take();
    w.request(b'3');
    assert!(w.take().is_empty());
}

#[test]
fn test_once_runs_again_after_leaving_and_coming_back() {
    let mut w = boot("id:3:initdefault:\no:3:once:/bin/o\n");
    w.exits("o", 0);
    w.request(b'4');
    w.request(b'3');
    assert!(w.spawns().contains(&"spawn o".to_string()));
}

#[test]
fn test_reload_applies_a_diff() {
    let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nb:3:respawn:/bin/b\n");
    let pa = w.pid("a");
    let pb = w.pid("b");
    w.take();
    let mut fresh = tab("id:3:initdefault:\nb:3:respawn:/bin/b2\nc:3:respawn:/bin/c\n");
    w.reload(&mut fresh);
    let seen = w.take();
    assert!(
        seen.contains(&format!("kill {} 15", -pa)),
        "a vanished: {seen:?}"
    );
    assert!(
        !seen.iter().any(|s| s.contains(&format!("{}", -pb))),
        "b kept: {seen:?}"
    );
    assert_eq!(w.pid("b"), pb);
    w.exit_pid(pa, 0);
    assert_eq!(w.spawns(), ["spawn c"]);
}

#[test]
fn test_reload_kills_entry_whose_action_changed_to_off() {
    let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\n");
    let pa = w.pid("a");
    w.take();
    w.reload(&mut tab("id:3:initdefault:\na:3:off:/bin/a\n"));
    assert!(w.take().contains(&format!("kill {} 15", -pa)));
}

#[test]
fn test_reexec_request_keeps_children() {
    let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\n");
    let pa = w.pid("a");
    w.take();
    w.request(b'u');
    let seen = w.take();
    assert_eq!(seen, ["log ReExec"]);
    assert_eq!(w.pid("a"), pa);
}

#[test]
fn test_ondemand_letters_mark_entries_without_level_change() {
    let mut w = boot("id:3:initdefault:\nx:a:once:/usr/bin/startDM\nd:b:ondemand:/bin/d\n");
    w.take();
    w.request(b'a');
    let seen = w.take();
    assert!(seen.contains(&"spawn x".to_string()), "{seen:?}");
    assert!(!seen.iter().any(|s| s.starts_with("runlevel")));
    assert_eq!(w.init.current(), Level::digit(3).unwrap());
}

#[test]
fn test_bad_runlevel_is_logged_and_acts_as_q() {
    let mut w = boot("id:3:initdefault:\n");
    w.take();
    w.request(b'z');
    assert!(w.take().iter().any(|s| s.contains("BadRunlevel(122)")));
}

#[test]
fn test_single_user_returns_to_initdefault_when_its_processes_end() {
    let mut w = boot("id:3:initdefault:\nsu:S:wait:/sbin/sulogin\nr:3:respawn:/bin/r\n");
    w.take();
    let pr = w.pid("r");
    w.request(b'S');
    w.exit_pid(pr, 0);
    assert!(w.take().contains(&"spawn su".to_string()));
    w.exits("su", 0);
    let seen = w.take();
    assert!(seen.contains(&"runlevel S3".to_string()), "{seen:?}");
    assert_eq!(w.init.prevlevel_env(), b'S');
}

#[test]
fn test_level_change_outside_a_stop_uses_the_request_sleeptime() {
    let mut w = boot("id:3:initdefault:\nr:3:respawn:/bin/db\n");
    let pr = w.pid("r");
    w.request_with(b'5', Duration::from_secs(1), None);
    w.advance(999);
    assert!(!w.take().contains(&format!("kill {} 9", -pr)));
    w.advance(1);
    assert!(w.take().contains(&format!("kill {} 9", -pr)));
}

/// A process that survives its KILL (stuck in the kernel) is reported once and no later
/// kill round waits for it: the next level change ends when its own process exits.
#[test]
fn test_a_hung_process_does_not_hold_later_kill_rounds() {
    let mut w = boot("id:3:initdefault:\na:3:respawn:/bin/a\nb:4:respawn:/bin/b\n");
    let pa = w.pid("a");
    w.request(b'4');
    w.advance_to_deadline();
    w.advance_to_deadline();
    let seen = w.take();
    assert_eq!(count(&seen, "log Hang"), 1, "{seen:?}");
    assert!(seen.contains(&"spawn b".to_string()), "{seen:?}");
    let pb = w.pid("b");
    w.request(b'3');
    let seen = w.take();
    assert!(seen.contains(&format!("kill {} 15", -pb)), "{seen:?}");
    assert!(!seen.contains(&format!("kill {} 15", -pa)), "{seen:?}");
    assert!(seen.contains(&"log SendingTerm(1)".to_string()), "{seen:?}");
    w.advance(10);
    w.exit_pid(pb, 0);
    assert_eq!(w.spawns(), ["spawn a"]);
    assert_eq!(count(&w.take(), "log Hang"), 0);
    // Its exit, whenever it comes, is still recognised.
    assert_eq!(
        w.init.handle_child_exit(w.t(), pa, Exit::Signal(9)),
        Some(&b"a"[..])
    );
}
