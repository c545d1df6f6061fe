//! What a child gets: a clean signal state, only fds 0-2, the container's environment and
//! sysvinit's variables; and /etc/initscript (compat §1.6 step 2), which wraps every entry
//! outside single-user mode.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use support::clients;
use support::namespace::Launch;
use support::{EVENT_TIMEOUT, TempDir, vinit};

use super::{boot, stop_with};

/// Prints the open fds, SigBlk and SigIgn of PID 1 (vinit: the control) and of the shell
/// itself (the entry), then the entry's ids. Builtins only, no fork while reading (see
/// single_command/inheritance.rs). Passed in the container's environment and run with
/// `/bin/sh -c "$PROBE"`, so no script file is held open.
const PROBE: &str = r#"
    for p in 1 $$; do
        [ $p = $$ ] && who=child || who=pid1
        for f in /proc/$p/fd/*; do [ -L "$f" ] && echo "$who fd ${f##*/}"; done
        while read -r key value; do
            case $key in SigBlk:|SigIgn:) echo "$who $key $value" ;; esac
        done < /proc/$p/status
    done
    read -r pid comm state ppid pgrp sid rest < /proc/$$/stat
    echo "child ids pid=$pid ppid=$ppid pgrp=$pgrp sid=$sid"
    echo "probe done"
"#;

const PROBE_INITTAB: &str = include_str!("../fixtures/inittab/probe");

#[test]
fn test_children_start_clean() {
    // The probe's `$` makes vinit run the field through `/bin/sh -c "exec ..."` (compat §1.6).
    let mut run = boot(PROBE_INITTAB)
        .env("PROBE", PROBE)
        // A dirty start: fd 7 open (not close-on-exec), SIGINT and SIGUSR1 ignored.
        .setup("exec 7</dev/null")
        .setup("trap '' INT USR1")
        .pid1();
    run.expect_line("probe done", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let pick = |who: &str| -> Vec<String> {
        lines
            .iter()
            .filter_map(|l| l.strip_prefix(who))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    let (pid1, child) = (pick("pid1 "), pick("child "));
    let ids = child.iter().find(|l| l.starts_with("ids ")).unwrap();
    let field = |name: &str| -> i32 {
        let kv = ids
            .split_whitespace()
            .find(|w| w.starts_with(name))
            .unwrap();
        kv.split_once('=').unwrap().1.parse().unwrap()
    };
    assert_eq!(
        child[..child.len() - 1],
        [
            "fd 0",
            "fd 1",
            "fd 2",
            "SigBlk: 0000000000000000",
            "SigIgn: 0000000000000000",
        ]
    );
    assert_eq!(field("ppid="), 1, "{ids}");
    assert_eq!(field("sid="), field("pid="), "own session: {ids}");
    assert_eq!(field("pgrp="), field("pid="), "own process group: {ids}");
    // Controls: the probe does see a mask and extra fds, in vinit itself.
    assert!(
        pid1.iter()
            .any(|l| l.starts_with("SigBlk:") && l != "SigBlk: 0000000000000000"),
        "{pid1:?}"
    );
    assert!(pid1.contains(&"fd 7".to_owned()), "{pid1:?}");
}

/// With `/etc/initscript` present every entry runs as `/bin/sh /etc/initscript ID LEVELS ACTION
/// PROCESS` (`+` and `@` stripped, the levels as sysvinit keeps them), except in single-user
/// mode, where entries run directly.
#[test]
fn test_initscript_wraps_every_entry_outside_single_user() {
    let initscript =
        "echo \"initscript: $1 $2 $3 [$4]\"\nVIA=initscript\nexport VIA\neval exec \"$4\"\n";
    let inittab = "id:3:initdefault:\n\
        si::sysinit:/bin/sh -c 'echo \"sysinit VIA=$VIA\"'\n\
        r3:23:once:+@/bin/echo plain words\n\
        pf::powerfail:/bin/echo power\n\
        s1:S:wait:/bin/sh -c 'echo \"single VIA=${VIA-unset}\"'\n";
    let mut run = Launch::vinit::<&str>(&[])
        .etc_file("inittab", inittab.as_bytes())
        .etc_file("initscript", initscript.as_bytes())
        .setup("echo F > /var/run/powerstatus")
        .pid1();
    run.expect_line(
        "initscript: si # sysinit [/bin/sh -c 'echo \"sysinit VIA=$VIA\"']",
        EVENT_TIMEOUT,
    );
    run.expect_line("sysinit VIA=initscript", EVENT_TIMEOUT);
    run.expect_line(
        "initscript: r3 23 once [/bin/echo plain words]",
        EVENT_TIMEOUT,
    );
    run.expect_line("plain words", EVENT_TIMEOUT);
    // An empty field is passed as sysvinit fills it in. With a powerstatus file, SIGPWR is
    // sysvinit's power event, not a stop.
    run.signal(libc::SIGPWR);
    run.expect_line(
        "initscript: pf S0123456789 powerfail [/bin/echo power]",
        EVENT_TIMEOUT,
    );
    run.expect_line("power", EVENT_TIMEOUT);

    clients::nsrun(run.pid(), &[vinit(), "telinit", "S"]).ok();
    // The whole line: the entry's exit line quotes `single VIA=${VIA-unset}`.
    run.expect_line("single VIA=unset", EVENT_TIMEOUT);
    assert!(
        !run.history().iter().any(|l| l.contains("initscript: s1")),
        "{}",
        run.dump()
    );
}

/// A script without `#!` fails execve with ENOEXEC; as sysvinit does, vinit then runs the
/// entry again through the shell, `/bin/sh -c "exec PROCESS"` (compat §1.6 step 6), with its
/// arguments.
#[test]
fn test_a_script_without_shebang_runs_through_the_shell() {
    let dir = TempDir::new("no-shebang");
    let script = dir.join("plain-script");
    fs::write(&script, "echo \"plain script ran: $1 $2 ($#)\"\n").unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let inittab = format!(
        "id:3:initdefault:\nr3:3:once:{} one two\n",
        script.to_str().unwrap()
    );
    let mut run = boot(&inittab).pid1();
    run.expect_line("plain script ran: one two (2)", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    assert!(
        !lines.iter().any(|l| l.contains("cannot execute")),
        "{lines:?}"
    );
}
