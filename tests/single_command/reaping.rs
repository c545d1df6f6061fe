//! Reaping: orphans reparented to vinit are all reaped, as PID 1 and as a subreaper.

use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::namespace::{self, Launch};
use support::procfs;

use super::{EXIT_TIMEOUT, with_options};

/// Spawns 1000 `sleep 1000` from a subshell that exits at once, so they are orphaned; counts
/// the processes whose parent is PID 1, kills them all (their deaths are the exits PID 1 must
/// reap, no timing involved), then polls /proc until none is left with PID 1 as parent (for
/// at most $1 seconds) and prints what is left and how many zombies it saw.
const ORPHANS_SCRIPT: &str = r#"
    probe() {
        orphans=0 zombies=0 pids=
        for f in /proc/[0-9]*/stat; do
            read -r pid comm state ppid rest 2>/dev/null < "$f" || continue
            [ "$pid" = $$ ] && continue
            [ "$state" = Z ] && zombies=$((zombies + 1))
            [ "$ppid" = 1 ] && orphans=$((orphans + 1)) pids="$pids $pid"
        done
    }
    ( i=0; while [ $i -lt 1000 ]; do sleep 1000 & i=$((i + 1)); done )
    probe
    echo "orphaned $orphans"
    kill $pids
    end=$(($(date +%s) + $1))
    while probe; [ $orphans -gt 0 ] && [ "$(date +%s)" -lt $end ]; do
        sleep 0.1
    done
    echo "orphans left $orphans zombies $zombies"
"#;

#[test]
fn test_1000_orphans_are_all_reaped() {
    let args = ["--", "/bin/sh", "-c", ORPHANS_SCRIPT, "orphans", "60"];
    let mut run = Launch::vinit(&args).pid1();
    let orphaned = run.expect_line("orphaned ", Duration::from_secs(120));
    // Not vacuous: all 1000 were alive and reparented to PID 1 when the probe first ran.
    assert_eq!(orphaned, "orphaned 1000");
    let line = run.expect_line("orphans left", Duration::from_secs(90));
    assert_eq!(line, "orphans left 0 zombies 0");
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}

/// Negative control: under a PID 1 that never reaps (`sleep`), the same probe reports the
/// orphan, reparented to PID 1, as a zombie once it is killed.
#[test]
fn test_orphans_probe_sees_zombies_when_nobody_reaps() {
    let script = ORPHANS_SCRIPT.replace('\'', r"'\''");
    let setup = format!("/bin/sh -c '{script}' orphans 5 &");
    let mut run = Launch::program("/bin/sleep", &["1000"])
        .setup(&setup)
        .pid1();
    let orphaned = run.expect_line("orphaned ", Duration::from_secs(120));
    assert_eq!(orphaned, "orphaned 1000");
    let line = run.expect_line("orphans left", Duration::from_secs(60));
    assert_eq!(line, "orphans left 1000 zombies 1000");
}

/// A middle shell starts 5 orphans and exits; each orphan waits until its parent is no longer
/// the middle shell (given as $1), reports its new parent, and exits; with `-v` vinit logs each
/// reap, naming the process by its pid and its comm.
const SUBREAPER_SCRIPT: &str = r#"
    export ORPHAN='
        n=0
        while read -r _ _ _ parent _ < /proc/$$/stat; [ "$parent" = "$1" ] && [ $n -lt 500 ]; do
            n=$((n + 1)); sleep 0.02
        done
        echo "orphan $$ parent $parent"'
    sh -c 'for i in 1 2 3 4 5; do sh -c "$ORPHAN" orphan $$ & done'
    trap 'exit 0' USR1
    echo main ready
    while :; do sleep 1000 & wait $!; done
"#;

fn orphan_parents(run: &mut namespace::Running) -> Vec<(i32, i32)> {
    (0..5)
        .map(|_| {
            let line = run.expect_line("orphan ", EVENT_TIMEOUT);
            let words: Vec<&str> = line.split_whitespace().collect();
            (words[1].parse().unwrap(), words[3].parse().unwrap())
        })
        .collect()
}

#[test]
fn test_subreaper_when_not_pid1() {
    let mut run = Launch::vinit(&with_options(&["-v"], SUBREAPER_SCRIPT)).not_pid1();
    let vinit = run.ns_pid();
    assert_ne!(vinit, 1, "vinit must not be PID 1 here");
    run.expect_line("main ready", EVENT_TIMEOUT);
    for (orphan, parent) in orphan_parents(&mut run) {
        assert_eq!(
            parent, vinit,
            "orphan {orphan} was reparented to {parent}, not to vinit"
        );
        run.expect_line(
            &format!("vinit: info: reaped pid {orphan} (sh) exited with status 0"),
            EVENT_TIMEOUT,
        );
    }
    let zombies: Vec<_> = procfs::processes_with_parent(run.pid())
        .into_iter()
        .filter(|p| p.1 == 'Z')
        .collect();
    assert!(zombies.is_empty(), "zombies left under vinit: {zombies:?}");
    run.signal(libc::SIGUSR1);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}

/// Negative control: under a plain shell (no subreaper) the orphans go to PID 1 instead.
#[test]
fn test_subreaper_probe_sees_orphans_go_elsewhere_without_it() {
    let mut run = Launch::program("/bin/sh", &["-c", SUBREAPER_SCRIPT]).not_pid1();
    let wrapper = run.ns_pid();
    run.expect_line("main ready", EVENT_TIMEOUT);
    for (orphan, parent) in orphan_parents(&mut run) {
        assert_ne!(parent, wrapper, "orphan {orphan}");
        assert_eq!(parent, 1, "orphan {orphan}");
    }
}

/// `-v` as PID 1: every reap is one line naming the process by pid and comm (read while it is
/// a zombie), with how it ended: an orphan `sleep` killed by SIGTERM, then CMD, `sh`, with its
/// status. Old binary: `reaped PID: exit code N`, no name.
#[test]
fn test_verbose_reaps_name_the_process_and_its_status() {
    // The command substitution's subshell exits at once: its sleep is orphaned to vinit.
    let script = "o=$(sleep 1000 > /dev/null & echo $!); echo \"main $$ orphan $o\"; \
                  kill $o; while kill -0 $o 2> /dev/null; do sleep 0.05; done; exit 4";
    let mut run = Launch::vinit(&with_options(&["-v"], script)).pid1();
    let pids = run.expect_line("main ", EVENT_TIMEOUT);
    let words: Vec<&str> = pids.split_whitespace().collect();
    let (main, orphan) = (words[1], words[3]);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(4), "{lines:#?}");
    for want in [
        format!("vinit: info: reaped pid {orphan} (sleep) killed by SIGTERM"),
        format!("vinit: info: reaped pid {main} (sh) exited with status 4"),
    ] {
        assert!(lines.contains(&want), "{want}: {lines:#?}");
    }
}
