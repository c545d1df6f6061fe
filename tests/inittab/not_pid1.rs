//! Not PID 1 (issue #11 §3): `docker run --init`, a pod's shared namespace, a shell; and
//! `init` exec'd into a namespace, which is telinit unless no init runs there.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::time::{Duration, Instant};

use support::clients;
use support::namespace::Launch;
use support::procfs;
use support::{EVENT_TIMEOUT, TempDir, vinit};

use super::{EXIT_TIMEOUT, FLUSH, World, assert_before, boot, count, stop_with};

/// A link named `init` to the vinit under test, in `world`'s directory, as a distribution
/// installs it.
fn init_link(world: &World) -> std::path::PathBuf {
    let link = world.dir.join("init");
    symlink(vinit(), &link).unwrap();
    link
}

/// SIGTERM to host pid `pid`, from outside its namespace, as a runtime's stop does.
fn term(pid: i32) {
    let out = support::output_within(
        std::process::Command::new("kill").args(["-TERM", &pid.to_string()]),
        EVENT_TIMEOUT,
    )
    .unwrap();
    assert_eq!(out.code, Some(0), "kill -TERM {pid}: {out:?}");
}

/// The boot line of a vinit that is not PID 1 and boots as a container's main process under
/// another init.
const BOOT_UNDER_AN_INIT: &str = "vinit: info: booting /etc/inittab as a subreaper \
    (not PID 1: parent is PID 1, e.g. docker run --init)";

/// `docker run --init IMAGE /sbin/init`: vinit is PID 2 and its parent, PID 1, is another init
/// (here the harness's shell). As `init` (a link) and as `vinit`, with no arguments, it boots
/// the inittab as a subreaper and says so first; a stop signal runs level 0, lets the service
/// flush, and vinit exits 0. The build before issue #11 failed this: as `init` it was telinit
/// (its usage, exit 1).
#[test]
fn test_not_pid1_under_an_init_boots_the_inittab_as_a_subreaper() {
    let worlds = [
        World::new("under-init-link"),
        World::new("under-init-vinit"),
    ];
    let link = init_link(&worlds[0]);
    let mut runs: Vec<_> = worlds
        .iter()
        .enumerate()
        .map(|(i, world)| {
            let launch = boot(&world.inittab(FLUSH));
            let launch = if i == 0 {
                launch.via_link(&link)
            } else {
                launch
            };
            launch.not_pid1()
        })
        .collect();
    for (run, world) in runs.iter_mut().zip(&worlds) {
        assert_eq!(
            run.expect_line("vinit: ", EVENT_TIMEOUT),
            BOOT_UNDER_AN_INIT
        );
        run.expect_line("stub: ready svc fl", EVENT_TIMEOUT);
        run.expect_line("stub: ready svc d", EVENT_TIMEOUT);
        assert_ne!(run.ns_pid(), 1);
        let (code, took, lines) = stop_with(run, libc::SIGTERM);
        assert_eq!(code, Some(0), "{lines:#?}");
        assert_eq!(world.flushed().as_deref(), Some("flushed\n"));
        let log = world.log();
        assert_before(&log, ("term", "fl"), ("start", "l0"));
        assert_before(&log, ("term", "d"), ("start", "l0"));
        assert_eq!(
            count(&lines, "vinit: info: stop: complete in"),
            1,
            "{lines:#?}"
        );
        assert!(took < Duration::from_secs(5), "took {took:?}");
    }
}

/// From a shell (a parent that is neither PID 1 nor outside the namespace), `vinit` with no
/// arguments never boots the host's inittab: one line, the hint, exit 2; `init` is telinit and
/// prints its usage, exit 1, as sysvinit's does. `vinit -f FILE` still boots FILE there, as a
/// subreaper. The build before issue #11 booted /etc/inittab from the shell (and never came
/// back to it).
#[test]
fn test_not_pid1_from_a_shell_boots_only_with_f() {
    let world = World::new("from-shell");
    let link = init_link(&world);
    // The booted vinit's sysinit tells the shell it is up through a FIFO; the shell then
    // stops it as a runtime would.
    let inittab = "id:3:initdefault:\n\
        si::sysinit:/bin/sh -c 'echo sysinit ran; echo up > /run/up'\n";
    let script = r#"
        "$1"; echo "vinit exit $?"
        "$2"; echo "init exit $?"
        mkfifo /run/up
        "$1" -f /etc/inittab & pid=$!
        read up < /run/up; kill -TERM $pid; wait $pid; echo "f exit $?"
    "#;
    let mut run = Launch::program(
        "/bin/sh",
        &["-c", script, "sh", vinit(), link.to_str().unwrap()],
    )
    .etc_file("inittab", inittab.as_bytes())
    .not_pid1();
    run.expect_line(
        "vinit: fatal: not PID 1 and not a container's main process: not booting /etc/inittab \
         (see -f)",
        EVENT_TIMEOUT,
    );
    run.expect_line("try 'vinit --help'", EVENT_TIMEOUT);
    run.expect_line("vinit exit 2", EVENT_TIMEOUT);
    run.expect_line(
        "Usage: init {-e VAR[=VAL] | [-t SECONDS] {0|1|2|",
        EVENT_TIMEOUT,
    );
    run.expect_line("init exit 1", EVENT_TIMEOUT);
    run.expect_line(
        "vinit: info: booting /etc/inittab as a subreaper (not PID 1: -f given)",
        EVENT_TIMEOUT,
    );
    run.expect_line("sysinit ran", EVENT_TIMEOUT);
    run.expect_line("f exit 0", EVENT_TIMEOUT);
    let (status, lines) = run.finish(EXIT_TIMEOUT);
    assert_eq!(status.code(), Some(0), "{lines:#?}");
    // The entry's own line (its exit's line quotes its command).
    let ran = lines.iter().filter(|l| *l == "sysinit ran").count();
    assert_eq!(ran, 1, "{lines:#?}");
    assert_eq!(count(&lines, "vinit: info: booting"), 1, "{lines:#?}");
}

