//! The real binary run as PID 1 of a new PID + mount namespace (`Pid1`), or as a plain
//! process inside one (`NotPid1`), signalled from outside the way a container runtime does.
//!
//! vinit's (and its children's) output lines are the events, read by threads into a channel
//! and waited for with a bound (`expect_line`); dropping a handle SIGKILLs the whole
//! namespace; nothing on the host is written except the run's own directory under the temp
//! dir (`/run`, `/var/log` and `/etc` are namespace mounts: tmpfs and a tmpfs-backed overlay,
//! so utmp, wtmp, the initctl FIFO and the inittab are all private). Not root: the test fails
//! loudly, never skips.

use std::collections::VecDeque;
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant};

use crate::procfs::{children, exe, status_field};
use crate::{Inside, POLL_STEP, TempDir, output_within, require_root, vinit};

/// How long the harness looks for the program's process after starting unshare.
const FIND_TIMEOUT: Duration = Duration::from_secs(30);
/// How long `Drop` waits for a SIGKILLed namespace to be reaped.
const KILL_TIMEOUT: Duration = Duration::from_secs(10);

/// What to start and how: build with `Launch::vinit(args)` (or `Launch::program` for a negative
/// control), then `.pid1()` or `.not_pid1()`.
pub struct Launch {
    program: PathBuf,
    /// A symlink to `program` to run it through (its argv[0] is then the link's name).
    link: Option<PathBuf>,
    args: Vec<String>,
    env: Vec<(String, String)>,
    setup: Vec<String>,
    etc_files: Vec<(String, Vec<u8>)>,
}

impl Launch {
    /// vinit with these arguments.
    pub fn vinit<S: AsRef<str>>(args: &[S]) -> Self {
        Self::program(vinit(), args)
    }

    /// Any program (absolute path) in vinit's place: for negative controls.
    pub fn program<S: AsRef<str>>(program: &str, args: &[S]) -> Self {
        Self {
            program: PathBuf::from(program),
            link: None,
            args: args.iter().map(|a| a.as_ref().to_owned()).collect(),
            env: Vec::new(),
            setup: Vec::new(),
            etc_files: Vec::new(),
        }
    }

    /// Runs the program through `link`, a symlink to it, so that its argv[0] is the link's
    /// name (`init`, `telinit`...), as a distribution installs vinit.
    pub fn via_link(mut self, link: &Path) -> Self {
        self.link = Some(link.to_owned());
        self
    }

