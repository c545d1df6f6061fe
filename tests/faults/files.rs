//! Hostile files and /run (issue #10 items 4-7, 9, the request framing, read-only /run and
//! /var/log): every file PID 1 opens is opened without following a symlink (state files) and
//! without blocking, checked for its type and owner, and read to a bound; what it refuses or
//! cannot write costs one log line, and PID 1 goes on. Each test was seen failing on the
//! binary before the fix (`VINIT_TEST_BINARY=/work/vinit-old`); the way it failed is noted
//! on each.

use std::fs;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt};
use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::clients::{self, Tools, ns_path, nsrun};
use support::initctl::{self, write_initctl};
use support::namespace::{Launch, Pid1};

use crate::health::{self, assert_recovers, baseline};

const INITTAB: &str = "id:3:initdefault:\n\
                       l0:0:wait:/bin/echo rc 0 ran\n\
                       l3:3:wait:/bin/echo level 3 ran\n\
                       l5:5:wait:/bin/echo level 5 ran\n";

/// CPU PID 1 may use from the baseline to the end of a test.
const CPU_BUDGET: Duration = Duration::from_millis(500);
/// The default stop budget (9 s) and a second for the namespace to go.
const STOP_WITHIN: Duration = Duration::from_secs(10);
/// An unprivileged user: the one who can write a Kubernetes `emptyDir` /run.
const USER: &str = "65534";

/// vinit booted to level 3 with `INITTAB` and `setup` lines run before it starts.
fn booted(setup: &[&str]) -> Pid1 {
    let mut launch = Launch::vinit::<&str>(&[]).etc_file("inittab", INITTAB.as_bytes());
    for line in setup {
        launch = launch.setup(line);
    }
    let mut run = launch.pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    run
}

/// Runs a shell line inside the namespace, as root.
fn inside(run: &Pid1, line: &str) {
    nsrun(run.pid(), &["sh", "-ec", line]).ok();
}

fn telinit(run: &Pid1, arg: &str) {
    let tools = Tools::vinit();
    nsrun(run.pid(), &[&tools.get("telinit"), arg]).ok();
}

fn count(run: &Pid1, needle: &str) -> usize {
    run.history().iter().filter(|l| l.contains(needle)).count()
}

/// `needle` was logged exactly once. Awaited first: vinit's lines are on stderr, the entries'
/// output on stdout, and the harness reads the two with two threads, so a line written before
/// the one a test just awaited may not have been received yet.
fn assert_once(run: &mut Pid1, needle: &str) {
    run.await_seen(needle, EVENT_TIMEOUT);
    assert_eq!(count(run, needle), 1, "{needle:?}\n{}", run.dump());
}

// ------------------------------------------------------------------------------------------
// Item 4: the inittab is read whole, line by line, or refused whole

