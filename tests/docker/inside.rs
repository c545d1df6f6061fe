//! Commands run inside the container: `shutdown`, `halt`, `poweroff`, `reboot`, `telinit`
//! and `runlevel`, also in a FROM scratch image without /var/run.

use core::time::Duration;

use support::docker::{Container, Scenario, report};

use super::{
    BOOT, DOCKER_STOP_TIMEOUT, FAST_STOP, TWO_SERVICES, assert_clean_stop, assert_under,
    wait_services,
};

/// Shutdown from inside: `shutdown -h now`, `telinit 0` and `poweroff` stop the container
/// with exit 0 after level 0 ran; `reboot` boots again in place (the container keeps
/// running), or exits with N under `VINIT_REBOOT=exit:N`.
#[test]
fn shutdown_from_inside_halts_or_reboots_in_place() {
    std::thread::scope(|scope| {
        for (label, cmd) in [
            ("exec-shutdown", &["shutdown", "-h", "now"][..]),
            ("exec-telinit", &["telinit", "0"][..]),
            ("exec-poweroff", &["poweroff"][..]),
        ] {
            scope.spawn(move || {
                let s = Scenario::new(label);
                let c = Container::boot(&s, label, TWO_SERVICES, &[]);
                wait_services(&c, &s, 1);
                let exec = c.exec(cmd);
                let (exit, took) = c.wait_exit(DOCKER_STOP_TIMEOUT);
                report(
                    &format!("inittab, docker exec {}", cmd.join(" ")),
                    "exec to exit",
                    took,
                    exit,
                );
                c.assert_that(exec.code.is_some(), &format!("docker exec hung: {exec:?}"));
                assert_clean_stop(&c, &s, exit);
            });
        }
        scope.spawn(|| {
            let s = Scenario::new("exec-reboot");
            let c = Container::boot(&s, "exec-reboot", TWO_SERVICES, &[]);
            wait_services(&c, &s, 1);
            let _ = c.exec(&["reboot"]);
            // Booted again in place: sysinit and both services ran a second time.
            c.wait_file(&s, "boot.log", "boot", 2, BOOT);
            wait_services(&c, &s, 2);
            c.assert_that(s.read("rc.log").contains("rc 6"), "level 6 did not run");
            c.assert_that(
                s.read("slow.out").contains("flushed"),
                "slow service lost data on reboot",
            );
            c.assert_stays_running(Duration::from_millis(500));
            let took = c.stop();
            let (exit, _) = c.wait_exit(Duration::from_secs(5));
            report(
                "inittab, docker stop after reboot in place",
                "docker stop",
                took,
                exit,
            );
            c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
            assert_under(&c, took, FAST_STOP, "docker stop");
        });
        scope.spawn(|| {
            let s = Scenario::new("exec-reboot-exit");
            let c = Container::boot(
                &s,
                "exec-reboot-exit",
                TWO_SERVICES,
                &["-e", "VINIT_REBOOT=exit:3"],
            );
            wait_services(&c, &s, 1);
            let _ = c.exec(&["reboot"]);
            let (exit, took) = c.wait_exit(DOCKER_STOP_TIMEOUT);
            report(
                "inittab, reboot with VINIT_REBOOT=exit:3",
                "exec to exit",
                took,
                exit,
            );
            c.assert_that(exit == 3, &format!("exit code {exit}, expected 3"));
            c.assert_that(s.read("rc.log").contains("rc 6"), "level 6 did not run");
            c.assert_that(
                s.read("boot.log").matches("boot").count() == 1,
                "booted again",
            );
        });
    });
}

/// A FROM scratch image from examples/image.sh has /run but no /var/run: vinit links
/// `/var/run -> /run` at boot, so its utmp records are kept and `runlevel` inside answers
/// (issue #11 item 4; the binary before the fix printed `unknown` after `telinit 1`).
#[test]
fn scratch_image_without_var_run_keeps_runlevel_records() {
    let s = Scenario::new("no-var-run");
    let c = Container::boot(&s, "no-var-run", TWO_SERVICES, &[]);
    wait_services(&c, &s, 1);
    let runlevel = || c.exec(&["runlevel"]).stdout.trim().to_owned();
    c.assert_that(
        runlevel() == "N 3",
        &format!("runlevel at boot: {:?}", runlevel()),
    );
    let exec = c.exec(&["telinit", "1"]);
    c.assert_that(exec.code == Some(0), &format!("telinit 1: {exec:?}"));
    c.wait_log("Switching to runlevel: 1", BOOT);
    let deadline = std::time::Instant::now() + BOOT;
    while runlevel() != "3 1" {
        c.assert_that(
            std::time::Instant::now() < deadline,
            &format!("runlevel after telinit 1: {:?}", runlevel()),
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    c.wait_log("created /var/run -> /run (the image has no /var/run)", BOOT);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
    assert_under(&c, took, FAST_STOP, "docker stop");
}