    /// Sets an environment variable for the program (every `VINIT_*` of the test's own
    /// environment is removed, so only these count).
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A shell line run inside the namespace just before the program is started (after `/run`
    /// and `/etc` are set up), e.g. `exec 7</dev/null` to leave an extra fd open.
    pub fn setup(mut self, line: &str) -> Self {
        self.setup.push(line.to_owned());
        self
    }

    /// Puts a file at `/etc/<name>` inside the namespace only: `/etc` becomes an overlay whose
    /// upper layer is a tmpfs, so the host's `/etc` is never written.
    pub fn etc_file(mut self, name: &str, contents: &[u8]) -> Self {
        self.etc_files.push((name.to_owned(), contents.to_vec()));
        self
    }

    /// Starts the program as PID 1 of a new PID + mount namespace.
    pub fn pid1(self) -> Pid1 {
        Pid1(self.start(true))
    }

    /// Starts the program as a plain process (PID 2, child of a shell that is PID 1) of a new
    /// PID + mount namespace, so it is not PID 1 but everything still dies with the namespace.
    pub fn not_pid1(self) -> NotPid1 {
        NotPid1(self.start(false))
    }

    fn start(self, as_pid1: bool) -> Running {
        require_root();
        let program = fs::canonicalize(&self.program)
            .unwrap_or_else(|e| panic!("program {} not found: {e}", self.program.display()));
        let files = TempDir::new("etc");
        // /var/log: vinit appends RUN_LVL records to an existing wtmp, and the host's must not
        // grow. /var/run: private through /run where it is the usual symlink, else its own tmpfs.
        let mut script = String::from(
            "set -e\n\
             mount -t tmpfs -o mode=0755 vinit-run /run\n\
             if [ -d /var/log ]; then mount -t tmpfs -o mode=0755 vinit-log /var/log; fi\n\
             if [ -d /var/run ] && [ ! -L /var/run ]; then mount -t tmpfs -o mode=0755 vinit-var-run /var/run; fi\n",
        );
        if !self.etc_files.is_empty() {
            for (name, contents) in &self.etc_files {
                let path = files.join(name);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, contents).unwrap();
            }
            // The overlay's upper and work dirs live on the first tmpfs on /run, which a
            // second, empty tmpfs then hides: the program sees a clean /run.
            script.push_str(&format!(
                "mkdir /run/upper /run/work\n\
                 mount -t overlay vinit-etc -o lowerdir=/etc,upperdir=/run/upper,workdir=/run/work /etc\n\
                 cp -R '{}'/. /etc/\n\
                 mount -t tmpfs -o mode=0755 vinit-run /run\n",
                files.path().display()
            ));
        }
        for line in &self.setup {
            script.push_str(line);
            script.push('\n');
        }
        script.push_str("set +e\nprog=$1\nshift\n");
        script.push_str(if as_pid1 {
            "exec \"$prog\" \"$@\"\n"
        } else {
            "\"$prog\" \"$@\"\nexit $?\n"
        });

        let mut cmd = Command::new("unshare");
        cmd.args([
            "--pid",
            "--fork",
            "--mount-proc",
            "--kill-child",
            "/bin/sh",
            "-c",
            &script,
            "vinit-harness",
        ])
        .arg(self.link.as_ref().unwrap_or(&program))
        .args(&self.args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        for (name, _) in std::env::vars() {
            if name.starts_with("VINIT_") {
                cmd.env_remove(name);
            }
        }
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        let started = Instant::now();
        let mut unshare = cmd.spawn().expect("cannot run unshare(1) (util-linux)");
        let (tx, rx) = mpsc::channel();
        spawn_reader(unshare.stdout.take().unwrap(), Stream::Stdout, tx.clone());
        spawn_reader(unshare.stderr.take().unwrap(), Stream::Stderr, tx);
        let mut run = Running {
            unshare,
            pid: None,
            exit: None,
            started,
            output: Output {
                rx,
                pending: VecDeque::new(),
                history: Vec::new(),
                stdout: Vec::new(),
                closed: false,
            },
            _files: files,
        };
        run.pid = run.find_program(&program, if as_pid1 { 1 } else { 2 });
        run
    }
}

/// Which of the program's output streams a line came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

fn spawn_reader(stream: impl Read + Send + 'static, which: Stream, tx: Sender<(Stream, String)>) {
    thread::spawn(move || {
        for line in BufReader::new(stream).split(b'\n') {
            let Ok(line) = line else { return };
            if tx
                .send((which, String::from_utf8_lossy(&line).into_owned()))
                .is_err()
            {
                return;
            }
        }
    });
}

/// Lines of stdout and stderr (merged; each stream keeps its own order).
pub struct Output {
    rx: Receiver<(Stream, String)>,
    /// Lines received but not yet matched by an `expect_line`.
    pending: VecDeque<String>,
    /// Every line received, for failure messages.
    history: Vec<String>,
    /// The lines of `history` that came from stdout.
    stdout: Vec<String>,
    /// Both streams reached end of file.
    closed: bool,
}

impl Output {
    fn recv(&mut self, deadline: Instant) -> Result<String, RecvTimeoutError> {
        if self.closed {
            return Err(RecvTimeoutError::Disconnected);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok((which, line)) => {
                self.history.push(line.clone());
                if which == Stream::Stdout {
                    self.stdout.push(line.clone());
                }
                Ok(line)
            }
            Err(e) => {
                if e == RecvTimeoutError::Disconnected {
                    self.closed = true;
                }
                Err(e)
            }
        }
    }

