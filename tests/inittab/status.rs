//! `vinit status` against vinit as PID 1 (issue 14 §3): every entry with its fields, the LSB
//! exit codes of `status ID`, root only (the socket's mode and PID 1's SO_PEERCRED check), and a
//! flood of clients that connect and never read, which must cost PID 1 nothing.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::Inside;
use support::namespace::{Launch, Pid1};
use support::{EVENT_TIMEOUT, TempDir, vinit, wait_until};

/// Bound for one `vinit status` run (it gives up after 3 s itself).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(15);

const INITTAB: &str = "id:3:initdefault:\n\
    si::sysinit:/bin/echo sysinit ran\n\
    web:3:respawn:/bin/sleep 1000\n\
    done:3:wait:/bin/sh -c 'echo done ran; exit 3'\n\
    five:5:respawn:/bin/sleep 1000\n";

fn booted() -> Pid1 {
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", INITTAB.as_bytes())
        .pid1();
    run.expect_line("done ran", EVENT_TIMEOUT);
    run
}

fn status(run: &Pid1, args: &[&str]) -> Inside {
    let mut argv = vec![vinit(), "status"];
    argv.extend_from_slice(args);
    run.exec_inside(&argv, CLIENT_TIMEOUT)
}

/// The line of entry `id` in a full listing.
fn line_of<'a>(out: &'a Inside, id: &str) -> &'a str {
    out.stdout
        .lines()
        .find(|l| l.split(' ').next() == Some(id))
        .unwrap_or_else(|| panic!("no line for {id}: {out:?}"))
}

/// Waits until `vinit status` shows `id`'s line containing `want`.
fn wait_for_state(run: &Pid1, id: &str, want: &str) -> String {
    let mut last = String::new();
    wait_until(&format!("{id} shows {want:?}"), EVENT_TIMEOUT, || {
        let out = status(run, &[]);
        last = line_of(&out, id).to_owned();
        last.contains(want)
    });
    last
}

#[test]
fn test_status_lists_every_entry_with_its_fields() {
    let run = booted();
    wait_for_state(&run, "done", "stopped");
    let out = status(&run, &[]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("runlevel 3, previous N"), "{out:?}");
    assert!(lines.next().unwrap().starts_with("ID   ACTION"), "{out:?}");
    // Five entries and the single-user entry vinit adds when the inittab has none.
    assert_eq!(lines.count(), 6, "one line per entry: {out:?}");
    assert!(
        line_of(&out, "~~").contains(" not in this level "),
        "{out:?}"
    );
    let web: Vec<&str> = line_of(&out, "web").split_whitespace().collect();
    assert_eq!(&web[..4], ["web", "respawn", "3", "running"], "{out:?}");
    assert!(web[4].parse::<u32>().unwrap() > 1, "a pid: {out:?}");
    assert_eq!(&web[5..7], ["1", "-"], "one start, no exit yet: {out:?}");
    assert!(web[7] == "for", "{out:?}");
    let done: Vec<&str> = line_of(&out, "done").split_whitespace().collect();
    assert_eq!(
        &done[..7],
        ["done", "wait", "3", "stopped", "-", "1", "3"],
        "{out:?}"
    );
    let si = line_of(&out, "si");
    assert!(si.contains(" stopped ") && si.contains(" 0 "), "{si}");
    assert!(
        line_of(&out, "five").contains(" not in this level "),
        "{out:?}"
    );
    assert!(line_of(&out, "id").contains(" initdefault "), "{out:?}");
}

