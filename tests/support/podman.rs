//! A real Podman engine for the Podman tests (issue #13): Debian's `podman`, rootful, with
//! runc, running the distributions' root filesystems (tests/support/distros.rs) imported with
//! `podman import`; containers removed on drop.
//!
//! The engine is installed with apt-get when `podman` is missing (once per test process, under
//! a lock file). Every container runs with `--runtime runc` (crun refuses this machine's
//! hybrid cgroups), `--network none`, and explicit ulimits (`ULIMITS`). Podman keeps its own
//! storage and never talks to dockerd: the Docker suites run beside it untouched. A test that
//! cannot run Podman fails; it never skips.
//!
//! Images: `vinit-podman-base:<flavour>-<key>` is the distribution's tarball as built for the
//! Docker distribution tests, imported once and kept (stock sysvinit as /sbin/init: the
//! baseline); `vinit-podman:<flavour>-<pid>` adds the binary under test over /sbin/init, built
//! per run and removed at its end. Leftovers of a crashed run (label `vinit-test.pid`) are
//! removed by the next.

use core::time::Duration;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use crate::distros::{self, Flavour, Init, count_lines, down_probe};
use crate::docker::{Out, QUICK, Scenario, run_bounded};
use crate::{target_dir, vinit};

/// Label on every container and image, valued with the test process's pid (the Docker tests'
/// label, in Podman's own store).
const LABEL: &str = "vinit-test.pid";
/// Repository of the per-run vinit images; the tag is `<flavour>-<pid>`.
const VINIT_REPO: &str = "localhost/vinit-podman";
/// Repository of the imported root filesystems; the tag is `<flavour>-<key>`.
const BASE_REPO: &str = "localhost/vinit-podman-base";
/// This machine lacks CAP_SYS_RESOURCE: runc cannot raise a limit past the engine's own, and
/// Podman's defaults (nofile 1048576, nproc its own hard limit) are refused with "error setting
/// rlimit type 7". Limits below this process's own are set as asked.
pub const ULIMITS: [&str; 4] = [
    "--ulimit",
    "nofile=1024:1024",
    "--ulimit",
    "nproc=4096:4096",
];
/// An apt-get install on a slow mirror.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(900);
/// Pause between two polls.
const POLL: Duration = Duration::from_millis(200);

/// `podman ARGS...`, bounded.
pub fn podman(args: &[&str], timeout: Duration) -> Out {
    run_bounded(Command::new("podman").args(args), timeout)
}

/// `podman ARGS...` that must succeed; its trimmed stdout.
fn podman_ok(args: &[&str]) -> Result<String, String> {
    let out = podman(args, QUICK);
    if out.ok() {
        Ok(out.stdout.trim().to_owned())
    } else {
        Err(format!("podman {} failed: {out:?}", args.join(" ")))
    }
}

// ---------------------------------------------------------------------------------------------
// The engine

static ENGINE: OnceLock<Result<String, String>> = OnceLock::new();

/// Makes sure Podman and runc answer; returns Podman's version. Fails the caller otherwise.
pub fn ensure_engine() -> &'static str {
    match ENGINE.get_or_init(setup_engine) {
        Ok(version) => version,
        Err(e) => panic!("no Podman engine: {e}"),
    }
}

fn setup_engine() -> Result<String, String> {
    let work = target_dir().join("podman");
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let lock = File::create(work.join("setup.lock")).map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| format!("setup.lock: {e}"))?;
    if Command::new("podman").arg("--version").output().is_err() {
        install_podman()?;
    }
    // runc is the only runtime used (Debian's podman recommends crun; it comes with docker.io,
    // and with podman's own dependencies otherwise).
    for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin"] {
        if Path::new(dir).join("runc").exists() {
            let version = podman_ok(&["version", "--format", "{{.Client.Version}}"])?;
            remove_leftovers();
            return Ok(version);
        }
    }
    Err("runc is missing (the Podman tests run every container with --runtime runc)".into())
}

fn install_podman() -> Result<(), String> {
    eprintln!("podman: installing Debian's podman (no recommends)");
    let apt = |args: &[&str]| {
        run_bounded(
            Command::new("apt-get")
                .args(["-o", "DPkg::Lock::Timeout=300"])
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
            INSTALL_TIMEOUT,
        )
    };
    let update = apt(&["update", "-qq"]);
    let install = apt(&[
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "podman",
        "runc",
    ]);
    if install.ok() {
        Ok(())
    } else {
        Err(format!(
            "apt-get install podman failed: {update:?} {install:?}"
        ))
    }
}

fn pid_alive(pid: &str) -> bool {
    !pid.is_empty() && Path::new("/proc").join(pid).exists()
}

