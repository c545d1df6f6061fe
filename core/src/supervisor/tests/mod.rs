//! The machine driven by one fake world on a virtual clock: scripted histories (the test says
//! who exits and when) and seeded chaos ones (processes obey signals, exit and fail to fork at
//! random). The tests are in files by topic.

mod boot;
mod chaos;
mod critical;
mod drain;
mod exits;
mod fork;
mod levels;
mod lxc;
mod report;
mod respawn;
mod stop;
mod triggers;

use super::*;
use std::collections::BTreeMap;
use std::string::String;
use std::vec::Vec as StdVec;

/// Called when `poll_effect` returned `None`, checking what the driver relies on: the driver
/// then sleeps until an input or `poll_timeout`, so nothing may be left that a second look
/// at the same instant would do (a stop once stalled 5.6 s that way), and the deadline is
/// still ahead (one behind would make PID 1 spin).
fn assert_idle(init: &mut Init, now: Instant) {
    if let Some(late) = init.poll_effect(now) {
        panic!("poll_effect went idle with work left: {late:?}");
    }
    // A deadline already passed would make the driver's poll return at once, forever.
    if let Some(t) = init.poll_timeout() {
        assert!(
            t > now,
            "idle with a deadline in the past: {t:?} at {now:?}"
        );
    }
}

/// A fake world: answers spawns with fake pids, keeps a virtual clock and writes down every
/// action it carries out.
struct World {
    init: Init,
    now: u64,
    next_pid: Pid,
    /// Every action seen, spawns rendered as `spawn <id>`.
    seen: StdVec<String>,
    exit_code: Option<u8>,
    rebooted: bool,
    /// `RestartContainer` was carried out (and did not return).
    restarted: bool,
    /// `RestartContainer` fails (EPERM without CAP_SYS_BOOT).
    restart_refused: bool,
    /// fork(2) fails (EAGAIN) while set: `forkfail <id>`.
    fork_fails: bool,
    /// A seeded world whose processes live by themselves (`None`: the test scripts them).
    chaos: Option<Chaos>,
}

const EAGAIN: i32 = 11;

fn config() -> Config {
    Config {
        default_level: Level::digit(3).unwrap(),
        stop_budget: Duration::from_secs(8),
        stop_delay: Duration::ZERO,
        reboot_exit: None,
        forced_level: None,
        runtime: Runtime::Other,
        verbose: false,
        critical: Critical::default(),
    }
}

fn tab(text: &str) -> Inittab {
    let mut t = Inittab::new();
    t.load(text.as_bytes(), &mut |e| panic!("bad fixture line: {e:?}"));
    t
}

/// A world for `text`, not yet booted.
fn world(text: &str, config: Config) -> World {
    World {
        init: Init::new(tab(text), config),
        now: 1_000,
        next_pid: 100,
        seen: StdVec::new(),
        exit_code: None,
        rebooted: false,
        restarted: false,
        restart_refused: false,
        fork_fails: false,
        chaos: None,
    }
}

fn boot(text: &str) -> World {
    boot_with(text, config())
}

fn boot_with(text: &str, config: Config) -> World {
    let mut w = world(text, config);
    w.boot();
    w
}

/// Counts the actions of `seen` that start with `prefix`.
fn count(seen: &[String], prefix: &str) -> usize {
    seen.iter().filter(|s| s.starts_with(prefix)).count()
}

impl World {
    fn t(&self) -> Instant {
        Instant::from_millis(self.now)
    }

    fn boot(&mut self) {
        self.init.handle_boot(self.t());
        self.drive();
    }

