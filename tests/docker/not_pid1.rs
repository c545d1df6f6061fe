//! Not PID 1 (issue #11): under `docker run --init`, in a shared PID namespace, and
//! `docker exec CONTAINER init`, which is telinit.

use core::time::Duration;

use support::docker::{Container, Scenario, Stream, report};

use super::{FAST_STOP, TWO_SERVICES, assert_clean_stop, assert_under, wait_services};

/// The first line vinit writes when it boots as a container's main process without being PID 1.
fn subreaper_boot_line(why: &str) -> String {
    format!("vinit: info: booting /etc/inittab as a subreaper (not PID 1: {why})")
}

/// Asserts that vinit's first log line is `line`.
fn assert_first_line(c: &Container, line: &str) {
    let stderr = c.logs_of(Stream::Stderr);
    c.assert_that(
        stderr.lines().next() == Some(line),
        &format!("the first line is not {line:?}"),
    );
}

/// `docker exec CONTAINER init` (no arguments) in a container whose init runs is telinit: its
/// usage, exit 1, and no second boot.
fn assert_exec_init_is_telinit(c: &Container) {
    let exec = c.exec(&["init"]);
    c.assert_that(
        exec.code == Some(1) && exec.stderr.starts_with("Usage: init {"),
        &format!("docker exec init: {exec:?}"),
    );
}

/// `docker run --init IMAGE /sbin/init` (Compose `init: true`): docker-init (tini) is PID 1
/// and vinit its child. As /sbin/init with no arguments, vinit boots the inittab as a
/// subreaper and says so first; `docker exec CONTAINER init` there is telinit (an init serves
/// /run/initctl), not a second boot; `docker stop` reaches vinit through docker-init, level 0
/// runs, and the container exits 0 (tini exits with its child's status). Before issue #11,
/// /sbin/init that was not PID 1 was telinit: its usage, then `Exited (1)` at once.
#[test]
fn docker_run_init_boots_the_inittab_under_docker_init() {
    let s = Scenario::new("run-init");
    let file = s.write("inittab.run-init", TWO_SERVICES);
    let mount = format!("{}:/etc/inittab:ro", file.display());
    let args = ["--init", "-v", &mount, "--entrypoint", "/sbin/init"];
    let c = Container::run(&s, "run-init", &args, &[]);
    wait_services(&c, &s, 1);
    assert_first_line(
        &c,
        &subreaper_boot_line("parent is PID 1, e.g. docker run --init"),
    );
    let pid1 = c.exec(&["readlink", "/proc/1/exe"]);
    // Where the engine mounts it: /sbin/docker-init (Docker 20.10), /dev/init (older ones).
    c.assert_that(
        matches!(pid1.stdout.trim(), "/sbin/docker-init" | "/dev/init"),
        &format!("PID 1 is not docker-init: {pid1:?}"),
    );
    let procs = c.processes();
    c.assert_that(
        procs
            .iter()
            .any(|p| p.pid != 1 && p.ppid == 1 && p.comm == "init"),
        &format!("vinit is not PID 1's child: {procs:?}"),
    );
    assert_exec_init_is_telinit(&c);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "inittab, docker run --init, docker stop",
        "docker stop",
        took,
        exit,
    );
    assert_clean_stop(&c, &s, exit);
    assert_under(&c, took, FAST_STOP, "docker stop");
}

/// A Kubernetes pod with `shareProcessNamespace: true`: the pause process is PID 1, and each
/// container's main process has its parent outside the PID namespace. The first container
/// plays pause (`sleep`); a second joins its PID namespace (`--pid container:NAME`) with
/// /sbin/init as its main process: vinit boots the inittab as a subreaper and says why, `docker
/// exec CONTAINER init` is telinit, and `docker stop` ends it with 0 after level 0.
#[test]
fn shared_pid_namespace_boots_vinit_as_the_main_process() {
    let s = Scenario::new("pod");
    let pause = Container::run(&s, "pod-pause", &["--entrypoint", "/bin/sleep"], &["1000"]);
    let file = s.write("inittab.pod", TWO_SERVICES);
    let mount = format!("{}:/etc/inittab:ro", file.display());
    let namespace = format!("container:{}", pause.name);
    let args = [
        "--pid",
        &namespace,
        "-v",
        &mount,
        "--entrypoint",
        "/sbin/init",
    ];
    let c = Container::run(&s, "pod-vinit", &args, &[]);
    wait_services(&c, &s, 1);
    assert_first_line(
        &c,
        &subreaper_boot_line("parent is outside the PID namespace, e.g. a pod"),
    );
    let pid1 = c.exec(&["cat", "/proc/1/comm"]);
    c.assert_that(
        pid1.stdout.trim() == "sleep",
        &format!("PID 1 is not the pause container's: {pid1:?}"),
    );
    assert_exec_init_is_telinit(&c);
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    report(
        "inittab, shared PID namespace, docker stop",
        "docker stop",
        took,
        exit,
    );
    assert_clean_stop(&c, &s, exit);
    assert_under(&c, took, FAST_STOP, "docker stop");
    c.assert_that(pause.is_running(), "the pause container stopped too");
}

/// `docker exec CONTAINER init` or `vinit` (no arguments) in a container whose PID 1 is vinit:
/// the parent is outside the namespace as for a pod's main process, but PID 1 is vinit itself,
/// so `init` is telinit (its usage, exit 1) and `vinit` prints the hint (exit 2); neither
/// boots the inittab a second time.
#[test]
fn docker_exec_init_into_a_vinit_container_does_not_boot() {
    let s = Scenario::new("exec-init");
    let c = Container::boot(&s, "exec-init", TWO_SERVICES, &[]);
    wait_services(&c, &s, 1);
    assert_exec_init_is_telinit(&c);
    let exec = c.exec(&["vinit"]);
    c.assert_that(
        exec.code == Some(2) && exec.stderr.ends_with("try 'vinit --help'\n"),
        &format!("docker exec vinit: {exec:?}"),
    );
    let took = c.stop();
    let (exit, _) = c.wait_exit(Duration::from_secs(5));
    assert_clean_stop(&c, &s, exit);
    assert_under(&c, took, FAST_STOP, "docker stop");
}
