//! Unit tests of `inittab`.

use super::action::ACTIONS;
use super::*;

const DEBIAN: &[u8] = include_bytes!("../../../tests/fixtures/inittab/debian-12");
const GENTOO: &[u8] = include_bytes!("../../../tests/fixtures/inittab/gentoo-amd64");
const FILE: &[u8] = b"/etc/inittab";

fn render(e: &InittabError) -> std::string::String {
    let mut s = crate::display::Line::new();
    e.render(FILE, &mut s);
    std::string::String::from_utf8(s.as_bytes().to_vec()).unwrap()
}

/// Loads `text` into a fresh table, returning it with the rendered messages.
fn load(text: &[u8]) -> (Inittab, std::vec::Vec<std::string::String>) {
    let mut tab = Inittab::new();
    let mut msgs = std::vec::Vec::new();
    tab.load(text, &mut |e| msgs.push(render(&e)));
    (tab, msgs)
}

fn ids(tab: &Inittab) -> std::vec::Vec<&str> {
    tab.entries()
        .iter()
        .map(|e| core::str::from_utf8(&e.id).unwrap())
        .collect()
}

/// The single message for `line` placed at line 3 of a file.
fn message_at_line_3(line: &str) -> std::string::String {
    let text = format!("# c\n\n{line}\nok:2:once:/bin/true\n");
    let (tab, msgs) = load(text.as_bytes());
    assert_eq!(msgs.len(), 1, "{line}: {msgs:?}");
    assert_eq!(ids(&tab), ["ok"]);
    msgs[0].clone()
}

// One test per row of the compat §1.3 table.

#[test]
fn row_missing_id() {
    assert_eq!(
        message_at_line_3(":2:once:/bin/x"),
        "/etc/inittab[3]: missing id field"
    );
}

#[test]
fn row_missing_runlevels_is_overwritten_by_missing_action() {
    // No second `:` means no action either; the later check's message wins (compat §1.3).
    assert_eq!(
        message_at_line_3("ab"),
        "/etc/inittab[3]: missing action field"
    );
    assert_eq!(fields(b"ab").err(), Some(ErrorKind::MissingAction));
    let e = InittabError {
        line: 3,
        kind: ErrorKind::MissingRunlevels,
    };
    assert_eq!(render(&e), "/etc/inittab[3]: missing runlevel field");
}

#[test]
fn row_missing_process() {
    assert_eq!(
        message_at_line_3("a7:3:once"),
        "/etc/inittab[3]: missing process field"
    );
    // An empty process field is fine (initdefault needs it).
    let (tab, msgs) = load(b"id:2:initdefault:\n");
    assert!(msgs.is_empty());
    assert!(tab.entries()[0].process.is_empty());
}

#[test]
fn row_missing_action() {
    assert_eq!(
        message_at_line_3("a7:3::/bin/x"),
        "/etc/inittab[3]: missing action field"
    );
    assert_eq!(
        message_at_line_3(":3:"),
        "/etc/inittab[3]: missing action field"
    );
}

#[test]
fn row_id_too_long() {
    assert_eq!(
        message_at_line_3("abcde:2:once:/x"),
        "/etc/inittab[3]: id field too long (max 4 characters)"
    );
    // Overwrites the missing-field messages.
    assert_eq!(
        message_at_line_3("abcde"),
        "/etc/inittab[3]: id field too long (max 4 characters)"
    );
    let (tab, msgs) = load(b"abcd:2:once:/x\n");
    assert!(msgs.is_empty());
    assert_eq!(ids(&tab), ["abcd"]);
}

#[test]
fn row_runlevels_too_long() {
    assert_eq!(
        message_at_line_3("a:0123456789SS:once:/x"),
        "/etc/inittab[3]: rlevel field too long (max 11 characters)"
    );
    assert!(load(b"a:S0123456789:once:/x\n").1.is_empty());
}

