//! The manual page, doc/vinit.8 (issue #11): it renders without a single warning, and it
//! cannot drift from the program: every option and `VINIT_*` variable that `vinit --help`
//! lists, and every `VINIT_*` variable the source reads, is in it. And the code's references
//! (issue #12): every `compat §N` names a section of docs/sysvinit-compatibility.md, every
//! `docs/NAME.md` exists, and nothing points outside the repository.
//!
//! Needs groff and man (Debian's groff-base and man-db; `.ci/run` installs them). Without them
//! the test fails: a skipped check cannot fail.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Bound for one groff or man run.
const RENDER_TIMEOUT: Duration = Duration::from_secs(60);

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("doc/vinit.8")
}

/// Runs a formatter on the page; fails the test if it is not installed.
fn run(program: &str, args: &[&str]) -> support::Inside {
    let mut cmd = Command::new(program);
    cmd.args(args).arg(page()).env("LC_ALL", "C.UTF-8");
    assert!(
        Command::new(program).arg("--version").output().is_ok(),
        "{program} is missing: install man-db and groff-base (apt-get install -y \
         --no-install-recommends man-db groff-base; .ci/run does)"
    );
    support::output_within(&mut cmd, RENDER_TIMEOUT)
        .unwrap_or_else(|| panic!("{program} {args:?} did not finish within {RENDER_TIMEOUT:?}"))
}

