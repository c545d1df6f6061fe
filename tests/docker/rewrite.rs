//! `vinit -r 15:3 -- server` (issue 15 item 4): `docker stop`'s SIGTERM reaches the server as
//! SIGQUIT, for servers that drain on SIGQUIT (nginx's graceful stop is QUIT). Negative
//! control: without `-r` the server records SIGTERM, so the probe tells the two apart.

use core::time::Duration;

use support::docker::{Container, Scenario, report};

use super::{BOOT, FAST_STOP, assert_under};

#[test]
fn rewrite_turns_docker_stop_into_sigquit_for_the_server() {
    let cases: [(&str, &[&str], &str); 2] = [
        ("rewrite", &["-r", "15:3"], "got QUIT"),
        ("no-rewrite", &[], "got TERM"),
    ];
    std::thread::scope(|scope| {
        for (label, flags, expected) in cases {
            scope.spawn(move || {
                let s = Scenario::new(label);
                let mut cmd: Vec<&str> = flags.to_vec();
                cmd.extend_from_slice(&["--", "/etc/init.d/recorder", "server"]);
                let c = Container::run(&s, label, &[], &cmd);
                c.wait_log("server: ready", BOOT);
                let took = c.stop();
                let (exit, _) = c.wait_exit(Duration::from_secs(5));
                report(&format!("single mode, {label}"), "docker stop", took, exit);
                let got = s.read("server.out");
                c.assert_that(
                    got.lines().filter(|l| l.starts_with("got ")).eq([expected]),
                    &format!("the server recorded {got:?}, expected only {expected:?}"),
                );
                c.assert_that(exit == 0, &format!("exit code {exit}, expected 0"));
                assert_under(&c, took, FAST_STOP, "docker stop");
            });
        }
    });
}