#[test]
fn row_process_too_long() {
    // The 254-character line limit comes first in a file (compat §1.3 note), so the check
    // itself is exercised on the line parser.
    let line = format!("a:2:once:{}", "x".repeat(PROCESS_MAX + 1));
    assert_eq!(
        fields(line.as_bytes()).err(),
        Some(ErrorKind::ProcessTooLong)
    );
    let ok = format!("a:2:once:{}", "x".repeat(PROCESS_MAX));
    let mut tab = Inittab::new();
    tab.insert(&fields(ok.as_bytes()).unwrap(), 1).unwrap();
    assert_eq!(tab.entries()[0].process.len(), PROCESS_MAX);
    let e = InittabError {
        line: 3,
        kind: ErrorKind::ProcessTooLong,
    };
    assert_eq!(
        render(&e),
        "/etc/inittab[3]: process field too long (max 256 characters)"
    );
}

#[test]
fn row_action_too_long() {
    let line = format!("a:2:{}:/x", "r".repeat(ACTION_MAX + 1));
    assert_eq!(
        message_at_line_3(&line),
        "/etc/inittab[3]: action field too long"
    );
    // Later check overwrites earlier ones (id too long).
    let line = format!("abcdef:2:{}", "r".repeat(ACTION_MAX + 1));
    assert_eq!(
        message_at_line_3(&line),
        "/etc/inittab[3]: action field too long"
    );
}

#[test]
fn row_unknown_action() {
    assert_eq!(
        message_at_line_3("a:2:respwan:/x"),
        "/etc/inittab[3]: respwan: unknown action field"
    );
    assert_eq!(
        message_at_line_3("a:2:frob:/x"),
        "/etc/inittab[3]: frob: unknown action field"
    );
}

#[test]
fn row_duplicate_id() {
    let (tab, msgs) = load(b"l0:0:wait:/a\nl1:1:wait:/b\nl0:2:wait:/c\n");
    assert_eq!(msgs, ["/etc/inittab[3]: duplicate ID field \"l0\""]);
    assert_eq!(ids(&tab), ["l0", "l1"]);
    assert_eq!(&tab.find(b"l0").unwrap().process[..], b"/a");
    // Case-sensitive.
    assert!(load(b"L0:0:wait:/a\nl0:0:wait:/a\n").1.is_empty());
}

#[test]
fn sulogin_id_may_repeat() {
    let (tab, msgs) = load(b"~~:S:wait:/a\n~~:S:wait:/b\n");
    assert!(msgs.is_empty());
    assert_eq!(ids(&tab), ["~~", "~~"]);
    assert_eq!(tab.position(b"~~"), Some(0));
}

#[test]
fn table_full_is_reported_once_and_parsing_goes_on() {
    let mut text = std::string::String::new();
    for i in 0..MAX_ENTRIES + 2 {
        text.push_str(&format!("{i}:2:once:/x\n"));
    }
    text.push_str("bad\n");
    let (tab, msgs) = load(text.as_bytes());
    assert_eq!(tab.len(), MAX_ENTRIES);
    assert_eq!(
        msgs,
        [
            "/etc/inittab[65]: too many entries (max 64): this line and every later entry ignored",
            "/etc/inittab[67]: missing action field",
        ]
    );
}

#[test]
fn line_numbers_count_every_physical_line() {
    let (_, msgs) = load(b"# one\n\n   \n\t# four\nfive\n");
    assert_eq!(msgs, ["/etc/inittab[5]: missing action field"]);
}

#[test]
fn crlf_lines_work() {
    let (tab, msgs) = load(b"id:3:initdefault:\r\n\r\nc1:2345:respawn:/sbin/agetty tty1\r\n");
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(&tab.find(b"c1").unwrap().process[..], b"/sbin/agetty tty1");
    assert_eq!(tab.find(b"c1").unwrap().line, 3);
    assert_eq!(tab.initdefault(), Level::digit(3));
}

