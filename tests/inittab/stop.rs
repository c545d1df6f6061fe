//! Stopping: docker stop and the other stop signals (issue #4 items 1-2), `shutdown` inside,
//! ctrlaltdel, SIGPWR, and the stop budget.

use std::time::{Duration, Instant};

use support::namespace::{Launch, Running};
use support::{EVENT_TIMEOUT, vinit};

use super::{
    CONTAINER_VAR, DEBIAN, DEBIAN_GETTYS, EXIT_TIMEOUT, FLUSH, SYSVINIT_PATH, World, assert_before,
    assert_env, assert_env_halt, boot, boot_distro, client, count, index_of, runlevel, stop_with,
    tags,
};

/// SIGTERM (docker stop): level 0's entries run after the services were stopped; a service
/// that needs 1 s on TERM has flushed its file; vinit exits 0 well inside the budget.
#[test]
fn test_sigterm_runs_level0_and_lets_services_flush() {
    let world = World::new("flush");
    let mut run = boot(&world.inittab(FLUSH)).pid1();
    run.expect_line("stub: ready svc fl", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let (code, took, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(world.flushed().as_deref(), Some("flushed\n"));
    assert!(
        took >= Duration::from_millis(950) && took < Duration::from_secs(5),
        "took {took:?}"
    );
    let log = world.log();
    assert_before(&log, ("term", "fl"), ("start", "l0"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
    assert_env(&log[index_of(&log, "start", "l0")], "0", "3", SYSVINIT_PATH);
    for line in [
        "vinit: info: stop: SIGTERM received: runlevel 0",
        "vinit: info: Switching to runlevel: 0",
        "vinit: info: stop: complete in",
    ] {
        assert_eq!(count(&lines, line), 1, "{line}: {lines:#?}");
    }
    assert_eq!(count(&lines, "KILL"), 0, "{lines:#?}");
}

/// An inittab of one service and no level-0 entries (a common container setup): the stop ends
/// when the kill round has ended the service, not when the entries' share of the budget (5.6 s
/// of the default 9 s) runs out, as it once did.
#[test]
fn test_sigterm_without_level0_entries_ends_with_the_service() {
    let inittab = "id:3:initdefault:\n\
        s1:3:respawn:/bin/sh -c 'echo \"s1 up\"; exec sleep 1000'\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    run.expect_line("s1 up", EVENT_TIMEOUT);
    let (code, took, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(
        count(&lines, "the TERM signal (1 process)"),
        1,
        "{lines:#?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}: {lines:#?}");
}

const STUBBORN: &str = include_str!("../fixtures/inittab/stubborn");

const HUNG_LEVEL0: &str = include_str!("../fixtures/inittab/hung-level0");

/// With `-T 4`: a service that ignores SIGTERM is killed and vinit still exits 0 within the
/// budget; a level-0 script that hangs (and ignores SIGTERM too) is named in the log and
/// killed within the budget.
#[test]
fn test_stop_budget_bounds_stubborn_service_and_hung_level0_script() {
    let stubborn = World::new("stubborn");
    let hung = World::new("hung");
    let budget = Duration::from_secs(4);
    let launch = |world: &World, text| {
        Launch::vinit(&["-T", "4"])
            .etc_file("inittab", world.inittab(text).as_bytes())
            .env(CONTAINER_VAR.0, CONTAINER_VAR.1)
            .setup("unset PATH")
            .pid1()
    };
    let mut run_stubborn = launch(&stubborn, STUBBORN);
    let mut run_hung = launch(&hung, HUNG_LEVEL0);
    run_stubborn.expect_line("stub: ready svc s", EVENT_TIMEOUT);
    run_hung.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let start = Instant::now();
    run_stubborn.signal(libc::SIGTERM);
    run_hung.signal(libc::SIGTERM);
    run_hung.expect_line("stub: ready svc l0", EVENT_TIMEOUT);
    run_stubborn.expect_line(
        "Sending processes configured via /etc/inittab the KILL signal (1 process)",
        EVENT_TIMEOUT,
    );
    let killed_after = start.elapsed();
    let (status, lines) = run_stubborn.finish(EXIT_TIMEOUT);
    let took_stubborn = start.elapsed();
    let (hung_status, hung_lines) = run_hung.finish(EXIT_TIMEOUT);
    let took_hung = start.elapsed();

    assert_eq!(status.code(), Some(0), "{lines:#?}");
    // KILL after a real grace, early enough to leave level 0's entries their time.
    assert!(
        killed_after >= Duration::from_millis(1000) && killed_after < Duration::from_millis(2500),
        "stubborn service: KILL {killed_after:?} after the stop signal (budget {budget:?})"
    );
    assert!(
        took_stubborn < budget + Duration::from_secs(1),
        "stubborn service: stop took {took_stubborn:?} with a budget of {budget:?}"
    );
    let log = stubborn.log();
    assert_eq!(tags(&stubborn.starts()), ["s", "l0"], "{lines:#?}");
    assert_env(&log[index_of(&log, "start", "l0")], "0", "3", SYSVINIT_PATH);

    assert_eq!(hung_status.code(), Some(0), "{hung_lines:#?}");
    assert!(
        took_hung < budget + Duration::from_secs(1),
        "hung level-0 script: stop took {took_hung:?} with a budget of {budget:?}"
    );
    let named = format!(
        "vinit: info: stop: id \"l0\" ({}/svc l0 stubborn) still running when its share of the \
         stop budget ran out: killing it",
        hung.stubs
    );
    assert_eq!(count(&hung_lines, &named), 1, "{hung_lines:#?}");
    assert_eq!(
        count(&hung_lines, "stop: grace period over: sending KILL"),
        1
    );
    // The barrier held: the entry after the hung one never ran.
    assert_eq!(tags(&hung.starts()), ["d", "l0"]);
}

/// A second stop signal skips to the next phase and a third to the KILL, so an impatient
/// runtime ends a hung level 0 at once instead of waiting for the budget (9 s by default).
#[test]
fn test_repeated_stop_signals_hurry_the_stop() {
    let world = World::new("hurry");
    let mut run = boot(&world.inittab(HUNG_LEVEL0)).pid1();
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    let start = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line("stub: ready svc l0", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop: another stop signal: skipping to the next phase",
        EVENT_TIMEOUT,
    );
    run.expect_line("vinit: info: stop: sending TERM to", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop: grace period over: sending KILL",
        EVENT_TIMEOUT,
    );
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert_eq!(count(&lines, "another stop signal"), 2, "{lines:#?}");
}

/// `shutdown -h -P now` run inside (docker exec), sysvinit's own route to level 0: the
/// level's scripts see INIT_HALT=POWEROFF (compat §5.5), then vinit exits 0.
#[test]
fn test_shutdown_inside_runs_level0_with_init_halt_and_exits_0() {
    let world = World::new("shutdown");
    let mut run = boot_distro(&world, DEBIAN, &DEBIAN_GETTYS);
    // vinit's final sweep may kill the client right after its request, as it would kill a
    // `docker exec`: its own status is not the point.
    let _ = run.exec_inside(&[vinit(), "shutdown", "-h", "-P", "now"], EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "vinit: info: Switching to runlevel: 0"), 1);
    let starts = world.starts();
    assert_eq!(tags(&starts), ["rcS", "rc 2", "rc 0"]);
    assert_env_halt(&starts[2], "0", "2", SYSVINIT_PATH, "POWEROFF");
}

const CTRLALTDEL: &str = include_str!("../fixtures/inittab/ctrlaltdel");

/// SIGINT runs the ctrlaltdel entries first, then the stop; Debian's shipped `ca` line
/// (`shutdown -t1 -a -r now`, here the real vinit shutdown client) asks for a reboot, which
/// becomes a halt: both end with exit 0.
#[test]
fn test_sigint_runs_ctrlaltdel_first_then_stops() {
    let own = World::new("cad");
    let debian = World::new("cad-debian");
    let mut run_own = boot(&own.inittab(CTRLALTDEL)).pid1();
    let mut run_debian = boot_distro(&debian, DEBIAN, &DEBIAN_GETTYS);
    run_own.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    run_own.signal(libc::SIGINT);
    run_debian.signal(libc::SIGINT);

    let (status, lines) = run_own.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "vinit: info: stop: SIGINT received: ctrlaltdel entries, then runlevel 0"
        ),
        1
    );
    let log = own.log();
    assert_eq!(tags(&own.starts()), ["d", "ca", "l0"]);
    assert_before(&log, ("end", "ca"), ("term", "d"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
    assert_env(&log[index_of(&log, "start", "ca")], "3", "N", SYSVINIT_PATH);

    let (status, lines) = run_debian.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "stop: runlevel 6 requested during the stop: halting instead"
        ),
        1,
        "{lines:#?}"
    );
    assert_eq!(
        tags(&debian.starts()),
        ["rcS", "rc 2", "shutdown -t1 -a -r now", "rc 0"]
    );
}

const STOP_SIGNALS: &str = include_str!("../fixtures/inittab/stop-signals");

/// SIGUSR1/SIGUSR2 (busybox halt/poweroff), 37 (SIGRTMIN+3 as glibc numbers it, systemd's
/// halt) and 38 (sysvinit 3.10+'s poweroff) each stop: level 0 runs, exit 0.
#[test]
fn test_halt_and_poweroff_signals_stop() {
    let cases = [
        (libc::SIGUSR1, "halt signal"),
        (libc::SIGUSR2, "poweroff signal"),
        (37, "SIGRTMIN+3 (37: LXC, Podman halt)"),
        (38, "poweroff signal"),
    ];
    let mut runs: Vec<_> = cases
        .iter()
        .map(|&(sig, what)| {
            let world = World::new(&format!("sig{sig}"));
            let run = boot(&world.inittab(STOP_SIGNALS)).pid1();
            (sig, what, world, run)
        })
        .collect();
    for (_, _, _, run) in &mut runs {
        run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    }
    for (sig, _, _, run) in &runs {
        run.signal(*sig);
    }
    for (sig, what, world, run) in &mut runs {
        let (status, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(status.code(), Some(0), "signal {sig}: {lines:#?}");
        assert_eq!(
            count(
                &lines,
                &format!("vinit: info: stop: {what} received: runlevel 0")
            ),
            1,
            "signal {sig}: {lines:#?}"
        );
        assert_eq!(tags(&world.starts()), ["d", "l0"], "signal {sig}");
    }
}

const POWER: &str = include_str!("../fixtures/inittab/power");

/// SIGPWR without /var/run/powerstatus (LXC's halt signal): powerwait/powerfail, then the
/// stop. With the file: sysvinit's power semantics (compat §4), the file is deleted, no stop.
#[test]
fn test_sigpwr_with_and_without_powerstatus() {
    let halting = World::new("pwr-halt");
    let world = World::new("pwr-status");
    let mut run_halt = boot(&halting.inittab(POWER)).pid1();
    let mut run = boot(&world.inittab(POWER)).pid1();
    run_halt.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc d", EVENT_TIMEOUT);

    run_halt.signal(libc::SIGPWR);

    let status_file = |run: &Running, status: Option<&str>| -> bool {
        let script = match status {
            Some(s) => format!("printf {s} > /var/run/powerstatus"),
            None => "test -e /var/run/powerstatus".to_owned(),
        };
        run.exec_inside(&["/bin/sh", "-c", &script], EVENT_TIMEOUT)
            .code
            == Some(0)
    };
    for (status, tags_run) in [("O", &["po"][..]), ("L", &["pn"]), ("F", &["pf", "pw"])] {
        assert!(status_file(&run, Some(status)));
        run.signal(libc::SIGPWR);
        for tag in tags_run {
            run.expect_line(&format!("stub: end svc {tag}"), EVENT_TIMEOUT);
        }
        assert!(
            !status_file(&run, None),
            "powerstatus {status} was not deleted"
        );
    }
    // Every line vinit wrote before this request's answer has arrived: no stop began.
    client(&run, &["telinit", "q"]);
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
    assert_eq!(count(run.history(), "stop:"), 0, "{}", run.dump());
    assert_eq!(runlevel(&run), "N 3");
    assert_eq!(tags(&world.starts()), ["d", "po", "pn", "pf", "pw"]);
    let (code, _, _) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let (status, lines) = run_halt.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "vinit: info: stop: SIGPWR received: powerwait/powerfail entries"
        ),
        1,
        "{lines:#?}"
    );
    let log = halting.log();
    assert_eq!(tags(&halting.starts()), ["d", "pf", "pw", "l0"]);
    assert_before(&log, ("end", "pw"), ("term", "d"));
    assert_before(&log, ("term", "d"), ("start", "l0"));
}

/// A service that says when TERM reaches it, and a level-0 entry.
const DRAINED: &str = "id:3:initdefault:\n\
    s1:3:respawn:/bin/sh -c 'trap \"echo s1 got TERM; exit 0\" TERM; echo s1 up; while :; do sleep 0.05; done'\n\
    l0:0:wait:/bin/echo l0 ran\n";

/// `VINIT_STOP_DELAY=1`: SIGTERM stops nothing for 1 s (the drain), then the stop runs as
/// usual: the service gets TERM, level 0 runs, exit 0.
#[test]
fn test_stop_delay_drains_before_the_stop() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", DRAINED.as_bytes())
        .env("VINIT_STOP_DELAY", "1")
        .pid1();
    run.expect_line("s1 up", EVENT_TIMEOUT);
    let stop = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line(
        "vinit: info: stop: SIGTERM received: draining for 1000 ms before the stop (VINIT_STOP_DELAY), then runlevel 0, budget 9000 ms",
        EVENT_TIMEOUT,
    );
    run.expect_line("s1 got TERM", EVENT_TIMEOUT);
    let drained = stop.elapsed();
    let (code, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(code.code(), Some(0), "{lines:#?}");
    assert!(
        drained >= Duration::from_millis(950) && drained < Duration::from_secs(5),
        "drained {drained:?}"
    );
    assert_eq!(
        count(&lines, "vinit: info: stop: drain over: stopping"),
        1,
        "{lines:#?}"
    );
    // Whole lines: the entry's exit line quotes its command, `/bin/echo l0 ran`.
    assert_eq!(
        lines.iter().filter(|l| *l == "l0 ran").count(),
        1,
        "{lines:#?}"
    );
}

/// A second stop signal ends the drain at once (`-d 30 -T 60`).
#[test]
fn test_second_stop_signal_ends_the_drain() {
    let mut run = Launch::vinit(&["-d", "30", "-T", "60"])
        .etc_file("inittab", DRAINED.as_bytes())
        .pid1();
    run.expect_line("s1 up", EVENT_TIMEOUT);
    let stop = Instant::now();
    run.signal(libc::SIGTERM);
    run.expect_line("draining for 30000 ms", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    run.expect_line("s1 got TERM", EVENT_TIMEOUT);
    let (code, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(code.code(), Some(0), "{lines:#?}");
    assert!(
        stop.elapsed() < Duration::from_secs(10),
        "{:?}",
        stop.elapsed()
    );
    assert_eq!(
        lines.iter().filter(|l| *l == "l0 ran").count(),
        1,
        "{lines:#?}"
    );
}

/// A critical service (`VINIT_CRITICAL=app`) and a level-0 entry that leaves a mark.
const CRITICAL: &str = "id:3:initdefault:\n\
    app:3:respawn:/bin/sh -c 'echo app up; sleep 0.2; exit 3'\n\
    s1:3:respawn:/bin/sh -c 'echo s1 up; exec sleep 1000'\n\
    l0:0:wait:/bin/echo l0 ran\n";

/// A critical entry that exits 3: one warning, the normal stop (level 0 runs), exit 3; it is
/// not respawned.
#[test]
fn test_critical_entry_exit_stops_with_its_status() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", CRITICAL.as_bytes())
        .env("VINIT_CRITICAL", "app,nope")
        .pid1();
    let (code, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(code.code(), Some(3), "{lines:#?}");
    for line in [
        "vinit: warning: VINIT_CRITICAL: no id \"nope\" in the inittab",
        "vinit: warning: critical id \"app\" ended with status 3: stopping, then exiting with it (VINIT_CRITICAL)",
        "vinit: info: stop: complete in",
        "app up",
    ] {
        assert_eq!(count(&lines, line), 1, "{line}: {lines:#?}");
    }
    assert_eq!(
        lines.iter().filter(|l| *l == "l0 ran").count(),
        1,
        "{lines:#?}"
    );
}

/// Negative control: without VINIT_CRITICAL the same entry is respawned, and a stop exits 0.
#[test]
fn test_without_critical_the_entry_respawns() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", CRITICAL.as_bytes())
        .pid1();
    run.expect_line("app up", EVENT_TIMEOUT);
    run.expect_line("app up", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "critical"), 0, "{lines:#?}");
}

/// A malformed VINIT_CRITICAL is a usage error naming it.
#[test]
fn test_bad_critical_list_is_named() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", CRITICAL.as_bytes())
        .env("VINIT_CRITICAL", "app,toolong")
        .pid1();
    let (code, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(code.code(), Some(2), "{lines:#?}");
    assert_eq!(
        count(
            &lines,
            "vinit: fatal: bad value in environment variable VINIT_CRITICAL"
        ),
        1,
        "{lines:#?}"
    );
}
