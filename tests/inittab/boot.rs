//! Booting: sysinit, boot/bootwait and the initdefault level in order behind each wait
//! barrier; the real Debian 12 and Gentoo inittabs boot and stop as under sysvinit; reboot boots
//! again or exits.

use support::EVENT_TIMEOUT;
use support::namespace::Launch;

use super::{
    CONTAINER_VAR, DEBIAN, DEBIAN_GETTYS, EXIT_TIMEOUT, GENTOO, GENTOO_GETTYS, SYSVINIT_PATH,
    World, assert_before, assert_env, boot, boot_distro, client, count, runlevel, stop_with, tags,
    throttle_line,
};

const BOOT_ORDER: &str = include_str!("../fixtures/inittab/boot-order");

/// sysinit → boot/bootwait → the initdefault level, each wait/sysinit/bootwait entry holding
/// every later entry until it exits; children's stdout is vinit's stdout; a container PATH is
/// kept (vinit's precedence: the container's environment, then sysvinit's five variables).
#[test]
fn test_boot_order_and_wait_barrier() {
    let world = World::new("order");
    let path = "/usr/local/bin:/usr/bin:/bin";
    let mut run = Launch::vinit(&[] as &[&str])
        .etc_file("inittab", world.inittab(BOOT_ORDER).as_bytes())
        .env(CONTAINER_VAR.0, CONTAINER_VAR.1)
        .env("PATH", path)
        .pid1();
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    run.expect_line("stub: ready svc r1 daemon", EVENT_TIMEOUT);
    // The entries that are not waited for, so SIGTERM cannot cut them short.
    for tag in ["b1", "b2", "o1", "o2"] {
        run.expect_line(&format!("stub: end svc {tag}"), EVENT_TIMEOUT);
    }
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let starts = world.starts();
    assert_eq!(
        tags(&starts),
        [
            "s1", "s2", "b1", "bw", "b2", "o1", "w1", "o2", "w2", "r1", "l0"
        ],
        "order of starts"
    );
    let log = world.log();
    // The barriers: nothing after a waited-for entry starts before it has ended.
    assert_before(&log, ("end", "s1"), ("start", "s2"));
    assert_before(&log, ("end", "s2"), ("start", "b1"));
    assert_before(&log, ("end", "bw"), ("start", "b2"));
    for later in ["o2", "w2", "r1"] {
        assert_before(&log, ("end", "w1"), ("start", later));
    }
    assert_before(&log, ("end", "w2"), ("start", "r1"));
    // The level change to 0 stopped the service before level 0's entries ran.
    assert_before(&log, ("term", "r1"), ("start", "l0"));

    for s in &starts {
        let (runlevel, prev) = match s.tag() {
            "s1" | "s2" | "b1" | "bw" | "b2" => ("S", "N"),
            "l0" => ("0", "3"),
            _ => ("3", "N"),
        };
        assert_env(s, runlevel, prev, path);
    }

    // docker logs: each stub's events on vinit's stdout, vinit's own lines on stderr only.
    let stdout = run.stdout_lines();
    for s in &starts {
        let line = format!("stub: start {}", s.what);
        assert!(
            stdout.contains(&line),
            "{line:?} not on stdout: {stdout:#?}"
        );
    }
    assert_eq!(count(stdout, "vinit: "), 0, "{stdout:#?}");
    assert_eq!(count(&lines, "vinit: info: Entering runlevel: 3"), 1);
}

/// Each getty whose program is missing logs exactly one `cannot execute` line and one throttle
/// line per throttle window (`rounds`): it is not retried in a loop (compat §2.9).
fn assert_gettys_throttled(
    world: &World,
    lines: &[String],
    ids: &[&str],
    program: &str,
    rounds: usize,
) {
    for id in ids {
        let failed = world.cannot_execute(id, program);
        let throttled = throttle_line(id);
        assert_eq!(count(lines, &failed), rounds, "{failed}");
        assert_eq!(count(lines, &throttled), rounds, "{throttled}");
    }
    assert_eq!(
        count(lines, "cannot execute"),
        rounds * ids.len(),
        "{lines:#?}"
    );
    assert_eq!(
        count(lines, "respawning too fast"),
        rounds * ids.len(),
        "{lines:#?}"
    );
}

#[test]
fn test_debian_inittab_boots_and_stops_like_sysvinit() {
    let world = World::new("debian");
    let mut run = boot_distro(&world, DEBIAN, &DEBIAN_GETTYS);
    assert_eq!(runlevel(&run), "N 2");
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");

    let starts = world.starts();
    assert_eq!(tags(&starts), ["rcS", "rc 2", "rc 0"]);
    assert_env(&starts[0], "S", "N", SYSVINIT_PATH);
    assert_env(&starts[1], "2", "N", SYSVINIT_PATH);
    assert_env(&starts[2], "0", "2", SYSVINIT_PATH);
    assert_gettys_throttled(&world, &lines, &DEBIAN_GETTYS, "getty", 1);
    for line in ["stub: start rcS", "stub: start rc 2", "stub: start rc 0"] {
        assert!(run.stdout_lines().iter().any(|l| l == line), "{line}");
    }
}

