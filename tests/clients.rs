//! The client personalities end to end (issue #5 item 4): vinit's `telinit`, `shutdown`,
//! `halt`, `poweroff`, `reboot` and `runlevel` against vinit running an inittab as PID 1 of a
//! namespace, run from outside with `nsenter` as `docker exec` would; coreutils' `who -r` on the
//! namespace's utmp; and interoperability both ways with Debian's real sysvinit (its tools
//! against vinit, vinit's tools against its `/sbin/init` as PID 1). vinit's log lines and the
//! entries' own lines are the events; every wait is bounded.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

use std::fs;
use std::time::Duration;

use support::clients::{self, Tools, ns_path, nsrun, runlevel};
use support::namespace::{Launch, Pid1};
use support::sysvinit::{debian_sbin_setup, debian_sysvinit};
use support::{EVENT_TIMEOUT, TempDir};

/// Bound for vinit's exit after level 0 was requested.
const EXIT_TIMEOUT: Duration = Duration::from_secs(20);

/// An inittab whose entries report their level and what they see. `tools` is where the
/// level-0 entry finds a `runlevel` to report the level it runs in.
fn inittab(runlevel_tool: &str) -> String {
    format!(
        "id:3:initdefault:\n\
         si::sysinit:/bin/echo sysinit ran\n\
         l0:0:wait:/bin/sh -c 'echo \"level 0 ran INIT_HALT=${{INIT_HALT-unset}} runlevel $({runlevel_tool})\"'\n\
         l1:1:wait:/bin/echo level 1 ran\n\
         l3:3:wait:/bin/sh -c 'echo \"level 3 ran INIT_X=${{INIT_X-unset}} FOO=${{FOO-unset}}\"'\n\
         l5:5:wait:/bin/sh -c 'echo \"level 5 ran INIT_X=${{INIT_X-unset}} FOO=${{FOO-unset}}\"'\n\
         l6:6:wait:/bin/echo level 6 ran\n"
    )
}

/// vinit booted to level 3 with `inittab()` as /etc/inittab (an overlay private to the
/// namespace), plus the tools and the log lines of the boot used up.
fn booted(tools: &Tools, setup: &[String]) -> Pid1 {
    let mut launch =
        Launch::vinit::<&str>(&[]).etc_file("inittab", inittab(&tools.get("runlevel")).as_bytes());
    for line in setup {
        launch = launch.setup(line);
    }
    let mut run = launch.pid1();
    run.expect_output("sysinit ran", EVENT_TIMEOUT);
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    run.expect_output("level 3 ran INIT_X=unset", EVENT_TIMEOUT);
    run
}

fn assert_runlevel(run: &Pid1, tool: &str, want: &str) {
    assert_eq!(runlevel(run.pid(), tool), want, "runlevel in the namespace");
}

/// `who -r` from this machine's coreutils, on the default utmp and on the path given.
fn assert_who_r(run: &Pid1, level: char, last: char) {
    for args in [&["who", "-r"][..], &["who", "-r", "/var/run/utmp"][..]] {
        let out = nsrun(run.pid(), args).ok();
        let words: Vec<&str> = out.stdout.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"run-level"), "{args:?}: {out:?}");
        assert_eq!(
            words.get(1),
            Some(&level.to_string().as_str()),
            "{args:?}: {out:?}"
        );
        assert_eq!(
            words.last(),
            Some(&format!("last={last}").as_str()),
            "{args:?}: {out:?}"
        );
    }
}

// ------------------------------------------------------------------------------------------
// vinit's clients against vinit