#[test]
fn over_long_line_is_skipped() {
    let max = format!("a:2:once:/{}", "x".repeat(LINE_MAX - 2 - 10));
    assert_eq!(max.len(), 254);
    let over = format!("b:2:once:/{}", "x".repeat(LINE_MAX - 2 - 9));
    let comment = format!("#{}", "x".repeat(400));
    let max_crlf = max.replacen('a', "d", 1);
    let text = format!("{max}\n{over}\n{comment}\nc:2:once:/x\n{max_crlf}\r\n");
    let (tab, msgs) = load(text.as_bytes());
    assert_eq!(
        msgs,
        ["Error detected in /etc/inittab at line 2. Possibly too long."]
    );
    // The CRLF of `d` does not count against the limit.
    assert_eq!(ids(&tab), ["a", "c", "d"]);
    let (_, msgs) = load(over.as_bytes());
    assert_eq!(
        msgs,
        ["Error detected in /etc/inittab at line 1. Possibly too long."]
    );
    let e = InittabError {
        line: 7,
        kind: ErrorKind::LineTooLong,
    };
    let mut s = crate::display::Line::new();
    e.render(b"/etc/inittab.d/x.tab", &mut s);
    assert_eq!(
        s.as_bytes(),
        b"Error detected in /etc/inittab.d/x.tab at line 7. Possibly too long."
    );
}

#[test]
fn last_line_without_newline_is_parsed() {
    let (tab, msgs) = load(b"a:2:once:/x\nb:2:once:/y");
    assert!(msgs.is_empty());
    assert_eq!(ids(&tab), ["a", "b"]);
    assert_eq!(&tab.find(b"b").unwrap().process[..], b"/y");
    assert_eq!(tab.find(b"b").unwrap().line, 2);
    let (_, msgs) = load(b"a:2:once:/x\nb:2");
    assert_eq!(msgs, ["/etc/inittab[2]: missing action field"]);
}

#[test]
fn leading_blanks_skipped_and_colons_kept_in_process() {
    let (tab, msgs) = load(b" \t a:2:once:/bin/x a:b:c \n");
    assert!(msgs.is_empty());
    assert_eq!(&tab.entries()[0].process[..], b"/bin/x a:b:c ");
}

#[test]
fn actions_are_case_insensitive() {
    let (tab, msgs) = load(b"a:2:ONCE:/x\nb:2:ReSpAwN:/y\nc::CtrlAltDel:/z\n");
    assert!(msgs.is_empty());
    let actions: std::vec::Vec<Action> = tab.entries().iter().map(|e| e.action).collect();
    assert_eq!(actions, [Action::CtrlAltDel, Action::Once, Action::Respawn]);
    for a in ACTIONS {
        assert_eq!(Action::from_name(a.name().as_bytes()), Some(a));
        assert_eq!(
            Action::from_name(a.name().to_uppercase().as_bytes()),
            Some(a)
        );
    }
    assert_eq!(Action::from_name(b"respawn "), None);
    assert_eq!(Action::from_name(b""), None);
    // `from_name` folds by the case bit alone: right only while every name is lower-case
    // letters, and no other byte folds onto one (`@` onto a backquote, `[` onto `{`).
    for a in ACTIONS {
        assert!(a.name().bytes().all(|b| b.is_ascii_lowercase()), "{a:?}");
    }
    assert_eq!(Action::from_name(b"@ff"), None);
    assert_eq!(Action::from_name(b"o\\f"), None);
    for b in 0..=255u8 {
        let name = [b, b'f', b'f'];
        let want = (b == b'o' || b == b'O').then_some(Action::Off);
        assert_eq!(Action::from_name(&name), want, "{b:#x}");
    }
}

#[test]
fn action_names() {
    let names: std::vec::Vec<_> = ACTIONS.into_iter().map(Action::name).collect();
    assert_eq!(
        names,
        [
            "respawn",
            "wait",
            "once",
            "boot",
            "bootwait",
            "off",
            "ondemand",
            "initdefault",
            "sysinit",
            "powerwait",
            "powerfail",
            "powerokwait",
            "powerfailnow",
            "ctrlaltdel",
            "kbrequest"
        ]
    );
}

