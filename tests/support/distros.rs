//! Real distributions for the distribution tests (issue #7): root filesystems made with
//! `debootstrap`, their images, containers booting them, a small parallel runner and the
//! before/after table.
//!
//! Root filesystems: `tests/distros/rootfs.sh` builds `debian.tar` and `openrc.tar` from the
//! Debian archive this machine's apt is configured with (read here at run time), cached under
//! `target/distros/rootfs-<key>/` where the key hashes the script and its inputs. Each tarball
//! is imported once as `vinit-distro-base:<flavour>-<key>` (stock sysvinit as /sbin/init: the
//! baseline), kept across runs: a warm run finds the images and builds nothing.
//! Every run builds `vinit-distro:<flavour>-<pid>` from it with the binary under test over
//! /sbin/init, removed at the end. The engine is the one `tests/docker/setup.sh` starts.

use core::fmt::Write as _;
use core::time::Duration;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::docker::{Container, QUICK, Scenario, docker, ensure_engine, run_bounded};
use crate::{repo_dir, target_dir, vinit};

/// Label on every container and image, valued with the test process's pid (the Docker tests'
/// label, so either suite removes the other's leftovers).
const LABEL: &str = "vinit-test.pid";
/// Repository of the per-run vinit images; the tag is `<flavour>-<pid>`.
const VINIT_REPO: &str = "vinit-distro";
/// Repository of the imported root filesystems; the tag is `<flavour>-<key>`.
const BASE_REPO: &str = "vinit-distro-base";
/// debootstrap of both trees on a cold cache (downloads included) takes ~5 min; allow for a
/// slow mirror.
const ROOTFS_TIMEOUT: Duration = Duration::from_secs(1800);
/// Pause between two polls.
const POLL: Duration = Duration::from_millis(200);

/// `target/distros`: the package cache, the root filesystems, per-run image contexts.
pub fn cache_dir() -> PathBuf {
    target_dir().join("distros")
}

// ---------------------------------------------------------------------------------------------
// Distributions

/// The two test systems.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    /// Debian bookworm with sysv-rc and Debian's own inittab.
    Debian,
    /// Debian bookworm with Debian's openrc package and Gentoo's inittab.
    Openrc,
}

impl Flavour {
    pub const ALL: [Self; 2] = [Self::Debian, Self::Openrc];

    pub fn name(self) -> &'static str {
        match self {
            Self::Debian => "debian",
            Self::Openrc => "openrc",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Debian => "Debian 12, sysv-rc, Debian's inittab",
            Self::Openrc => "Debian 12, OpenRC, Gentoo's inittab",
        }
    }

    /// The inittab's `initdefault`.
    pub fn default_level(self) -> char {
        match self {
            Self::Debian => '2',
            Self::Openrc => '3',
        }
    }

    /// The inittab ids of the getty lines.
    pub fn getty_ids(self) -> [&'static str; 6] {
        match self {
            Self::Debian => ["1", "2", "3", "4", "5", "6"],
            Self::Openrc => ["c1", "c2", "c3", "c4", "c5", "c6"],
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Debian => 0,
            Self::Openrc => 1,
        }
    }
}

/// What runs as /sbin/init.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Init {
    /// Debian's sysvinit-core 3.06, as the distribution ships it: the baseline.
    Stock,
    /// The binary under test.
    Vinit,
}

impl Init {
    pub fn name(self) -> &'static str {
        match self {
            Self::Stock => "stock",
            Self::Vinit => "vinit",
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The mirror

/// The Debian archive this machine's apt uses: the first `deb` source (one-line or deb822) that
/// carries the machine's own codename with `main`. `VINIT_DISTRO_MIRROR` overrides it.
pub fn apt_mirror() -> Result<String, String> {
    if let Ok(mirror) = std::env::var("VINIT_DISTRO_MIRROR") {
        return Ok(mirror);
    }
    let release = fs::read_to_string("/etc/os-release").unwrap_or_default();
    let codename = release
        .lines()
        .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
        .map(|c| c.trim_matches('"').to_owned())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "bookworm".to_owned());
    let mut files = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(dir) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut more: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
        more.sort();
        files.extend(more);
    }
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let name = file.to_string_lossy();
        let found = if name.ends_with(".sources") {
            mirror_in_deb822(&text, &codename)
        } else if name.ends_with(".list") {
            mirror_in_one_line(&text, &codename)
        } else {
            None
        };
        if let Some(uri) = found {
            return Ok(uri);
        }
    }
    Err(format!(
        "no `deb` source for {codename} with `main` in /etc/apt/sources.list{{,.d/*}}; \
         set VINIT_DISTRO_MIRROR"
    ))
}

