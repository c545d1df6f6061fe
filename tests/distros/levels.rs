//! vinit scenarios: level changes inside a running container (`telinit 1` and back, `reboot`).

use core::time::Duration;
use std::time::Instant;

use support::distros::{Flavour, Images, Init, count_lines};
use support::table::{record, secs};

use super::{
    A_REBOOT, A_SINGLE, BOOT, DOCKER_STOP_SECS, FAST_STOP, assert_clean_stop, boot, level,
};

/// `telinit 1`, then back to the multi-user level with `telinit 2` (Debian) or `telinit 3`
/// (Gentoo's inittab): the services are stopped by their scripts, then started again.
/// Debian's level 1 ends in `telinit S` and `sulogin`, which needs a console: the container
/// gets a terminal (`-t`) so that single-user mode waits there as on a real machine.
pub(crate) fn single_user_and_back(images: &Images, f: Flavour) {
    let args: &[&str] = if f == Flavour::Debian { &["-t"] } else { &[] };
    let (s, m, _) = boot(images, f, Init::Vinit, "single", args);
    let lvl = level(f);
    m.exec_ok(&["telinit", "1"]);
    m.wait_down(Duration::from_secs(20));
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == 1,
        &format!("the test service's stop did not run: {log:?}"),
    );
    let (want, back_from) = match f {
        Flavour::Debian => ("1 S".to_owned(), 'S'),
        Flavour::Openrc => (format!("{lvl} 1"), '1'),
    };
    // Debian's `single` switches to S right after rc 1; wait for the record.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut runlevel = m.exec_ok(&["runlevel"]);
    while runlevel != want && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        runlevel = m.exec_ok(&["runlevel"]);
    }
    m.assert_that(
        runlevel == want,
        &format!("runlevel said {runlevel:?}, expected {want:?}"),
    );
    if f == Flavour::Debian {
        let ps = m.exec_ok(&["ps", "-eo", "args="]);
        m.assert_that(
            ps.contains("sulogin"),
            &format!("no sulogin in single-user mode: {ps}"),
        );
    }

    let back = Instant::now();
    m.exec_ok(&["telinit", &lvl.to_string()]);
    m.wait_up(&s, 2, BOOT);
    record(
        f,
        Init::Vinit,
        A_SINGLE,
        format!("{} from `telinit {lvl}`", secs(back.elapsed())),
    );
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("{back_from} {lvl}"),
        &format!("runlevel said {runlevel:?}"),
    );
    let who = m.exec_ok(&["who", "-r"]);
    m.assert_that(
        who.contains(&format!("run-level {lvl}")) && who.contains(&format!("last={back_from}")),
        &format!("who -r said {who:?}"),
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 2);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}

/// `reboot` inside: level 6's scripts stop the services, then vinit boots the inittab again in
/// place; the container never exits.
pub(crate) fn reboot(images: &Images, f: Flavour) {
    let (s, m, _) = boot(images, f, Init::Vinit, "reboot", &[]);
    let started_at = m.inspect("{{.State.StartedAt}}");
    let start = Instant::now();
    let out = m.exec(&["reboot"]);
    m.assert_that(!out.timed_out, &format!("reboot hung: {out:?}"));
    m.wait_up(&s, 2, BOOT);
    let took = start.elapsed();
    record(
        f,
        Init::Vinit,
        A_REBOOT,
        format!("{}, container not restarted", secs(took)),
    );
    let log = s.read("vinit-test.log");
    m.assert_that(
        count_lines(&log, "stop") == 1,
        &format!("level 6 did not stop the test service: {log:?}"),
    );
    if f == Flavour::Debian {
        m.assert_that(
            log.contains("stop runlevel=6 "),
            &format!("not stopped in level 6: {log:?}"),
        );
    }
    m.assert_that(
        m.logs().contains("vinit: info: rebooting in place"),
        "no reboot in the timeline",
    );
    let state = m.inspect("{{.State.StartedAt}} {{.RestartCount}}");
    m.assert_that(
        state == format!("{started_at} 0"),
        &format!("the container restarted: {state}"),
    );
    let lvl = level(f);
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("N {lvl}"),
        &format!("runlevel said {runlevel:?} after the reboot"),
    );
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 2);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}
