//! Single-command mode, `vinit [OPTIONS] -- CMD [ARG...]`: tini's job, with the end done
//! right. Spawns CMD in its own session, forwards every catchable signal to it, reaps every
//! zombie, and when CMD exits, sweeps what is left (TERM, grace, KILL) before exiting with
//! CMD's status (or 128 + signal), remapped by `-e`.
//!
//! The loop blocks in poll(2) on the signalfd with no timeout unless a sweep deadline is
//! pending, so an idle vinit never wakes up.

use crate::args::SingleOptions;
use crate::log;
use crate::log::{Bytes, ErrName, Level};
use crate::spawn::{self, Tty};
use crate::status::signal::{SIGCHLD, SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use crate::sweep::{Step, Sweep};
use crate::sys::{self, Argv, Envp, Exit, Pid, SigMask};
use crate::time::{self, Duration};

/// Runs CMD and returns the status vinit must exit with.
#[inline(never)]
pub fn run(argv: Argv, envp: Envp, opts: SingleOptions) -> u8 {
    let Some(sfd) = crate::reaper::become_init() else {
        return 1;
    };
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
    let (Some(prog), Some(child_argv)) = (argv.get(opts.cmd_index), argv.tail_ptrs(opts.cmd_index))
    else {
        log!(Level::Fatal, "missing command");
        return crate::limits::EXIT_USAGE;
    };
    let path = envp.var(b"PATH").unwrap_or(spawn::DEFAULT_PATH);
    let child = match sys::fork() {
        Ok(sys::Forked::Child) => spawn::exec_child(prog, child_argv, envp.ptrs(), path, tty),
        Ok(sys::Forked::Parent(pid)) => pid,
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
    Supervisor {
        child,
        opts,
        child_exit: None,
        sweep: Sweep::new(),
    }
    .run(sfd.as_fd())
}

struct Supervisor {
    child: Pid,
    opts: SingleOptions,
    child_exit: Option<Exit>,
    sweep: Sweep,
}

impl Supervisor {
    fn run(mut self, sfd: sys::BorrowedFd<'_>) -> u8 {
        loop {
            let now = sys::now();
            let timeout = time::poll_timeout(now, self.sweep.deadline());
            if let Err(e) = sys::wait_readable(sfd, timeout) {
                log!(Level::Error, "poll failed: {}", ErrName(e));
            }
            self.drain_signals(sfd);
            let all_gone = self.reap();
            let now = sys::now();
            let step = match (self.child_exit, self.sweep.deadline()) {
                (None, _) => Step::Wait,
                (Some(exit), None) if matches!(self.sweep.phase(), crate::sweep::Phase::Idle) => {
                    let left = if all_gone {
                        0
                    } else {
                        crate::reaper::count_left()
                    };
                    if left > 0 {
                        log!(
                            Level::Info,
                            "main child exited with status {}; sending TERM to {} remaining processes, grace {} s",
                            exit.status(),
                            left,
                            self.opts.grace_secs
                        );
                    }
                    self.sweep
                        .start(now, Duration::from_secs(self.opts.grace_secs), all_gone)
                }
                (Some(_), _) => self.sweep.poll(now, all_gone),
            };
            match step {
                Step::Wait => {}
                Step::SignalAll(sig) => {
                    if sig == crate::sweep::SIGKILL {
                        log!(
                            Level::Warning,
                            "grace period over: sending KILL to {} processes",
                            crate::reaper::count_left()
                        );
                    }
                    crate::reaper::signal_all(sig);
                }
                Step::Finished => {
                    let status = self.child_exit.map_or(0, Exit::status);
                    return self.opts.remap.apply(status);
                }
            }
        }
    }

    /// Reads every queued signal; forwards all but SIGCHLD while the child lives.
    fn drain_signals(&mut self, sfd: sys::BorrowedFd<'_>) {
        loop {
            match sys::read_signal(sfd) {
                Ok(Some(info)) => self.on_signal(info.signo),
                Ok(None) => return,
                Err(e) => {
                    log!(Level::Error, "unable to read signalfd: {}", ErrName(e));
                    return;
                }
            }
        }
    }

    fn on_signal(&mut self, sig: u8) {
        if sig == SIGCHLD {
            return;
        }
        if self.child_exit.is_none() {
            let target = if self.opts.kill_group {
                -self.child
            } else {
                self.child
            };
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
        } else if matches!(sig, SIGTERM | SIGINT | SIGQUIT) {
            // A second stop request while sweeping: cut the grace period short.
            if let Step::SignalAll(s) = self.sweep.hurry(sys::now()) {
                log!(
                    Level::Warning,
                    "stop signal {} during the grace period: sending KILL",
                    sig
                );
                crate::reaper::signal_all(s);
            }
        }
    }

    /// Reaps every exited child; returns true when no child is left at all.
    fn reap(&mut self) -> bool {
        loop {
            match sys::reap_any() {
                Ok(Some((pid, exit))) => {
                    if pid == self.child {
                        self.child_exit = Some(exit);
                    }
                    if self.opts.verbose {
                        match exit {
                            Exit::Code(c) => log!(Level::Info, "reaped {}: exit code {}", pid, c),
                            Exit::Signal(s) => {
                                log!(Level::Info, "reaped {}: killed by signal {}", pid, s);
                            }
                        }
                    }
                }
                Ok(None) => return false,
                Err(sys::Errno::CHILD) => return true,
                Err(e) => {
                    log!(Level::Error, "wait failed: {}", ErrName(e));
                    return false;
                }
            }
        }
    }
}
