//! Seeded chaos histories: whatever the processes do, the stop ends inside its budget.

use super::*;

const CHAOS_TABS: [&str; 7] = [
    BASIC,
    "id:3:initdefault:\ns1:3:respawn:/s1\ns2:345:respawn:/s2\n",
    "id:3:initdefault:\nsi::sysinit:/si\nw:3:wait:/w\no:3:once:/o\nr:3:respawn:/r\nl0:0:wait:/rc0\n",
    "id:2:initdefault:\nr2:2:respawn:/r\nr3:3:respawn:/r\nd:a:ondemand:/d\nca::ctrlaltdel:/sd\nl0:0:wait:/rc0\nl6:6:wait:/rc6\n",
    "id:3:initdefault:\np::powerwait:/pw\nr:3:respawn:/r\nk::kbrequest:/k\nl0:0:once:/o0\nl0b:0:wait:/rc0\n",
    "si::sysinit:/si\nbw::bootwait:/bw\nf1:3:respawn:/f\nf2:3:respawn:/f\npn::powerfailnow:/pn\npo::powerokwait:/po\n",
    "id:5:initdefault:\nw5:5:wait:/w\nr:12345:respawn:/r\nS1:S:wait:/single\nl0:0:wait:/rc0\nl6:6:wait:/rc6\n",
];

/// Seeded random histories (exits, level requests, triggers, time) followed by a runtime
/// stop: the supervisor never livelocks, never goes idle with work left, and always exits 0
/// within its budget plus the final kill wait, whatever the processes do.
#[test]
fn test_chaos_histories_always_stop_within_the_budget() {
    // VINIT_CHAOS_SEEDS=N runs more for a deep local check.
    let seeds = std::env::var("VINIT_CHAOS_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3000u64);
    for seed in 1..=seeds {
        let mut w = World::seeded(CHAOS_TABS[(seed % 7) as usize], seed);
        for _ in 0..w.rng().below(40) {
            match w.rng().below(14) {
                0 | 1 => {
                    let level = b"012345S6abcqux"[w.rng().below(14) as usize];
                    let sleeptime = Duration::from_millis(w.rng().below(4_000));
                    w.request_with(level, sleeptime, None);
                }
                2 => {
                    let trigger = [
                        Trigger::KbRequest,
                        Trigger::PowerFail,
                        Trigger::PowerFailNow,
                        Trigger::PowerOk,
                        Trigger::CtrlAltDel,
                    ][w.rng().below(5) as usize];
                    w.trigger(trigger);
                }
                3 => {
                    let mut fresh = tab(CHAOS_TABS[w.rng().below(7) as usize]);
                    w.reload(&mut fresh);
                }
                4 => {
                    // SIGTSTP / SIGCONT (compat §4); a freeze may still hold when the stop
                    // comes.
                    let frozen = w.rng().below(2) == 0;
                    w.freeze(frozen);
                }
                _ => w.sleep(),
            }
            if w.ended() {
                break;
            }
        }
        if w.ended() {
            // Ended by a level-0 or level-6 request; the clean ending is checked below for
            // the rest.
            assert!(w.rebooted || w.exit_code == Some(0), "seed {seed}");
            continue;
        }
        let cause = [StopCause::Term, StopCause::Int, StopCause::Power][w.rng().below(3) as usize];
        let stop_at = w.now;
        w.stop(cause);
        // A second stop signal, sometimes, somewhere in the stop.
        let mut hurry_at = (w.rng().below(4) == 0).then(|| w.now + w.rng().below(6_000));
        for _ in 0..10_000 {
            if hurry_at.is_some_and(|at| w.now >= at) {
                hurry_at = None;
                w.stop(StopCause::Term);
            }
            if w.ended() {
                break;
            }
            w.sleep();
        }
        assert_eq!(w.exit_code, Some(0), "seed {seed}");
        assert!(!w.rebooted, "seed {seed}: a stop never reboots");
        let took = w.now - stop_at;
        assert!(
            took <= 8_000 + crate::sweep::KILL_WAIT.millis(),
            "seed {seed}: stop took {took} ms"
        );
    }
}