    /// Drains actions; bounded so a livelock fails the test.
    fn drive(&mut self) {
        for _ in 0..10_000 {
            let now = self.t();
            let Some(a) = self.init.poll_effect(now) else {
                assert_idle(&mut self.init, now);
                return;
            };
            match a {
                Effect::Spawn(s) => {
                    let (slot, id) = (
                        usize::from(s.slot),
                        String::from_utf8(s.entry.id.to_vec()).unwrap(),
                    );
                    self.spawn(slot, id);
                }
                Effect::Do(Act::Signal { pid, sig }) => {
                    self.seen.push(format!("kill {pid} {sig}"));
                    self.signal(pid.abs(), sig);
                }
                Effect::Do(Act::SignalAll(sig)) => {
                    self.seen.push(format!("killall {sig}"));
                    let pids: StdVec<Pid> = self.chaos.iter().flat_map(Chaos::pids).collect();
                    for p in pids {
                        self.signal(p, sig);
                    }
                }
                Effect::Do(Act::Census) => {
                    self.seen.push("census".into());
                    let left = self.chaos.iter().flat_map(Chaos::pids).count();
                    self.init.handle_census(left as u32);
                }
                Effect::Do(Act::Runlevel { new, prev }) => {
                    self.seen
                        .push(format!("runlevel {}{}", prev as char, new as char));
                }
                Effect::Do(Act::BootTime) => self.seen.push("boottime".into()),
                // An exit's line quotes its entry: shown as its words.
                Effect::Log(n @ (Notice::Exited { .. } | Notice::Started(..))) => {
                    let mut line = crate::display::Line::new();
                    n.render(&mut line);
                    let level = if n.warns() { "warning" } else { "info" };
                    let line = String::from_utf8_lossy(line.as_bytes());
                    self.seen.push(format!("{level}: {line}"));
                }
                Effect::Log(n) => self.seen.push(format!("log {n:?}")),
                Effect::Do(Act::Sync) => self.seen.push("sync".into()),
                Effect::Do(Act::Exit(c)) => {
                    self.seen.push(format!("exit {c}"));
                    self.exit_code = Some(c);
                }
                Effect::Do(Act::Reboot) => {
                    self.seen.push("reboot".into());
                    self.rebooted = true;
                }
                Effect::Do(Act::RestartContainer) => {
                    self.seen.push("restart container".into());
                    // reboot(2) worked: the kernel ends this init; nothing comes after. Refused,
                    // the driver carries on with the next effect.
                    if !self.restart_refused {
                        self.restarted = true;
                        return;
                    }
                }
            }
        }
        panic!("livelock: poll_effect never went idle");
    }

    /// Carries out the spawn of `slot` (entry `id`): a failed fork, or a new pid (whose life
    /// chaos decides).
    fn spawn(&mut self, slot: usize, id: String) {
        // A pids limit or ENOMEM, now and then.
        let chaos_fails = self.chaos.as_mut().is_some_and(|c| c.rng.below(10) == 0);
        if self.fork_fails || chaos_fails {
            self.seen.push(format!("forkfail {id}"));
            self.init.handle_fork_failed(self.t(), slot, EAGAIN);
            return;
        }
        self.seen.push(format!("spawn {id}"));
        self.next_pid += 1;
        let now = self.now;
        if let Some(c) = self.chaos.as_mut() {
            c.born(self.next_pid, now);
        }
        self.init
            .handle_spawned(self.t(), slot, Some(self.next_pid));
    }

    fn signal(&mut self, pid: Pid, sig: u8) {
        let now = self.now;
        if let Some(c) = self.chaos.as_mut() {
            c.signal(pid, sig, now);
        }
    }

    fn take(&mut self) -> StdVec<String> {
        core::mem::take(&mut self.seen)
    }

    fn spawns(&mut self) -> StdVec<String> {
        self.take()
            .into_iter()
            .filter(|s| s.starts_with("spawn"))
            .collect()
    }

    fn pid(&self, id: &str) -> Pid {
        self.init
            .pid_of(id.as_bytes())
            .unwrap_or_else(|| panic!("{id} not running"))
    }

    fn exits(&mut self, id: &str, code: u8) {
        let pid = self.pid(id);
        self.exit_pid(pid, code);
    }

    fn exit_pid(&mut self, pid: Pid, code: u8) {
        let _ = self.init.handle_child_exit(self.t(), pid, Exit::Code(code));
        self.drive();
    }

    /// The last child is gone (waitpid says ECHILD), and a millisecond passes.
    fn no_children(&mut self) {
        self.init.handle_children(false);
        self.advance(1);
    }

    fn advance(&mut self, ms: u64) {
        self.now += ms;
        self.drive();
    }

    /// Advances the clock to the next deadline, as the driver's poll would.
    fn advance_to_deadline(&mut self) {
        let d = self.init.poll_timeout().expect("a deadline");
        self.now = self.now.max(d.millis());
        self.drive();
    }

    /// A level request with the default 3 s sleep time and no re-read.
    fn request(&mut self, level: u8) {
        self.request_with(level, Duration::from_secs(3), None);
    }

