//! Debian's sysvinit (`sysvinit-core`, `sysvinit-utils`), fetched at test time, for the
//! interoperability tests: its tools against vinit, vinit's tools against its `/sbin/init`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::target_dir;

/// Debian's `sysvinit-core` and `sysvinit-utils`, unpacked (`dpkg -x`) under
/// `target/debian-tools/root`, downloaded with `apt-get download` the first time. Fails loudly
/// when they cannot be fetched: a skipped interoperability test cannot fail.
pub fn debian_sysvinit() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(fetch_debian_sysvinit)
}

fn fetch_debian_sysvinit() -> PathBuf {
    let cache = target_dir().join("debian-tools");
    let root = cache.join("root");
    let complete = |root: &Path| {
        ["sbin/init", "sbin/shutdown", "sbin/halt", "sbin/runlevel"]
            .iter()
            .all(|f| root.join(f).is_file())
    };
    if complete(&root) {
        return root;
    }
    let work = cache.join(format!("work-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).unwrap();
    let out = Command::new("apt-get")
        .args(["download", "sysvinit-core", "sysvinit-utils"])
        .current_dir(&work)
        .output();
    let ok = matches!(&out, Ok(o) if o.status.success());
    assert!(
        ok,
        "cannot fetch Debian's sysvinit packages with `apt-get download sysvinit-core \
         sysvinit-utils` (needed for the interoperability tests; CI has the apt mirror; \
         try `apt-get update`): {}",
        match &out {
            Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
            Err(e) => e.to_string(),
        }
    );
    let unpacked = work.join("root");
    for deb in fs::read_dir(&work).unwrap().flatten() {
        if deb.path().extension().is_some_and(|e| e == "deb") {
            let status = Command::new("dpkg")
                .arg("-x")
                .arg(deb.path())
                .arg(&unpacked)
                .status()
                .expect("cannot run dpkg -x");
            assert!(status.success(), "dpkg -x {} failed", deb.path().display());
        }
    }
    assert!(
        complete(&unpacked),
        "the packages lack init, shutdown, halt or runlevel"
    );
    // Another test process may have won the race; either copy will do.
    if fs::rename(&unpacked, &root).is_err() {
        assert!(
            complete(&root),
            "cannot move {} to {}",
            unpacked.display(),
            root.display()
        );
    }
    let _ = fs::remove_dir_all(&work);
    root
}

/// Setup lines that put Debian's /sbin tools (init, telinit, shutdown, halt, poweroff,
/// reboot, runlevel) in the namespace's /sbin, over the host's, through an overlay whose
/// upper layer lives on the namespace's /run: Debian's `halt` execs `/sbin/shutdown` and its
/// `shutdown` execs `/sbin/init` by absolute path.
pub fn debian_sbin_setup() -> String {
    let root = debian_sysvinit();
    format!(
        "sbin=$(readlink -f /sbin)\n\
         mkdir -p /run/.debian-sbin/upper /run/.debian-sbin/work\n\
         cp -a '{}'/sbin/. /run/.debian-sbin/upper/\n\
         mount -t overlay debian-sbin -o lowerdir=$sbin,upperdir=/run/.debian-sbin/upper,workdir=/run/.debian-sbin/work $sbin",
        root.display()
    )
}
