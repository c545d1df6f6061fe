//! A real Docker engine for the container tests (issue #4 item 4): a running dockerd, a
//! `FROM scratch` image holding vinit and Debian's busybox-static, and containers that are
//! removed on drop.
//!
//! The engine is Debian's docker.io (dockerd 20.10, containerd, runc) started by
//! `tests/docker/setup.sh` when `docker info` does not answer; the setup runs once per test
//! process (`OnceLock`) under a lock file shared by all processes. Every wait is bounded by a
//! deadline and every docker command by a timeout. A test that cannot reach an engine fails; it
//! never skips.
//!
//! Stop times are written straight to the process's stderr (past libtest's capture, so they
//! show in every run) and appended to `target/docker/stop-times.txt`.

use core::time::Duration;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use crate::{repo_dir, target_dir, vinit};

/// Label put on every image and container, valued with the test process's pid, so leftovers
/// of a crashed run can be told from those of a run still going.
const LABEL: &str = "vinit-test.pid";
/// Image repository; the tag is the test process's pid.
const IMAGE_REPO: &str = "vinit-test";
/// How long the machine setup may take (an apt install on a slow mirror).
const SETUP_TIMEOUT: Duration = Duration::from_secs(900);
/// Bound for a docker command that should answer at once (run -d, inspect, logs, rm).
pub const QUICK: Duration = Duration::from_secs(30);
/// Pause between two polls of a condition.
const POLL: Duration = Duration::from_millis(50);

/// `target/docker`: busybox, dockerd's log, image contexts, volumes, stop times.
pub fn work_dir() -> PathBuf {
    target_dir().join("docker")
}

/// What a bounded command did.
#[derive(Debug)]
pub struct Out {
    /// Exit code; `None` when it was killed by a signal or by the timeout.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Out {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `cmd` with stdin closed, killing it after `timeout`.
pub fn run_bounded(cmd: &mut Command, timeout: Duration) -> Out {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut text);
            }
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > timeout {
            timed_out = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    Out {
        code: status.code(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
        elapsed,
        timed_out,
    }
}

/// `docker ARGS...`, bounded.
pub fn docker(args: &[&str], timeout: Duration) -> Out {
    run_bounded(Command::new("docker").args(args), timeout)
}

/// `docker ARGS...` that must succeed; returns its trimmed stdout.
fn docker_ok(args: &[&str]) -> String {
    let out = docker(args, QUICK);
    assert!(out.ok(), "docker {} failed: {out:?}", args.join(" "));
    out.stdout.trim().to_owned()
}

// ---------------------------------------------------------------------------------------------
// The engine

static ENGINE: OnceLock<Result<(), String>> = OnceLock::new();

/// Makes sure dockerd answers and busybox is at hand; fails the calling test otherwise.
pub fn ensure_engine() {
    if let Err(e) = ENGINE.get_or_init(setup_engine) {
        panic!("no Docker engine: {e}");
    }
}

fn is_root() -> bool {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        == Some("0")
}

fn docker_answers() -> bool {
    docker(&["info", "--format", "{{.ServerVersion}}"], QUICK).ok()
}

fn setup_engine() -> Result<(), String> {
    if !is_root() {
        return Err("the Docker tests must run as root (they start dockerd)".into());
    }
    let work = work_dir();
    fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    // Several test processes may start at once: one runs the setup, the others wait here.
    let lock = File::create(work.join("setup.lock")).map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| format!("setup.lock: {e}"))?;
    if !work.join("busybox").exists() || !docker_answers() {
        let script = repo_dir().join("tests/docker/setup.sh");
        let out = run_bounded(Command::new("sh").arg(&script).arg(&work), SETUP_TIMEOUT);
        if !out.ok() {
            return Err(format!(
                "{} failed (code {:?}, timed out: {}):\n{}{}",
                script.display(),
                out.code,
                out.timed_out,
                out.stdout,
                out.stderr
            ));
        }
    }
    if !docker_answers() {
        return Err(format!(
            "dockerd does not answer; see {}",
            work.join("dockerd.log").display()
        ));
    }
    remove_leftovers();
    // A fresh list of times for this run.
    let _ = fs::write(work.join("stop-times.txt"), "");
    Ok(())
}

fn pid_alive(pid: &str) -> bool {
    !pid.is_empty() && Path::new("/proc").join(pid).exists()
}