#[test]
fn test_telinit_changes_levels_and_runlevel_follows() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    let (telinit, rl) = (tools.get("telinit"), tools.get("runlevel"));
    assert_runlevel(&run, &rl, "N 3");
    // coreutils shows the boot's `N` as `S` (compat §6.5).
    assert_who_r(&run, '3', 'S');

    nsrun(run.pid(), &[&telinit, "1"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 1", EVENT_TIMEOUT);
    run.expect_line("level 1 ran", EVENT_TIMEOUT);
    assert_runlevel(&run, &rl, "3 1");
    assert_who_r(&run, '1', '3');

    nsrun(run.pid(), &[&telinit, "3"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 3", EVENT_TIMEOUT);
    run.expect_output("level 3 ran", EVENT_TIMEOUT);
    assert_runlevel(&run, &rl, "1 3");
    assert_who_r(&run, '3', '1');

    // `init 5` when not PID 1 is telinit too (compat §6.1).
    nsrun(run.pid(), &[support::vinit(), "init", "5"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 5", EVENT_TIMEOUT);
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_runlevel(&run, &rl, "3 5");
    // Still PID 1 and still there.
    assert_eq!(run.ns_pid(), 1);
}

#[test]
fn test_telinit_q_rereads_the_edited_inittab() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    let file = ns_path(run.pid(), "/etc/inittab");
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("n3:3:once:/bin/echo new entry ran\n");
    fs::write(&file, text).unwrap();
    assert!(
        !run.history().iter().any(|l| l.contains("new entry ran")),
        "the new entry ran before telinit q"
    );
    nsrun(run.pid(), &[&tools.get("telinit"), "q"]).ok();
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
    run.expect_line("new entry ran", EVENT_TIMEOUT);
    // q changes no level, and the wait entry of level 3 does not run again (compat §2.5).
    assert_runlevel(&run, &tools.get("runlevel"), "N 3");
    assert_eq!(
        run.history()
            .iter()
            // The entry's own line (its exit's line quotes its command).
            .filter(|l| l.starts_with("level 3 ran"))
            .count(),
        1,
        "{}",
        run.dump()
    );
}

#[test]
fn test_telinit_u_keeps_the_level_and_serving() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    nsrun(run.pid(), &[&tools.get("telinit"), "u"]).ok();
    run.expect_line("telinit u", EVENT_TIMEOUT);
    assert_runlevel(&run, &tools.get("runlevel"), "N 3");
    nsrun(run.pid(), &[&tools.get("telinit"), "5"]).ok();
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
}

#[test]
fn test_telinit_e_reaches_children_started_afterwards() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    let telinit = tools.get("telinit");
    // FOO is not INIT_*: ignored, as sysvinit does (compat §5.5).
    nsrun(run.pid(), &[&telinit, "-e", "INIT_X=1", "-e", "FOO=1"]).ok();
    nsrun(run.pid(), &[&telinit, "5"]).ok();
    run.expect_line("level 5 ran INIT_X=1 FOO=unset", EVENT_TIMEOUT);
    // A name without `=` unsets it.
    nsrun(run.pid(), &[&telinit, "-e", "INIT_X"]).ok();
    nsrun(run.pid(), &[&telinit, "3"]).ok();
    run.expect_output("level 3 ran INIT_X=unset", EVENT_TIMEOUT);
}

/// Runs one stopping client and checks level 0 ran with `init_halt` and vinit exited 0.
fn stops_with(client: &str, args: &[&str], init_halt: &str) {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    let tool = tools.get(client);
    let mut argv = vec![tool.as_str()];
    argv.extend_from_slice(args);
    nsrun(run.pid(), &argv).ok();
    run.expect_line("vinit: info: Switching to runlevel: 0", EVENT_TIMEOUT);
    run.expect_line(
        &format!("level 0 ran INIT_HALT={init_halt} runlevel 3 0"),
        EVENT_TIMEOUT,
    );
    run.expect_line("stop: complete", EXIT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn test_shutdown_h_now_runs_level_0_and_exits_0() {
    // Plain -h sends INIT_HALT without a value: unset (sysvinit 3.x shutdown.c).
    stops_with("shutdown", &["-h", "now"], "unset");
}

#[test]
fn test_shutdown_hp_now_sets_init_halt_poweroff() {
    stops_with("shutdown", &["-h", "-P", "now"], "POWEROFF");
}

#[test]
fn test_halt_goes_through_pid_1() {
    // `halt` outside levels 0 and 6 is `shutdown -h -H now` (sysvinit 3.08+).
    stops_with("halt", &[], "HALT");
}

#[test]
fn test_poweroff_goes_through_pid_1() {
    stops_with("poweroff", &[], "POWEROFF");
}

/// Runs one rebooting client and checks the soft reboot: level 6, the boot again, level 3.
fn reboots_with(client: &str, args: &[&str]) {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[]);
    let tool = tools.get(client);
    let mut argv = vec![tool.as_str()];
    argv.extend_from_slice(args);
    nsrun(run.pid(), &argv).ok();
    run.expect_line("vinit: info: Switching to runlevel: 6", EVENT_TIMEOUT);
    run.expect_output("level 6 ran", EVENT_TIMEOUT);
    run.expect_output("sysinit ran", EVENT_TIMEOUT);
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    run.expect_output("level 3 ran", EVENT_TIMEOUT);
    assert_eq!(
        run.history().iter().filter(|l| *l == "sysinit ran").count(),
        2,
        "{}",
        run.dump()
    );
    assert_eq!(
        run.ns_pid(),
        1,
        "vinit is still PID 1 after the soft reboot"
    );
    assert_runlevel(&run, &tools.get("runlevel"), "N 3");
}

#[test]
fn test_shutdown_r_now_reboots_in_place() {
    reboots_with("shutdown", &["-r", "now"]);
}

#[test]
fn test_reboot_goes_through_pid_1() {
    reboots_with("reboot", &[]);
}

#[test]
fn test_telinit_without_fifo_fails_like_sysvinit() {
    let tools = Tools::vinit();
    let run = booted(&tools, &[]);
    // Another namespace whose /run has no FIFO: nothing reads there.
    let empty = Launch::program("/bin/sleep", &["1000"]).pid1();
    let out = nsrun(empty.pid(), &[&tools.get("telinit"), "5"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(
        out.stderr,
        "telinit: /run/initctl: No such file or directory\n"
    );
    let out = nsrun(empty.pid(), &[&tools.get("runlevel")]);
    assert_eq!(
        (out.code, out.stdout.as_str()),
        (Some(1), "unknown\n"),
        "{out:?}"
    );
    drop(run);
}

/// The clients open /run/initctl as PID 1 opens its files: never through a symlink, and only
/// a FIFO; anything else there is refused with one line, and nothing is written through it.
#[test]
fn test_clients_refuse_a_symlink_or_a_file_at_initctl() {
    let tools = Tools::vinit();
    // A namespace with its own empty /run and no init reading there.
    let empty = Launch::program("/bin/sleep", &["1000"]).pid1();
    let (initctl, target) = (
        ns_path(empty.pid(), "/run/initctl"),
        ns_path(empty.pid(), "/run/target"),
    );
    fs::write(&target, "").unwrap();
    std::os::unix::fs::symlink("/run/target", &initctl).unwrap();
    for client in [&["telinit", "5"][..], &["shutdown", "-h", "now"][..]] {
        let tool = tools.get(client[0]);
        let mut argv = vec![tool.as_str()];
        argv.extend(&client[1..]);
        let out = nsrun(empty.pid(), &argv);
        assert_eq!(out.code, Some(1), "{out:?}");
        assert_eq!(
            out.stderr.lines().last(),
            Some(format!("{}: /run/initctl: a symlink (not followed)", client[0]).as_str()),
            "{out:?}"
        );
        assert_eq!(
            fs::read(&target).unwrap(),
            b"",
            "{client:?} wrote through the symlink"
        );
    }
    fs::remove_file(&initctl).unwrap();
    fs::write(&initctl, "").unwrap();
    let out = nsrun(empty.pid(), &[&tools.get("telinit"), "5"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert_eq!(out.stderr, "telinit: /run/initctl: a regular file\n");
    assert_eq!(
        fs::read(&initctl).unwrap(),
        b"",
        "telinit wrote into a regular file"
    );
}

// ------------------------------------------------------------------------------------------
// Debian's tools against vinit

#[test]
fn test_debian_telinit_and_runlevel_against_vinit() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[debian_sbin_setup()]);
    assert_runlevel(&run, "/sbin/runlevel", "N 3");
    nsrun(run.pid(), &["/sbin/telinit", "-e", "INIT_X=debian"]).ok();
    nsrun(run.pid(), &["/sbin/telinit", "5"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 5", EVENT_TIMEOUT);
    run.expect_line("level 5 ran INIT_X=debian", EVENT_TIMEOUT);
    assert_runlevel(&run, "/sbin/runlevel", "3 5");
    // Both runlevels agree on the same file.
    assert_runlevel(&run, &tools.get("runlevel"), "3 5");
    nsrun(run.pid(), &["/sbin/telinit", "q"]).ok();
    run.expect_line("vinit: info: Re-reading inittab", EVENT_TIMEOUT);
}

#[test]
fn test_debian_shutdown_h_now_against_vinit() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[debian_sbin_setup()]);
    // Debian's shutdown sends SETENV INIT_HALT, then execs /sbin/init 0, which is its telinit.
    nsrun(run.pid(), &["/sbin/shutdown", "-h", "now"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 0", EVENT_TIMEOUT);
    run.expect_line("level 0 ran INIT_HALT=unset runlevel 3 0", EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn test_debian_poweroff_against_vinit() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[debian_sbin_setup()]);
    // Debian's poweroff reads level 3 from vinit's utmp, so it execs `shutdown -h -P now`.
    nsrun(run.pid(), &["/sbin/poweroff"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 0", EVENT_TIMEOUT);
    run.expect_line("level 0 ran INIT_HALT=POWEROFF runlevel 3 0", EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

#[test]
fn test_debian_halt_against_vinit() {
    let tools = Tools::vinit();
    let mut run = booted(&tools, &[debian_sbin_setup()]);
    // Debian 3.06's halt execs `shutdown -h now` (no -H before 3.08): INIT_HALT unset.
    nsrun(run.pid(), &["/sbin/halt"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 0", EVENT_TIMEOUT);
    run.expect_line("level 0 ran INIT_HALT=unset runlevel 3 0", EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
}

// ------------------------------------------------------------------------------------------
// vinit's tools against Debian's init

/// Debian's `/sbin/init` as PID 1 with a minimal inittab whose entries append to
/// /run/events; /dev/console (where sysvinit sends its children's and its own output) is a
/// file of the test's, so nothing reaches the host's console.
fn debian_init(console: &TempDir) -> Pid1 {
    let init = debian_sysvinit().join("sbin/init");
    let console_file = console.join("console");
    fs::write(&console_file, b"").unwrap();
    let tab = "id:3:initdefault:\n\
               l0:0:wait:/bin/sh -c 'echo \"level 0 ran INIT_HALT=${INIT_HALT-unset}\" >> /run/events'\n\
               l3:3:wait:/bin/sh -c 'echo \"level 3 ran INIT_X=${INIT_X-unset}\" >> /run/events'\n\
               l5:5:wait:/bin/sh -c 'echo \"level 5 ran INIT_X=${INIT_X-unset} PREVLEVEL=$PREVLEVEL\" >> /run/events'\n";
    Launch::program(init.to_str().unwrap(), &[] as &[&str])
        .etc_file("inittab", tab.as_bytes())
        .setup(&format!(
            "if [ -e /dev/console ]; then mount --bind '{}' /dev/console; fi",
            console_file.display()
        ))
        .pid1()
}

#[test]
fn test_vinit_clients_against_debian_init() {
    let tools = Tools::vinit();
    let console = TempDir::new("console");
    let run = debian_init(&console);
    let pid = run.pid();
    let events =
        |needle: &str| clients::wait_for_line_in(pid, "/run/events", needle, EVENT_TIMEOUT);
    events("level 3 ran INIT_X=unset");
    // vinit's runlevel and coreutils' who read sysvinit's utmp.
    support::wait_until("Debian's init wrote /run/initctl", EVENT_TIMEOUT, || {
        ns_path(pid, "/run/initctl").exists()
    });
    assert_runlevel(&run, &tools.get("runlevel"), "N 3");
    assert_who_r(&run, '3', 'S');

    // vinit's SETENV and RUNLVL requests, as sysvinit's init reads them.
    let telinit = tools.get("telinit");
    nsrun(pid, &[&telinit, "-e", "INIT_X=vinit"]).ok();
    nsrun(pid, &[&telinit, "5"]).ok();
    events("level 5 ran INIT_X=vinit PREVLEVEL=3");
    assert_runlevel(&run, &tools.get("runlevel"), "3 5");
    assert_runlevel(
        &run,
        &debian_sysvinit().join("sbin/runlevel").to_string_lossy(),
        "3 5",
    );
    assert_who_r(&run, '5', '3');

    // vinit's shutdown: INIT_HALT=POWEROFF, then level 0. sysvinit then stays in level 0.
    nsrun(pid, &[&tools.get("shutdown"), "-h", "-P", "now"]).ok();
    events("level 0 ran INIT_HALT=POWEROFF");
    assert_runlevel(&run, &tools.get("runlevel"), "5 0");
}

// ------------------------------------------------------------------------------------------
// Process records (compat §6.6)

/// One utmp or wtmp record as util-linux's `utmpdump` (glibc's reader) shows it:
/// (type, pid, id, line, host).
fn dumped_records(run: &Pid1, file: &str) -> Vec<(u32, i32, String, String, String)> {
    let out = nsrun(run.pid(), &["utmpdump", file]).ok();
    out.stdout
        .lines()
        .map(|l| {
            let f: Vec<&str> = l
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split("] [")
                .collect();
            (
                f[0].trim().parse().unwrap(),
                f[1].trim().parse().unwrap(),
                f[2].trim().to_owned(),
                f[4].trim().to_owned(),
                f[5].trim().to_owned(),
            )
        })
        .collect()
}

/// The namespace's /var/run/utmp as the host reaches it. Through /proc/PID/root an absolute
/// symlink resolves on the host, so /var/run -> /run is followed here.
fn utmp_seen_from_host(run: &Pid1) -> std::path::PathBuf {
    let var_run = fs::read_link("/var/run")
        .map_or("/var/run".into(), |t| std::path::Path::new("/var").join(t));
    ns_path(run.pid(), &format!("{}/utmp", var_run.display()))
}

fn pid_after(line: &str, marker: &str) -> i32 {
    line.rsplit(marker).next().unwrap().trim().parse().unwrap()
}

#[test]
fn test_entry_processes_get_init_and_dead_process_records() {
    let inittab = "id:3:initdefault:\n\
        p1:3:once:/bin/sh -c 'echo \"p1 pid $$\"; exec sleep 1000'\n\
        p2:3:once:+/bin/sh -c 'echo \"p2 pid $$\"; exec sleep 1000'\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .setup(": > /var/log/wtmp")
        .pid1();
    let p1 = pid_after(&run.expect_line("p1 pid", EVENT_TIMEOUT), "p1 pid");
    let p2 = pid_after(&run.expect_line("p2 pid", EVENT_TIMEOUT), "p2 pid");
    let release = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let release = release.trim();

    // The child wrote its INIT_PROCESS record before exec; `+` entries write none.
    let utmp = dumped_records(&run, "/var/run/utmp");
    assert!(
        utmp.contains(&(5, p1, "p1".into(), String::new(), String::new())),
        "{utmp:?}"
    );
    assert!(!utmp.iter().any(|r| r.2 == "p2" || r.1 == p2), "{utmp:?}");
    let wtmp = dumped_records(&run, "/var/log/wtmp");
    assert!(
        wtmp.contains(&(5, p1, "p1".into(), String::new(), release.into())),
        "{wtmp:?}"
    );

    // A tty put in p1's record by a getty or login is kept in the DEAD_PROCESS record.
    let utmp_path = utmp_seen_from_host(&run);
    let mut bytes = fs::read(&utmp_path).unwrap();
    let at = bytes.chunks(384).position(|r| &r[40..42] == b"p1").unwrap() * 384;
    bytes[at..at + 2].copy_from_slice(&6u16.to_ne_bytes());
    bytes[at + 8..at + 12].copy_from_slice(b"tty9");
    fs::write(&utmp_path, &bytes).unwrap();

    nsrun(run.pid(), &["kill", &p1.to_string()]).ok();
    let dead = (8, p1, "p1".to_owned(), "tty9".to_owned(), String::new());
    support::wait_until("p1's DEAD_PROCESS record", EVENT_TIMEOUT, || {
        dumped_records(&run, "/var/run/utmp").contains(&dead)
    });
    // It replaced p1's record: one record per id.
    let utmp = dumped_records(&run, "/var/run/utmp");
    assert_eq!(utmp.iter().filter(|r| r.2 == "p1").count(), 1, "{utmp:?}");
    let wtmp = dumped_records(&run, "/var/log/wtmp");
    assert!(
        wtmp.contains(&(8, p1, "p1".into(), "tty9".into(), release.into())),
        "{wtmp:?}"
    );
    assert!(!wtmp.iter().any(|r| r.2 == "p2"), "{wtmp:?}");

    // p2 (`+`) ends without a record either.
    nsrun(run.pid(), &["kill", &p2.to_string()]).ok();
    run.signal(libc::SIGTERM);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}

/// Thirty entries start in one pass and die in one kill round: each gets both records, in its
/// own slot.
#[test]
fn test_records_of_entries_started_and_killed_together_are_all_kept() {
    let mut inittab = String::from("id:3:initdefault:\n");
    for i in 0..30 {
        inittab.push_str(&format!(
            "p{i}:3:once:/bin/sh -c 'echo \"p{i} up\"; exec sleep 1000'\n"
        ));
    }
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    for i in 0..30 {
        run.expect_line(&format!("p{i} up"), EVENT_TIMEOUT);
    }
    let ids_of = |records: &[(u32, i32, String, String, String)], ty: u32| {
        let mut ids: Vec<String> = records
            .iter()
            .filter(|r| r.0 == ty)
            .map(|r| r.2.clone())
            .collect();
        ids.sort();
        ids
    };
    let mut want: Vec<String> = (0..30).map(|i| format!("p{i}")).collect();
    want.sort();
    assert_eq!(ids_of(&dumped_records(&run, "/var/run/utmp"), 5), want);

    nsrun(run.pid(), &[support::vinit(), "telinit", "5"]).ok();
    run.expect_line("vinit: info: Switching to runlevel: 5", EVENT_TIMEOUT);
    support::wait_until("thirty DEAD_PROCESS records", EVENT_TIMEOUT, || {
        ids_of(&dumped_records(&run, "/var/run/utmp"), 8).len() >= 30
    });
    let utmp = dumped_records(&run, "/var/run/utmp");
    assert_eq!(ids_of(&utmp, 8), want, "{utmp:?}");
    assert!(ids_of(&utmp, 5).is_empty(), "{utmp:?}");
}

/// vinit's utmp writers take glibc's fcntl lock: while another writer (here the test) holds
/// it, an entry's INIT_PROCESS record is not written, and the entry still starts, after a
/// bounded wait (a stuck holder must not stop services from starting).
#[test]
fn test_utmp_writes_honour_the_glibc_lock_with_a_bounded_wait() {
    let inittab = "id:3:initdefault:\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    let utmp_path = utmp_seen_from_host(&run);
    let utmp = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&utmp_path)
        .unwrap();
    clients::lock_whole_file(&utmp).unwrap();

    let file = ns_path(run.pid(), "/etc/inittab");
    fs::write(
        &file,
        "id:3:initdefault:\nlk:3:once:/bin/echo locked entry up\n",
    )
    .unwrap();
    nsrun(run.pid(), &[support::vinit(), "telinit", "q"]).ok();
    run.expect_line("locked entry up", EVENT_TIMEOUT);
    let records = fs::read(&utmp_path).unwrap();
    assert!(
        !records.chunks(384).any(|r| &r[40..42] == b"lk"),
        "written through the lock"
    );
    drop(utmp);
    run.signal(libc::SIGTERM);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
}

/// A utmp lock holder that never lets go costs PID 1 its bounded wait once, not once per
/// record: with the lock held, forty entries start and end and vinit stops, all well inside
/// the 4 s that forty waits of 100 ms would take.
#[test]
fn test_a_stuck_utmp_lock_holder_is_waited_for_once() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", b"id:3:initdefault:\n")
        .pid1();
    run.expect_line("vinit: info: Entering runlevel: 3", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    let utmp = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(utmp_seen_from_host(&run))
        .unwrap();
    clients::lock_whole_file(&utmp).unwrap();
    let mut inittab = String::from("id:3:initdefault:\n");
    for i in 0..40 {
        inittab.push_str(&format!("e{i}:3:once:/bin/echo entry {i} ran\n"));
    }
    fs::write(ns_path(run.pid(), "/etc/inittab"), inittab).unwrap();
    let start = std::time::Instant::now();
    nsrun(run.pid(), &[support::vinit(), "telinit", "q"]).ok();
    for i in 0..40 {
        run.expect_line(&format!("entry {i} ran"), EVENT_TIMEOUT);
    }
    run.signal(libc::SIGTERM);
    assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(0));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "took {took:?}");
    drop(utmp);
}
