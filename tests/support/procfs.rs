//! What `/proc` tells about the processes of a namespace, read from the host: children,
//! executables, states and `status` fields.

use std::fs;
use std::path::PathBuf;

/// Children of every thread of `pid` (/proc/PID/task/TID/children); empty if it is gone.
pub fn children(pid: i32) -> Vec<i32> {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        if let Ok(list) = fs::read_to_string(task.path().join("children")) {
            out.extend(
                list.split_whitespace()
                    .filter_map(|p| p.parse::<i32>().ok()),
            );
        }
    }
    out
}

/// The executable of `pid`, None if it is gone or a zombie.
pub fn exe(pid: i32) -> Option<PathBuf> {
    fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// One `Name:` field of a /proc/PID/status text, without the name.
pub fn status_field<'a>(status: &'a str, name: &str) -> &'a str {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
        .unwrap_or_else(|| panic!("no {name} in status:\n{status}"))
        .trim()
}

/// A numeric field of /proc/PID/status (e.g. `voluntary_ctxt_switches`).
pub fn status_number(pid: i32, name: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status_field(&status, name).parse().unwrap()
}

/// State letter and parent pid of `pid` from /proc/PID/stat; None if it is gone.
pub fn state_and_ppid(pid: i32) -> Option<(char, i32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: parse after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Host pids of every process whose parent is `parent`, with their state letters.
pub fn processes_with_parent(parent: i32) -> Vec<(i32, char)> {
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        if let Some((state, ppid)) = state_and_ppid(pid)
            && ppid == parent
        {
            out.push((pid, state));
        }
    }
    out
}