#[test]
fn test_gentoo_inittab_boots_and_stops_like_sysvinit() {
    let world = World::new("gentoo");
    let mut run = boot_distro(&world, GENTOO, &GENTOO_GETTYS);
    assert_eq!(runlevel(&run), "N 3");
    // OpenRC's display-manager service does this: `x:a:once` runs, the level stays (§2.4).
    // Like every request, it also clears the respawn throttle (§2.9): the gettys try again.
    client(&run, &["telinit", "a"]);
    run.expect_line("Activating demand-procedures for 'A'", EVENT_TIMEOUT);
    run.expect_line("stub: end startDM", EVENT_TIMEOUT);
    for id in GENTOO_GETTYS {
        run.expect_line(&throttle_line(id), EVENT_TIMEOUT);
    }
    assert_eq!(runlevel(&run), "N 3");
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");

    let starts = world.starts();
    assert_eq!(
        tags(&starts),
        [
            "openrc sysinit",
            "openrc boot",
            "openrc default",
            "startDM",
            "telinit u",
            "openrc shutdown",
            "halt.sh",
        ]
    );
    let levels = [
        ("S", "N"),
        ("S", "N"),
        ("3", "N"),
        ("3", "N"),
        ("0", "3"),
        ("0", "3"),
        ("0", "3"),
    ];
    for (s, (runlevel, prev)) in starts.iter().zip(levels) {
        assert_env(s, runlevel, prev, SYSVINIT_PATH);
    }
    // `l0u:0:wait:/sbin/telinit u` reached vinit over /run/initctl and was accepted.
    assert_eq!(
        count(&lines, "re-exec requested (telinit u)"),
        1,
        "{lines:#?}"
    );
    assert_gettys_throttled(&world, &lines, &GENTOO_GETTYS, "agetty", 2);
}

/// `telinit 6`: level 6's entries, then vinit boots again in place (sysinit runs a second
/// time); with `VINIT_REBOOT=exit:3` it exits 3 instead.
#[test]
fn test_reboot_boots_again_or_exits_with_vinit_reboot() {
    let again = World::new("reboot");
    let exits = World::new("reboot-exit");
    let mut run_again = boot(&again.distro(GENTOO)).pid1();
    let mut run_exits = boot(&exits.distro(GENTOO))
        .env("VINIT_REBOOT", "exit:3")
        .pid1();
    for run in [&mut run_again, &mut run_exits] {
        run.expect_line("Entering runlevel: 3", EVENT_TIMEOUT);
        run.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
        client(run, &["telinit", "6"]);
    }
    let code = run_exits.wait_exit(EXIT_TIMEOUT).code();
    assert_eq!(code, Some(3), "{}", run_exits.dump());

    run_again.expect_line("Switching to runlevel: 6", EVENT_TIMEOUT);
    run_again.expect_line("rebooting in place", EVENT_TIMEOUT);
    run_again.expect_line("Entering runlevel: 3", EVENT_TIMEOUT);
    run_again.expect_line("no more processes left in this runlevel", EVENT_TIMEOUT);
    assert_eq!(runlevel(&run_again), "N 3");
    let (code, _, _) = stop_with(&mut run_again, libc::SIGTERM);
    assert_eq!(code, Some(0));

    let level6 = ["telinit u", "openrc reboot", "reboot -dkn"];
    let boot = ["openrc sysinit", "openrc boot", "openrc default"];
    let starts = again.starts();
    let want: Vec<&str> = boot
        .iter()
        .chain(&level6)
        .chain(&boot)
        .chain(&["telinit u", "openrc shutdown", "halt.sh"])
        .copied()
        .collect();
    assert_eq!(tags(&starts), want);
    for s in &starts[3..6] {
        assert_env(s, "6", "3", SYSVINIT_PATH);
    }
    assert_env(&starts[6], "S", "N", SYSVINIT_PATH);
    assert_env(&starts[8], "3", "N", SYSVINIT_PATH);

    let starts = exits.starts();
    let want: Vec<&str> = boot.iter().chain(&level6).copied().collect();
    assert_eq!(tags(&starts), want);
}

/// `VINIT_DEFAULT_LEVEL=#` or `*` (the boot pseudo-levels) is a usage error naming the variable,
/// before anything runs. vinit took it as the level to boot into and ran sysinit and boot again
/// and again, without end.
#[test]
fn test_a_boot_pseudo_level_as_default_level_is_named() {
    for level in ["#", "*"] {
        let mut run = Launch::vinit::<&str>(&[])
            .etc_file("inittab", b"si::sysinit:/bin/echo sysinit ran\n")
            .env("VINIT_DEFAULT_LEVEL", level)
            .pid1();
        let (code, lines) = run.finish(EXIT_TIMEOUT);
        assert_eq!(code.code(), Some(2), "{level}: {lines:#?}");
        let named = "vinit: fatal: bad value in environment variable VINIT_DEFAULT_LEVEL";
        assert_eq!(count(&lines, named), 1, "{level}: {lines:#?}");
        assert_eq!(count(&lines, "sysinit ran"), 0, "{level}: {lines:#?}");
    }
}
