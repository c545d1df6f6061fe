//! Exit status: the child's code passes through, death by signal N is 128+N, and `-e`/
//! `VINIT_REMAP_EXIT` remap it.

use support::namespace::Launch;

use super::{EXIT_TIMEOUT, sh, with_options};

#[test]
fn test_exit_code_passes_through() {
    let codes = [0, 1, 2, 3, 126, 127, 255];
    let mut runs: Vec<_> = codes
        .iter()
        .map(|c| (c, Launch::vinit(&sh(&format!("exit {c}"))).pid1()))
        .collect();
    for (code, run) in &mut runs {
        assert_eq!(
            run.wait_exit(EXIT_TIMEOUT).code(),
            Some(**code),
            "child exit {code}"
        );
    }
}

#[test]
fn test_death_by_signal_is_128_plus_n() {
    let signals = [("TERM", 15), ("KILL", 9), ("SEGV", 11)];
    let mut runs: Vec<_> = signals
        .iter()
        .map(|(name, n)| (n, Launch::vinit(&sh(&format!("kill -{name} $$"))).pid1()))
        .collect();
    for (n, run) in &mut runs {
        assert_eq!(
            run.wait_exit(EXIT_TIMEOUT).code(),
            Some(128 + **n),
            "child killed by {n}"
        );
    }
}

#[test]
fn test_remap_exit_with_option_and_env() {
    let cases: [(Launch, i32); 5] = [
        (
            Launch::vinit(&with_options(&["-e", "143"], "kill -TERM $$")),
            0,
        ),
        (
            Launch::vinit(&with_options(&["-e", "3", "-e", "4"], "exit 4")),
            0,
        ),
        // Control: a code that is not in the set passes through.
        (Launch::vinit(&with_options(&["-e", "3"], "exit 5")), 5),
        (
            Launch::vinit(&sh("exit 3")).env("VINIT_REMAP_EXIT", "143,3"),
            0,
        ),
        (
            Launch::vinit(&sh("exit 4")).env("VINIT_REMAP_EXIT", "143,3"),
            4,
        ),
    ];
    let mut runs: Vec<_> = cases
        .into_iter()
        .map(|(launch, want)| (launch.pid1(), want))
        .collect();
    for (run, want) in &mut runs {
        assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(*want));
    }
}
