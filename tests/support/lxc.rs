//! Real LXC system containers for the LXC tests (issue #13): Debian's `lxc` (installed when
//! missing), privileged containers whose `lxc.rootfs.path = dir:` is a fresh copy of one of the
//! distribution tests' root filesystems (`distros::rootfs_tarball`, built with debootstrap and
//! cached under target/distros), no network but loopback (`lxc.net.0.type = empty`, `flags =
//! up`: inetd's echo on 127.0.0.1 is one of the services checked), created under a lxcpath of
//! our own (`target/lxc`, every command gets `-P`), stopped and removed by name only.
//!
//! A container's directory holds its `config`, `rootfs/` (whose /data, where the test service
//! writes its marks, the test reads straight from the host: a bind mount there would not
//! outlive a reboot in place, as level 6's `umountfs` unmounts it with the CAP_SYS_ADMIN a
//! privileged container has), `console.log` (what init prints: vinit's timeline) and `lxc.log`
//! (LXC's own log at DEBUG: how init died, "is rebooting").

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::distros::{self, Flavour, Init, count_lines, down_probe};
use crate::docker::{Out, run_bounded};
use crate::{target_dir, vinit};

/// A command that should answer at once (lxc-info, lxc-start of a daemon).
const QUICK: Duration = Duration::from_secs(30);
/// Pause between two polls.
const POLL: Duration = Duration::from_millis(200);
/// Prefix of every container's name; the rest is `<test pid>-<label>`.
const PREFIX: &str = "vinit-";

/// `target/lxc`, absolute (LXC refuses a relative lxcpath with a misleading "Could not access
/// target").
pub fn lxcpath() -> PathBuf {
    target_dir().join("lxc")
}

/// `lxc-COMMAND -P LXCPATH ARGS...`, bounded.
pub fn lxc(command: &str, args: &[&str], timeout: Duration) -> Out {
    run_bounded(
        Command::new(format!("lxc-{command}"))
            .arg("-P")
            .arg(lxcpath())
            .args(args),
        timeout,
    )
}

/// Makes sure LXC runs here: Debian's `lxc` package when `lxc-start` is missing. An error
/// fails the suite (never a skip).
pub fn ensure_lxc() -> Result<(), String> {
    let have = || {
        Command::new("lxc-start")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if have() {
        return Ok(());
    }
    eprintln!("lxc: installing Debian's lxc");
    let apt = |args: &[&str]| {
        run_bounded(
            Command::new("apt-get")
                .args(["-o", "DPkg::Lock::Timeout=300"])
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
            Duration::from_secs(900),
        )
    };
    let update = apt(&["update", "-qq"]);
    let install = apt(&["install", "-y", "-qq", "--no-install-recommends", "lxc"]);
    if install.ok() && have() {
        Ok(())
    } else {
        Err(format!(
            "cannot install lxc: {update:?} {install:?}; LXC is needed (refusing to skip)"
        ))
    }
}

/// Installs LXC, finds (or builds) both root filesystems, removes the containers of test runs
/// that are gone. Returns each flavour's tarball.
pub fn prepare() -> Result<[PathBuf; 2], String> {
    ensure_lxc()?;
    fs::create_dir_all(lxcpath()).map_err(|e| format!("{}: {e}", lxcpath().display()))?;
    remove_leftovers();
    let key = distros::rootfs_key()?;
    let _lock = distros::build_lock()?;
    Ok([
        distros::rootfs_tarball(&key, Flavour::Debian)?,
        distros::rootfs_tarball(&key, Flavour::Openrc)?,
    ])
}

/// Containers of test processes that are gone (a crash skips every Drop): `vinit-<pid>-…`.
fn remove_leftovers() {
    let Ok(dir) = fs::read_dir(lxcpath()) else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if pid.is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists()) {
            remove(&name);
        }
    }
}

/// Kills the container NAME (if running) and removes its directory.
fn remove(name: &str) {
    let _ = lxc("stop", &["-n", name, "-k"], QUICK);
    let _ = fs::remove_dir_all(lxcpath().join(name));
}

/// How the container's configuration differs from the plain one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setup {
    /// `lxc.cap.drop = sys_boot`: init and its children cannot call reboot(2).
    pub no_sys_boot: bool,
    /// The inittab's ctrlaltdel and power lines replaced by the lxc-debian template's
    /// `p6::ctrlaltdel:/sbin/init 6` and `p0::powerfail:/sbin/init 0`.
    pub template_lines: bool,
}