    fn request_with(&mut self, level: u8, sleeptime: Duration, fresh: Option<&mut Inittab>) {
        self.init
            .handle_level_request(self.t(), level, sleeptime, fresh);
        self.drive();
    }

    fn reload(&mut self, fresh: &mut Inittab) {
        self.init.handle_reload(self.t(), fresh);
        self.drive();
    }

    fn stop(&mut self, cause: StopCause) {
        self.init.handle_stop(self.t(), cause);
        self.drive();
    }

    fn trigger(&mut self, trigger: Trigger) {
        self.init.handle_trigger(self.t(), trigger);
        self.drive();
    }

    fn freeze(&mut self, frozen: bool) {
        self.init.handle_freeze(frozen);
        self.drive();
    }
}

const BASIC: &str = "\
id:3:initdefault:
si::sysinit:/etc/rcS
bw::bootwait:/etc/bootwait
b1::boot:/etc/boot
l3:3:wait:/etc/rc 3
l0:0:wait:/etc/rc 0
o3:3:once:/bin/once
r1:23:respawn:/bin/svc1
";

// ------------------------------------------------------------ chaos

/// xorshift64*: a fixed, dependency-free sequence per seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Processes that obey signals: TERM ends a process after a random delay unless it ignores
/// TERM, KILL ends it at once; some end by themselves.
struct Chaos {
    rng: Rng,
    /// Live pid -> (exits at this time if set, ignores TERM).
    live: BTreeMap<Pid, (Option<u64>, bool)>,
}

impl Chaos {
    fn pids(&self) -> impl Iterator<Item = Pid> + '_ {
        self.live.keys().copied()
    }

    /// A process is born at `now`: some end by themselves, some ignore TERM.
    fn born(&mut self, pid: Pid, now: u64) {
        let ends = match self.rng.below(6) {
            0 => Some(now + self.rng.below(10)),
            1 | 2 => Some(now + self.rng.below(3_000)),
            _ => None,
        };
        let stubborn = self.rng.below(8) == 0;
        self.live.insert(pid, (ends, stubborn));
    }

    fn signal(&mut self, pid: Pid, sig: u8, now: u64) {
        let delay = self.rng.below(1_500);
        if let Some(p) = self.live.get_mut(&pid) {
            match sig {
                SIGKILL => p.0 = Some(now),
                SIGTERM if !p.1 => {
                    let at = now + delay;
                    p.0 = Some(p.0.map_or(at, |t| t.min(at)));
                }
                _ => {}
            }
        }
    }
}

impl World {
    /// A seeded world for `text`, booted.
    fn seeded(text: &str, seed: u64) -> Self {
        let mut w = world(text, config());
        w.chaos = Some(Chaos {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            live: BTreeMap::new(),
        });
        w.boot();
        w
    }

    fn rng(&mut self) -> &mut Rng {
        &mut self.chaos.as_mut().expect("a chaos world").rng
    }

    /// Reaps what is due, as the driver does: every exit, then whether children are left.
    fn reap_due(&mut self) {
        let now = self.now;
        let Some(c) = self.chaos.as_mut() else {
            return;
        };
        let due: StdVec<Pid> = c
            .live
            .iter()
            .filter(|(_, v)| v.0.is_some_and(|t| t <= now))
            .map(|(p, _)| *p)
            .collect();
        for pid in &due {
            c.live.remove(pid);
        }
        let present = !c.live.is_empty();
        for pid in due {
            let _ = self.init.handle_child_exit(self.t(), pid, Exit::Code(0));
        }
        self.init.handle_children(present);
        self.drive();
    }

    /// Sleeps as the driver would: to the next exit or the supervisor's deadline.
    fn sleep(&mut self) {
        let exit = self
            .chaos
            .as_ref()
            .and_then(|c| c.live.values().filter_map(|v| v.0).min());
        let deadline = self.init.poll_timeout().map(Instant::millis);
        let wake = match (exit, deadline) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) | (None, Some(a)) => a,
            (None, None) => self.now + 1 + self.rng().below(5_000),
        };
        self.now = self.now.max(wake);
        self.reap_due();
    }

    /// The history is over: the machine exited or rebooted (the driver would build a new one).
    fn ended(&self) -> bool {
        self.exit_code.is_some() || self.rebooted
    }
}