#[test]
fn action_groups() {
    let power: std::vec::Vec<_> = ACTIONS
        .into_iter()
        .filter(|a| a.is_power_group())
        .map(Action::name)
        .collect();
    assert_eq!(
        power,
        [
            "powerwait",
            "powerfail",
            "powerokwait",
            "powerfailnow",
            "ctrlaltdel"
        ]
    );
    let waits: std::vec::Vec<_> = ACTIONS
        .into_iter()
        .filter(|a| a.waits())
        .map(Action::name)
        .collect();
    assert_eq!(
        waits,
        [
            "wait",
            "bootwait",
            "sysinit",
            "powerwait",
            "powerokwait",
            "powerfailnow",
            "ctrlaltdel"
        ]
    );
}

#[test]
fn power_group_goes_first_in_file_order() {
    let text = b"a:2:once:/a\np1::powerwait:/p1\nb:2:kbrequest:/b\nc1:1:ctrlaltdel:/c\nc:2:wait:/c\np2::powerfail:/p2\n";
    let (tab, msgs) = load(text);
    assert!(msgs.is_empty());
    assert_eq!(ids(&tab), ["p1", "c1", "p2", "a", "b", "c"]);
}

#[test]
fn empty_runlevels_are_normalised() {
    let text = b"a::once:/a\nb::powerfail:/b\nc::ctrlaltdel:/c\nd::kbrequest:/d\n\
                 e:2:sysinit:/e\nf:S:boot:/f\ng::bootwait:/g\nh:x:once:/h\n";
    let (tab, msgs) = load(text);
    assert!(msgs.is_empty());
    let levels = |id: &[u8]| tab.find(id).unwrap().levels;
    assert_eq!(levels(b"a"), Levels::NUMERIC);
    assert_eq!(levels(b"b"), Levels::POWER_DEFAULT);
    assert_eq!(levels(b"c"), Levels::POWER_DEFAULT);
    assert_eq!(levels(b"d"), Levels::NUMERIC);
    assert_eq!(levels(b"e"), Levels::SYSINIT_ONLY);
    assert_eq!(levels(b"f"), Levels::BOOT_ONLY);
    assert_eq!(levels(b"g"), Levels::BOOT_ONLY);
    assert_eq!(levels(b"h"), Levels::EMPTY);
}

#[test]
fn levels_text_is_what_sysvinit_passes_to_initscript() {
    let text = b"a::once:/a\nb::powerfail:/b\ne:2:sysinit:/e\nf:S:boot:/f\nh:x3a:once:/h\n";
    let (tab, msgs) = load(text);
    assert!(msgs.is_empty());
    let text = |id: &[u8]| tab.find(id).unwrap().levels_text.to_vec();
    assert_eq!(text(b"a"), b"0123456789");
    assert_eq!(text(b"b"), b"S0123456789");
    assert_eq!(text(b"e"), b"#");
    assert_eq!(text(b"f"), b"*");
    assert_eq!(text(b"h"), b"x3a", "as written");
}

#[test]
fn lower_case_s_does_not_suppress_sulogin() {
    let (mut tab, _) = load(b"a:s:wait:/a\n");
    assert!(!tab.entries()[0].levels.contains(Level::SINGLE));
    let mut msgs = std::vec::Vec::new();
    tab.add_default_sulogin(&mut |e| msgs.push(render(&e)));
    assert!(msgs.is_empty());
    assert_eq!(ids(&tab), ["a", "~~"]);
    let sulogin = &tab.entries()[1];
    assert_eq!(&sulogin.process[..], b"/sbin/sulogin");
    assert_eq!(sulogin.action, Action::Wait);
    assert_eq!(sulogin.line, 2);
}

#[test]
fn default_sulogin_only_without_s() {
    // A power entry with an empty field has S (compat §1.1 step 2 note).
    let (mut tab, _) = load(b"p::powerwait:/p\n");
    tab.add_default_sulogin(&mut |e| panic!("{e:?}"));
    assert_eq!(ids(&tab), ["p"]);
    let mut empty = Inittab::new();
    empty.add_default_sulogin(&mut |e| panic!("{e:?}"));
    assert_eq!(ids(&empty), ["~~"]);
    assert_eq!(empty.entries()[0].line, 1);
}