/// Removes containers and images of test processes that are gone (a crash or a kill -9 skips
/// every Drop).
fn remove_leftovers() {
    remove_leftovers_of(IMAGE_REPO, |image| {
        image.split_once(':').map(|(_, pid)| pid)
    });
}

/// Removes the containers labelled `LABEL` and the images of `repo` whose test process is gone;
/// `tag_pid` finds that process's pid in an image's `REPO:TAG`. Shared with the distributions'
/// tests.
pub fn remove_leftovers_of(repo: &str, tag_pid: fn(&str) -> Option<&str>) {
    let filter = format!("label={LABEL}");
    let format = format!("{{{{.ID}}}} {{{{.Label \"{LABEL}\"}}}}");
    let listed = docker(
        &["ps", "-a", "--filter", &filter, "--format", &format],
        QUICK,
    );
    for line in listed.stdout.lines() {
        if let Some((id, pid)) = line.split_once(' ')
            && !pid_alive(pid)
        {
            let _ = docker(&["rm", "-f", "-v", id], QUICK);
        }
    }
    let images = docker(
        &["images", repo, "--format", "{{.Repository}}:{{.Tag}}"],
        QUICK,
    );
    for image in images.stdout.lines() {
        if let Some(pid) = tag_pid(image)
            && !pid_alive(pid)
        {
            let _ = docker(&["rmi", "-f", image], QUICK);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The image

struct ImageState {
    users: usize,
    tag: Option<String>,
}

static IMAGE: Mutex<ImageState> = Mutex::new(ImageState {
    users: 0,
    tag: None,
});

/// A share of the test image: built by the first holder, removed when the last one drops.
pub struct ImageLease {
    pub tag: String,
}

impl ImageLease {
    pub fn acquire() -> Self {
        ensure_engine();
        let mut state = IMAGE.lock().unwrap_or_else(|e| e.into_inner());
        let tag = match &state.tag {
            Some(tag) => tag.clone(),
            None => {
                let tag = build_image();
                state.tag = Some(tag.clone());
                tag
            }
        };
        state.users += 1;
        Self { tag }
    }
}

impl Drop for ImageLease {
    fn drop(&mut self) {
        let mut state = IMAGE.lock().unwrap_or_else(|e| e.into_inner());
        state.users -= 1;
        if state.users == 0 {
            let _ = docker(&["rmi", "-f", &self.tag], QUICK);
            state.tag = None;
        }
    }
}

/// Builds `vinit-test:<pid>` with `examples/image.sh`, the recipe the README gives: the release
/// binary under test as /sbin/vinit with its personalities (and /sbin/init) as symlinks,
/// busybox with its applets, empty /run and /tmp and no /var/run (vinit links it at boot),
/// and the scripts and default inittab of tests/docker/image over the example's.
fn build_image() -> String {
    let pid = std::process::id();
    let tag = format!("{IMAGE_REPO}:{pid}");
    let label = format!("{LABEL}={pid}");
    let script = repo_dir().join("examples/image.sh");
    let busybox = work_dir().join("busybox");
    let tree = repo_dir().join("tests/docker/image");
    let mut cmd = Command::new("bash");
    cmd.arg(&script)
        .args(["--tag", &tag, "--label", &label, "--vinit", vinit()])
        .arg("--busybox")
        .arg(&busybox)
        .arg("--tree")
        .arg(&tree);
    let out = run_bounded(&mut cmd, Duration::from_secs(300));
    assert!(out.ok(), "examples/image.sh failed: {out:?}");
    tag
}

// ---------------------------------------------------------------------------------------------
// Scenarios and containers

/// A test's host directory, mounted at /data; kept after a failure for a post-mortem.
pub struct Scenario {
    pub dir: PathBuf,
}

impl Scenario {
    pub fn new(name: &str) -> Self {
        let dir = work_dir()
            .join("runs")
            .join(format!("{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.join(rel);
        fs::write(&path, text).unwrap();
        path
    }

    /// The file's text, or "" while it does not exist.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.join(rel)).unwrap_or_default()
    }
}

impl Drop for Scenario {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// One process as seen in the container's /proc.
#[derive(Debug, Clone)]
pub struct Proc {
    pub pid: u32,
    pub ppid: u32,
    pub comm: String,
    pub state: char,
}

/// A container's output stream: the services write to stdout, vinit logs to stderr.
#[derive(Clone, Copy, Debug)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A container; `docker rm -f` on drop.
pub struct Container {
    pub name: String,
    /// When `docker run` was called.
    pub started: Instant,
    // Dropped after the container is removed (fields drop after Drop::drop runs).
    _image: Option<ImageLease>,
}

impl Container {
    /// `docker run -d` of the test image with /data on the scenario's directory; `args` go
    /// before the image, `cmd` after it (arguments to /sbin/vinit, the entrypoint).
    pub fn run(scenario: &Scenario, label: &str, args: &[&str], cmd: &[&str]) -> Self {
        let image = ImageLease::acquire();
        let tag = image.tag.clone();
        Self::start("vinit-test", scenario, label, args, &tag, cmd, Some(image))
    }

    /// `docker run -d ARGS IMAGE CMD` named PREFIX-PID-LABEL, labelled for the clean-up of
    /// leftovers, with /data on the scenario's directory; `lease` keeps the image alive.
    pub fn start(
        prefix: &str,
        scenario: &Scenario,
        label: &str,
        args: &[&str],
        image: &str,
        cmd: &[&str],
        lease: Option<ImageLease>,
    ) -> Self {
        let pid = std::process::id();
        let name = format!("{prefix}-{pid}-{label}");
        let _ = docker(&["rm", "-f", "-v", &name], QUICK);
        let volume = format!("{}:/data", scenario.dir.display());
        let tag_label = format!("{LABEL}={pid}");
        let mut argv: Vec<&str> = vec![
            "run", "-d", "--name", &name, "--label", &tag_label, "-v", &volume,
        ];
        argv.extend_from_slice(args);
        argv.push(image);
        argv.extend_from_slice(cmd);
        let started = Instant::now();
        let out = docker(&argv, QUICK);
        assert!(out.ok(), "docker {} failed: {out:?}", argv.join(" "));
        Self {
            name,
            started,
            _image: lease,
        }
    }

    /// Boots vinit in inittab mode on `inittab`, mounted over /etc/inittab.
    pub fn boot(scenario: &Scenario, label: &str, inittab: &str, args: &[&str]) -> Self {
        let file = scenario.write(&format!("inittab.{label}"), inittab);
        let mount = format!("{}:/etc/inittab:ro", file.display());
        let mut all = vec!["-v", mount.as_str()];
        all.extend_from_slice(args);
        Self::run(scenario, label, &all, &[])
    }

    /// Both output streams, in order.
    pub fn logs(&self) -> String {
        let out = run_bounded(
            Command::new("sh").args(["-c", "docker logs \"$1\" 2>&1", "sh", &self.name]),
            QUICK,
        );
        out.stdout
    }

    /// One output stream alone. Docker copies stdout and stderr through separate pipes, so the
    /// merged `logs` can interleave them out of order; order is only meaningful within one.
    pub fn logs_of(&self, stream: Stream) -> String {
        let redirect = match stream {
            Stream::Stdout => "2>/dev/null",
            Stream::Stderr => "2>&1 >/dev/null",
        };
        let script = format!("docker logs \"$1\" {redirect}");
        run_bounded(
            Command::new("sh").args(["-c", &script, "sh", &self.name]),
            QUICK,
        )
        .stdout
    }

    /// Fails the test with `msg` and the container's logs.
    pub fn fail(&self, msg: &str) -> ! {
        panic!(
            "{}: {msg}\n--- docker logs {} ---\n{}--- end of logs ---",
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

    /// Waits until the logs contain `needle`; returns them.
    pub fn wait_log(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let logs = self.logs();
            if logs.contains(needle) {
                return logs;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("no {needle:?} in the logs within {timeout:?}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the scenario's `rel` holds `needle` `count` times, failing at once (with
    /// the logs) if the container exits first.
    pub fn wait_file(
        &self,
        s: &Scenario,
        rel: &str,
        needle: &str,
        count: usize,
        timeout: Duration,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            let text = s.read(rel);
            if text.matches(needle).count() >= count {
                return;
            }
            if !self.is_running() {
                let state = self.inspect("{{.State.Status}} {{.State.ExitCode}}");
                self.fail(&format!(
                    "{state} while waiting for {count}x {needle:?} in /data/{rel}: {text:?}"
                ));
            }
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "/data/{rel} did not get {count}x {needle:?} within {timeout:?}: {text:?}"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// `docker inspect` field, e.g. `{{.State.Status}}`.
    pub fn inspect(&self, format: &str) -> String {
        docker_ok(&["inspect", "--format", format, &self.name])
    }

    pub fn is_running(&self) -> bool {
        self.inspect("{{.State.Running}}") == "true"
    }

    /// `docker stop` with Docker's default 10 s timeout; returns its wall time.
    pub fn stop(&self) -> Duration {
        self.stop_within(10)
    }

    /// `docker stop -t SECS`: Docker sends SIGKILL after SECS; returns the wall time.
    pub fn stop_within(&self, secs: u32) -> Duration {
        let bound = Duration::from_secs(secs.into()) + QUICK;
        let secs = secs.to_string();
        let out = docker(&["stop", "-t", &secs, &self.name], bound);
        if !out.ok() {
            self.fail(&format!("docker stop failed: {out:?}"));
        }
        out.elapsed
    }

    /// `docker kill -s SIGNAL`.
    pub fn kill(&self, signal: &str) {
        let out = docker(&["kill", "-s", signal, &self.name], QUICK);
        if !out.ok() {
            self.fail(&format!("docker kill -s {signal} failed: {out:?}"));
        }
    }

    /// Waits for the container to exit (polling `docker inspect`); returns its exit code as
    /// `docker inspect` shows it, and how long the wait took.
    pub fn wait_exit(&self, timeout: Duration) -> (i32, Duration) {
        let start = Instant::now();
        loop {
            let state = self.inspect("{{.State.Status}} {{.State.ExitCode}}");
            if let Some(code) = state.strip_prefix("exited ") {
                return (code.parse().unwrap(), start.elapsed());
            }
            if start.elapsed() > timeout {
                self.fail(&format!(
                    "still {state:?} {timeout:?} after the stop request"
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Asserts the container is running `for_at_least` from now (polling, bounded).
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

    /// `docker exec` bounded; the exec'd process may be killed by the stop it starts, so its
    /// status is returned, not judged.
    pub fn exec(&self, cmd: &[&str]) -> Out {
        let mut argv = vec!["exec", self.name.as_str()];
        argv.extend_from_slice(cmd);
        docker(&argv, QUICK)
    }

    /// Every process in the container, from /proc/*/stat (the probe's own shell and cat are
    /// children of nobody inside: their parent is outside the pid namespace, ppid 0).
    pub fn processes(&self) -> Vec<Proc> {
        let out = self.exec(&["sh", "-c", "cat /proc/[0-9]*/stat 2>/dev/null; true"]);
        if !out.ok() {
            self.fail(&format!("process probe failed: {out:?}"));
        }
        out.stdout.lines().filter_map(parse_stat).collect()
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        // VINIT_DOCKER_LOGS=1 shows every container's logs (the timelines), pass or fail.
        if std::env::var_os("VINIT_DOCKER_LOGS").is_some() {
            let text = format!(
                "--- docker logs {} ---\n{}--- end ---\n",
                self.name,
                self.logs()
            );
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        let _ = docker(&["rm", "-f", "-v", &self.name], QUICK);
    }
}

/// `pid (comm) S ppid ...` of /proc/PID/stat; comm may hold spaces and parentheses.
fn parse_stat(line: &str) -> Option<Proc> {
    let (pid, rest) = line.split_once(" (")?;
    let close = rest.rfind(") ")?;
    let comm = rest.get(..close)?.to_owned();
    let mut fields = rest.get(close + 2..)?.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some(Proc {
        pid: pid.parse().ok()?,
        ppid,
        comm,
        state,
    })
}

// ---------------------------------------------------------------------------------------------
// Reporting

/// Prints one measured time on the real stderr (not captured by libtest) and appends it to
/// `target/docker/stop-times.txt`.
pub fn report(scenario: &str, what: &str, took: Duration, exit: i32) {
    let line = format!(
        "docker-time: {scenario:<40} {what:<28} {:>6} ms  exit {exit}\n",
        took.as_millis()
    );
    let _ = std::io::stderr().write_all(line.as_bytes());
    if let Ok(mut file) = OpenOptions::new()
        .create(true)
        .append(true)
        .open(work_dir().join("stop-times.txt"))
    {
        let _ = file.write_all(line.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::parse_stat;

    #[test]
    fn parse_stat_reads_odd_comm() {
        let p = parse_stat("42 (a) b (c) Z 1 42 42 0 -1").unwrap();
        assert_eq!(
            (p.pid, p.comm.as_str(), p.state, p.ppid),
            (42, "a) b (c", 'Z', 1)
        );
        assert!(parse_stat("garbage").is_none());
    }
}
