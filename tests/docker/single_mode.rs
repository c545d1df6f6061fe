//! Single-command mode under Docker: `docker stop` exits 143 and zombies are reaped.

use core::time::Duration;

use support::docker::{Container, Scenario, report};

use super::{BOOT, assert_under};

/// Single-command mode: `docker stop` of a shell loop ends 143 (128 + SIGTERM), or 0 with
/// `-e 143`, and orphans that die are reaped. Negative control: with a PID 1 that never
/// reaps (`sleep`), the same orphans are left as zombies, so the probe can see them.
#[test]
fn single_mode_docker_stop_exits_143_and_reaps_zombies() {
    let script = "/etc/init.d/orphans 3; echo ready; while :; do sleep 1; done";
    let cases: [(&str, &[&str], i32); 2] =
        [("single", &[], 143), ("single-remap", &["-e", "143"], 0)];
    std::thread::scope(|scope| {
        for (label, flags, expected) in cases {
            scope.spawn(move || {
                let s = Scenario::new(label);
                let mut cmd: Vec<&str> = flags.to_vec();
                cmd.extend_from_slice(&["--", "sh", "-c", script]);
                let c = Container::run(&s, label, &[], &cmd);
                c.wait_log("ready", BOOT);
                // The probe sees the orphans alive as children of PID 1 (they live 2 s)...
                let orphans: Vec<_> = c
                    .processes()
                    .into_iter()
                    .filter(|p| p.comm == "usleep")
                    .collect();
                c.assert_that(
                    orphans.len() == 3 && orphans.iter().all(|p| p.ppid == 1 && p.state != 'Z'),
                    &format!("expected 3 live orphans of PID 1: {orphans:?}"),
                );
                // ...then each exits, and vinit must reap it.
                let deadline = std::time::Instant::now() + Duration::from_secs(6);
                loop {
                    let left: Vec<_> = c
                        .processes()
                        .into_iter()
                        .filter(|p| p.comm == "usleep")
                        .collect();
                    if left.is_empty() {
                        break;
                    }
                    if std::time::Instant::now() > deadline {
                        c.fail(&format!("orphans not reaped: {left:?}"));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                let zombies: Vec<_> = c
                    .processes()
                    .into_iter()
                    .filter(|p| p.state == 'Z')
                    .collect();
                c.assert_that(zombies.is_empty(), &format!("zombies left: {zombies:?}"));
                let took = c.stop();
                let (exit, _) = c.wait_exit(Duration::from_secs(5));
                report(&format!("single mode, {label}"), "docker stop", took, exit);
                c.assert_that(
                    exit == expected,
                    &format!("exit code {exit}, expected {expected}"),
                );
                assert_under(&c, took, Duration::from_secs(2), "docker stop");
            });
        }
        scope.spawn(|| {
            let s = Scenario::new("no-reaper");
            let c = Container::run(
                &s,
                "no-reaper",
                &["--entrypoint", "/bin/sh"],
                &[
                    "-c",
                    "/etc/init.d/orphans 3 200000; echo ready; exec sleep 1000",
                ],
            );
            c.wait_log("ready", BOOT);
            let deadline = std::time::Instant::now() + Duration::from_secs(5);
            loop {
                let orphans: Vec<_> = c
                    .processes()
                    .into_iter()
                    .filter(|p| p.comm == "usleep")
                    .collect();
                let zombies = orphans
                    .iter()
                    .filter(|p| p.state == 'Z' && p.ppid == 1)
                    .count();
                if zombies == 3 {
                    break;
                }
                if std::time::Instant::now() > deadline {
                    c.fail(&format!(
                        "the probe does not see 3 zombies under sleep: {orphans:?}"
                    ));
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
    });
}
