//! LXC system containers, end to end (issue #13): the distribution tests' Debian sysv-rc and
//! OpenRC root filesystems booted by Debian's LXC as privileged containers, stopped and
//! rebooted the ways LXC users do — `lxc-stop`, `lxc-stop -r`, `shutdown -h now` and `reboot`
//! inside — with and without `lxc.cap.drop = sys_boot`, with the distribution's inittab and
//! (Debian) with the lxc-debian template's `p6::ctrlaltdel:/sbin/init 6` and
//! `p0::powerfail:/sbin/init 0`. Every scenario runs under vinit and under stock sysvinit 3.06
//! (the baseline), and the suite prints a table of both: outcome, seconds, the tool's exit
//! code and how LXC saw init end (also written to target/lxc/times.md).
//!
//! What LXC does: `lxc-stop` sends SIGRTMIN+3 to an init that blocks it (vinit does) and
//! SIGPWR otherwise, waits 60 s, then kills; `lxc-stop -r` sends SIGINT and waits for the
//! container to come back; LXC restarts a container whose init was killed by SIGHUP (what
//! reboot(2) does to a PID namespace's init) and stops it otherwise.
//!
//! Slow (about 40 containers, several of the baseline's waiting LXC's 60 s), so it runs only
//! when named (`test = false`), with its own runner (`harness = false`): `cargo test --release
//! --test lxc [FILTER...]`, as `.ci/run` does. It fails, never skips, when LXC cannot run.
//! `VINIT_LXC_JOBS` scenarios run at once (default 4: they mostly wait), `VINIT_LXC_KEEP=1`
//! keeps the containers' directories (target/lxc/vinit-<pid>-<label>/) for a look.

// Test code: a failed unwrap or assert is how these tests fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use core::time::Duration;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;
use std::time::Instant;

use support::distros::{Flavour, Init};
use support::lxc::{self, Container, Setup};
use support::runner::{self, Case};
use support::table::{self, record, secs};

/// Bound on a boot reaching every service (2-3 s measured; room for 4 booting at once).
const BOOT: Duration = Duration::from_secs(60);
/// How long a container is watched after the command returned without a visible outcome
/// before it is called "still running".
const SETTLE: Duration = Duration::from_secs(15);
/// Bound on a whole scenario's command and outcome: LXC's 60 s and the settle time.
const LIMIT: Duration = Duration::from_secs(120);
/// A clean stop or reboot under vinit: the stop scripts take ~2 s.
const FAST: Duration = Duration::from_secs(20);

/// What the scenario does to the running container.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    /// `lxc-stop`.
    Stop,
    /// `lxc-stop -r`.
    StopReboot,
    /// `lxc-attach -- shutdown -h now`.
    Shutdown,
    /// `lxc-attach -- reboot`.
    Reboot,
}

impl Action {
    const ALL: [Self; 4] = [Self::Stop, Self::StopReboot, Self::Shutdown, Self::Reboot];

    fn name(self) -> &'static str {
        match self {
            Self::Stop => "lxc_stop",
            Self::StopReboot => "lxc_stop_r",
            Self::Shutdown => "shutdown",
            Self::Reboot => "reboot",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Self::Stop => "`lxc-stop`",
            Self::StopReboot => "`lxc-stop -r`",
            Self::Shutdown => "`shutdown -h now` inside",
            Self::Reboot => "`reboot` inside",
        }
    }

    fn reboots(self) -> bool {
        matches!(self, Self::StopReboot | Self::Reboot)
    }
}

/// The scenarios: every action with and without sys_boot; the template's lines only change
/// what LXC's signals do (the ctrlaltdel and powerfail entries), so only the `lxc-stop`s on
/// Debian (the template's distribution) get them.
fn scenarios() -> Vec<(Flavour, Action, Setup)> {
    let mut all = Vec::new();
    for flavour in Flavour::ALL {
        for action in Action::ALL {
            let lines: &[bool] = match (flavour, action) {
                (Flavour::Debian, Action::Stop | Action::StopReboot) => &[false, true],
                _ => &[false],
            };
            for &template_lines in lines {
                for no_sys_boot in [false, true] {
                    let setup = Setup {
                        no_sys_boot,
                        template_lines,
                    };
                    all.push((flavour, action, setup));
                }
            }
        }
    }
    all
}

fn case_name(flavour: Flavour, init: Init, action: Action, setup: Setup) -> String {
    let mut name = format!("{}_{}_{}", flavour.name(), init.name(), action.name());
    if setup.template_lines {
        name.push_str("_template");
    }
    if setup.no_sys_boot {
        name.push_str("_no_sys_boot");
    }
    name
}