    fn dump(&self) -> String {
        let mut s = String::new();
        for line in &self.history {
            s.push_str("    | ");
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

/// A started namespace and the program in it; `Pid1` and `NotPid1` deref to this.
pub struct Running {
    unshare: Child,
    /// Host pid of the program.
    pid: Option<i32>,
    exit: Option<ExitStatus>,
    started: Instant,
    output: Output,
    _files: TempDir,
}

impl Running {
    /// Finds the program's host pid: the process at `depth` below unshare (1: unshare's
    /// child, the namespace's PID 1; 2: a child of that) whose executable is `program`.
    /// Gives up (None) if the namespace exits first, e.g. on a usage error.
    fn find_program(&mut self, program: &Path, depth: usize) -> Option<i32> {
        let deadline = Instant::now() + FIND_TIMEOUT;
        loop {
            let mut level = vec![self.unshare.id() as i32];
            for _ in 0..depth {
                level = level.iter().flat_map(|&p| children(p)).collect();
            }
            if let Some(&pid) = level.iter().find(|&&p| exe(p).as_deref() == Some(program)) {
                return Some(pid);
            }
            if let Some(status) = self.unshare.try_wait().unwrap() {
                self.exit = Some(status);
                return None;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not start within {FIND_TIMEOUT:?}; output:\n{}",
                program.display(),
                self.output.dump()
            );
            thread::sleep(POLL_STEP);
        }
    }

    /// The program's pid on the host (where `kill` from outside applies).
    pub fn pid(&self) -> i32 {
        self.pid.unwrap_or_else(|| {
            panic!(
                "the program exited before it was found; output:\n{}",
                self.output.dump()
            )
        })
    }

    /// The program's pid inside its namespace (last field of `NSpid` in /proc/PID/status).
    pub fn ns_pid(&self) -> i32 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status_field(&status, "NSpid")
            .split_whitespace()
            .last()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// Sends `sig` to the program from outside its namespace, as `docker stop`/`docker kill` do.
    pub fn signal(&self, sig: i32) {
        // SAFETY: kill has no memory-safety preconditions.
        let rc = unsafe { libc::kill(self.pid(), sig) };
        assert_eq!(
            rc,
            0,
            "kill({}, {sig}): {}",
            self.pid(),
            std::io::Error::last_os_error()
        );
    }

    /// Waits for a line containing `needle` on stdout or stderr and returns it. Lines that
    /// arrived earlier but were not matched yet count too, so two expectations on two streams
    /// may be written in either order; every matched line is used up.
    pub fn expect_line(&mut self, needle: &str, timeout: Duration) -> String {
        self.expect_matching(needle, timeout, |l| l.contains(needle))
    }

    /// As `expect_line`, for a line that starts with `prefix`: a service's own output, never
    /// vinit's exit line for it (which quotes the command, and so the words it echoes).
    pub fn expect_output(&mut self, prefix: &str, timeout: Duration) -> String {
        self.expect_matching(prefix, timeout, |l| l.starts_with(prefix))
    }

    fn expect_matching(
        &mut self,
        needle: &str,
        timeout: Duration,
        matches: impl Fn(&str) -> bool,
    ) -> String {
        if let Some(i) = self.output.pending.iter().position(|l| matches(l)) {
            return self.output.pending.remove(i).unwrap();
        }
        let deadline = Instant::now() + timeout;
        loop {
            match self.output.recv(deadline) {
                Ok(line) if matches(&line) => return line,
                Ok(line) => self.output.pending.push_back(line),
                Err(e) => panic!(
                    "no line containing {needle:?} within {timeout:?} ({}); output so far:\n{}",
                    if e == RecvTimeoutError::Timeout {
                        "timed out"
                    } else {
                        "output closed"
                    },
                    self.output.dump()
                ),
            }
        }
    }

    /// Waits (bounded) until a line containing `needle` has been received, matched or not,
    /// without using it up: to count the lines of one stream after awaiting a line of the
    /// other (two pipes, two reader threads: no order between them).
    pub fn await_seen(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.output.history.iter().any(|l| l.contains(needle)) {
            match self.output.recv(deadline) {
                Ok(line) => self.output.pending.push_back(line),
                Err(e) => panic!(
                    "no line containing {needle:?} within {timeout:?} ({e:?}); output so far:\n{}",
                    self.output.dump()
                ),
            }
        }
    }

    /// Waits for the namespace to end (unshare exits with the program's status), bounded.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.exit {
            return status;
        }
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.unshare.try_wait().unwrap() {
                self.exit = Some(status);
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "still running after {timeout:?}; output so far:\n{}",
                self.output.dump()
            );
            thread::sleep(POLL_STEP);
        }
    }

