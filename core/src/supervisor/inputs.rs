//! The machine's inputs but the stop signal (stopping.rs): the boot, the driver's answers to a
//! spawn, reaps, freezes, triggers, level requests and re-reads. Each takes the time.

use super::*;

impl Init {
    /// Starts the boot: sysinit entries first (pseudo-level `#`, compat §1.8 step 5).
    pub fn handle_boot(&mut self, _now: Instant) {
        self.phase = Phase::Boot;
        self.current = Level::SYSINIT;
        self.prev = b'N';
        self.check_critical();
    }

    /// The driver's answer to `Spawn(slot)`: the child's pid, or `None` if the entry cannot
    /// start at all (its command is malformed: it counts as an immediate exit with status 1,
    /// which feeds the respawn throttle). A failed fork is `handle_fork_failed`.
    pub fn handle_spawned(&mut self, now: Instant, slot: usize, pid: Option<Pid>) {
        let Some(p) = self.procs.get_mut(slot) else {
            return;
        };
        p.spawning = false;
        p.pid = pid;
        p.starts = p.starts.saturating_add(1);
        p.since = Some(now);
        let Some(pid) = pid else {
            p.last_exit = Some(Exit::Code(1));
            p.waiting = false;
            self.critical_exit(now, slot, Exit::Code(1));
            return;
        };
        self.children = true;
        self.timers.fork_retry = Deadline::NONE;
        self.verbose(Queued::Started(slot, pid));
        if let Some(failures) = self.fork.worked() {
            self.log(Notice::ForkWorks(failures));
        }
    }

    /// The driver's answer to `Spawn(slot)` when fork(2) failed with `errno`: the start is
    /// undone (not counted, not "already executed", the barrier kept) and spawning pauses for
    /// the back-off.
    pub fn handle_fork_failed(&mut self, now: Instant, slot: usize, errno: i32) {
        let (Some(p), Some(e)) = (self.procs.get_mut(slot), self.tab.entries().get(slot)) else {
            return;
        };
        p.spawning = false;
        p.waiting = false;
        if matches!(e.action, Action::Respawn | Action::OnDemand) {
            p.throttle.refund();
        } else {
            p.done = false;
        }
        let (retry, say) = self.fork.failed(now);
        self.timers.fork_retry = Deadline::at(retry);
        if say {
            let id = e.id.clone();
            self.log(Notice::CannotFork(id, errno));
        }
    }

    /// A child was reaped (any child: orphans are only logged with `-v`). Returns the entry
    /// id whose DEAD_PROCESS utmp record the driver writes at once (compat §6.6; none for
    /// orphans and `+` entries); returned, not queued, so a reap of a whole table never
    /// competes with the effects of a stop for queue room. An entry's process gets its line
    /// (`Notice::Exited`): at most one per table slot per pass of the driver, which the queue
    /// holds beside a stop's few effects. `-v` lines only: the exits of a kill round's
    /// processes (announced by its `Sending ... TERM` line), orphans, and a crash loop's
    /// repeats (a restart inside the respawn window that ends as the one before it did: a
    /// getty without a tty says it once, then the throttle's line; a service failing the same
    /// way every 30 s, once per 120 s window).
    #[must_use]
    pub fn handle_child_exit(&mut self, now: Instant, pid: Pid, exit: Exit) -> Option<&[u8]> {
        let dying = self.dying.iter().position(|d| d.pid == pid);
        let slot = match dying {
            Some(_) => None,
            None => self.procs.iter().position(|p| p.pid == Some(pid)),
        };
        let Some(i) = slot else {
            // A kill round's process (its entry's id) or an orphan (none): one `-v` line. The
            // id kept in the machine, so the answer is a borrow (two registers), not an `Id`
            // returned through memory; the line built first, then the id cloned into it (as
            // `admitted`): a clone taken aside was copied into the line.
            let d = dying.map(|i| self.dying.swap_remove(i));
            let mut line = Queued::Log(Notice::Reaped(Id::new(), pid, exit));
            if let (Some(d), Queued::Log(Notice::Reaped(quoted, ..))) = (&d, &mut line) {
                quoted.clone_from(&d.id);
            }
            self.verbose(line);
            self.reaped = d.filter(|d| d.utmp)?.id;
            return Some(&self.reaped);
        };
        let mut repeat = false;
        if let Some(p) = self.procs.get_mut(i) {
            p.pid = None;
            p.waiting = false;
            // A restart inside its respawn window (as `Spawn::quick_restart`) that ended as
            // the one before it did.
            repeat = p.last_exit == Some(exit) && p.throttle.count > 0;
            p.last_exit = Some(exit);
            p.since = Some(now);
        }
        let e = self.tab.entries().get(i)?;
        let warns = self.exit_warns(e.action, exit);
        let line = Queued::Exited {
            slot: i,
            pid,
            exit,
            warns,
        };
        // Ended on its own: an exit vinit caused is a `dying` one, or one during the stop. A
        // critical entry's line says the exit and the stop it starts.
        if !self.critical_exit(now, i, exit) {
            self.queue_line(line, repeat);
        }
        // The table is the same: a critical exit's level change re-reads nothing.
        let e = self.tab.entries().get(i)?;
        writes_utmp(e).then_some(&e.id)
    }