#[test]
fn dropin_uses_first_entry_line_only() {
    let (mut tab, _) = load(b"a:2:once:/a\n");
    let mut msgs = std::vec::Vec::new();
    // The errors quote the line they are about: kept as (line, kind, quoted text).
    let mut keep = |e: InittabError<'_>| {
        let quoted = match e.kind {
            ErrorKind::DuplicateId(t) | ErrorKind::UnknownAction(t) => t.to_vec(),
            _ => std::vec::Vec::new(),
        };
        msgs.push((e.line, e.kind == ErrorKind::DuplicateId(&quoted), quoted));
    };
    tab.load_dropin(b"# comment\n\n  x:2:respawn:/x\ny:2:once:/y\n", &mut keep);
    tab.load_dropin(b"# only comments\n", &mut keep);
    tab.load_dropin(b"\n\na:2:once:/dup\nz:2:once:/z\n", &mut keep);
    tab.load_dropin(b"pf::powerfail:/pf", &mut keep);
    assert_eq!(ids(&tab), ["pf", "a", "x"]);
    assert_eq!(tab.find(b"x").unwrap().line, 3);
    assert_eq!(msgs, [(3, true, b"a".to_vec())]);
}

#[test]
fn initdefault_selection() {
    let pick = |text: &[u8]| load(text).0.initdefault();
    assert_eq!(pick(b"id:2:initdefault:\n"), Level::digit(2));
    assert_eq!(pick(b"id:35:initdefault:\n"), Level::digit(5));
    assert_eq!(pick(b"id::initdefault:\n"), Level::digit(9));
    assert_eq!(pick(b"id:S:initdefault:\n"), Some(Level::SINGLE));
    // Highest byte, then upper-cased: `s` sorts above `S` and the digits (compat §1.8).
    assert_eq!(pick(b"id:2s:initdefault:\n"), Some(Level::SINGLE));
    // First entry wins.
    assert_eq!(
        pick(b"id:3:initdefault:\nid2:4:initdefault:\n"),
        Level::digit(3)
    );
    assert_eq!(pick(b"a:2:once:/x\n"), None);
    // Invalid: a letter sorts above everything.
    let (tab, _) = load(b"id:2a:initdefault:\n");
    assert_eq!(tab.initdefault(), None);
    assert_eq!(tab.initdefault_char(), Some(b'A'));
    assert_eq!(pick(b"id:#:initdefault:\n"), None);
    // A rejected first line does not count.
    assert_eq!(
        pick(b"id:2:initdefault:\nid:4:initdefault:\n"),
        Level::digit(2)
    );
}

#[test]
fn debian_12_fixture() {
    let (mut tab, msgs) = load(DEBIAN);
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(tab.len(), 21);
    assert_eq!(
        ids(&tab),
        [
            "ca", "pf", "pn", "po", "id", "si", "~~", "l0", "l1", "l2", "l3", "l4", "l5", "l6",
            "z6", "1", "2", "3", "4", "5", "6"
        ]
    );
    assert_eq!(tab.initdefault(), Level::digit(2));
    let si = tab.find(b"si").unwrap();
    assert_eq!(
        (si.action, si.levels, si.line),
        (Action::SysInit, Levels::SYSINIT_ONLY, 9)
    );
    assert_eq!(
        &tab.find(b"1").unwrap().process[..],
        b"/sbin/getty --noclear 38400 tty1"
    );
    tab.add_default_sulogin(&mut |e| panic!("{e:?}"));
    assert_eq!(tab.len(), 21);
}

