//! Unit tests of `accounts`.

use super::*;

/// Debian's first lines, a member list, a comment and lines that are not entries.
const PASSWD: &[u8] = b"root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
# a comment:x:5:5
+nis::::::
broken:x:notanumber:1::/:/bin/sh
short:x:7
:x:8:8::/:/bin/sh
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
www-data:x:99:99:a later duplicate::
app:x:1000:1000::/home/app:/bin/sh";

const GROUP: &[u8] = b"root:x:0:
daemon:x:1:
www-data:x:33:
audio:x:29:app,pulse
video:x:44:pulse,app
apps:x:1000:
nogroup:x:65534:
-nis:::
bad:x::app
users:x:100:appx,xapp
again:x:29:app
last:x:500:app";

fn ids(spec: &str, passwd: &[u8], group: &[u8]) -> Result<Ids, LookupError> {
    let mut ids = Ids::default();
    UserSpec::parse(spec.as_bytes())
        .unwrap()
        .resolve(passwd, group, &mut ids)
        .map(|()| ids)
}

fn groups(list: &[Id]) -> Vec<Id, GROUPS_MAX> {
    Vec::from_slice(list).unwrap()
}

#[test]
fn spec_forms() {
    fn spec(v: &str) -> Option<UserSpec<'_>> {
        UserSpec::parse(v.as_bytes())
    }
    assert_eq!(
        spec("nobody"),
        Some(UserSpec {
            user: b"nobody",
            group: None
        })
    );
    assert_eq!(
        spec("app:audio"),
        Some(UserSpec {
            user: b"app",
            group: Some(b"audio")
        })
    );
    assert_eq!(
        spec("1000:1000"),
        Some(UserSpec {
            user: b"1000",
            group: Some(b"1000")
        })
    );
    for bad in ["", ":", ":x", "x:", "a:b:c", "a::"] {
        assert_eq!(spec(bad), None, "{bad:?}");
    }
}

#[test]
fn which_files_a_spec_needs() {
    let needs = |v: &str| {
        let s = UserSpec::parse(v.as_bytes()).unwrap();
        (s.needs_passwd(), s.needs_group())
    };
    assert_eq!(needs("nobody"), (true, true));
    assert_eq!(needs("1000"), (true, true));
    assert_eq!(needs("app:audio"), (true, true));
    assert_eq!(needs("app:29"), (true, false));
    assert_eq!(needs("1000:audio"), (false, true));
    assert_eq!(needs("1000:1000"), (false, false));
}

#[test]
fn a_name_gets_its_primary_group_and_memberships() {
    assert_eq!(
        ids("app", PASSWD, GROUP),
        Ok(Ids {
            groups: groups(&[1000, 29, 44, 500]),
            gid: 1000,
            uid: 1000
        })
    );
    // Member names match whole ("appx" is not "app"); a group already listed is not repeated.
    assert_eq!(
        ids("nobody", PASSWD, GROUP),
        Ok(Ids {
            groups: groups(&[65534]),
            gid: 65534,
            uid: 65534
        })
    );
    // The first of two lines for one name wins.
    assert_eq!(ids("www-data", PASSWD, GROUP).map(|i| i.uid), Ok(33));
    // No /etc/group: no other groups.
    assert_eq!(
        ids("app", PASSWD, b""),
        Ok(Ids {
            groups: groups(&[1000]),
            gid: 1000,
            uid: 1000
        })
    );
}

#[test]
fn a_group_given_is_the_only_group() {
    let only = |gid: Id, uid: Id| {
        Ok(Ids {
            groups: groups(&[gid]),
            gid,
            uid,
        })
    };
    assert_eq!(ids("app:video", PASSWD, GROUP), only(44, 1000));
    assert_eq!(ids("app:4242", PASSWD, GROUP), only(4242, 1000));
    assert_eq!(ids("1000:audio", b"", GROUP), only(29, 1000));
    // Numbers alone need no file, and need not be in one.
    assert_eq!(ids("65534:65534", b"", b""), only(65534, 65534));
    assert_eq!(ids("4242:0", PASSWD, GROUP), only(0, 4242));
}

#[test]
fn a_uid_alone_is_looked_up_for_its_group() {
    assert_eq!(
        ids("1000", PASSWD, GROUP),
        Ok(Ids {
            groups: groups(&[1000, 29, 44, 500]),
            gid: 1000,
            uid: 1000
        })
    );
    assert_eq!(ids("0", PASSWD, GROUP).map(|i| i.gid), Ok(0));
    assert_eq!(ids("4242", PASSWD, GROUP), Err(LookupError::UnknownUser));
    assert_eq!(ids("4242", b"", b""), Err(LookupError::UnknownUser));
}

#[test]
fn unknown_names_and_lines_that_are_no_entries() {
    assert_eq!(ids("nosuch", PASSWD, GROUP), Err(LookupError::UnknownUser));
    assert_eq!(
        ids("app:nosuch", PASSWD, GROUP),
        Err(LookupError::UnknownGroup)
    );
    assert_eq!(
        ids("nosuch:audio", PASSWD, GROUP),
        Err(LookupError::UnknownUser)
    );
    assert_eq!(
        ids("app:audio", PASSWD, b""),
        Err(LookupError::UnknownGroup)
    );
    // Comments, NIS lines, bad numbers, short lines and empty names are not entries.
    for not_an_entry in ["# a comment", "+nis", "broken", "short", ""] {
        assert!(
            entries(PASSWD).all(|e| e.name != not_an_entry.as_bytes()),
            "{not_an_entry:?}"
        );
    }
    assert_eq!(ids("bad:bad", PASSWD, GROUP), Err(LookupError::UnknownUser));
    assert_eq!(
        ids("app:bad", PASSWD, GROUP),
        Err(LookupError::UnknownGroup)
    );
    assert_eq!(
        ids("app:-nis", PASSWD, GROUP),
        Err(LookupError::UnknownGroup)
    );
}

#[test]
fn ids_are_numbers_below_minus_one() {
    assert_eq!(parse_id(b"0"), Some(0));
    assert_eq!(parse_id(b"4294967294"), Some(u32::MAX - 1));
    for bad in ["", "4294967295", "-1", "+1", "1e3", " 1", "0x10"] {
        assert_eq!(parse_id(bad.as_bytes()), None, "{bad:?}");
    }
}

#[test]
fn more_groups_than_the_bound_is_an_error() {
    let lines = |n: Id| -> std::string::String {
        (1..=n).map(|gid| format!("g{gid}:x:{gid}:app\n")).collect()
    };
    // The primary group plus GROUPS_MAX - 1 others fit; one more does not.
    let fit = lines(GROUPS_MAX as Id - 1);
    assert_eq!(
        ids("app", PASSWD, fit.as_bytes()).map(|i| i.groups.len()),
        Ok(GROUPS_MAX)
    );
    let text = lines(GROUPS_MAX as Id);
    let text = text.as_bytes();
    assert_eq!(ids("app", PASSWD, text), Err(LookupError::TooManyGroups));
}

#[test]
fn any_bytes_parse_without_panicking() {
    // A cheap stand-in for a fuzz run: every short input made of the bytes that matter.
    let alphabet = b":\n,#+-0a9";
    let mut buf = [0u8; 6];
    for n in 0..alphabet.len().pow(6) {
        let mut k = n;
        for b in &mut buf {
            *b = alphabet[k % alphabet.len()];
            k /= alphabet.len();
        }
        let _ = entries(&buf).count();
        if let Some(spec) = UserSpec::parse(&buf) {
            let _ = spec.resolve(&buf, &buf, &mut Ids::default());
        }
    }
}