/// The table's row: the action and the setup.
fn row_title(action: Action, setup: Setup) -> &'static str {
    let mut title = action.title().to_owned();
    if setup.template_lines {
        title.push_str(", template's `p6`/`p0` lines");
    }
    if setup.no_sys_boot {
        title.push_str(", no `sys_boot`");
    }
    Box::leak(title.into_boxed_str())
}

/// What became of the container.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Outcome {
    /// STOPPED, init ended as LXC's log says (`exit 0`, `SIGINT`, `SIGKILL`).
    Stopped(String),
    /// A new init (LXC restarted the container after a SIGHUP) with every service up.
    Restarted,
    /// The same init, every service started again: rebooted in place.
    InPlace,
    /// Neither, `SETTLE` after the command returned: init's title and `runlevel`.
    Running(String),
}

/// One scenario's measurements.
struct Seen {
    outcome: Outcome,
    /// From the request to the outcome.
    took: Duration,
    /// The command's exit code and its own duration.
    code: Option<i32>,
    command_took: Duration,
}

impl Seen {
    fn cell(&self, action: Action) -> String {
        let tool = match action {
            Action::Stop | Action::StopReboot => "lxc-stop",
            Action::Shutdown | Action::Reboot => "lxc-attach",
        };
        let code = self
            .code
            .map_or_else(|| "killed".to_owned(), |c| format!("rc {c}"));
        let what = match &self.outcome {
            Outcome::Stopped(end) => format!("stopped in {}, init: {end}", secs(self.took)),
            Outcome::Restarted => format!("back up in {} (new init)", secs(self.took)),
            Outcome::InPlace => format!("back up in {} (in place)", secs(self.took)),
            Outcome::Running(how) => format!("still running {SETTLE:?} later: {how}"),
        };
        format!("{what}; {tool} {code} in {}", secs(self.command_took))
    }
}