/// `load`, but fed `size` bytes at a time, as the driver reads a file.
fn load_in_chunks(text: &[u8], size: usize) -> (Inittab, std::vec::Vec<std::string::String>) {
    let mut tab = Inittab::new();
    let mut msgs = std::vec::Vec::new();
    let mut feed = Feed::inittab();
    for chunk in text.chunks(size) {
        tab.feed(&mut feed, chunk, &mut |e| msgs.push(render(&e)));
    }
    tab.feed_end(&mut feed, &mut |e| msgs.push(render(&e)));
    (tab, msgs)
}

#[test]
fn any_chunking_reads_as_the_whole_file() {
    let tricky = format!(
        "{}\n   {}x:2:once:/a\n{}#c\n\t\r\n ab\0cd\nlast:2:once:/z",
        "y".repeat(300),
        " ".repeat(300),
        " ".repeat(260)
    );
    for text in [DEBIAN, GENTOO, tricky.as_bytes()] {
        let (whole, whole_msgs) = load(text);
        for size in (1..70).chain([255, 256, 257, 1024]) {
            let (tab, msgs) = load_in_chunks(text, size);
            assert_eq!(tab.entries(), whole.entries(), "chunks of {size}");
            assert_eq!(msgs, whole_msgs, "chunks of {size}");
            assert_eq!(tab.head.inittab_lines, whole.head.inittab_lines);
        }
    }
}

#[test]
fn over_long_lines_are_classified_by_their_first_character() {
    // Leading blanks count against the limit but never push the first character out.
    let blanks_then_entry = format!("{}x:2:once:/a\n", " ".repeat(300));
    let blanks_then_comment = format!("{}# c\n", "\t".repeat(300));
    let blank = format!("{}\r\n", " ".repeat(300));
    let huge = format!("h:2:once:/{}\n", "x".repeat(100_000));
    let text = format!("{blanks_then_entry}{blanks_then_comment}{blank}{huge}ok:2:once:/ok\n");
    let (tab, msgs) = load(text.as_bytes());
    assert_eq!(
        msgs,
        [
            "Error detected in /etc/inittab at line 1. Possibly too long.",
            "Error detected in /etc/inittab at line 4. Possibly too long.",
        ]
    );
    assert_eq!(ids(&tab), ["ok"]);
    assert_eq!(tab.find(b"ok").unwrap().line, 5);
}

#[test]
fn line_numbers_go_past_65535() {
    let text = format!("{}bad\n", "#\n".repeat(70_000));
    let (_, msgs) = load(text.as_bytes());
    assert_eq!(msgs, ["/etc/inittab[70001]: missing action field"]);
}

#[test]
fn a_dropin_is_read_up_to_its_entry_line() {
    let mut tab = Inittab::new();
    let mut feed = Feed::dropin();
    tab.feed(&mut feed, b"# c\n\nd1:2:once:/a\n", &mut |e| {
        panic!("{e:?}")
    });
    assert!(feed.done());
    tab.feed(&mut feed, b"d2:2:once:/b\n", &mut |e| panic!("{e:?}"));
    tab.feed_end(&mut feed, &mut |e| panic!("{e:?}"));
    assert_eq!(ids(&tab), ["d1"]);
}

#[test]
fn gentoo_fixture() {
    let (mut tab, msgs) = load(GENTOO);
    assert!(msgs.is_empty(), "{msgs:?}");
    assert_eq!(tab.len(), 24);
    assert_eq!(tab.position(b"ca"), Some(0));
    assert_eq!(tab.initdefault(), Level::digit(3));
    let rc = tab.find(b"rc").unwrap();
    assert_eq!(
        (rc.action, rc.levels),
        (Action::BootWait, Levels::BOOT_ONLY)
    );
    let x = tab.find(b"x").unwrap();
    assert!(x.levels.contains_demand(b'a') && x.levels.highest().is_none());
    tab.add_default_sulogin(&mut |e| panic!("{e:?}"));
    assert_eq!(tab.len(), 24);
    // Every process field reads as a command.
    for e in tab
        .entries()
        .iter()
        .filter(|e| e.action != Action::InitDefault)
    {
        assert!(
            crate::cmdline::parse_process(&e.process)
                .unwrap()
                .command
                .word_count()
                > 0
        );
    }
}

