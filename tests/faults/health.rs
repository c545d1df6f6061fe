//! The check every fault test ends with: whatever happened, PID 1 is still a working init.

use std::fs;
use std::time::Duration;

use support::EVENT_TIMEOUT;
use support::clients::{self, Tools, nsrun};
use support::namespace::{self, Pid1};
use support::procfs;

/// How much VmRSS may grow across a fault: two pages of PID 1's own, and one of the stack's
/// random offset in its page (a fault's deeper frames reach one more stack page in some runs,
/// not in others). Which bss pages a fault's paths first write moves with the binary's size:
/// at 59 352 B, `Machine::staging` (written at the first re-read) fell on a page of its own,
/// and the two pages plus the stack's one failed one run in three.
pub const RSS_GROWTH_KIB: u64 = 12;
/// CPU PID 1 may use while it should be idle (measured over `IDLE_WINDOW`): a spinning PID 1
/// uses all of it.
const IDLE_CPU: Duration = Duration::from_millis(30);
const IDLE_WINDOW: Duration = Duration::from_millis(500);
/// Clock ticks of /proc/PID/stat (USER_HZ, 100 on every Linux ABI).
const TICK: Duration = Duration::from_millis(10);

/// What PID 1 looked like before the fault.
pub struct Baseline {
    pub rss_kib: u64,
    pub cpu: Duration,
}

/// VmRSS of `pid` in KiB.
pub fn rss_kib(pid: i32) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = procfs::status_field(&status, "VmRSS");
    field.trim_end_matches("kB").trim().parse().unwrap()
}

/// User + system CPU time `pid` has used (utime and stime of /proc/PID/stat).
pub fn cpu_time(pid: i32) -> Duration {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')').unwrap() + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    TICK * u32::try_from(ticks).unwrap()
}

/// Reads the baseline of a booted, settled PID 1.
pub fn baseline(run: &Pid1) -> Baseline {
    Baseline {
        rss_kib: rss_kib(run.pid()),
        cpu: cpu_time(run.pid()),
    }
}

/// Fails if PID 1 uses more than a sliver of a core over half a second (a busy loop).
pub fn assert_not_spinning(run: &Pid1) {
    let before = cpu_time(run.pid());
    std::thread::sleep(IDLE_WINDOW);
    let used = cpu_time(run.pid()).saturating_sub(before);
    assert!(
        used <= IDLE_CPU,
        "PID 1 used {used:?} of CPU in {IDLE_WINDOW:?} while it should be idle (spinning?)\n{}",
        run.dump()
    );
}

/// Fails unless every child of PID 1 that is a zombie is reaped within the event bound.
pub fn assert_no_zombies(run: &Pid1) {
    let pid = run.pid();
    support::wait_until("no zombie child of PID 1", EVENT_TIMEOUT, || {
        procfs::processes_with_parent(pid)
            .iter()
            .all(|&(_, state)| state != 'Z')
    });
}

/// After a fault: PID 1 is not spinning, used at most `cpu_budget` of CPU since the baseline,
/// reaps its children, grew by at most three pages (`RSS_GROWTH_KIB`), answers `telinit q` (its log says
/// "Re-reading inittab"), and a SIGTERM from outside ends it with exit 0 within `stop_within`.
pub fn assert_recovers(
    mut run: Pid1,
    base: &Baseline,
    cpu_budget: Duration,
    stop_within: Duration,
) {
    assert_not_spinning(&run);
    let used = cpu_time(run.pid()).saturating_sub(base.cpu);
    assert!(
        used <= cpu_budget,
        "PID 1 used {used:?} of CPU since the baseline, more than {cpu_budget:?}\n{}",
        run.dump()
    );
    assert_no_zombies(&run);
    let rss = rss_kib(run.pid());
    assert!(
        rss <= base.rss_kib + RSS_GROWTH_KIB,
        "VmRSS grew from {} KiB to {rss} KiB\n{}",
        base.rss_kib,
        run.dump()
    );
    let tools = Tools::vinit();
    nsrun(run.pid(), &[&tools.get("telinit"), "q"]).ok();
    run.expect_line("Re-reading inittab", EVENT_TIMEOUT);
    run.signal(libc::SIGTERM);
    let status = run.wait_exit(stop_within);
    assert_eq!(status.code(), Some(0), "{}", run.dump());
}

/// The health check itself passes on a PID 1 that met no fault (and so can fail only because
/// of what a fault test did).
#[test]
fn test_health_check_passes_without_a_fault() {
    let mut run = namespace::Launch::vinit::<&str>(&[])
        .etc_file(
            "inittab",
            b"id:3:initdefault:\nl3:3:wait:/bin/echo level 3 ran\n",
        )
        .pid1();
    run.expect_line("level 3 ran", EVENT_TIMEOUT);
    clients::wait_for_initctl(run.pid());
    let base = baseline(&run);
    assert_recovers(
        run,
        &base,
        Duration::from_millis(200),
        Duration::from_secs(10),
    );
}