/// Runs `action` on the booted container `c` and watches until the outcome is clear and the
/// command has returned.
fn act(c: &Container, action: Action) -> Seen {
    let pid0 = c.pid();
    let starts0 = c.starts();
    let start = Instant::now();
    let mut child = match action {
        Action::Stop => c.spawn("stop", &[]),
        Action::StopReboot => c.spawn("stop", &["-r"]),
        Action::Shutdown => c.spawn_attach(&["shutdown", "-h", "now"]),
        Action::Reboot => c.spawn_attach(&["reboot"]),
    };
    let mut command: Option<(Option<i32>, Duration)> = None;
    let mut outcome: Option<(Outcome, Duration)> = None;
    loop {
        if command.is_none()
            && let Some(status) = child.try_wait().unwrap()
        {
            command = Some((status.code(), start.elapsed()));
        }
        if outcome.is_none() {
            outcome = observe(c, pid0, starts0).map(|o| (o, start.elapsed()));
        }
        if let (Some((outcome, took)), Some((code, command_took))) = (&outcome, &command) {
            return Seen {
                outcome: outcome.clone(),
                took: *took,
                code: *code,
                command_took: *command_took,
            };
        }
        if outcome.is_none()
            && let Some((_, returned)) = command
            && start.elapsed() > returned + SETTLE
        {
            let title = c.attach(&["ps", "-o", "args=", "-p", "1"], Duration::from_secs(10));
            let runlevel = c.attach(&["runlevel"], Duration::from_secs(10));
            outcome = Some((
                Outcome::Running(format!(
                    "`{}` (`runlevel`: {})",
                    title.stdout.trim(),
                    runlevel.stdout.trim()
                )),
                start.elapsed(),
            ));
            continue;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            c.fail(&format!(
                "no outcome {LIMIT:?} after {action:?} (command: {command:?}, outcome: {outcome:?})"
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The container's state now, if it is an outcome.
fn observe(c: &Container, pid0: Option<u32>, starts0: usize) -> Option<Outcome> {
    let state = c.state();
    let endings = c.init_endings();
    let last = endings.last().cloned();
    if state == "STOPPED" && last.as_deref() != Some("SIGHUP") {
        return Some(Outcome::Stopped(last.unwrap_or_else(|| "?".to_owned())));
    }
    if state != "RUNNING" || c.starts() <= starts0 || !c.services_down().is_empty() {
        return None;
    }
    let pid = c.pid()?;
    Some(if Some(pid) == pid0 {
        Outcome::InPlace
    } else {
        Outcome::Restarted
    })
}

/// One scenario: boot, wait for the services, act, record; then vinit's expectations.
fn scenario(tarball: &Path, flavour: Flavour, init: Init, action: Action, setup: Setup) {
    let label = case_name(flavour, init, action, setup).replace('_', "-");
    let c = Container::start(tarball, flavour, init, &label, setup);
    c.wait_up(1, BOOT);
    let seen = act(&c, action);
    record(flavour, init, row_title(action, setup), seen.cell(action));
    if init == Init::Vinit {
        expect_vinit(&c, action, setup, &seen);
    }
}

/// What vinit must do under LXC (issue #13).
fn expect_vinit(c: &Container, action: Action, setup: Setup, seen: &Seen) {
    let marks = c.marks();
    let level = if action.reboots() { '6' } else { '0' };
    c.assert_that(
        c.stops() == 1,
        &format!("the stop scripts ran {}x, expected once", c.stops()),
    );
    if c.flavour == Flavour::Debian {
        c.assert_that(
            marks.contains(&format!("stop runlevel={level} ")),
            &format!("the test service was not stopped in level {level}"),
        );
    }
    c.assert_that(seen.took < FAST, &format!("took {:?}", seen.took));
    match (action.reboots(), setup.no_sys_boot) {
        (false, _) => {
            let clean = matches!(&seen.outcome, Outcome::Stopped(end) if end == "exit 0" || end == "SIGINT");
            c.assert_that(clean, &format!("not a clean halt: {:?}", seen.outcome));
        }
        (true, false) => {
            c.assert_that(
                seen.outcome == Outcome::Restarted,
                &format!("LXC did not restart it: {:?}", seen.outcome),
            );
        }
        (true, true) => {
            c.assert_that(
                seen.outcome == Outcome::InPlace,
                &format!("not rebooted in place: {:?}", seen.outcome),
            );
        }
    }
    let console = c.console();
    if matches!(action, Action::Stop) {
        c.assert_that(seen.code == Some(0), "lxc-stop failed");
        // LXC sends 37 to an init that blocks it; the budget fits its 60 s.
        let line = "stop: SIGRTMIN+3 (37: LXC, Podman halt) received: runlevel 0, \
                    budget 55000 ms";
        c.assert_that(
            console.contains(line),
            &format!("no {line:?} on the console"),
        );
    }
    if action.reboots() {
        c.assert_that(
            !console.contains("halting instead"),
            "the reboot became a halt",
        );
        c.assert_that(
            console.contains("reboot(2): EPERM") == setup.no_sys_boot,
            "reboot(2)'s EPERM logged iff sys_boot is dropped",
        );
    }
    if matches!(action, Action::StopReboot) && !setup.no_sys_boot {
        c.assert_that(seen.code == Some(0), "lxc-stop -r failed");
    }
}

/// Each flavour's root filesystem, found once `main` knows which cases run.
static TARBALLS: OnceLock<[PathBuf; 2]> = OnceLock::new();

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (flavour, action, setup) in scenarios() {
        for init in [Init::Stock, Init::Vinit] {
            cases.push(Case {
                name: case_name(flavour, init, action, setup),
                run: Box::new(move || {
                    let tarballs = TARBALLS.get().expect("root filesystems found first");
                    let tarball = match flavour {
                        Flavour::Debian => &tarballs[0],
                        Flavour::Openrc => &tarballs[1],
                    };
                    scenario(tarball, flavour, init, action, setup);
                }),
            });
        }
    }
    cases
}

fn main() -> ExitCode {
    let selection = match runner::select(cases()) {
        Ok(selection) => selection,
        Err(code) => return code,
    };
    support::require_root();
    match lxc::prepare() {
        Ok(tarballs) => {
            let _ = TARBALLS.set(tarballs);
        }
        Err(e) => return runner::setup_failed("lxc", &e),
    }
    let jobs = runner::jobs("VINIT_LXC_JOBS", 4);
    println!(
        "\nrunning {} tests ({jobs} at a time)",
        selection.cases.len()
    );
    let failed = selection.run(jobs);

    let order: Vec<&str> = scenarios()
        .into_iter()
        .filter(|&(f, _, _)| f == Flavour::Debian)
        .map(|(_, a, s)| row_title(a, s))
        .collect();
    let table = table::render(&order);
    println!(
        "\nLXC: outcome and wall time from the request; the tool's exit code and how LXC saw \
         init end\n{table}"
    );
    let _ = std::fs::write(lxc::lxcpath().join("times.md"), &table);
    selection.finish(&failed)
}
