use super::*;
use crate::inittab::Inittab;
use crate::levels::Level;
use crate::time::Duration;

fn tab(text: &str) -> Inittab {
    let mut t = Inittab::new();
    t.load(text.as_bytes(), &mut |e| panic!("bad fixture line: {e:?}"));
    t
}

fn report<'a>(t: &'a Inittab, id: &str) -> EntryReport<'a> {
    EntryReport {
        entry: t.find(id.as_bytes()).unwrap(),
        state: State::Running,
        pid: Some(42),
        starts: 3,
        last_exit: None,
        since: Some(Duration::from_millis(303_999)),
    }
}

fn summary_of(s: Summary) -> std::vec::Vec<u8> {
    let mut out = Message::new();
    summary(s, &mut out);
    assert!(out.as_bytes().len() <= MESSAGE_MAX);
    out.as_bytes().to_vec()
}

fn entry_of(r: &EntryReport<'_>, wall: i64) -> std::vec::Vec<u8> {
    let mut out = Message::new();
    entry(r, wall, &mut out);
    assert!(out.as_bytes().len() <= MESSAGE_MAX);
    out.as_bytes().to_vec()
}

fn clock(epoch_secs: i64) -> std::string::String {
    let mut out = Message::new();
    clock_time(&mut out, epoch_secs);
    std::string::String::from_utf8(out.as_bytes().to_vec()).unwrap()
}

/// 2023-11-14 22:13:20 UTC.
const WALL: i64 = 1_700_000_000;

#[test]
fn test_titles_sit_over_their_columns() {
    let at: std::vec::Vec<usize> = [
        "ACTION", "LEVELS", "STATE", "PID", "STARTS", "EXIT", "SINCE",
    ]
    .iter()
    .map(|t| {
        core::str::from_utf8(TITLES)
            .unwrap()
            .find(&format!(" {t}"))
            .unwrap()
            + 1
    })
    .collect();
    assert_eq!(at, COLUMNS);
    assert_eq!(COLUMNS[2], STATE_AT);
}

#[test]
fn test_summary_line() {
    let s = Summary {
        current: Level::digit(3).unwrap(),
        prev: b'N',
        stopping: false,
    };
    assert!(summary_of(s).starts_with(b"runlevel 3, previous N\nID   ACTION"));
    let s = Summary {
        current: Level::digit(0).unwrap(),
        prev: b'3',
        stopping: true,
    };
    assert!(summary_of(s).starts_with(b"runlevel 0, previous 3, stopping\n"));
}

#[test]
fn test_entry_lines_carry_every_field_in_its_column() {
    let t = tab("web:2345:respawn:/bin/web\npf::powerfailnow:/bin/x\nsi::sysinit:/bin/true\n");
    let web = entry_of(&report(&t, "web"), WALL);
    assert_eq!(
        core::str::from_utf8(&web).unwrap(),
        "web  respawn      2345        running                 42      3      -         for 5m3s\n"
    );
    assert_eq!(entry_id(&web), b"web");
    assert!(is_running(&web));
    let pf = EntryReport {
        state: State::Disabled(Duration::from_millis(299_999)),
        pid: None,
        starts: 10,
        last_exit: Some(Exit::Signal(11)),
        since: Some(Duration::ZERO),
        ..report(&t, "pf")
    };
    let pf = entry_of(&pf, WALL);
    assert_eq!(
        core::str::from_utf8(&pf).unwrap(),
        "pf   powerfailnow S0123456789 disabled until 22:18:19 -       10     signal 11 for 0s\n"
    );
    assert!(!is_running(&pf));
    let si = EntryReport {
        state: State::NotInLevel,
        pid: None,
        last_exit: Some(Exit::Code(0)),
        since: None,
        ..report(&t, "si")
    };
    let si = entry_of(&si, WALL);
    assert_eq!(
        core::str::from_utf8(&si).unwrap(),
        "si   sysinit      #           not in this level       -       3      0         -\n"
    );
    assert_eq!(entry_id(b"-"), b"");
    assert!(!is_running(b"short"));
}

#[test]
fn test_the_longest_line_fits() {
    let t = tab("abcd:0123456789S:powerfailnow:/bin/x\n");
    let r = EntryReport {
        state: State::Disabled(Duration::from_millis(u64::MAX)),
        pid: Some(i32::MAX),
        starts: u32::MAX,
        last_exit: Some(Exit::Signal(255)),
        since: Some(Duration::from_millis(u64::MAX)),
        ..report(&t, "abcd")
    };
    let line = entry_of(&r, i64::MAX);
    assert!(line.ends_with(b"h\n"), "{line:?}");
}

fn span(s: u32) -> std::string::String {
    let mut out = Message::new();
    super::span(&mut out, s);
    std::string::String::from_utf8(out.as_bytes().to_vec()).unwrap()
}

#[test]
fn test_spans_and_clock_times_read_well() {
    assert_eq!(span(0), "0s");
    assert_eq!(span(59), "59s");
    assert_eq!(span(303), "5m3s");
    assert_eq!(span(7_260), "2h1m");
    assert_eq!(span(3 * 86_400 + 4 * 3600 + 5), "3d4h");
    assert_eq!(span(60), "1m0s");
    assert_eq!(span(3600), "1h0m");
    assert_eq!(span(86_400), "1d0h");
    assert_eq!(clock(0), "00:00:00");
    assert_eq!(clock(WALL), "22:13:20");
    assert_eq!(clock(-1), "23:59:59");
    assert_eq!(clock(10 * 3600 + 10 * 60 + 9), "10:10:09");
}

#[test]
fn test_every_state_says_its_own_words() {
    let t = tab("ab:2:respawn:/bin/x\n");
    let said = |state: State| {
        let r = EntryReport {
            state,
            ..report(&t, "ab")
        };
        let line = entry_of(&r, 0);
        let words = line.get(STATE_AT..).unwrap();
        std::string::String::from_utf8(words.to_vec()).unwrap()
    };
    assert!(said(State::Running).starts_with("running "));
    assert!(said(State::Waiting).starts_with("waiting "));
    assert!(said(State::Stopped).starts_with("stopped "));
    assert!(said(State::NotInLevel).starts_with("not in this level "));
    assert!(said(State::Disabled(Duration::from_secs(1))).starts_with("disabled until 00:00:01 "));
}
