//! vinit scenario: boot, a long idle, then `docker stop`.

use core::time::Duration;
use std::time::Instant;

use support::distros::{Flavour, Images, Init, Machine};
use support::table::{record, secs};

use super::{A_BOOT, DOCKER_STOP_SECS, FAST_STOP, GETTY_THROTTLE, assert_clean_stop, boot, level};

/// Boot: every service up, `runlevel` and `who -r` right, the inittab's gettys (no ttys in a
/// container) throttled by sysvinit's rule once each and quiet after that, PID 1 idle; then
/// `docker stop` after the long idle is as clean as any other.
pub(crate) fn boot_idle_stop(images: &Images, f: Flavour) {
    let (s, m, up) = boot(images, f, Init::Vinit, "boot", &[]);
    record(f, Init::Vinit, A_BOOT, secs(up));
    let lvl = level(f);
    let logs = m.logs();
    for needle in [
        "vinit: info: booting /etc/inittab as PID 1",
        &format!("vinit: info: Entering runlevel: {lvl}"),
        "Starting periodic command scheduler: cron",
        "Starting internet superserver: inetd",
        "rsyslogd",
    ] {
        m.assert_that(
            logs.contains(needle),
            &format!("no {needle:?} in docker logs"),
        );
    }
    let runlevel = m.exec_ok(&["runlevel"]);
    m.assert_that(
        runlevel == format!("N {lvl}"),
        &format!("runlevel said {runlevel:?}"),
    );
    let who = m.exec_ok(&["who", "-r"]);
    m.assert_that(
        who.contains(&format!("run-level {lvl}")) && who.contains("last=S"),
        &format!("who -r said {who:?}"),
    );

    // The gettys: each respawned until sysvinit's limit, then disabled once, quietly.
    let messages = |logs: &str| {
        f.getty_ids().map(|id| {
            logs.matches(&format!("Id \"{id}\" respawning too fast"))
                .count()
        })
    };
    let deadline = Instant::now() + GETTY_THROTTLE;
    let mut logs = m.logs();
    while messages(&logs).contains(&0) {
        m.assert_that(
            Instant::now() < deadline,
            &format!("gettys not throttled within {GETTY_THROTTLE:?}"),
        );
        m.assert_that(m.is_running(), "exited while idle");
        std::thread::sleep(Duration::from_secs(2));
        logs = m.logs();
    }
    let throttled = m.started.elapsed();
    // The last getty of each id exits ~10 s after its start; then none is started again.
    std::thread::sleep(Duration::from_secs(12));
    let gettys = m.exec_ok(&["sh", "-c", "ps -eo comm= | grep -c getty || true"]);
    m.assert_that(
        gettys == "0",
        &format!("{gettys} gettys still running after the throttle"),
    );
    let logs = m.logs();
    m.assert_that(
        messages(&logs).iter().all(|&n| n == 1),
        &format!(
            "a getty was throttled more than once: {:?}",
            messages(&logs)
        ),
    );
    // Quietly: the first exit's line and the throttle's line per getty are all the logs say
    // about them (the crash loop's repeats are `-v` lines).
    let noise: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("getty") || l.contains("tty1"))
        .filter(|l| !l.contains("respawning too fast"))
        .collect();
    let exits = noise
        .iter()
        .filter(|l| l.starts_with("vinit: warning: id \""))
        .count();
    m.assert_that(
        exits <= f.getty_ids().len(),
        &format!("more than one exit line per getty: {noise:?}"),
    );
    let noise: Vec<&str> = noise
        .into_iter()
        .filter(|l| !l.starts_with("vinit: warning: id \""))
        .collect();
    m.assert_that(
        noise.is_empty(),
        &format!("the gettys are noisy: {noise:?}"),
    );
    // PID 1's own CPU time (utime + stime, in clock ticks of 10 ms) over the whole boot and idle.
    let stat = m.exec_ok(&["cat", "/proc/1/stat"]);
    let fields: Vec<&str> = stat
        .rsplit(") ")
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    m.assert_that(
        ticks < 100,
        &format!("PID 1 used {ticks} ticks of CPU while idle"),
    );
    eprintln!(
        "distros: {}: gettys throttled {:.0} s after the boot, PID 1 CPU {} ms",
        f.name(),
        throttled.as_secs_f64(),
        ticks * 10
    );

    services_still_up(&m);
    let took = m.stop_within(DOCKER_STOP_SECS);
    let (exit, _) = m.wait_exit(FAST_STOP);
    assert_clean_stop(&m, &s, exit, 1);
    m.assert_that(took < FAST_STOP, &format!("docker stop took {took:?}"));
}

fn services_still_up(m: &Machine) {
    let down = m.services_down();
    m.assert_that(down.is_empty(), &format!("services down: {down}"));
}
