//! Under LXC (`container=lxc`): SIGINT is Ctrl-Alt-Del (`lxc-stop -r`), level 6 ends in
//! `RestartContainer` (reboot(2)), a refused reboot(2) reboots in place, a halt still exits 0.

use super::*;

/// Debian's inittab, cut down: its ctrlaltdel line asks shutdown for a reboot (over initctl:
/// a level 6 request).
const DEBIAN: &str = "id:2:initdefault:\nl0:0:wait:/etc/init.d/rc 0\nl2:2:wait:/etc/init.d/rc 2\n\
                      l6:6:wait:/etc/init.d/rc 6\nca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now\n";

fn lxc() -> Config {
    Config {
        stop_budget: Duration::from_secs(55),
        runtime: Runtime::Lxc,
        ..config()
    }
}

/// Boots `text` under LXC and ends its `wait` entry of level 2.
fn boot_lxc(text: &str) -> World {
    let mut w = boot_with(text, lxc());
    if w.init.pid_of(b"l2").is_some() {
        w.exits("l2", 0);
    }
    w.take();
    w
}

#[test]
fn test_lxc_sigint_runs_ctrlaltdel_and_its_reboot_restarts_the_container() {
    let mut w = boot_lxc(DEBIAN);
    w.stop(StopCause::Int);
    let seen = w.take();
    assert_eq!(seen, ["spawn ca"], "no stop: only the entry");
    // shutdown asks for level 6: honoured, not turned into a halt.
    let ca = w.pid("ca");
    w.request(b'6');
    assert!(w.take().contains(&"runlevel 26".to_string()));
    w.exit_pid(ca, 0);
    assert_eq!(w.spawns(), ["spawn l6"]);
    w.exits("l6", 0);
    w.no_children();
    let seen = w.take();
    let tail = &seen[seen.len() - 2..];
    assert_eq!(tail, ["sync", "restart container"], "{seen:?}");
    // The fallback is queued behind it, never reached when reboot(2) works.
    assert!(w.restarted && !w.rebooted && w.exit_code.is_none());
}

/// The lxc-debian template's `p6::ctrlaltdel:/sbin/init 6`: the same, through telinit.
#[test]
fn test_lxc_template_ctrlaltdel_line_reboots() {
    let mut w = boot_lxc(
        "id:2:initdefault:\nl2:2:wait:/etc/rc 2\nl6:6:wait:/etc/rc 6\np6::ctrlaltdel:/sbin/init 6\n\
         p0::powerfail:/sbin/init 0\n",
    );
    w.stop(StopCause::Int);
    assert_eq!(w.spawns(), ["spawn p6"]);
    // `init 6` is telinit: a level 6 request; p6 (all levels) lives on.
    w.request(b'6');
    w.exits("p6", 0);
    w.exits("l6", 0);
    w.no_children();
    assert!(w.restarted);
}

/// No ctrlaltdel entry: `lxc-stop -r` still means a reboot.
#[test]
fn test_lxc_sigint_without_ctrlaltdel_entry_enters_level_6() {
    let mut w = boot_lxc("id:2:initdefault:\nl2:2:wait:/etc/rc 2\nl6:6:wait:/etc/rc 6\n");
    w.stop(StopCause::Int);
    let seen = w.take();
    assert_eq!(seen[..2], ["log Switching(54)", "runlevel 26"]);
    assert!(seen.contains(&"spawn l6".to_string()), "{seen:?}");
    w.exits("l6", 0);
    w.no_children();
    assert!(w.restarted);
}

/// Without CAP_SYS_BOOT (`lxc.cap.drop = sys_boot`) reboot(2) fails: reboot in place.
#[test]
fn test_lxc_refused_restart_reboots_in_place() {
    let mut w = boot_lxc(DEBIAN);
    w.restart_refused = true;
    w.request(b'6');
    w.exits("l6", 0);
    w.no_children();
    let seen = w.take();
    let tail = &seen[seen.len() - 3..];
    assert_eq!(tail, ["sync", "restart container", "reboot"]);
    assert!(w.rebooted && !w.restarted);
}

/// `lxc-stop`'s SIGRTMIN+3: level 0, exit 0 (LXC takes it as a halt), inside the 55 s
/// budget; a SIGINT during the stop changes nothing.
#[test]
fn test_lxc_halt_exits_0_and_ignores_sigint_meanwhile() {
    let mut w = boot_lxc(DEBIAN);
    w.stop(StopCause::SystemdHalt);
    let seen = w.take();
    assert_eq!(
        seen[0],
        format!(
            "log {:?}",
            Notice::StopRequested(
                StopCause::SystemdHalt,
                Duration::from_secs(55),
                Duration::ZERO
            )
        )
    );
    assert!(seen.contains(&"spawn l0".to_string()), "{seen:?}");
    w.stop(StopCause::Int);
    assert_eq!(w.take(), StdVec::<String>::new());
    // The level-0 entry's share of 55 s is 37.8 s: no KILL before.
    w.advance(30_000);
    assert!(!w.take().iter().any(|s| s.starts_with("killall")));
    w.exits("l0", 0);
    w.no_children();
    assert_eq!(w.exit_code, Some(0));
    assert!(!w.restarted);
}

/// `VINIT_REBOOT=exit:N` still exits N under LXC.
#[test]
fn test_lxc_reboot_exit_setting_wins() {
    let mut c = lxc();
    c.reboot_exit = Some(3);
    let mut w = boot_with("id:3:initdefault:\n", c);
    w.request(b'6');
    w.no_children();
    assert_eq!(w.exit_code, Some(3));
    assert!(!w.restarted);
}

/// Elsewhere (Docker, Podman) SIGINT stays a stop, and level 6 reboots in place.
#[test]
fn test_other_runtimes_keep_sigint_as_a_stop() {
    let mut w = boot_with(DEBIAN, config());
    w.exits("l2", 0);
    w.take();
    w.stop(StopCause::Int);
    let seen = w.take();
    assert_eq!(
        seen[0],
        format!(
            "log {:?}",
            Notice::StopRequested(StopCause::Int, Duration::from_secs(8), Duration::ZERO)
        )
    );
    w.request(b'6');
    assert!(
        w.take()
            .contains(&format!("log {:?}", Notice::StopOverrides(b'6')))
    );
}