/// Removes the containers and per-run images of test processes that are gone (a crash skips
/// every Drop). Only what carries the label or the repository: nothing else in Podman's store.
fn remove_leftovers() {
    let filter = format!("label={LABEL}");
    let format = format!("{{{{.ID}}}} {{{{index .Labels \"{LABEL}\"}}}}");
    let listed = podman(
        &["ps", "-a", "--filter", &filter, "--format", &format],
        QUICK,
    );
    for line in listed.stdout.lines() {
        if let Some((id, pid)) = line.split_once(' ')
            && !pid_alive(pid)
        {
            let _ = podman(&["rm", "-f", "-v", id], QUICK);
        }
    }
    let images = podman(
        &["images", VINIT_REPO, "--format", "{{.Repository}}:{{.Tag}}"],
        QUICK,
    );
    for image in images.stdout.lines() {
        if let Some(pid) = image.rsplit('-').next()
            && !pid_alive(pid)
        {
            let _ = podman(&["rmi", "-f", image], QUICK);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Images

/// The two images of one flavour for one run.
pub struct Images {
    pub stock: String,
    pub vinit: String,
}

impl Images {
    pub fn tag(&self, init: Init) -> &str {
        match init {
            Init::Stock => &self.stock,
            Init::Vinit => &self.vinit,
        }
    }

    /// Removes this run's vinit image (the base image stays: it is the cache).
    pub fn remove(&self) {
        let _ = podman(&["rmi", "-f", &self.vinit], QUICK);
    }
}

/// Imports `flavour`'s root filesystem (built by the distribution tests' rootfs.sh when
/// missing) unless Podman has it, and builds this run's vinit image on it.
pub fn prepare(flavour: Flavour) -> Result<Images, String> {
    ensure_engine();
    let key = distros::rootfs_key()?;
    let stock = format!("{BASE_REPO}:{}-{key}", flavour.name());
    {
        let _lock = distros::build_lock()?;
        if !podman(&["image", "exists", &stock], QUICK).ok() {
            let tar = distros::rootfs_tarball(&key, flavour)?;
            // Older keys' images of this flavour go first.
            let listed = podman(
                &["images", BASE_REPO, "--format", "{{.Repository}}:{{.Tag}}"],
                QUICK,
            );
            for old in listed.stdout.lines() {
                if old.starts_with(&format!("{BASE_REPO}:{}-", flavour.name())) {
                    let _ = podman(&["rmi", "-f", old], QUICK);
                }
            }
            let out = podman(
                &["import", "-q", tar.to_str().unwrap_or_default(), &stock],
                Duration::from_secs(600),
            );
            if !out.ok() {
                return Err(format!("podman import {} failed: {out:?}", tar.display()));
            }
        }
    }
    let vinit = build_vinit_image(flavour, &stock)?;
    Ok(Images { stock, vinit })
}

/// The distribution tests' Dockerfile (vinit over /sbin/init, the distribution's telinit
/// kept), built with `--isolation chroot`: its one RUN needs no runtime and no network.
fn build_vinit_image(flavour: Flavour, base: &str) -> Result<String, String> {
    let pid = std::process::id();
    let context = target_dir()
        .join("podman")
        .join(format!("image-{}-{pid}", flavour.name()));
    let _ = fs::remove_dir_all(&context);
    fs::create_dir_all(&context).map_err(|e| e.to_string())?;
    fs::copy(vinit(), context.join("vinit")).map_err(|e| e.to_string())?;
    fs::write(
        context.join("Containerfile"),
        distros::vinit_dockerfile(base),
    )
    .map_err(|e| e.to_string())?;
    let tag = format!("{VINIT_REPO}:{}-{pid}", flavour.name());
    let label = format!("{LABEL}={pid}");
    let out = podman(
        &[
            "build",
            "-q",
            "--isolation",
            "chroot",
            "--label",
            &label,
            "-t",
            &tag,
            context.to_str().unwrap_or_default(),
        ],
        Duration::from_secs(300),
    );
    let _ = fs::remove_dir_all(&context);
    if out.ok() {
        Ok(tag)
    } else {
        Err(format!("podman build of {tag} failed: {out:?}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

/// A container of a distribution image; `podman rm -f` on drop.
pub struct Pod {
    pub name: String,
    /// When `podman run` was called.
    pub started: Instant,
}

impl Pod {
    /// `podman run -d --runtime runc --network none ULIMITS [args] IMAGE /sbin/init`, named
    /// `vinit-podman-PID-LABEL`, with the scenario's directory at /data.
    pub fn run(s: &Scenario, image: &str, label: &str, args: &[&str]) -> Self {
        let pid = std::process::id();
        let name = format!("vinit-podman-{pid}-{label}");
        let _ = podman(&["rm", "-f", "-v", &name], QUICK);
        let volume = format!("{}:/data", s.dir.display());
        let tag_label = format!("{LABEL}={pid}");
        let mut argv: Vec<&str> = vec![
            "run",
            "-d",
            "--name",
            &name,
            "--label",
            &tag_label,
            "--runtime",
            "runc",
            "--network",
            "none",
            "-v",
            &volume,
        ];
        argv.extend_from_slice(&ULIMITS);
        argv.extend_from_slice(args);
        argv.extend_from_slice(&[image, "/sbin/init"]);
        let started = Instant::now();
        let out = podman(&argv, QUICK);
        let command = argv.join(" ");
        let pod = Self {
            name: name.clone(),
            started,
        };
        if !out.ok() {
            pod.fail(&format!("podman {command} failed: {out:?}"));
        }
        pod
    }

    /// Both output streams.
    pub fn logs(&self) -> String {
        let out = podman(&["logs", &self.name], QUICK);
        format!("{}{}", out.stdout, out.stderr)
    }

    /// Fails the test with `msg` and the container's logs.
    pub fn fail(&self, msg: &str) -> ! {
        panic!(
            "{}: {msg}\n--- podman logs {} ---\n{}--- end of logs ---",
            self.name,
            self.name,
            self.logs()
        )
    }

    pub fn assert_that(&self, cond: bool, msg: &str) {
        if !cond {
            self.fail(msg);
        }
    }

    /// `podman inspect` field, e.g. `{{.State.Status}}`.
    pub fn inspect(&self, format: &str) -> String {
        podman_ok(&["inspect", "--format", format, &self.name]).unwrap_or_else(|e| self.fail(&e))
    }

    pub fn is_running(&self) -> bool {
        self.inspect("{{.State.Status}}") == "running"
    }

    /// `podman exec` bounded; the exec'd process may be killed by the stop it starts, so its
    /// status is returned, not judged.
    pub fn exec(&self, cmd: &[&str]) -> Out {
        let mut argv = vec!["exec", self.name.as_str()];
        argv.extend_from_slice(cmd);
        podman(&argv, QUICK)
    }

    /// `podman exec NAME CMD...` that must succeed; its trimmed stdout.
    pub fn exec_ok(&self, cmd: &[&str]) -> String {
        let out = self.exec(cmd);
        if !out.ok() {
            self.fail(&format!("`{}` failed: {out:?}", cmd.join(" ")));
        }
        out.stdout.trim().to_owned()
    }

    /// `podman stop [-t SECS]` (Podman's default is 10 s); its wall time.
    pub fn stop(&self, secs: Option<u32>) -> Duration {
        let wait = secs.unwrap_or(10);
        let bound = Duration::from_secs(wait.into()) + QUICK;
        let text = wait.to_string();
        let mut argv = vec!["stop"];
        if secs.is_some() {
            argv.extend_from_slice(&["-t", &text]);
        }
        argv.push(&self.name);
        let out = podman(&argv, bound);
        if !out.ok() {
            self.fail(&format!("podman stop failed: {out:?}"));
        }
        out.elapsed
    }

    /// `podman kill -s SIGNAL`.
    pub fn kill(&self, signal: &str) {
        let out = podman(&["kill", "-s", signal, &self.name], QUICK);
        if !out.ok() {
            self.fail(&format!("podman kill -s {signal} failed: {out:?}"));
        }
    }

    /// Waits for the container to exit; its exit code as `podman inspect` shows it.
    pub fn wait_exit(&self, timeout: Duration) -> i32 {
        let deadline = Instant::now() + timeout;
        loop {
            let state = self.inspect("{{.State.Status}} {{.State.ExitCode}}");
            if let Some(code) = state.strip_prefix("exited ") {
                return code.parse().unwrap_or_else(|_| self.fail(&state));
            }
            if Instant::now() > deadline {
                self.fail(&format!("still {state:?} {timeout:?} after the request"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts the container runs `for_at_least` from now.
    pub fn assert_stays_running(&self, for_at_least: Duration) {
        let deadline = Instant::now() + for_at_least;
        while Instant::now() < deadline {
            if !self.is_running() {
                self.fail(&format!(
                    "exited early: {}",
                    self.inspect("{{.State.Status}} {{.State.ExitCode}}")
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// The distribution's services that are not running (empty when all are).
    pub fn services_down(&self) -> String {
        let out = self.exec(&["sh", "-c", &down_probe()]);
        if out.ok() {
            out.stdout.trim().to_owned()
        } else {
            format!("probe failed: {out:?}")
        }
    }

    /// Polls until every service runs and the test service has logged `starts` starts in
    /// /data; the time since `since`. A container that exits meanwhile fails at once, unless
    /// `restarts` (its restart policy brings it back).
    pub fn wait_up(
        &self,
        s: &Scenario,
        starts: usize,
        since: Instant,
        timeout: Duration,
        restarts: bool,
    ) -> Duration {
        let deadline = Instant::now() + timeout;
        loop {
            let started = count_lines(&s.read("vinit-test.log"), "start");
            let running = self.is_running();
            if started >= starts && running {
                let down = self.services_down();
                if down.is_empty() {
                    return since.elapsed();
                }
                if Instant::now() >= deadline {
                    self.fail(&format!("not running {timeout:?} after the boot: {down}"));
                }
            }
            if !running && !restarts {
                self.fail(&format!(
                    "{} while waiting for the services",
                    self.inspect("{{.State.Status}} {{.State.ExitCode}}")
                ));
            }
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "the test service started {started}x, expected {starts}x (running: {running})"
                ));
            }
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        // VINIT_DOCKER_LOGS=1 shows every container's logs, as in the Docker suites.
        if std::env::var_os("VINIT_DOCKER_LOGS").is_some() {
            let text = format!(
                "--- podman logs {} ---\n{}--- end ---\n",
                self.name,
                self.logs()
            );
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        let _ = podman(&["rm", "-f", "-v", &self.name], QUICK);
    }
}