/// The inittab with the lxc-debian template's lines in place of its own ctrlaltdel and
/// power* lines.
pub fn with_template_lines(inittab: &str) -> String {
    let mut out: String = inittab
        .lines()
        .filter(|l| {
            l.split(':')
                .nth(2)
                .is_none_or(|a| a != "ctrlaltdel" && !a.starts_with("power"))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    out.push_str("p6::ctrlaltdel:/sbin/init 6\np0::powerfail:/sbin/init 0\n");
    out
}

/// One LXC container; killed and removed on drop.
pub struct Container {
    pub name: String,
    pub flavour: Flavour,
    pub init: Init,
    dir: PathBuf,
}

impl Container {
    /// Copies `tarball` into a new container, puts vinit over /sbin/init for `Init::Vinit` (the
    /// distribution's init kept as telinit, as the Docker images do), writes the config and
    /// starts it.
    pub fn start(tarball: &Path, flavour: Flavour, init: Init, label: &str, setup: Setup) -> Self {
        let name = format!("{PREFIX}{}-{label}", std::process::id());
        remove(&name);
        let dir = lxcpath().join(&name);
        let rootfs = dir.join("rootfs");
        fs::create_dir_all(&rootfs).unwrap();
        let container = Self {
            name,
            flavour,
            init,
            dir,
        };
        let untar = run_bounded(
            Command::new("tar")
                .arg("-C")
                .arg(&rootfs)
                .arg("-xf")
                .arg(tarball),
            Duration::from_secs(120),
        );
        container.assert_that(untar.ok(), &format!("cannot unpack the rootfs: {untar:?}"));
        fs::create_dir_all(rootfs.join("data")).unwrap();
        if init == Init::Vinit {
            let sbin = rootfs.join("sbin");
            fs::remove_file(sbin.join("telinit")).unwrap();
            fs::hard_link(sbin.join("init"), sbin.join("telinit")).unwrap();
            fs::remove_file(sbin.join("init")).unwrap();
            fs::copy(vinit(), sbin.join("init")).unwrap();
        }
        if setup.template_lines {
            let inittab = rootfs.join("etc/inittab");
            let text = fs::read_to_string(&inittab).unwrap();
            fs::write(&inittab, with_template_lines(&text)).unwrap();
        }
        let mut config = String::new();
        let d = container.dir.display();
        let _ = writeln!(
            config,
            "lxc.uts.name = {name}\n\
             lxc.rootfs.path = dir:{d}/rootfs\n\
             lxc.include = /usr/share/lxc/config/common.conf\n\
             lxc.net.0.type = empty\n\
             lxc.net.0.flags = up\n\
             lxc.tty.max = 0\n\
             lxc.console.logfile = {d}/console.log\n\
             lxc.log.file = {d}/lxc.log\n\
             lxc.log.level = DEBUG",
            name = container.name
        );
        if setup.no_sys_boot {
            config.push_str("lxc.cap.drop = sys_boot\n");
        }
        fs::write(container.dir.join("config"), config).unwrap();
        let started = lxc("start", &["-n", &container.name], QUICK);
        container.assert_that(started.ok(), &format!("lxc-start failed: {started:?}"));
        container
    }

    /// `lxc-info -s`: RUNNING, STOPPED, …
    pub fn state(&self) -> String {
        lxc("info", &["-n", &self.name, "-sH"], QUICK)
            .stdout
            .trim()
            .to_owned()
    }

    /// Init's pid on the host, while running.
    pub fn pid(&self) -> Option<u32> {
        lxc("info", &["-n", &self.name, "-pH"], QUICK)
            .stdout
            .trim()
            .parse()
            .ok()
    }

    /// `lxc-attach` with a clean environment; bounded.
    pub fn attach(&self, cmd: &[&str], timeout: Duration) -> Out {
        let mut args = vec![
            "-n",
            &self.name,
            "--clear-env",
            "-v",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "--",
        ];
        args.extend_from_slice(cmd);
        lxc("attach", &args, timeout)
    }

    /// `lxc-COMMAND -n NAME ARGS...` started in the background, for a command that waits
    /// (lxc-stop waits up to 60 s) while the test watches the container.
    pub fn spawn(&self, command: &str, args: &[&str]) -> Child {
        Command::new(format!("lxc-{command}"))
            .arg("-P")
            .arg(lxcpath())
            .args(["-n", &self.name])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    }

    /// `lxc-attach -- CMD...` in the background.
    pub fn spawn_attach(&self, cmd: &[&str]) -> Child {
        let mut args = vec![
            "--clear-env",
            "-v",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "--",
        ];
        args.extend_from_slice(cmd);
        self.spawn("attach", &args)
    }

    /// The services that are not running (empty when all are).
    pub fn services_down(&self) -> String {
        let out = self.attach(&["sh", "-c", &down_probe()], QUICK);
        if out.ok() {
            out.stdout.trim().to_owned()
        } else {
            format!("probe failed: {out:?}")
        }
    }

    /// What the test service wrote to /data/vinit-test.log.
    pub fn marks(&self) -> String {
        fs::read_to_string(self.dir.join("rootfs/data/vinit-test.log")).unwrap_or_default()
    }

    /// The test service's starts so far.
    pub fn starts(&self) -> usize {
        count_lines(&self.marks(), "start")
    }

    /// The test service's stops so far.
    pub fn stops(&self) -> usize {
        count_lines(&self.marks(), "stop")
    }

    /// What init printed on the console (vinit's timeline).
    pub fn console(&self) -> String {
        fs::read_to_string(self.dir.join("console.log")).unwrap_or_default()
    }

    /// How each init of this container ended, in order, from LXC's log: `SIGINT`, `SIGHUP`,
    /// `SIGKILL`, `exit 0`, `exit N`.
    pub fn init_endings(&self) -> Vec<String> {
        let log = fs::read_to_string(self.dir.join("lxc.log")).unwrap_or_default();
        let mut endings: Vec<String> = Vec::new();
        for line in log.lines() {
            if line.contains("Container init process") && line.ends_with("exited") {
                endings.push("exit 0".to_owned());
            } else if let Some(rest) = line.split("ended on signal ").nth(1) {
                let signal = match rest.split('(').next().unwrap_or("") {
                    "Interrupt" => "SIGINT".to_owned(),
                    "Hangup" => "SIGHUP".to_owned(),
                    "Killed" => "SIGKILL".to_owned(),
                    other => other.to_owned(),
                };
                if let Some(last) = endings.last_mut() {
                    *last = signal;
                }
            } else if let Some(rest) = line.split("ended on error (").nth(1)
                && let Some(last) = endings.last_mut()
            {
                *last = format!("exit {}", rest.trim_end_matches(')'));
            }
        }
        endings
    }

    /// Polls until init runs and every service is up with `starts` starts of the test service
    /// in all; the time it took.
    pub fn wait_up(&self, starts: usize, timeout: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if self.starts() >= starts && self.services_down().is_empty() {
                return start.elapsed();
            }
            self.assert_that(
                start.elapsed() < timeout,
                &format!(
                    "not up {timeout:?} on: state {}, {} starts (expected {starts}), down: {}",
                    self.state(),
                    self.starts(),
                    self.services_down()
                ),
            );
            std::thread::sleep(POLL);
        }
    }

    /// Fails the test with the container's logs when `ok` is false.
    pub fn assert_that(&self, ok: bool, what: &str) {
        if !ok {
            self.fail(what);
        }
    }

    /// Fails the test with the container's console, LXC's verdicts and the marks.
    pub fn fail(&self, what: &str) -> ! {
        let console = self.console();
        let tail: Vec<&str> = console.lines().rev().take(60).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "{} ({} {}): {what}\n--- console (last 60 lines)\n{}\n--- init endings: {:?}\n--- marks\n{}",
            self.name,
            self.flavour.name(),
            self.init.name(),
            tail.join("\n"),
            self.init_endings(),
            self.marks()
        );
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        if std::env::var_os("VINIT_LXC_KEEP").is_none() {
            remove(&self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_template_lines;

    #[test]
    fn template_lines_replace_the_ctrlaltdel_and_power_lines() {
        let inittab = "id:2:initdefault:\nca:12345:ctrlaltdel:/sbin/shutdown -t1 -a -r now\n\
                       pf::powerwait:/etc/init.d/powerfail start\nl0:0:wait:/etc/init.d/rc 0\n";
        assert_eq!(
            with_template_lines(inittab),
            "id:2:initdefault:\nl0:0:wait:/etc/init.d/rc 0\n\
             p6::ctrlaltdel:/sbin/init 6\np0::powerfail:/sbin/init 0\n"
        );
    }
}