    /// Whether an entry's exit is a warning: a service (`respawn`, `ondemand`) or a `once`
    /// entry that ended on its own with a failure or a signal. Outside a stop, vinit kills
    /// only through kill rounds (their processes are not the table's any more), so an exit
    /// seen here ended on its own; during a stop, the sweep's kills are expected.
    fn exit_warns(&self, action: Action, exit: Exit) -> bool {
        exit != Exit::Code(0)
            && !matches!(self.phase, Phase::Stopping(_))
            && matches!(action, Action::Respawn | Action::OnDemand | Action::Once)
    }

    /// Queues a `-v` line, if asked for and while the queue has room to spare: a reap pass
    /// can find any number of orphans, and a verbose line must never take the room of an
    /// effect or of an entry's exit line.
    fn verbose(&mut self, line: Queued) {
        self.queue_line(line, true);
    }

    /// Queues a line; a `-v` one (`verbose_only`) as `verbose` does. One call for both, so the
    /// line is built once.
    fn queue_line(&mut self, line: Queued, verbose_only: bool) {
        if !verbose_only || (self.config.verbose && self.queue.len() < VERBOSE_QUEUED_MAX) {
            self.push(line);
        }
    }

    /// What the edge's last reap found: whether vinit has any child left at all (orphans
    /// included; `false` when waitpid said ECHILD).
    pub fn handle_children(&mut self, present: bool) {
        self.children = present;
    }

    /// SIGTSTP (true) / SIGCONT (false): `halt -f` freezes init around reboot(2) (compat §4).
    /// A stop signal thaws it (`handle_stop`).
    pub fn handle_freeze(&mut self, frozen: bool) {
        if self.frozen != frozen {
            self.frozen = frozen;
            self.log(Notice::Frozen(frozen));
        }
    }

    /// A sysvinit trigger (SIGWINCH, SIGPWR with a power status, initctl power commands).
    pub fn handle_trigger(&mut self, _now: Instant, trigger: Trigger) {
        if !matches!(self.phase, Phase::Down) {
            self.mark_triggered(trigger);
        }
    }

    /// An initctl RUNLVL request (or telinit by signal-free means): `byte` as sent, with the
    /// request's sleeptime; `fresh` is the re-read inittab (`None` keeps the current one).
    pub fn handle_level_request(
        &mut self,
        now: Instant,
        byte: u8,
        sleeptime: Duration,
        fresh: Option<&mut Inittab>,
    ) {
        if matches!(self.phase, Phase::Down) {
            // The reboot-loop pause: the next boot reads the inittab anyway; only a stop counts.
            return;
        }
        self.sleeptime = sleeptime;
        // Every request but a level change and `u` re-reads at the current level: one call.
        let notice = match byte.to_ascii_uppercase() {
            b'Q' => Notice::Rereading,
            b'U' => return self.log(Notice::ReExec),
            letter @ (b'A' | b'B' | b'C') => {
                if self.current == Level::SINGLE {
                    return self.reload(now, fresh);
                }
                for (p, e) in self.procs.iter_mut().zip(self.tab.entries()) {
                    if e.levels.contains_demand(letter) {
                        p.demand = true;
                        p.done = false;
                    }
                }
                Notice::Demand(letter)
            }
            other => match Level::named(other) {
                Some(level) => {
                    return self.change_level(now, level, fresh);
                }
                // compat §2.6: logged, then handled like `q`.
                _ => Notice::BadRunlevel(byte),
            },
        };
        self.log(notice);
        self.reload(now, fresh);
    }

    /// SIGHUP: re-read and apply the differences (compat §2.5).
    pub fn handle_reload(&mut self, now: Instant, fresh: &mut Inittab) {
        if !matches!(self.phase, Phase::Down) {
            self.reload(now, Some(fresh));
        }
    }
}