    /// Waits for the exit and for both output streams to close; returns every line seen.
    pub fn finish(&mut self, timeout: Duration) -> (ExitStatus, Vec<String>) {
        let deadline = Instant::now() + timeout;
        let status = self.wait_exit(timeout);
        loop {
            match self.output.recv(deadline) {
                Ok(line) => self.output.pending.push_back(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "output still open {timeout:?} after exit:\n{}",
                        self.output.dump()
                    )
                }
            }
        }
        (status, self.output.history.clone())
    }

    /// Time since the namespace was started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Every line received so far (for assertions on what did not happen).
    pub fn history(&self) -> &[String] {
        &self.output.history
    }

    /// The lines received so far that came from stdout (children's output, docker-logs style).
    pub fn stdout_lines(&self) -> &[String] {
        &self.output.stdout
    }

    /// Runs `args` inside the namespace (its PID and mount namespaces, through nsenter(1)), as
    /// `docker exec` does, and waits for it with a bound. The path of the program is resolved
    /// in the namespace's mounts.
    pub fn exec_inside<S: AsRef<str>>(&self, args: &[S], timeout: Duration) -> Inside {
        let pid = self.pid().to_string();
        let mut cmd = Command::new("nsenter");
        cmd.args(["-t", &pid, "-p", "-m", "--"])
            .args(args.iter().map(AsRef::as_ref));
        for (name, _) in std::env::vars() {
            if name.starts_with("VINIT_") {
                cmd.env_remove(name);
            }
        }
        let what = args.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(" ");
        output_within(&mut cmd, timeout).unwrap_or_else(|| {
            panic!(
                "`{what}` inside the namespace did not finish within {timeout:?}; output:\n{}",
                self.output.dump()
            )
        })
    }

    /// `path` (absolute, inside the namespace) as the host reaches it: through
    /// /proc/PID/root. Refuses any path with a symlink on the way, since an absolute link
    /// would be followed from the host's root and lead out of the namespace.
    pub fn path_inside(&self, path: &str) -> PathBuf {
        let root = PathBuf::from(format!("/proc/{}/root", self.pid()));
        let mut at = root.clone();
        for part in Path::new(path)
            .strip_prefix("/")
            .expect("absolute path")
            .components()
        {
            at.push(part);
            if let Ok(meta) = fs::symlink_metadata(&at) {
                assert!(
                    !meta.file_type().is_symlink(),
                    "{path}: {} is a symlink; refusing to follow it from the host",
                    at.display()
                );
            }
        }
        at
    }

    /// Every line received so far, one per row, for assertion messages.
    pub fn dump(&self) -> String {
        self.output.dump()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if thread::panicking() {
            eprintln!("output of the failed run:\n{}", self.output.dump());
        }
        if self.exit.is_some() {
            return;
        }
        // Killing the program first takes a Pid1 namespace down at once; killing unshare
        // makes --kill-child SIGKILL the namespace's PID 1, which takes the rest down.
        if let Some(pid) = self.pid {
            // SAFETY: kill has no memory-safety preconditions; the pid is not reused while
            // unshare (its ancestor) has not been reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        let _ = self.unshare.kill();
        let deadline = Instant::now() + KILL_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.unshare.try_wait() {
                return;
            }
            thread::sleep(POLL_STEP);
        }
        eprintln!(
            "warning: unshare {} not reaped {KILL_TIMEOUT:?} after SIGKILL",
            self.unshare.id()
        );
    }
}

/// The program as PID 1 of its own PID + mount namespace.
pub struct Pid1(Running);

/// The program as PID 2 (a child of a shell that is PID 1) of its own PID + mount namespace.
pub struct NotPid1(Running);

impl Deref for Pid1 {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.0
    }
}

impl DerefMut for Pid1 {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.0
    }
}

impl Deref for NotPid1 {
    type Target = Running;
    fn deref(&self) -> &Running {
        &self.0
    }
}

impl DerefMut for NotPid1 {
    fn deref_mut(&mut self) -> &mut Running {
        &mut self.0
    }
}
