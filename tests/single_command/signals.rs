//! Signal forwarding: to the child only, or to its whole process group with `-g`.

use support::EVENT_TIMEOUT;
use support::namespace::{self, Launch};

use super::{FORWARDED, sh, with_options};

/// Sends each forwarded signal to vinit from outside and waits for `expect(name)` lines.
fn send_each_and_expect(run: &mut namespace::Running, expect: impl Fn(&str) -> Vec<String>) {
    for (sig, name) in FORWARDED {
        run.signal(sig);
        for line in expect(name) {
            run.expect_line(&line, EVENT_TIMEOUT);
        }
    }
}

#[test]
fn test_signals_reach_the_child_and_only_the_child() {
    // The grandchild is a plain `sleep` with default dispositions, in the child's group: had
    // vinit signalled the group, TERM would have killed it before WINCH, the last signal, is
    // sent; the WINCH trap reports its state.
    let script = r#"
        env --default-signal sleep 1000 & g=$!
        for s in TERM INT HUP QUIT USR1 USR2; do trap "echo main got $s" $s; done
        trap 'read -r _ _ st _ < /proc/$g/stat; echo "main got WINCH; grandchild state $st"' WINCH
        echo main ready
        while [ -d /proc/$g ]; do wait $g; done
        echo grandchild gone
    "#;
    let mut run = Launch::vinit(&sh(script)).pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    send_each_and_expect(&mut run, |name| vec![format!("main got {name}")]);
    let last = run
        .history()
        .iter()
        .find(|l| l.contains("main got WINCH"))
        .unwrap()
        .clone();
    let state = last.rsplit("grandchild state").next().unwrap().trim();
    assert!(
        !matches!(state, "" | "Z" | "X"),
        "the grandchild was signalled too: {last:?}"
    );
    assert!(!run.history().iter().any(|l| l.contains("grandchild gone")));
}

/// With `-g` (or VINIT_KILL_GROUP=1) every signal reaches a grandchild in the child's group too.
fn signals_reach_the_group(launch: Launch) {
    let mut run = launch.pid1();
    run.expect_line("main ready", EVENT_TIMEOUT);
    run.expect_line("grandchild ready", EVENT_TIMEOUT);
    send_each_and_expect(&mut run, |name| {
        vec![format!("main got {name}"), format!("grandchild got {name}")]
    });
}

/// `env --default-signal`: a background job of a non-interactive shell starts with INT and
/// QUIT ignored, and a shell cannot trap what it started with ignored.
const GROUP_SCRIPT: &str = r#"
    env --default-signal sh -c '
        for s in TERM INT HUP QUIT USR1 USR2 WINCH; do trap "echo grandchild got $s" $s; done
        echo grandchild ready
        while :; do sleep 1000 & wait $!; done' &
    for s in TERM INT HUP QUIT USR1 USR2 WINCH; do trap "echo main got $s" $s; done
    echo main ready
    while :; do sleep 1000 & wait $!; done
"#;

#[test]
fn test_signals_reach_the_group_with_g() {
    signals_reach_the_group(Launch::vinit(&with_options(&["-g"], GROUP_SCRIPT)));
}

#[test]
fn test_signals_reach_the_group_with_env() {
    signals_reach_the_group(Launch::vinit(&sh(GROUP_SCRIPT)).env("VINIT_KILL_GROUP", "1"));
}
