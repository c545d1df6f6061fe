//! Single-command mode, `vinit [OPTIONS] -- CMD [ARG...]`: tini's job, with the end done
//! right. Spawns CMD in its own session, forwards every catchable signal to it, reaps every
//! zombie, and when CMD exits, sweeps what is left (TERM, grace, KILL) before exiting with
//! CMD's status (or 128 + signal), remapped by `-e`.
//!
//! `-r FROM:TO` (`VINIT_REWRITE`) forwards FROM as TO, or drops it (TO 0). The first stop
//! signal vinit receives and forwards (SIGTERM, SIGINT; rewritten or not, but not dropped)
//! starts the stop budget (`VINIT_STOP_TIMEOUT`, `-T`, default 9 s): whatever still runs at
//! 7/8 of it, CMD included, gets KILL, and vinit is gone by its end, before the runtime's own
//! KILL (Docker's comes at 10 s). The grace for what CMD leaves (`-t`) never runs past it.
//! With a drain delay (`-d`, `VINIT_STOP_DELAY`), that first stop signal is held that long
//! before it is forwarded (a second one forwards it at once), inside the budget.
//!
//! The loop blocks in poll(2) on the signalfd with no timeout unless a sweep or budget
//! deadline is pending, so an idle vinit never wakes up.

use crate::init_setup::{Failure, errno_line};
use crate::log;
use crate::log::{Bytes, ErrName, Level, LogLine};
use crate::spawn::{self, Tty};
use crate::sys::{self, Argv, Envp, Exit, Pid, SigMask};
use vinit_core::args::SingleOptions;
use vinit_core::display::{Arg, ArgOf, ExitShown};
use vinit_core::limits::EXIT_KILLED;
use vinit_core::status::signal::{SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGKILL, SIGQUIT, SIGTERM};
use vinit_core::sweep::{Budget, KILL_WAIT, Phase, Step, Sweep};
use vinit_core::time::{self, Duration, Instant};

/// Whether `sig` is a stop signal of single-command mode: the first one forwarded to CMD
/// starts the stop budget. SIGTERM is every runtime's stop signal and SIGINT the other common
/// one (and inittab mode's too). SIGQUIT is only forwarded: it asks a JVM for a thread dump.
/// Two comparisons, not a search of an array.
const fn is_stop_signal(sig: u8) -> bool {
    matches!(sig, SIGTERM | SIGINT)
}

/// Runs CMD and returns the status vinit must exit with.
#[inline(never)]
pub fn run(argv: Argv, envp: Envp, opts: &SingleOptions, pid1: bool) -> u8 {
    // `parse_vinit` returns `Single` only with CMD at `cmd_index`: not reached, so no line of
    // its own.
    let Some((child_argv, prog)) = argv.command(opts.cmd_index) else {
        return vinit_core::limits::EXIT_USAGE;
    };
    // Only what CMD must start with comes before it (the start-up latency: execve of vinit to
    // CMD's first instruction); the fault signals' handler and the signalfd come after, as
    // every signal stays blocked (queued) meanwhile.
    if !crate::init_setup::prepare(pid1, SigMask::ALL) {
        return 1;
    }
    let tty = if sys::is_terminal(sys::stdin()) {
        // Give the terminal up so the child's new session can take it (job control and
        // Ctrl-C in `docker run -it`). The kernel answers with SIGHUP and SIGCONT to our own
        // group, which must not be forwarded.
        if sys::release_controlling_tty(sys::stdin()).is_ok() {
            sys::discard_pending(SigMask((1 << (SIGHUP - 1)) | (1 << (SIGCONT - 1))));
        }
        Tty::FromStdin
    } else {
        Tty::None
    };
    let cmd = spawn::Command {
        prog,
        argv: child_argv,
        envp,
        tty,
    };
    let child = match sys::spawn_shared(&cmd, spawn::exec_child) {
        Ok(pid) => pid,
        Err(e) => {
            log!(
                Level::Fatal,
                "unable to fork for \"{}\": {}",
                Bytes(prog.to_bytes()),
                ErrName(e)
            );
            return 1;
        }
    };
    let command = SingleCommand {
        child,
        opts,
        child_exit: None,
        sweep: Sweep::new(),
        budget: None,
        stop_signal: 0,
        held_as: 0,
        drained: Instant::NEVER,
    };
    sys::set_fault_signal_target(command.target());
    if let Err(e) = sys::forward_fault_signals() {
        errno_line(Failure::FaultHandler, e);
    }
    // Now the fault signals may come: one sent meanwhile is forwarded at once. (Without the
    // handler, as PID 1 the kernel drops them, and otherwise they end vinit.)
    let _ = sys::set_signal_mask(SigMask::CATCHABLE);
    let Some(sfd) = crate::init_setup::signal_fd() else {
        // Without it, vinit could neither forward nor reap: CMD must not run unattended.
        let _ = sys::kill(child, SIGKILL);
        return 1;
    };
    // The child keeps the directory vinit was started in; vinit itself lets go of it, so it
    // does not hold a mount busy for the container's whole life.
    if let Err(e) = sys::chdir_root() {
        errno_line(Failure::Chdir, e);
    }
    let status = command.run(sfd.as_fd());
    // vinit exits with this status at once: the exit closes the signalfd, no close(2) here.
    core::mem::forget(sfd);
    status
}

