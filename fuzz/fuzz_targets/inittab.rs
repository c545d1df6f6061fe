//! inittab parser: `Inittab::load` (whole and fed in chunks), `add_default_sulogin`,
//! `load_dropin`, every error rendered, and `cmdline::parse_process` / `shell_command` /
//! `initscript_command` on each kept entry.
//!
//! Input: /etc/inittab, then drop-in files, separated by byte 0x1c (ASCII file separator).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinit_fuzz::cmdline::{initscript_command, parse_process, shell_command};
use vinit_fuzz::inittab::{Action, ErrorKind, Feed, Inittab, InittabError};
use vinit_fuzz::limits::{ID_MAX, MAX_ENTRIES, MAX_WORDS, PROCESS_MAX};

const FILE_SEPARATOR: u8 = 0x1c;

/// A rendered message.
struct Text(String);

/// Physical lines as `load` counts them (a last line without LF counts).
fn line_count(bytes: &[u8]) -> usize {
    bytes.split_inclusive(|&b| b == b'\n').count()
}

fn check_error(e: &InittabError, max_line: usize) {
    assert!(
        e.line >= 1 && e.line as usize <= max_line,
        "line {} of {max_line}",
        e.line
    );
    assert_ne!(
        e.kind,
        ErrorKind::MissingRunlevels,
        "overwritten by MissingAction (spec §1.3)"
    );
    let mut line = vinit_fuzz::display::Line::new();
    e.render(b"/etc/inittab", &mut line);
    let text = Text(String::from_utf8_lossy(line.as_bytes()).into_owned());
    if e.kind == ErrorKind::LineTooLong {
        assert!(
            text.0
                .starts_with("Error detected in /etc/inittab at line "),
            "{}",
            text.0
        );
    } else {
        assert!(text.0.starts_with("/etc/inittab["), "{}", text.0);
    }
    assert!(!text.0.contains('\n'), "one line per message: {:?}", text.0);
}

fuzz_target!(|data: &[u8]| {
    let mut files = data.split(|&b| b == FILE_SEPARATOR);
    let main = files.next().unwrap_or_default();
    let mut tab = Inittab::new();
    // Lines of /etc/inittab, plus the synthesized `~~` line numbered one past them.
    let main_lines = line_count(main);
    tab.load(main, &mut |e| check_error(&e, main_lines));
    // Read a chunk at a time, as vinit reads the file, it is the same table.
    let mut fed = Inittab::new();
    let mut feed = Feed::inittab();
    for chunk in main.chunks(main.len() % 97 + 1) {
        fed.feed(&mut feed, chunk, &mut |_| {});
    }
    fed.feed_end(&mut feed, &mut |_| {});
    assert_eq!(fed.entries(), tab.entries(), "chunked read");
    tab.add_default_sulogin(&mut |e| {
        check_error(&e, main_lines + 1);
        assert_eq!(e.kind, ErrorKind::TableFull);
    });
    if tab.len() < MAX_ENTRIES {
        assert!(
            tab.entries().iter().any(|e| e.levels.has_single()),
            "sulogin added (spec §1.1)"
        );
    }
    for dropin in files {
        let lines = line_count(dropin);
        let before = tab.len();
        tab.load_dropin(dropin, &mut |e| check_error(&e, lines));
        assert!(
            tab.len() <= before + 1,
            "one line per drop-in (spec §1.1 step 3)"
        );
    }

    let entries = tab.entries();
    assert!(entries.len() <= MAX_ENTRIES);
    // Spec §1.7: the power group first.
    let power = entries
        .iter()
        .take_while(|e| e.action.is_power_group())
        .count();
    assert!(
        entries
            .iter()
            .skip(power)
            .all(|e| !e.action.is_power_group())
    );
    for (i, e) in entries.iter().enumerate() {
        assert!(!e.id.is_empty() && e.id.len() <= ID_MAX);
        assert!(e.process.len() <= PROCESS_MAX);
        // Spec §1.3: ids are unique, except `~~`.
        if e.id != b"~~" {
            assert!(
                entries.iter().skip(i + 1).all(|o| o.id != e.id),
                "duplicate id kept"
            );
        }
        assert_eq!(tab.find(&e.id).map(|f| f.id == e.id), Some(true));
        match e.action {
            Action::SysInit | Action::Boot | Action::BootWait => {
                assert!(
                    e.levels.highest().is_none(),
                    "pseudo-level only (spec §1.4)"
                );
            }
            _ => {}
        }
        // Every field that fits the table fits the argv buffer.
        let process = parse_process(&e.process).expect("a kept process field fits");
        assert!(process.command.word_count() <= MAX_WORDS);
        assert_eq!(
            process.command.words().count(),
            process.command.word_count()
        );
        if process.command.uses_shell() {
            assert_eq!(process.command.word_count(), 3);
        }
        let shell = shell_command(&e.process).expect("the shell form fits too");
        assert_eq!(shell.word_count(), 3);
        assert!(shell.uses_shell());
        let wrapped = initscript_command(&e.id, &e.levels_text, e.action.name(), &e.process)
            .expect("the /etc/initscript form fits too");
        assert_eq!(wrapped.word_count(), 6);
    }
    if let Some(level) = tab.initdefault() {
        assert!(tab.initdefault_char().is_some(), "{level:?}");
    }
    let _ = parse_process(data);
    let _ = shell_command(data);
});
