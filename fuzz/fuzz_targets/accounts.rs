//! setuidgid's lookup: the `USER[:GROUP]` operand, /etc/passwd and /etc/group lines, and the
//! ids and groups they give (`accounts`).
//!
//! Input: the operand, the passwd text and the group text, separated by NUL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinit_fuzz::accounts::{Ids, LookupError, UserSpec, entries, parse_id};
use vinit_fuzz::limits::GROUPS_MAX;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let (spec, passwd, group) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    for text in [passwd, group] {
        for e in entries(text) {
            assert!(!e.name.is_empty() && !e.name.contains(&b'\n') && !e.name.contains(&b':'));
        }
    }
    let Some(spec) = UserSpec::parse(spec) else {
        return;
    };
    // resolve fills the caller's ids; as a value here, to compare runs.
    let resolve = |passwd: &[u8], group: &[u8]| {
        let mut ids = Ids::default();
        spec.resolve(passwd, group, &mut ids).map(|()| ids)
    };
    match resolve(passwd, group) {
        Ok(ids) => {
            assert_eq!(ids.groups.first(), Some(&ids.gid), "the primary group leads");
            assert!(ids.groups.len() <= GROUPS_MAX);
            for (i, g) in ids.groups.iter().enumerate() {
                assert!(!ids.groups[..i].contains(g), "{g} twice in {:?}", ids.groups);
            }
            if spec.group.is_some() {
                assert_eq!(ids.groups.len(), 1, "a group given is the only group");
            }
            if let (Some(uid), Some(_)) = (parse_id(spec.user), spec.group) {
                assert_eq!(ids.uid, uid);
            }
            if let Some(gid) = spec.group.and_then(parse_id) {
                assert_eq!(ids.gid, gid);
            }
            // A file the operand does not need plays no part.
            if !spec.needs_passwd() {
                assert_eq!(resolve(b"", group), Ok(ids.clone()));
            }
            if !spec.needs_group() {
                assert_eq!(resolve(passwd, b""), Ok(ids));
            }
        }
        Err(LookupError::UnknownUser) => assert!(spec.needs_passwd()),
        Err(LookupError::UnknownGroup) => assert!(spec.needs_group()),
        Err(LookupError::TooManyGroups) => assert!(spec.group.is_none()),
    }
});