#[test]
fn test_status_id_exits_with_lsb_codes() {
    let run = booted();
    wait_for_state(&run, "done", "stopped");
    let web = status(&run, &["web"]);
    assert_eq!(web.code, Some(0), "running: {web:?}");
    assert_eq!(web.stdout.lines().count(), 3, "level, titles, web: {web:?}");
    assert_eq!(status(&run, &["done"]).code, Some(3), "not running");
    assert_eq!(status(&run, &["five"]).code, Some(3), "not in this level");
    let nope = status(&run, &["nope"]);
    assert_eq!(nope.code, Some(4), "unknown: {nope:?}");
    assert!(nope.stderr.contains("no entry with id nope"), "{nope:?}");
    // The `status` link name is the same client.
    let links = TempDir::new("links");
    let link = links.join("status");
    std::os::unix::fs::symlink(vinit(), &link).unwrap();
    let by_link = run.exec_inside(&[link.to_str().unwrap(), "web"], CLIENT_TIMEOUT);
    assert_eq!(by_link.code, Some(0), "{by_link:?}");
}

#[test]
fn test_status_without_vinit_in_inittab_mode_is_unknown() {
    let run = Launch::vinit(&["--", "/bin/sleep", "1000"]).pid1();
    let out = status(&run, &["web"]);
    assert_eq!(out.code, Some(4), "{out:?}");
    assert!(
        out.stderr
            .contains("/run/vinit.sock: No such file or directory: no vinit in inittab mode here"),
        "{out:?}"
    );
}

#[test]
fn test_status_is_root_only() {
    let run = booted();
    let as_nobody = |run: &Pid1| {
        let argv = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            vinit(),
            "status",
        ];
        run.exec_inside(&argv, CLIENT_TIMEOUT)
    };
    let out = as_nobody(&run);
    assert_eq!(out.code, Some(4), "{out:?}");
    assert!(
        out.stderr.contains("Permission denied: root only"),
        "{out:?}"
    );
    // With the socket opened up, PID 1's own check still refuses: not a word.
    let socket = run.path_inside("/run/vinit.sock");
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = as_nobody(&run);
    assert_eq!(out.code, Some(4), "{out:?}");
    assert!(out.stdout.is_empty(), "{out:?}");
    assert!(
        out.stderr.contains("no answer from vinit (root only)"),
        "{out:?}"
    );
    assert_eq!(status(&run, &["web"]).code, Some(0), "root still served");
}

/// Python, holding `n` connections to the status socket (through /proc/PID/root) that it never
/// reads, until killed; says `held` once they are made.
fn hold_connections(run: &Pid1, n: usize) -> std::process::Child {
    let socket = run.path_inside("/run/vinit.sock");
    let script = format!(
        "import socket, sys, time\n\
         held = []\n\
         for _ in range({n}):\n\
         \x20   s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)\n\
         \x20   s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)\n\
         \x20   s.setblocking(False)\n\
         \x20   s.connect_ex({:?})\n\
         \x20   held.append(s)\n\
         print('held', flush=True)\n\
         time.sleep(600)\n",
        socket.to_str().unwrap()
    );
    Command::new("/usr/bin/python3")
        .args(["-c", &script])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn test_clients_that_never_read_cost_pid1_nothing() {
    let mut run = booted();
    let mut holder = hold_connections(&run, 500);
    let mut said = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(holder.stdout.take().unwrap()),
        &mut said,
    )
    .unwrap();
    assert_eq!(said.trim(), "held");
    // PID 1 still answers status, telinit and reaps, each within its bound.
    let started = Instant::now();
    let out = status(&run, &["web"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let web_pid: i32 = out
        .stdout
        .lines()
        .nth(2)
        .unwrap()
        .split_whitespace()
        .nth(4)
        .unwrap()
        .parse()
        .unwrap();
    let telinit = run.exec_inside(&[vinit(), "telinit", "5"], CLIENT_TIMEOUT);
    assert_eq!(telinit.code, Some(0), "{telinit:?}");
    run.expect_line("Switching to runlevel: 5", EVENT_TIMEOUT);
    wait_for_state(&run, "five", "running");
    assert!(!line_of(&status(&run, &[]), "web").contains(&format!(" {web_pid} ")));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
    let _ = holder.kill();
    let _ = holder.wait();
}