/// `docker exec CONTAINER init` (no arguments) has its parent outside the namespace (ppid 0),
/// as a pod's main process has, but must not boot a second init: it is telinit (its usage,
/// exit 1) when PID 1 is vinit itself (here in single-command mode, which has no FIFO: the
/// executable decides) and when an init serves /run/initctl (vinit as PID 2 under a shell).
/// Control: in a namespace whose PID 1 is neither (a pod's pause process, here `sleep`) and
/// with no FIFO, the same command boots the inittab as a subreaper, and SIGTERM ends it with 0.
#[test]
fn test_init_exec_into_a_namespace_is_telinit_unless_no_init_runs_there() {
    let world = World::new("exec-init");
    let link = init_link(&world);
    let link = link.to_str().unwrap();
    let mut single = Launch::vinit(&["--", "/bin/sh", "-c", "echo ready; exec sleep 1000"]).pid1();
    single.expect_line("ready", EVENT_TIMEOUT);
    let mut under_shell = boot(&world.inittab(FLUSH)).not_pid1();
    under_shell.expect_line("stub: ready svc d", EVENT_TIMEOUT);
    clients::wait_for_initctl(under_shell.pid());
    for run in [&*single, &*under_shell] {
        let out = run.exec_inside(&[link], clients::CLIENT_TIMEOUT);
        assert_eq!(out.code, Some(1), "{out:?}");
        assert!(out.stderr.starts_with("Usage: init {"), "{out:?}");
        assert!(!out.stderr.contains("booting"), "{out:?}");
    }
    assert_eq!(count(under_shell.history(), "booting"), 1);

    // Control: the pod's shape.
    let inittab =
        "id:3:initdefault:\ns1:3:respawn:/bin/sh -c 'echo up > /run/s1; exec sleep 1000'\n";
    let pause = Launch::program("/bin/sleep", &["1000"])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    let err = world.dir.join("exec.err");
    let mut nsenter = std::process::Command::new("nsenter")
        .args(["-t", &pause.pid().to_string(), "-p", "-m", "--", link])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let up = clients::ns_path(pause.pid(), "/run/s1");
    support::wait_until("the pod's vinit started s1", EVENT_TIMEOUT, || up.exists());
    let first = fs::read_to_string(&err).unwrap();
    assert_eq!(
        first.lines().next(),
        Some(
            "vinit: info: booting /etc/inittab as a subreaper (not PID 1: parent is outside \
             the PID namespace, e.g. a pod)"
        ),
        "{first}"
    );
    let booted = procfs::children(nsenter.id() as i32);
    assert_eq!(booted.len(), 1, "{booted:?}");
    term(booted[0]);
    let deadline = Instant::now() + EXIT_TIMEOUT;
    let status = loop {
        if let Some(status) = nsenter.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the pod's vinit did not stop");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(
        status.code(),
        Some(0),
        "{}",
        fs::read_to_string(&err).unwrap()
    );
}

/// The first operand picks the mode: a lone level character is inittab mode's LEVEL (it
/// overrides initdefault, as sysvinit's `init 5`), any other word starts CMD (tini's `vinit
/// CMD` without `--`), and `--` makes even a level character a command.
#[test]
fn test_a_level_argument_boots_that_level_and_other_words_are_commands() {
    let inittab = "id:3:initdefault:\n\
        l3:3:wait:/bin/echo level 3 ran\n\
        l5:5:wait:/bin/echo level 5 ran\n";
    let mut level = Launch::vinit(&["5"])
        .etc_file("inittab", inittab.as_bytes())
        .pid1();
    level.expect_line("level 5 ran", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut level, libc::SIGTERM);
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_eq!(count(&lines, "level 3 ran"), 0, "{lines:#?}");

    let dir = TempDir::new("level-words");
    let five = dir.join("5");
    fs::write(&five, "#!/bin/sh\necho \"command 5 ran: $*\"\nexit 7\n").unwrap();
    fs::set_permissions(&five, fs::Permissions::from_mode(0o755)).unwrap();
    let cases: [(&[&str], &str, i32); 2] = [
        (
            &[
                "/bin/sh",
                "-c",
                "echo \"sh ran: $0 $1\"; exit 4",
                "-x",
                "-e",
            ],
            "sh ran: -x -e",
            4,
        ),
        // `5` is found in PATH: the test's directory.
        (&["--", "5", "-T", "0"], "command 5 ran: -T 0", 7),
    ];
    let path = format!("{}:/usr/bin:/bin", dir.path().display());
    for (args, line, status) in cases {
        let mut run = Launch::vinit(args).env("PATH", &path).pid1();
        run.expect_line(line, EVENT_TIMEOUT);
        assert_eq!(run.wait_exit(EXIT_TIMEOUT).code(), Some(status), "{args:?}");
    }
}