/// `deb [options] URI SUITE COMPONENT...` lines.
fn mirror_in_one_line(text: &str, codename: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace().peekable();
        if words.next() != Some("deb") {
            return None;
        }
        if words.peek().is_some_and(|w| w.starts_with('[')) {
            // Options run to the word that ends with `]`.
            for w in words.by_ref() {
                if w.ends_with(']') {
                    break;
                }
            }
        }
        let uri = words.next()?;
        let suite = words.next()?;
        let main = words.any(|c| c == "main");
        (suite == codename && main).then(|| uri.trim_end_matches('/').to_owned())
    })
}

/// deb822 stanzas: `Types: deb`, `URIs:`, `Suites:`, `Components:`.
fn mirror_in_deb822(text: &str, codename: &str) -> Option<String> {
    text.split("\n\n").find_map(|stanza| {
        let field = |name: &str| {
            stanza
                .lines()
                .filter(|l| !l.starts_with('#'))
                .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                .map(str::trim)
        };
        let enabled = field("Enabled").is_none_or(|v| v != "no");
        let deb = field("Types")?.split_whitespace().any(|t| t == "deb");
        let suite = field("Suites")?.split_whitespace().any(|s| s == codename);
        let main = field("Components")?.split_whitespace().any(|c| c == "main");
        let uri = field("URIs")?.split_whitespace().next()?;
        (enabled && deb && suite && main).then(|| uri.trim_end_matches('/').to_owned())
    })
}

// ---------------------------------------------------------------------------------------------
// Root filesystems and images

/// The images of one run.
pub struct Images {
    base: [String; 2],
    vinit: [String; 2],
}

impl Images {
    pub fn tag(&self, flavour: Flavour, init: Init) -> &str {
        match init {
            Init::Stock => &self.base[flavour.index()],
            Init::Vinit => &self.vinit[flavour.index()],
        }
    }

    /// Removes this run's vinit images (the base images stay: they are the cache).
    pub fn remove(&self) {
        for tag in &self.vinit {
            let _ = docker(&["rmi", "-f", tag], QUICK);
        }
    }
}

/// FNV-1a over the inputs of the root filesystems: a new key rebuilds them.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in *part {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash ^= 0xff;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Gentoo's inittab: the repository's byte-exact copy of the shared fixture, so a clean clone
/// needs nothing beside it.
fn gentoo_inittab() -> Result<PathBuf, String> {
    let path = repo_dir().join("tests/fixtures/inittab/gentoo-amd64");
    if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} is missing", path.display()))
    }
}

/// The inputs of rootfs.sh, as (name in FILES_DIR, path).
fn rootfs_inputs() -> Result<Vec<(&'static str, PathBuf)>, String> {
    let files = repo_dir().join("tests/distros/files");
    Ok(vec![
        ("vinit-test", files.join("vinit-test")),
        ("halt.sh", files.join("halt.sh")),
        ("inittab.gentoo", gentoo_inittab()?),
    ])
}

