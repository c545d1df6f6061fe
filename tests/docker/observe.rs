//! What PID 1 tells about its entries in a real container (issue 14): a crashing `once` entry
//! leaves one warning line in `docker logs`, and `docker exec c ps -o args= -p 1` prints
//! `init [3]` with procps's real `ps` (busybox's has no `-p`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::docker::{Container, Scenario, Stream};

use super::BOOT;

/// A `once` entry that dies of SIGSEGV (no core file), a clean one, a service.
const CRASH: &str = "\
id:3:initdefault:
ok:3:wait:/bin/echo ok ran
oops:3:once:/bin/sh -c 'ulimit -c 0; echo oops ran; kill -SEGV $$'
sv:3:respawn:/bin/sleep 1000
";

/// The host's procps `ps` with every library it loads (ldd's list) and its loader, in `dir`:
/// mounted into the FROM scratch test image, it runs as `LOADER --library-path DIR DIR/ps`.
/// The host's own binary, so no package is downloaded for the test.
fn procps_dir(dir: &Path) -> PathBuf {
    let ps = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v ps"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let ps = ps.trim();
    let ldd = Command::new("ldd").arg(ps).output().unwrap();
    assert!(ldd.status.success(), "ldd {ps}: {ldd:?}");
    let out = dir.join("procps");
    fs::create_dir_all(&out).unwrap();
    fs::copy(ps, out.join("ps")).unwrap();
    for line in String::from_utf8(ldd.stdout).unwrap().lines() {
        // `libx.so => /lib/.../libx.so (0x...)`, or the loader's `/lib64/ld-linux... (0x...)`.
        let path = line
            .split_whitespace()
            .find(|w| w.starts_with('/'))
            .map(Path::new);
        if let Some(path) = path {
            let name = path.file_name().unwrap();
            fs::copy(path, out.join(name)).unwrap();
        }
    }
    out
}

/// The loader's name in the procps directory (`ld-linux-x86-64.so.2` on x86-64).
fn loader(dir: &Path) -> String {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with("ld-linux"))
        .expect("a dynamic loader next to ps")
}

#[test]
fn crashing_once_entry_is_one_warning_and_ps_shows_init_3() {
    let s = Scenario::new("observe");
    let procps = procps_dir(&s.dir);
    let mount = format!("{}:/opt/procps:ro", procps.display());
    let c = Container::boot(&s, "observe", CRASH, &["-v", &mount]);
    c.wait_log("killed by SIGSEGV", BOOT);
    let ld = format!("/opt/procps/{}", loader(&procps));
    let ps = |pid: &str| {
        let out = c.exec(&[
            &ld,
            "--library-path",
            "/opt/procps",
            "/opt/procps/ps",
            "-o",
            "args=",
            "-p",
            pid,
        ]);
        c.assert_that(out.ok(), &format!("ps failed: {out:?}"));
        out.stdout.trim_end().to_owned()
    };
    // The level's Runlevel effect comes before its entries start: `init [3]` is already there.
    let args = ps("1");
    c.assert_that(args == "init [3]", &format!("ps -o args= -p 1: {args:?}"));
    let exec = c.exec(&["telinit", "5"]);
    c.assert_that(exec.ok(), &format!("telinit 5: {exec:?}"));
    c.wait_log("Switching to runlevel: 5", BOOT);
    let deadline = std::time::Instant::now() + BOOT;
    while ps("1") != "init [5]" {
        c.assert_that(
            std::time::Instant::now() < deadline,
            &format!("ps after telinit 5: {:?}", ps("1")),
        );
        std::thread::sleep(core::time::Duration::from_millis(50));
    }
    let took = c.stop();
    let (exit, _) = c.wait_exit(core::time::Duration::from_secs(5));
    c.assert_that(
        exit == 0,
        &format!("exit code {exit} after {took:?}, expected 0"),
    );
    let logs = c.logs_of(Stream::Stderr);
    let oops: Vec<&str> = logs.lines().filter(|l| l.contains("\"oops\"")).collect();
    c.assert_that(
        oops.len() == 1
            && oops[0].starts_with("vinit: warning: id \"oops\" (pid ")
            && oops[0].ends_with(
                ", /bin/sh -c 'ulimit -c 0; echo oops ran; kill -SEGV $$') killed by SIGSEGV",
            ),
        &format!("one warning line for oops: {oops:#?}"),
    );
    let warnings = logs
        .lines()
        .filter(|l| l.starts_with("vinit: warning:"))
        .count();
    c.assert_that(warnings == 1, &format!("{warnings} warnings:\n{logs}"));
}
