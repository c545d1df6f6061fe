//! `vinit setuidgid USER[:GROUP] CMD` straight in an inittab process field (issue 15 item 3):
//! the entry's uid, gid and supplementary groups as the kernel shows them in its
//! /proc/PID/status, and one clear line and exit status for each way it can fail.

use std::os::unix::fs::symlink;

use support::namespace::Launch;
use support::{EVENT_TIMEOUT, TempDir, vinit};

use super::{boot, stop_with};

const PASSWD: &str = "root:x:0:0:root:/root:/bin/sh
app:x:1000:1000::/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
";

const GROUP: &str = "root:x:0:
apps:x:1000:
audio:x:29:app
video:x:44:pulse,app
users:x:100:appx
nogroup:x:65534:
";

/// Prints `TAG Uid: ...`, `TAG Gid: ...`, `TAG Groups: ...` from the shell's own
/// /proc/PID/status (builtins only), then `TAG done`. Run as `sh -c "$PROBE" probe TAG`.
const PROBE: &str = r#"
    while read -r key value; do
        case $key in Uid:|Gid:|Groups:) echo "$1 $key $value" ;; esac
    done < /proc/$$/status
    echo "$1 done"
"#;

/// The `Uid:`, `Gid:` and `Groups:` lines the probe printed for `tag`, whitespace squeezed.
fn ids_of(lines: &[String], tag: &str) -> Vec<String> {
    let prefix = format!("{tag} ");
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(&prefix))
        .filter(|l| *l != "done")
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn test_setuidgid_in_an_inittab_line_drops_to_the_user() {
    let links = TempDir::new("setuidgid");
    let link = links.join("setuidgid");
    symlink(vinit(), &link).unwrap();
    let (v, link) = (vinit(), link.to_str().unwrap());
    let inittab = format!(
        "id:3:initdefault:\n\
         nm:3:once:{v} setuidgid app /bin/sh -c \"$PROBE\" probe nm\n\
         gr:3:once:{v} setuidgid app:video /bin/sh -c \"$PROBE\" probe gr\n\
         nu:3:once:{v} setuidgid 4242:4343 /bin/sh -c \"$PROBE\" probe nu\n\
         ui:3:once:{v} setuidgid 1000 sh -c \"$PROBE\" probe ui\n\
         ln:3:once:{link} nobody /bin/sh -c \"$PROBE\" probe ln\n\
         e1:3:once:/bin/sh -c '{v} setuidgid nosuch /bin/true; echo \"e1 exit $?\"'\n\
         e2:3:once:/bin/sh -c '{v} setuidgid app:nosuch /bin/true; echo \"e2 exit $?\"'\n\
         e3:3:once:/bin/sh -c '{v} setuidgid app /nonexistent; echo \"e3 exit $?\"'\n\
         e4:3:once:/bin/sh -c '{v} setuidgid app; echo \"e4 exit $?\"'\n\
         e5:3:once:/bin/sh -c '{v} setuidgid app {v} setuidgid root /bin/true; echo \"e5 exit $?\"'\n"
    );
    let mut run = boot(&inittab)
        .etc_file("passwd", PASSWD.as_bytes())
        .etc_file("group", GROUP.as_bytes())
        .env("PROBE", PROBE)
        .pid1();
    for tag in ["nm", "gr", "nu", "ui", "ln"] {
        run.expect_line(&format!("{tag} done"), EVENT_TIMEOUT);
    }
    for (tag, code) in [
        ("e1", 111),
        ("e2", 111),
        ("e3", 127),
        ("e4", 2),
        ("e5", 111),
    ] {
        run.expect_line(&format!("{tag} exit {code}"), EVENT_TIMEOUT);
    }
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    let ids = |uid: &str, gid: &str, groups: &str| {
        vec![
            format!("Uid: {uid} {uid} {uid} {uid}"),
            format!("Gid: {gid} {gid} {gid} {gid}"),
            format!("Groups: {groups}"),
        ]
    };
    // A name: its primary group and every group that lists it (the kernel sorts them).
    assert_eq!(ids_of(&lines, "nm"), ids("1000", "1000", "29 44 1000"));
    // A group given is the only group.
    assert_eq!(ids_of(&lines, "gr"), ids("1000", "44", "44"));
    // Numbers need no entry anywhere.
    assert_eq!(ids_of(&lines, "nu"), ids("4242", "4343", "4343"));
    // A uid alone is looked up for its group; CMD is searched in PATH.
    assert_eq!(ids_of(&lines, "ui"), ids("1000", "1000", "29 44 1000"));
    // The personality by its link name.
    assert_eq!(ids_of(&lines, "ln"), ids("65534", "65534", "65534"));
    for line in [
        "vinit: fatal: setuidgid: user \"nosuch\" not in /etc/passwd",
        "vinit: fatal: setuidgid: group \"nosuch\" not in /etc/group",
        "vinit: error: cannot execute \"/nonexistent\": ENOENT",
        "vinit: fatal: setuidgid: usage: setuidgid USER[:GROUP] CMD [ARG...]",
        "vinit: fatal: setuidgid: setgroups failed: EPERM (not permitted): not root",
    ] {
        assert_eq!(
            lines.iter().filter(|l| l.contains(line)).count(),
            1,
            "{line:?} once in {lines:#?}"
        );
    }
}

/// Without /etc/passwd a name cannot be found (one line naming the file), numbers still work;
/// an /etc/passwd that is a symlink is not followed.
#[test]
fn test_setuidgid_without_a_user_database() {
    let v = vinit();
    let inittab = format!(
        "id:3:initdefault:\n\
         nm:3:once:/bin/sh -c '{v} setuidgid nobody /bin/true; echo \"nm exit $?\"'\n\
         nu:3:once:{v} setuidgid 65534:65534 /bin/sh -c \"$PROBE\" probe nu\n"
    );
    for (setup, error) in [
        ("/bin/rm /etc/passwd", "setuidgid: /etc/passwd: ENOENT"),
        (
            "/bin/rm /etc/passwd && /bin/ln -s /etc/group /etc/passwd",
            "setuidgid: /etc/passwd: a symlink (not followed)",
        ),
    ] {
        let mut run = boot(&inittab)
            .etc_file("group", GROUP.as_bytes())
            .setup(setup)
            .env("PROBE", PROBE)
            .pid1();
        run.expect_line("nm exit 111", EVENT_TIMEOUT);
        run.expect_line(error, EVENT_TIMEOUT);
        run.expect_line("nu done", EVENT_TIMEOUT);
        let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
        assert_eq!(code, Some(0));
        assert_eq!(
            ids_of(&lines, "nu")[..2],
            [
                "Uid: 65534 65534 65534 65534",
                "Gid: 65534 65534 65534 65534"
            ]
        );
    }
}

/// Negative control: the probe sees root's ids in an entry without setuidgid, so the ids
/// above are setuidgid's doing.
#[test]
fn test_setuidgid_probe_sees_root_without_it() {
    let mut run = Launch::vinit(&[] as &[&str])
        .etc_file(
            "inittab",
            b"id:3:initdefault:\nrt:3:once:/bin/sh -c \"$PROBE\" probe rt\n",
        )
        .env("PROBE", PROBE)
        .pid1();
    run.expect_line("rt done", EVENT_TIMEOUT);
    let (code, _, lines) = stop_with(&mut run, libc::SIGTERM);
    assert_eq!(code, Some(0));
    assert_eq!(ids_of(&lines, "rt")[..2], ["Uid: 0 0 0 0", "Gid: 0 0 0 0"]);
}