/// One run of CMD, from its start to vinit's exit: the child, how it ended, the sweep of what
/// it left and the stop budget. It decides (`step`) and carries out (`run`) both.
struct SingleCommand<'a> {
    child: Pid,
    /// Read only: borrowed, not copied in.
    opts: &'a SingleOptions,
    child_exit: Option<Exit>,
    sweep: Sweep,
    /// Started by the first stop signal forwarded to the child.
    budget: Option<Budget>,
    /// That signal.
    stop_signal: u8,
    /// What that signal is forwarded as (`-r`), once the drain delay is over.
    held_as: u8,
    /// While that signal is held for the drain delay: when it is forwarded; `Instant::NEVER`
    /// when none is held.
    drained: Instant,
}

impl SingleCommand<'_> {
    /// The loop, until vinit's exit status. Out of line: inlined into the start-up, it shared
    /// one frame and its registers with the start-up's locals, and spilled more.
    #[inline(never)]
    fn run(mut self, sfd: sys::BorrowedFd<'_>) -> u8 {
        loop {
            let timeout = time::poll_timeout(sys::now(), self.deadline());
            if let Err(e) = sys::wait_readable(sfd, timeout) {
                errno_line(Failure::Poll, e);
            }
            // One reading of the clock per wake-up, for the signals and the step.
            let now = sys::now();
            self.drain_signals(sfd, now);
            let all_gone = self.reap();
            match self.step(now, all_gone) {
                Step::Wait => {}
                Step::SignalAll(sig) => crate::processes_left::signal_all(sig),
                Step::Finished => {
                    // The child can be missing only when the budget ran out and it was stuck
                    // in the kernel even after its KILL.
                    let status = self.child_exit.map_or(EXIT_KILLED, Exit::status);
                    return self.opts.remap.apply(status);
                }
            }
        }
    }

    /// Where forwarded signals go: the child, or its process group with `-g`.
    const fn target(&self) -> Pid {
        if self.opts.kill_group {
            -self.child
        } else {
            self.child
        }
    }

    /// When the loop must wake up next: the budget's kill point while the child runs, else
    /// the sweep's deadline.
    fn deadline(&self) -> Option<Instant> {
        match (self.child_exit, self.sweep.phase(), self.budget) {
            (None, Phase::Idle, Some(budget)) => Some(self.drained.min(budget.kill_at())),
            _ => self.sweep.deadline(),
        }
    }

    /// What to do after a wake-up; logs what it decides. One path for the sweep's poll while
    /// it runs and its two starts, when the budget runs out (no grace) or when the child has
    /// exited (the grace `-t`), both within the budget: one call each to the sweep, to
    /// `Budget::bound` and to `kill_line`.
    fn step(&mut self, now: Instant, all_gone: bool) -> Step {
        let sweeping = self.sweep.phase() != Phase::Idle;
        let step = if sweeping {
            self.sweep.poll(now, all_gone)
        } else {
            let wanted = match self.child_exit {
                None => {
                    if now >= self.drained {
                        self.end_drain();
                    }
                    match self.budget {
                        Some(budget) if now >= budget.kill_at() => {
                            self.budget_ran_out(now, budget);
                            Duration::ZERO
                        }
                        Some(_) | None => return Step::Wait,
                    }
                }
                Some(_) => Duration::from_secs(self.opts.grace_secs),
            };
            let (grace, kill_wait) = match self.budget {
                Some(budget) => budget.bound(now, wanted),
                None => (wanted, KILL_WAIT),
            };
            if let Some(exit) = self.child_exit {
                self.exit_line(exit, all_gone, grace, wanted);
            }
            self.sweep.start_within(now, grace, kill_wait, all_gone)
        };
        // The budget's line already named who gets KILL.
        if step == Step::SignalAll(SIGKILL) && (sweeping || self.child_exit.is_some()) {
            kill_line();
        }
        step
    }

    /// The line when the child has exited and processes are left: how many, and the grace
    /// they get (`grace`: what the budget leaves of the `wanted` one).
    fn exit_line(&self, exit: Exit, all_gone: bool, grace: Duration, wanted: Duration) {
        let left = if all_gone {
            0
        } else {
            crate::processes_left::count()
        };
        if left == 0 {
            return;
        }
        // One line, two templates: the grace asked for, or what the budget leaves of it. One
        // call writes either (`fill!` packs each and checks its `{}` against the three zeros).
        fn template(t: &'static [u8], _: &[Arg<'_>]) -> &'static [u8] {
            t
        }
        let (template, grace_shown) = if grace == wanted {
            (
                vinit_core::fill!(
                    template,
                    [],
                    "main child exited with status {}; sending TERM to {} remaining processes, grace {} s",
                    0u8,
                    0u8,
                    0u8
                ),
                self.opts.grace_secs,
            )
        } else {
            (
                vinit_core::fill!(
                    template,
                    [],
                    "main child exited with status {}; sending TERM to {} remaining processes, grace {} ms (what the stop budget leaves)",
                    0u8,
                    0u8,
                    0u8
                ),
                grace.millis(),
            )
        };
        log::log_line(
            Level::Info,
            template,
            &[
                exit.status().log_arg(),
                left.log_arg(),
                grace_shown.log_arg(),
            ],
        );
    }

    /// The one line that says who ignored the stop signal, before they all get KILL.
    fn budget_ran_out(&self, now: Instant, budget: Budget) {
        vinit_core::fill!(
            names_line,
            [],
            "stop: main child {} still running {} ms after signal {} (budget {} ms): sending KILL to ",
            self.child,
            // Wrapping: the budget started at an earlier reading of the monotonic clock.
            now.millis().wrapping_sub(budget.started().millis()),
            self.stop_signal,
            budget.len().millis()
        );
    }

    /// Reads every queued signal; forwards all but SIGCHLD while the child lives.
    /// Reads at most `SIGNALS_PER_PASS` signals: a storm cannot keep the loop from reaping or
    /// from the stop budget; the rest are read on the next pass (the signalfd stays readable).
    fn drain_signals(&mut self, sfd: sys::BorrowedFd<'_>, now: Instant) {
        for _ in 0..vinit_core::limits::SIGNALS_PER_PASS {
            match sys::read_signal(sfd) {
                Ok(Some(info)) => self.on_signal(info.signo, now),
                Ok(None) => return,
                Err(e) => {
                    errno_line(Failure::ReadSignalfd, e);
                    return;
                }
            }
        }
    }

    fn on_signal(&mut self, sig: u8, now: Instant) {
        if sig == SIGCHLD {
            return;
        }
        if self.child_exit.is_none() {
            // `-r`: a signal dropped (TO 0) does nothing, not even start the stop.
            let to = self.opts.rewrite.apply(sig);
            if to == 0 {
                return;
            }
            // The budget follows the signal received, whatever it is forwarded as: the
            // runtime's KILL comes all the same.
            if is_stop_signal(sig) {
                if self.drained != Instant::NEVER {
                    // A second stop signal ends the drain: the held one goes now.
                    return self.end_drain();
                }
                if self.budget.is_none() {
                    self.stop_signal = sig;
                    self.held_as = to;
                    let budget = Budget::new(now, Duration::from_secs(self.opts.stop_budget_secs));
                    self.budget = Some(budget);
                    let delay = self.opts.stop_delay;
                    if delay.millis() > 0 {
                        log!(
                            Level::Info,
                            "stop signal {}: draining for {} ms before forwarding it (VINIT_STOP_DELAY)",
                            sig,
                            delay.millis()
                        );
                        self.drained = now.after(delay);
                        return;
                    }
                }
            }
            self.forward(to);
        } else if matches!(sig, SIGTERM | SIGINT | SIGQUIT) {
            // A second stop request while sweeping: cut the grace period short.
            if let Step::SignalAll(s) = self.sweep.hurry(now) {
                log!(
                    Level::Warning,
                    "stop signal {} during the grace period: sending KILL",
                    sig
                );
                crate::processes_left::signal_all(s);
            }
        }
    }

    /// Forwards `sig`, as `-r` has rewritten it (never to 0: a dropped signal is not
    /// forwarded), to the child (or its group).
    fn forward(&self, sig: u8) {
        let target = self.target();
        if let Err(e) = sys::kill(target, sig)
            && e != sys::Errno::SRCH
        {
            log!(
                Level::Warning,
                "unable to forward signal {} to {}: {}",
                sig,
                target,
                ErrName(e)
            );
        }
    }

    /// The drain delay is over: the held stop signal goes to the child.
    fn end_drain(&mut self) {
        self.drained = Instant::NEVER;
        self.forward(self.held_as);
    }

    /// Reaps every exited child; returns true when no child is left at all. With `-v`, each
    /// is named while still a zombie (/proc/PID/stat's comm: an orphan's name is not known
    /// any other way), then reaped by its pid.
    fn reap(&mut self) -> bool {
        loop {
            let zombie = self.opts.verbose.then(sys::peek_exited).flatten();
            let stat = zombie.and_then(sys::read_stat);
            match sys::reap(zombie) {
                Ok(Some((pid, exit))) => {
                    if pid == self.child {
                        self.child_exit = Some(exit);
                        // Its pid is free now: fault signals have nowhere to go.
                        sys::set_fault_signal_target(0);
                    }
                    if self.opts.verbose {
                        let mut line = LogLine::new(Level::Info);
                        line.push(b"reaped pid ");
                        crate::processes_left::push_process(
                            &mut line,
                            pid,
                            stat.as_ref().map_or(&b"?"[..], sys::ProcStat::name),
                        );
                        vinit_core::fill!(
                            crate::log::LogLine::write,
                            [&mut line],
                            " {}",
                            ExitShown(exit)
                        );
                        line.emit();
                    }
                }
                Ok(None) => return false,
                Err(sys::Errno::CHILD) => return true,
                Err(e) => {
                    errno_line(Failure::Wait, e);
                    return false;
                }
            }
        }
    }
}

/// `vinit: warning: grace period over: sending KILL to N processes: PID (NAME), ...`, before
/// a KILL to all of them.
fn kill_line() {
    vinit_core::fill!(names_line, [], "grace period over: sending KILL to ");
}

/// A warning that ends with how many processes are left and their names (`N processes: PID
/// (NAME), ...`): one copy for both lines that say who gets KILL, the count taken here.
#[inline(never)]
fn names_line(template: &[u8], args: &[vinit_core::display::Arg<'_>]) {
    let mut line = LogLine::new(Level::Warning);
    line.write(template, args);
    // The number pushed, not a template's argument: no argument array in this frame.
    line.line()
        .push_number(u64::from(crate::processes_left::count()), false);
    line.push(b" processes: ");
    crate::processes_left::write_names(&mut line);
    line.emit();
}