/// xorshift64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

fn line_count(bytes: &[u8]) -> usize {
    bytes.split_inclusive(|&b| b == b'\n').count()
}

fn check_no_panic_and_lines_in_range(input: &[u8]) {
    let mut tab = Inittab::new();
    let max = line_count(input);
    tab.load(input, &mut |e| {
        assert!(
            e.line >= 1 && e.line as usize <= max,
            "line {} of {max}",
            e.line
        );
        render(&e);
    });
    assert!(tab.len() <= MAX_ENTRIES);
    tab.load_dropin(input, &mut |e| assert!(e.line as usize <= max));
    let _ = tab.initdefault();
    for e in tab.entries() {
        let _ = crate::cmdline::parse_process(&e.process);
        let _ = crate::cmdline::shell_command(&e.process);
    }
    let _ = crate::cmdline::parse_process(input);
}

/// 10,000 random byte strings and 10,000 inputs of mutated fixture lines (seeded).
#[test]
fn fuzz_random_and_mutated_input() {
    const ALPHABET: &[u8] = b"::::\n\n\r\t  ##@+$aSs0129~-/xyzRESPAWNrespawnoncewait\0\xff";
    let fixture_lines: std::vec::Vec<&[u8]> = DEBIAN
        .split(|&b| b == b'\n')
        .chain(GENTOO.split(|&b| b == b'\n'))
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..20_000 {
        let mut input = std::vec::Vec::new();
        if round % 2 == 0 {
            let len = rng.below(700);
            for _ in 0..len {
                let b = if rng.below(4) == 0 {
                    rng.next_u64() as u8
                } else {
                    ALPHABET[rng.below(ALPHABET.len())]
                };
                input.push(b);
            }
        } else {
            for _ in 0..1 + rng.below(6) {
                let mut line = fixture_lines[rng.below(fixture_lines.len())].to_vec();
                for _ in 0..rng.below(4) {
                    let at = rng.below(line.len() + 1);
                    match rng.below(3) {
                        0 if at < line.len() => {
                            line.remove(at);
                        }
                        1 => line.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
                        _ => line.extend(core::iter::repeat_n(b'x', rng.below(300))),
                    }
                }
                input.extend_from_slice(&line);
                if rng.below(8) != 0 {
                    input.push(b'\n');
                }
            }
        }
        check_no_panic_and_lines_in_range(&input);
    }
}

/// `exchange` swaps whole tables, whichever is longer, keeping each one's entry order.
#[test]
fn exchange_swaps_tables_of_any_lengths() {
    let (mut a, _) =
        load(b"id:3:initdefault:\na:3:respawn:/bin/a\nb:3:respawn:/bin/b\nc:3:once:/bin/c\n");
    let (mut b, _) = load(b"x:5:wait:/bin/x\n");
    let (a_ids, b_ids) = (ids(&a).join(","), ids(&b).join(","));
    let (a_default, b_default) = (a.initdefault(), b.initdefault());
    a.exchange(&mut b);
    assert_eq!(
        (ids(&a).join(","), ids(&b).join(",")),
        (b_ids.clone(), a_ids.clone())
    );
    assert_eq!((a.initdefault(), b.initdefault()), (b_default, a_default));
    b.exchange(&mut a);
    assert_eq!((ids(&a).join(","), ids(&b).join(",")), (a_ids, b_ids));
    let mut empty = Inittab::new();
    a.exchange(&mut empty);
    assert!(a.entries().is_empty());
    assert_eq!(empty.initdefault(), a_default);
}

#[test]
fn bad_bytes_in_a_message_show_as_the_logs_do() {
    // The log's `Bytes` rule: each byte that is not UTF-8 is one `?`.
    let (_, msgs) = load(b"a:2:\xffre\xe2\x82:/x\n");
    assert_eq!(msgs, ["/etc/inittab[1]: ?re??: unknown action field"]);
}