/// A 100 KB inittab whose line `tr` crosses byte 32,768 right after `TRUNC`, and whose last
/// line is 10,000 lines further. Old binary: the cut line ran as `/bin/echo TRUNC` and
/// nothing after it did (no "TRUNCATED" within 30 s).
#[test]
fn test_inittab_over_32k_is_read_whole_and_no_cut_line_runs() {
    let head = "id:3:initdefault:\nl3:3:wait:/bin/echo level 3 ran\n";
    let line = "tr:3:wait:/bin/echo TRUNCATED\n";
    let cut = 32 * 1024;
    let mut tab = String::from(head);
    // Pad with comment lines until `line` would put byte 32,768 right after "TRUNC".
    let before = cut - line.find("ATED").unwrap();
    while tab.len() + 160 < before {
        tab.push_str(&format!("#{}\n", "-".repeat(78)));
    }
    tab.push_str(&format!("#{}\n", "-".repeat(before - tab.len() - 2)));
    assert_eq!(tab.len(), before);
    tab.push_str(line);
    assert_eq!(&tab.as_bytes()[cut - 5..cut], b"TRUNC");
    for i in 0..10_000 {
        tab.push_str(&format!("# comment line {i}\n"));
    }
    tab.push_str("zz:3:wait:/bin/echo last line ran\n");
    assert!(tab.len() > 100_000);
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", tab.as_bytes())
        .pid1();
    run.expect_line("TRUNCATED", EVENT_TIMEOUT);
    run.expect_line("last line ran", EVENT_TIMEOUT);
    assert!(
        !run.stdout_lines().iter().any(|l| l == "TRUNC"),
        "a cut line ran\n{}",
        run.dump()
    );
    clients::wait_for_initctl(run.pid());
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// An inittab over the 4 MiB bound is refused whole with one line: at boot that is fatal,
/// on a reload the running table stays. Old binary: read the first 32 KiB and booted (no
/// refusal, still running after 30 s).
#[test]
fn test_inittab_over_the_read_bound_is_refused_whole() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .setup("truncate -s 5M /etc/inittab")
        .pid1();
    let (status, _) = run.finish(EVENT_TIMEOUT);
    assert_eq!(status.code(), Some(1), "{}", run.dump());
    assert_once(
        &mut run,
        "vinit: fatal: /etc/inittab: 5242880 bytes, more than the 4194304 vinit reads: \
         cannot read the inittab",
    );
    assert_eq!(count(&run, "level 3 ran"), 0, "{}", run.dump());

    let mut run = booted(&[]);
    let base = baseline(&run);
    inside(
        &run,
        "printf 'x5:5:wait:/bin/echo new entry ran\\n' >> /etc/inittab && \
         truncate -s 5M /etc/inittab",
    );
    run.signal(libc::SIGHUP);
    run.expect_line(
        "/etc/inittab: 5242880 bytes, more than the 4194304 vinit reads: not read",
        EVENT_TIMEOUT,
    );
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_eq!(count(&run, "new entry ran"), 0, "{}", run.dump());
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// 10,000 bad lines (60 KB): the first 64 get their own line, the rest one line together, on
/// every read. Old binary: one line per bad line up to the 32 KiB cut, then silence (no
/// "more bad lines" line).
#[test]
fn test_an_inittab_of_bad_lines_costs_a_bounded_number_of_log_lines() {
    let mut tab = String::from(INITTAB);
    for _ in 0..10_000 {
        tab.push_str("bad:3\n");
    }
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", tab.as_bytes())
        .pid1();
    run.expect_line(
        "vinit: error: /etc/inittab: 9936 more bad lines not shown",
        EVENT_TIMEOUT,
    );
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    assert_eq!(count(&run, "missing action field"), 64, "{}", run.dump());
    assert!(
        run.history()
            .iter()
            .any(|l| l.contains("/etc/inittab[5]: missing"))
    );
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

// ------------------------------------------------------------------------------------------
// Item 5: a FIFO (or another non-regular file) never blocks PID 1

/// The inittab replaced by a FIFO: SIGHUP and `telinit` re-read it. Old binary: blocked in
/// open(2) on the SIGHUP (no error line within 30 s).
#[test]
fn test_fifo_inittab_does_not_block_a_reload() {
    let mut run = booted(&[]);
    let base = baseline(&run);
    inside(&run, "rm /etc/inittab && mkfifo -m 600 /etc/inittab");
    run.signal(libc::SIGHUP);
    run.expect_line(
        "vinit: error: /etc/inittab: a fifo: not read",
        EVENT_TIMEOUT,
    );
    telinit(&run, "5");
    run.expect_line(
        "vinit: error: /etc/inittab: a fifo: not read",
        EVENT_TIMEOUT,
    );
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    inside(&run, "rm /etc/inittab");
    fs::write(ns_path(run.pid(), "/etc/inittab"), INITTAB).unwrap();
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// A drop-in that is a FIFO is skipped with one line and the others run. Old binary: blocked
/// at boot (no "level 3 ran" within 30 s).
#[test]
fn test_fifo_dropin_is_skipped_at_boot() {
    let mut run = booted(&[
        "mkdir -p /etc/inittab.d",
        "mkfifo /etc/inittab.d/x.tab",
        "echo 'd1:3:once:/bin/echo dropin ran' > /etc/inittab.d/y.tab",
    ]);
    run.expect_line("dropin ran", EVENT_TIMEOUT);
    // vinit says it before the entries start, but on stderr: the harness reads stdout and
    // stderr in two threads, so the service's line may come in first.
    run.expect_line("a fifo: skipped", EVENT_TIMEOUT);
    assert_once(
        &mut run,
        "vinit: error: /etc/inittab.d/x.tab: a fifo: skipped",
    );
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// A drop-in another user owns (in an /etc/inittab.d they can write) is not run. Old binary:
/// ran it as root ("foreign entry ran" before "level 3 ran").
#[test]
fn test_dropin_owned_by_another_user_is_not_run() {
    let mut run = booted(&[
        "mkdir -p /etc/inittab.d",
        "echo 'f1::sysinit:/bin/echo foreign entry ran' > /etc/inittab.d/f.tab",
        &format!("chown {USER}:{USER} /etc/inittab.d/f.tab"),
    ]);
    // Sysinit entries run before level 3's: had it been taken, it would have run by now.
    assert_eq!(count(&run, "foreign entry ran"), 0, "{}", run.dump());
    assert_once(
        &mut run,
        &format!("vinit: error: /etc/inittab.d/f.tab: owned by uid {USER}: skipped"),
    );
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /var/log/wtmp as a FIFO at boot. Old binary: blocked in open(2) at the first record (no
/// "level 3 ran" within 30 s).
#[test]
fn test_fifo_wtmp_does_not_block_the_boot() {
    let run = booted(&["mkfifo /var/log/wtmp"]);
    let base = baseline(&run);
    telinit(&run, "5");
    let mut run = run;
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    // Boot, sysinit end, level 3, each process record, level 5: reported once.
    assert_once(
        &mut run,
        "vinit: warning: /var/log/wtmp: a fifo: records not written",
    );
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /run/utmp as a FIFO at boot (vinit creates or empties it). Old binary: blocked in open(2)
/// with O_TRUNC (no "level 3 ran" within 30 s).
#[test]
fn test_fifo_utmp_does_not_block_the_boot() {
    let mut run = booted(&["mkfifo /run/utmp"]);
    assert_once(
        &mut run,
        "vinit: warning: /var/run/utmp: a fifo: records not written",
    );
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /run/runlevel replaced by a FIFO after boot: the next level change (the one `docker stop`
/// starts too) writes it. Old binary: blocked in open(2) on `telinit 5` (no line within 30 s).
#[test]
fn test_fifo_runlevel_file_does_not_block_a_level_change() {
    let mut run = booted(&[]);
    let base = baseline(&run);
    inside(&run, "rm /run/runlevel && mkfifo /run/runlevel");
    telinit(&run, "5");
    run.expect_line(
        "vinit: warning: /var/run/runlevel: a fifo: records not written",
        EVENT_TIMEOUT,
    );
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /run/powerstatus as a FIFO: SIGPWR reads it. It is refused with one line and SIGPWR means
/// what it means without one (LXC's halt: the stop). Old binary: blocked in open(2) (still
/// running 30 s after SIGPWR).
#[test]
fn test_fifo_powerstatus_does_not_block_sigpwr() {
    let mut run = booted(&[]);
    inside(&run, "mkfifo /run/powerstatus");
    run.signal(libc::SIGPWR);
    run.expect_line(
        "vinit: error: /var/run/powerstatus: a fifo: ignored",
        EVENT_TIMEOUT,
    );
    run.expect_line("rc 0 ran", EVENT_TIMEOUT);
    assert_eq!(run.wait_exit(STOP_WITHIN).code(), Some(0), "{}", run.dump());
}

/// /etc/initscript as a FIFO: every entry would run as `sh /etc/initscript ...` and block.
/// Refused once; entries run directly. Old binary: every entry's shell blocked (no "level 3
/// ran" within 30 s).
#[test]
fn test_fifo_initscript_is_not_used() {
    let run = booted(&["mkfifo /etc/initscript"]);
    let mut run = run;
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_once(&mut run, "vinit: error: /etc/initscript: a fifo: not used");
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

// ------------------------------------------------------------------------------------------
// Item 6: files PID 1 writes: never through a symlink, only its own

/// A root-only file a user points at through a symlink in a user-writable /run (a Kubernetes
/// `emptyDir`): its content must survive.
const SECRET: &str = "root only\n";

fn secret(run: &Pid1, name: &str) -> String {
    fs::read_to_string(ns_path(run.pid(), &format!("/etc/{name}"))).unwrap()
}

/// /run/utmp a user's symlink to a root-only file at boot, when vinit empties utmp. Old
/// binary: emptied /etc/secret.
#[test]
fn test_symlinked_utmp_is_not_followed() {
    let run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .etc_file("secret", SECRET.as_bytes())
        .setup("chmod 600 /etc/secret")
        .setup(&format!(
            "ln -s /etc/secret /run/utmp && chown -h {USER} /run/utmp"
        ))
        .pid1();
    let mut run = run;
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_eq!(secret(&run, "secret"), SECRET);
    assert_once(
        &mut run,
        "vinit: warning: /var/run/utmp: a symlink (not followed): records not written",
    );
    let base = baseline(&run);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /var/log/wtmp a symlink at boot, /run/runlevel replaced by one after boot (the next level
/// change rewrites it, as the one `docker stop` starts does). Old binary: appended records
/// to /etc/secret-w and wrote "5" over /etc/secret-r.
#[test]
fn test_symlinked_runlevel_and_wtmp_are_not_followed() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .etc_file("secret-r", SECRET.as_bytes())
        .etc_file("secret-w", SECRET.as_bytes())
        .setup("ln -s /etc/secret-w /var/log/wtmp")
        .pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    let base = baseline(&run);
    inside(
        &run,
        &format!(
            "ln -s /etc/secret-r /run/runlevel.new && chown -h {USER} /run/runlevel.new && \
             mv -f /run/runlevel.new /run/runlevel"
        ),
    );
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_eq!(secret(&run, "secret-r"), SECRET);
    assert_eq!(secret(&run, "secret-w"), SECRET);
    assert_once(
        &mut run,
        "vinit: warning: /var/log/wtmp: a symlink (not followed): records not written",
    );
    assert_once(
        &mut run,
        "vinit: warning: /var/run/runlevel: a symlink (not followed): records not written",
    );
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

/// /run/utmp replaced by a user's own file: neither PID 1 (RUN_LVL, DEAD_PROCESS) nor an
/// entry's child (INIT_PROCESS, between fork and exec) writes records into it. Old binary:
/// wrote them (the file changed).
#[test]
fn test_utmp_owned_by_another_user_is_not_written() {
    let mut run = booted(&[]);
    let base = baseline(&run);
    inside(
        &run,
        &format!(
            "printf 'user data' > /run/utmp.new && chown {USER} /run/utmp.new && \
             mv -f /run/utmp.new /run/utmp"
        ),
    );
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    let utmp = ns_path(run.pid(), "/run/utmp");
    assert_eq!(fs::read(&utmp).unwrap(), b"user data");
    assert_once(
        &mut run,
        &format!("vinit: warning: /var/run/utmp: owned by uid {USER}: records not written"),
    );
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

// ------------------------------------------------------------------------------------------
// Item 7: /run/initctl is trusted only when it is vinit's own

/// A user (through a user-writable /run) replaces the FIFO by their own 0666 one and sends
/// `telinit 5` through it. vinit replaces it with its own and never reads theirs. Old
/// binary: opened the user's FIFO and switched to level 5 (and never said a word).
#[test]
fn test_initctl_replaced_by_another_users_fifo_is_replaced() {
    let mut run = booted(&[]);
    let base = baseline(&run);
    inside(
        &run,
        &format!("mkfifo -m 666 /run/initctl.user && chown {USER} /run/initctl.user"),
    );
    // The user's end, opened before the swap (read-write, so the open does not block).
    let users = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(ns_path(run.pid(), "/run/initctl.user"))
        .unwrap();
    inside(&run, "mv -f /run/initctl.user /run/initctl");
    run.expect_line(
        &format!("vinit: warning: /run/initctl: owned by uid {USER}: replaced by vinit's own fifo"),
        EVENT_TIMEOUT,
    );
    clients::wait_for_initctl(run.pid());
    let meta = fs::symlink_metadata(ns_path(run.pid(), "/run/initctl")).unwrap();
    assert!(meta.file_type().is_fifo());
    assert_eq!((meta.uid(), meta.mode() & 0o777), (0, 0o600));
    std::io::Write::write_all(&mut &users, &initctl::runlevel_request(b'5')).unwrap();
    // A request through the real FIFO: read after anything vinit could have read from the
    // user's (vinit holds one FIFO at a time).
    telinit(&run, "q");
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    assert_eq!(count(&run, "Switching to runlevel: 5"), 0, "{}", run.dump());
    drop(users);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

// ------------------------------------------------------------------------------------------
// Item 9: a huge utmp never delays an exec or the stop

/// `truncate -s 40G /run/utmp`, then a level change and a stop with a 5 s budget. Old
/// binary: the level-5 entry's child was still scanning utmp before exec 3 s later (the stop
/// once took 14 s and `rc 0` never ran).
#[test]
fn test_huge_sparse_utmp_does_not_delay_the_stop() {
    let mut run = Launch::vinit(&["-T", "5"])
        .etc_file("inittab", INITTAB.as_bytes())
        .pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    inside(&run, "truncate -s 40G /run/utmp");
    telinit(&run, "5");
    run.expect_line("level 5 ran", Duration::from_secs(3));
    assert_once(
        &mut run,
        "vinit: warning: /var/run/utmp: 42949672960 bytes, more than the 1572864 vinit reads: \
         records not written",
    );
    health::assert_not_spinning(&run);
    health::assert_no_zombies(&run);
    run.signal(libc::SIGTERM);
    run.expect_line("rc 0 ran", Duration::from_secs(3));
    assert_eq!(
        run.wait_exit(Duration::from_secs(6)).code(),
        Some(0),
        "{}",
        run.dump()
    );
}

// ------------------------------------------------------------------------------------------
// Decided: bytes that are not a whole request do not cost the requests behind them

/// 100 junk bytes, then `telinit 5`, both in the pipe before vinit reads (it is stopped).
/// vinit finds the request by its magic. Old binary: read 384 + 100 bytes as two bogus
/// requests and lost the level change (no "Switching to runlevel: 5").
#[test]
fn test_junk_in_front_of_a_request_does_not_lose_it() {
    let mut run = booted(&[]);
    let base = baseline(&run);
    run.signal(libc::SIGSTOP);
    write_initctl(run.pid(), vec![vec![b'x'; 100]], EVENT_TIMEOUT);
    telinit(&run, "5");
    run.signal(libc::SIGCONT);
    run.expect_line(
        "vinit: warning: got bogus initrequest: bad magic 2021161080 (100 bytes skipped)",
        EVENT_TIMEOUT,
    );
    run.expect_line("vinit: info: Switching to runlevel: 5", EVENT_TIMEOUT);
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}

// ------------------------------------------------------------------------------------------
// Read-only /run and /var/log

/// /run read-only: no utmp, no runlevel file, no FIFO. vinit boots, runs its entries, says
/// so once per file, still re-reads its inittab on SIGHUP, and stops with exit 0. Old binary: said
/// nothing about utmp (no such line).
#[test]
fn test_read_only_run() {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .setup("mount -o remount,ro /run")
        .pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    run.expect_line(
        "vinit: warning: /var/run/utmp: EROFS (read-only file system): records not written",
        EVENT_TIMEOUT,
    );
    run.expect_line(
        "vinit: warning: /var/run/runlevel: EROFS (read-only file system): records not written",
        EVENT_TIMEOUT,
    );
    run.expect_line(
        "vinit: error: unable to create /run/initctl: EROFS",
        EVENT_TIMEOUT,
    );
    let base = baseline(&run);
    let reloaded = format!("{INITTAB}l4:3:once:/bin/echo reloaded entry ran\n");
    fs::write(ns_path(run.pid(), "/etc/inittab"), reloaded).unwrap();
    run.signal(libc::SIGHUP);
    run.expect_line("reloaded entry ran", EVENT_TIMEOUT);
    health::assert_not_spinning(&run);
    let used = health::cpu_time(run.pid()).saturating_sub(base.cpu);
    assert!(used <= CPU_BUDGET, "{used:?}");
    run.signal(libc::SIGTERM);
    run.expect_line("rc 0 ran", EVENT_TIMEOUT);
    let (status, _) = run.finish(STOP_WITHIN);
    assert_eq!(status.code(), Some(0), "{}", run.dump());
    // Boot, level 3, the reload and level 0 tried them all: one line each.
    for needle in [
        "/var/run/utmp: EROFS",
        "/var/run/runlevel: EROFS",
        "/run/initctl: EROFS",
    ] {
        assert_once(&mut run, needle);
    }
}

/// /var/log read-only with a wtmp in it: one line however many records (boot, levels,
/// processes). Old binary: said nothing (no such line).
#[test]
fn test_read_only_var_log() {
    let mut run = booted(&[": > /var/log/wtmp", "mount -o remount,ro /var/log"]);
    let base = baseline(&run);
    telinit(&run, "5");
    run.expect_line("level 5 ran", EVENT_TIMEOUT);
    assert_once(
        &mut run,
        "vinit: warning: /var/log/wtmp: EROFS (read-only file system): records not written",
    );
    assert_recovers(run, &base, CPU_BUDGET, STOP_WITHIN);
}