/// The root filesystems' cache key (FNV-1a of rootfs.sh and its inputs): a change of either
/// builds new trees, in `target/distros/rootfs-<key>/`.
pub fn rootfs_key() -> Result<String, String> {
    let script = repo_dir().join("tests/distros/rootfs.sh");
    let mut parts = vec![fs::read(&script).map_err(|e| e.to_string())?];
    for (name, path) in &rootfs_inputs()? {
        parts.push(name.as_bytes().to_vec());
        parts.push(fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?);
    }
    Ok(format!(
        "{:016x}",
        fnv1a(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    ))
}

/// Holds `target/distros/build.lock` while alive: one builder at a time (of every suite that
/// uses the root filesystems); the others wait and find the trees made.
pub fn build_lock() -> Result<File, String> {
    let cache = cache_dir();
    fs::create_dir_all(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
    let lock = File::create(cache.join("build.lock")).map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| format!("build.lock: {e}"))?;
    Ok(lock)
}

/// `flavour`'s tarball for the root filesystems of `key`, built (with the other's) when
/// missing. Call with the `build_lock` held.
pub fn rootfs_tarball(key: &str, flavour: Flavour) -> Result<PathBuf, String> {
    let rootfs = cache_dir().join(format!("rootfs-{key}"));
    let tar = rootfs.join(format!("{}.tar", flavour.name()));
    if !tar.exists() {
        let script = repo_dir().join("tests/distros/rootfs.sh");
        build_rootfs(&script, &rootfs_inputs()?, &rootfs)?;
        // Older keys' trees are stale now.
        for entry in fs::read_dir(cache_dir())
            .map_err(|e| e.to_string())?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("rootfs-") && entry.path() != rootfs {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(tar)
}

/// Builds (or finds) the root filesystems, imports them, builds this run's vinit images.
pub fn prepare() -> Result<Images, String> {
    ensure_engine();
    remove_leftovers();
    let key = rootfs_key()?;
    let base = Flavour::ALL.map(|f| format!("{BASE_REPO}:{}-{key}", f.name()));
    {
        let _lock = build_lock()?;
        // The engine's images are the first cache (they outlive a fresh clone on the same
        // machine), the tarballs the second.
        let imported = |tag: &str| docker(&["image", "inspect", tag], QUICK).ok();
        for flavour in Flavour::ALL {
            if !imported(&base[flavour.index()]) {
                let tar = rootfs_tarball(&key, flavour)?;
                import_base(flavour, &tar, &base[flavour.index()])?;
            }
        }
    }
    let mut vinit = [String::new(), String::new()];
    for flavour in Flavour::ALL {
        vinit[flavour.index()] = build_vinit_image(flavour, &base[flavour.index()])?;
    }
    Ok(Images { base, vinit })
}

fn build_rootfs(script: &Path, inputs: &[(&str, PathBuf)], out: &Path) -> Result<(), String> {
    if Command::new("debootstrap")
        .arg("--version")
        .output()
        .is_err()
        && !Path::new("/usr/sbin/debootstrap").exists()
    {
        install_debootstrap()?;
    }
    let mirror = apt_mirror()?;
    let stage = cache_dir().join(format!("stage-{}", std::process::id()));
    let _ = fs::remove_dir_all(&stage);
    fs::create_dir_all(&stage).map_err(|e| e.to_string())?;
    for (name, path) in inputs {
        fs::copy(path, stage.join(name)).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    eprintln!(
        "distros: building the root filesystems in {} (once per change of their inputs)",
        out.display()
    );
    let start = Instant::now();
    let result = run_bounded(
        Command::new("sh")
            .arg(script)
            .arg(out)
            .arg(&mirror)
            .arg(cache_dir())
            .arg(&stage)
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
        ROOTFS_TIMEOUT,
    );
    let _ = fs::remove_dir_all(&stage);
    if !result.ok() {
        return Err(format!(
            "rootfs.sh failed (code {:?}, timed out: {}):\n{}{}",
            result.code, result.timed_out, result.stdout, result.stderr
        ));
    }
    eprintln!(
        "distros: root filesystems built in {:.0} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn install_debootstrap() -> Result<(), String> {
    eprintln!("distros: installing debootstrap");
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
    let install = apt(&[
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "debootstrap",
    ]);
    if install.ok() {
        Ok(())
    } else {
        Err(format!(
            "apt-get install debootstrap failed: {update:?} {install:?}"
        ))
    }
}

fn import_base(flavour: Flavour, tar: &Path, tag: &str) -> Result<(), String> {
    // Older keys' images of this flavour go first.
    let listed = docker(
        &["images", BASE_REPO, "--format", "{{.Repository}}:{{.Tag}}"],
        QUICK,
    );
    for old in listed.stdout.lines() {
        if old.starts_with(&format!("{BASE_REPO}:{}-", flavour.name())) {
            let _ = docker(&["rmi", "-f", old], QUICK);
        }
    }
    let out = docker(
        &["import", tar.to_str().unwrap_or_default(), tag],
        Duration::from_secs(600),
    );
    if out.ok() {
        Ok(())
    } else {
        Err(format!("docker import {} failed: {out:?}", tar.display()))
    }
}

/// The Dockerfile of the vinit images: the migration guide's two lines, plus one that keeps
/// the distribution's own telinit (in both, a link to init) as a real file, so the scenarios
/// drive vinit with the distribution's binary as well as with vinit's own client (which
/// `shutdown` runs: it execs /sbin/init).
pub fn vinit_dockerfile(base: &str) -> String {
    format!(
        "FROM {base}\n\
         RUN ln -f /sbin/init /sbin/telinit\n\
         COPY vinit /sbin/init\n\
         CMD [\"/sbin/init\"]\n"
    )
}

fn build_vinit_image(flavour: Flavour, base: &str) -> Result<String, String> {
    let pid = std::process::id();
    let context = cache_dir().join(format!("image-{}-{pid}", flavour.name()));
    let _ = fs::remove_dir_all(&context);
    fs::create_dir_all(&context).map_err(|e| e.to_string())?;
    fs::copy(vinit(), context.join("vinit")).map_err(|e| e.to_string())?;
    fs::write(context.join("Dockerfile"), vinit_dockerfile(base)).map_err(|e| e.to_string())?;
    let tag = format!("{VINIT_REPO}:{}-{pid}", flavour.name());
    let label = format!("{LABEL}={pid}");
    let out = docker(
        &[
            "build",
            "-q",
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
        Err(format!("docker build of {tag} failed: {out:?}"))
    }
}

/// Containers and vinit images of test processes that are gone (a crash skips every Drop).
fn remove_leftovers() {
    crate::docker::remove_leftovers_of(VINIT_REPO, |image| image.rsplit('-').next());
}

// ---------------------------------------------------------------------------------------------
// Containers

/// Pid files of the services every image runs, with the names the probe reports.
pub const SERVICES: [(&str, &str); 4] = [
    ("cron", "/run/crond.pid"),
    ("rsyslog", "/run/rsyslogd.pid"),
    ("inetd", "/run/inetd.pid"),
    ("vinit-test", "/run/vinit-test.pid"),
];
/// The network daemon's check: inetd's echo service on loopback answers.
const ECHO_PROBE: &str = "bash -c 'exec 3<>/dev/tcp/127.0.0.1/7 && echo ping >&3 \
                          && read -t 2 -r line <&3 && [ \"$line\" = ping ]' 2>/dev/null";

/// The probe run inside: prints the services that are not running, space-separated.
pub fn down_probe() -> String {
    let mut script = String::from("down=\n");
    for (name, pidfile) in SERVICES {
        let _ = writeln!(
            script,
            "pid=$(cat {pidfile} 2>/dev/null) && [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null \
             || down=\"$down {name}\""
        );
    }
    let _ = writeln!(script, "{ECHO_PROBE} || down=\"$down echo\"");
    script.push_str("echo ${down# }\n");
    script
}

/// A container of a distribution image; `docker rm -f` on drop. The docker operations
/// (logs, inspect, exec, stop, waits) are the Docker tests' `Container`'s.
pub struct Machine {
    pub container: Container,
    pub flavour: Flavour,
}

impl core::ops::Deref for Machine {
    type Target = Container;

    fn deref(&self) -> &Container {
        &self.container
    }
}

impl Machine {
    /// `docker run -d [args] IMAGE /sbin/init` with the scenario's directory at /data.
    pub fn run(
        s: &Scenario,
        images: &Images,
        flavour: Flavour,
        init: Init,
        label: &str,
        args: &[&str],
    ) -> Self {
        let image = images.tag(flavour, init);
        let container =
            Container::start("vinit-distro", s, label, args, image, &["/sbin/init"], None);
        Self { container, flavour }
    }

    /// `docker exec NAME CMD...` that must succeed; its trimmed stdout.
    pub fn exec_ok(&self, cmd: &[&str]) -> String {
        let out = self.exec(cmd);
        if !out.ok() {
            self.fail(&format!("`{}` failed: {out:?}", cmd.join(" ")));
        }
        out.stdout.trim().to_owned()
    }

    /// The services that are not running (empty when all are).
    pub fn services_down(&self) -> String {
        let out = self.exec(&["sh", "-c", &down_probe()]);
        if out.ok() {
            out.stdout.trim().to_owned()
        } else {
            format!("probe failed: {out:?}")
        }
    }

    /// Polls until every service runs and the test service has logged `starts` starts;
    /// returns the time since `docker run`.
    pub fn wait_up(&self, s: &Scenario, starts: usize, timeout: Duration) -> Duration {
        let deadline = Instant::now() + timeout;
        loop {
            let started = count_lines(&s.read("vinit-test.log"), "start");
            if started >= starts {
                let down = self.services_down();
                if down.is_empty() {
                    return self.started.elapsed();
                }
                if Instant::now() >= deadline {
                    self.fail(&format!("not running {timeout:?} after the boot: {down}"));
                }
            }
            if !self.is_running() {
                self.fail(&format!(
                    "{} while waiting for the services",
                    self.inspect("{{.State.Status}} {{.State.ExitCode}}")
                ));
            }
            if Instant::now() >= deadline {
                self.fail(&format!(
                    "the test service started {started}x, expected {starts}x"
                ));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Polls until every service is down.
    pub fn wait_down(&self, timeout: Duration) {
        let all = "cron rsyslog inetd vinit-test echo";
        let deadline = Instant::now() + timeout;
        loop {
            let down = self.services_down();
            if down == all {
                return;
            }
            if Instant::now() >= deadline {
                self.fail(&format!("only {down:?} down after {timeout:?}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// The names under /run of the stopped container (`docker cp` works on exited ones).
    pub fn run_dir(&self) -> Vec<String> {
        let out = run_bounded(
            Command::new("sh").args([
                "-c",
                "docker cp \"$1\":/run - | tar -tf -",
                "sh",
                &self.name,
            ]),
            QUICK,
        );
        if !out.ok() {
            self.fail(&format!("cannot list /run: {out:?}"));
        }
        out.stdout
            .lines()
            .map(|l| format!("/{}", l.trim_end_matches('/')))
            .collect()
    }

    /// The image's own /etc/inittab.
    pub fn image_inittab(images: &Images, flavour: Flavour) -> String {
        let out = docker(
            &[
                "run",
                "--rm",
                "--entrypoint",
                "cat",
                images.tag(flavour, Init::Stock),
                "/etc/inittab",
            ],
            QUICK,
        );
        assert!(out.ok(), "cannot read the image's inittab: {out:?}");
        out.stdout
    }
}

/// Lines of `text` that start with `word`.
pub fn count_lines(text: &str, word: &str) -> usize {
    text.lines()
        .filter(|l| l.split_whitespace().next() == Some(word))
        .count()
}

#[cfg(test)]
mod tests {
    use super::{count_lines, fnv1a, mirror_in_deb822, mirror_in_one_line};

    #[test]
    fn mirrors_are_read_from_both_apt_formats() {
        let one_line = "# c\ndeb [signed-by=/k.gpg arch=amd64] http://m.example/debian/ bookworm main contrib\n";
        assert_eq!(
            mirror_in_one_line(one_line, "bookworm").as_deref(),
            Some("http://m.example/debian")
        );
        assert_eq!(
            mirror_in_one_line("deb http://s.example/ bookworm-security main\n", "bookworm"),
            None
        );
        assert_eq!(
            mirror_in_one_line("deb-src http://m.example/ bookworm main\n", "bookworm"),
            None
        );
        let deb822 = "Types: deb\nURIs: http://m.example/debian\nSuites: bookworm bookworm-updates\n\
                      Components: main\n\nTypes: deb\nURIs: http://s.example/\nSuites: bookworm-security\n\
                      Components: main\n";
        assert_eq!(
            mirror_in_deb822(deb822, "bookworm").as_deref(),
            Some("http://m.example/debian")
        );
        assert_eq!(
            mirror_in_deb822(
                &deb822.replace(
                    "Types: deb\nURIs: http://m",
                    "Types: deb\nEnabled: no\nURIs: http://m"
                ),
                "bookworm"
            ),
            None
        );
    }

    #[test]
    fn line_count_and_cache_key() {
        assert_eq!(
            count_lines("start a\nstop b\nstart c\nrestart\n", "start"),
            2
        );
        assert_ne!(fnv1a(&[b"a", b"bc"]), fnv1a(&[b"ab", b"c"]));
    }
}