/// The page as text: ASCII, no overstrike, so `\-` and `-` both read `-`.
fn rendered() -> String {
    let out = run("groff", &["-man", "-Tascii", "-P-cbou", "-ww"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    out.stdout
}

/// Whether `text` holds `word` with no letter, digit or `-` right before or after it.
fn has_word(text: &str, word: &str) -> bool {
    let part = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices(word).any(|(at, _)| {
        !text[..at].chars().next_back().is_some_and(part)
            && !text[at + word.len()..].chars().next().is_some_and(part)
    })
}

/// The options (`-T`, `--help`, bundles such as `-gsv`) and `VINIT_*` names in `text`.
fn options_and_variables(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .filter(|w| {
            let dashes = w.len() - w.trim_start_matches('-').len();
            let rest = &w[dashes..];
            let option = (1..=2).contains(&dashes)
                && rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
            let variable = w.starts_with("VINIT_") && w.len() > 6;
            option || variable
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn test_man_page_renders_without_warnings() {
    let groff = run("groff", &["-man", "-ww", "-z"]);
    assert_eq!(groff.code, Some(0), "{groff:?}");
    assert_eq!(groff.stderr, "", "groff warns");
    let man = run("man", &["--warnings=all", "-l", "-Tutf8"]);
    assert_eq!(man.code, Some(0), "{man:?}");
    assert_eq!(man.stderr, "", "man warns");
    assert!(man.stdout.len() > 1000, "{man:?}");
}

#[test]
fn test_man_page_has_every_option_and_variable_of_help() {
    let help = support::output_within(Command::new(support::vinit()).arg("--help"), RENDER_TIMEOUT)
        .unwrap();
    assert_eq!(help.code, Some(0), "{help:?}");
    let listed = options_and_variables(&help.stdout);
    // The probe sees what --help lists: both modes' options, the long ones, the variables.
    for must in [
        "-T",
        "-f",
        "-t",
        "-e",
        "-g",
        "-v",
        "-s",
        "--help",
        "--version",
    ] {
        assert!(
            listed.contains(must),
            "{must} not found in --help: {listed:?}"
        );
    }
    let text = rendered();
    let missing: Vec<_> = listed.iter().filter(|w| !has_word(&text, w)).collect();
    assert!(
        missing.is_empty(),
        "in --help, not in doc/vinit.8: {missing:?}"
    );
}

#[test]
fn test_man_page_and_help_have_every_variable_the_source_reads() {
    let mut read = BTreeSet::new();
    for (_, code) in sources() {
        // The byte-string names vinit looks up in its environment (tests use std::env).
        for (at, _) in code.match_indices("b\"VINIT_") {
            let name: String = code[at + 2..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            // `b"VINIT_"` alone is the prefix the children's environment drops.
            if name != "VINIT_" {
                read.insert(name);
            }
        }
    }
    assert!(read.len() >= 10, "the probe finds the variables: {read:?}");
    let help = support::output_within(Command::new(support::vinit()).arg("--help"), RENDER_TIMEOUT)
        .unwrap();
    let text = rendered();
    for name in &read {
        assert!(
            has_word(&text, name),
            "{name} is read but not in doc/vinit.8"
        );
        assert!(
            has_word(&help.stdout, name),
            "{name} is read but not in --help"
        );
    }
}

#[test]
fn test_word_probe() {
    assert!(has_word("use -T SECS", "-T"));
    assert!(!has_word("use -Tx", "-T"));
    assert!(!has_word("--help", "-h"));
    assert!(has_word("(-s)", "-s"));
    let found = options_and_variables("[-gsv] -t5 (VINIT_GRACE, --help) TERM-to-KILL 1-3600");
    let want: BTreeSet<String> = ["-gsv", "-t5", "VINIT_GRACE", "--help"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, want);
}

/// Every `.rs` file of both crates and of the tests (`src/`, `core/src/`, `tests/`, with
/// subfolders): path and text. This file is left out: it names the stale markers it looks for.
fn sources() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let this = root.join(file!());
    let mut dirs = vec![root.join("src"), root.join("core/src"), root.join("tests")];
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && path != this {
                let text = std::fs::read_to_string(&path).unwrap();
                files.push((path, text));
            }
        }
    }
    assert!(
        files.len() >= 20,
        "the walk finds the sources: {}",
        files.len()
    );
    files
}

/// The section numbers of docs/sysvinit-compatibility.md: its `## §N` and `### §N.M` headings.
fn compat_sections() -> BTreeSet<String> {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/sysvinit-compatibility.md");
    std::fs::read_to_string(page)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| l.split_once('§'))
        .map(|(_, rest)| {
            rest.chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect()
        })
        .collect()
}

/// The section numbers after each `marker` in `text` (`compat §1.6, §2` gives 1.6 and 2).
fn section_refs(text: &str, marker: &str) -> Vec<String> {
    let mut refs = Vec::new();
    for (at, _) in text.match_indices(marker) {
        // A list after the marker: `§1.6, §2.9 and §4` names three sections.
        let mut rest = &text[at + marker.len() - '§'.len_utf8()..];
        while let Some(tail) = rest.strip_prefix('§') {
            let number: String = tail
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            // `compat §N` (the notation itself, as the crate docs explain it) names no section.
            if number.is_empty() && tail.starts_with('N') {
                break;
            }
            refs.push(number.trim_end_matches('.').to_string());
            rest = tail[number.len()..]
                .trim_start_matches([',', ' ', '-'])
                .trim_start_matches("and ");
        }
    }
    refs
}

#[test]
fn test_every_compat_reference_in_the_code_names_a_section_of_the_compatibility_page() {
    let sections = compat_sections();
    assert!(
        sections.contains("1.6") && sections.contains("9"),
        "{sections:?}"
    );
    let mut seen = 0;
    for (path, code) in sources() {
        for number in section_refs(&code, "compat §") {
            seen += 1;
            assert!(
                sections.contains(&number),
                "{}: `compat §{number}` is no section of docs/sysvinit-compatibility.md",
                path.display()
            );
        }
        for stale in ["spec §", "STYLE.md", "shared/spec", "sysvinit.md §"] {
            assert!(
                !code.contains(stale),
                "{}: `{stale}` points outside the repository",
                path.display()
            );
        }
        for (at, _) in code.match_indices("docs/") {
            let name: String = code[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
                .collect();
            let name = name.trim_end_matches('.');
            let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(name);
            assert!(
                file.is_file(),
                "{}: `{name}` does not exist",
                path.display()
            );
        }
    }
    assert!(seen >= 100, "the probe finds the references: {seen}");
}

#[test]
fn test_section_probe() {
    assert_eq!(
        section_refs("(compat §1.6, §2.9 and §4). §5", "compat §"),
        ["1.6", "2.9", "4"]
    );
    assert_eq!(section_refs("compat §2.", "compat §"), ["2"]);
    assert_eq!(section_refs("compat §1-§3", "compat §"), ["1", "3"]);
    assert!(section_refs("`compat §N` is section N", "compat §").is_empty());
    assert_eq!(section_refs("compat §x", "compat §"), [""]);
}
