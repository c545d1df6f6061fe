//! Unit tests of `client_args`.

use super::*;

fn argv(args: &[&'static str]) -> std::vec::Vec<&'static [u8]> {
    args.iter().map(|a| a.as_bytes()).collect()
}

fn telinit(args: &[&'static str]) -> Result<Telinit, UsageError> {
    telinit_env(args).0
}

/// telinit's result and the `-e` payload it filled.
fn telinit_env(args: &[&'static str]) -> (Result<Telinit, UsageError>, EnvPayload) {
    let mut env = EnvPayload::new();
    (parse_telinit(argv(args).as_slice(), &mut env), env)
}

/// The SETENV payload of `strings`.
fn payload(strings: &[&[u8]]) -> EnvPayload {
    let mut p = EnvPayload::new();
    for s in strings {
        p.push(s).unwrap();
    }
    p
}

fn shutdown(args: &[&'static str]) -> Result<Shutdown, UsageError> {
    parse_shutdown(argv(args).as_slice())
}

fn halt(args: &[&'static str], program: HaltProgram) -> Result<Halt, UsageError> {
    parse_halt(argv(args).as_slice(), program)
}

/// The request for level character `c`.
fn req(c: u8) -> LevelRequest {
    LevelRequest::from_byte(c).unwrap()
}

/// A value's place: argument `index` from byte `from`, for option `letter` (0: operand).
fn at(index: u32, from: u32, letter: u8) -> ValueAt {
    ValueAt {
        index,
        from,
        letter,
    }
}

#[test]
fn personalities() {
    assert_eq!(personality(b"telinit"), Some(Personality::Telinit));
    assert_eq!(personality(b"init"), None);
    assert_eq!(personality(b"vinit"), None);
    assert_eq!(personality(b"sh"), None);
    assert_eq!(personality(b"poweroff"), Some(Personality::PowerOff));
    assert_eq!(personality(b"reboot"), Some(Personality::Reboot));
    assert_eq!(personality(b"runlevel"), Some(Personality::Runlevel));
    assert_eq!(personality(b"shutdown"), Some(Personality::Shutdown));
    assert_eq!(personality(b"vinit"), None);
    assert_eq!(personality(b"setuidgid"), None);
    assert_eq!(personality(b""), None);
}

#[test]
fn programs() {
    assert_eq!(program(b"telinit"), Program::Client(Personality::Telinit));
    assert_eq!(program(b"halt"), Program::Client(Personality::Halt));
    assert_eq!(program(b"status"), Program::Client(Personality::Status));
    assert_eq!(program(b"setuidgid"), Program::Setuidgid);
    assert_eq!(program(b"init"), Program::Init);
    for other in [
        &b""[..],
        b"vinit",
        b"sh",
        b" ",
        b"init ",
        b"setuid",
        b"status setuidgid",
    ] {
        assert_eq!(program(other), Program::Vinit, "{other:?}");
    }
}

#[test]
fn shifted_view_parses_as_the_tool() {
    let v = argv(&["vinit", "telinit", "-t", "5", "q"]);
    assert_eq!(
        parse_telinit(
            &crate::args::Shifted::new(v.as_slice(), 1),
            &mut EnvPayload::new()
        ),
        Ok(Telinit::Level {
            level: req(b'q'),
            sleeptime: 5
        })
    );
}

#[test]
fn telinit_levels() {
    assert_eq!(
        telinit(&["telinit", "3"]),
        Ok(Telinit::Level {
            level: req(b'3'),
            sleeptime: 3
        })
    );
    assert_eq!(
        telinit(&["init", "-t", "0", "s"]),
        Ok(Telinit::Level {
            level: req(b's'),
            sleeptime: 0
        })
    );
    assert_eq!(
        telinit(&["init", "-t7", "9"]),
        Ok(Telinit::Level {
            level: req(b'9'),
            sleeptime: 7
        })
    );
    assert_eq!(
        telinit(&["init", "--", "U"]),
        Ok(Telinit::Level {
            level: req(b'U'),
            sleeptime: 3
        })
    );
    for c in crate::levels::REQUEST_BYTES {
        let arg: &'static str = Box::leak(String::from(*c as char).into_boxed_str());
        assert!(telinit(&["telinit", arg]).is_ok());
    }
}

#[test]
fn telinit_setenv_lists_values() {
    assert_eq!(
        telinit_env(&["telinit", "-e", "INIT_X=1", "-eINIT_Y"]),
        (Ok(Telinit::SetEnv), payload(&[b"INIT_X=1", b"INIT_Y"]))
    );
    // -t is accepted and ignored with -e (sysvinit sends sleeptime 0).
    assert_eq!(
        telinit_env(&["telinit", "-t", "5", "-e", "INIT_A=1"]),
        (Ok(Telinit::SetEnv), payload(&[b"INIT_A=1"]))
    );
}

/// Found by fuzz/fuzz_targets/client_args.rs: an attached value was sent with its `-e`
/// (`-eINIT_Y` as the string `-eINIT_Y`), and a value the parser had sized without its `-e`
/// then overflowed the payload in src/client/.
#[test]
fn telinit_attached_value_is_the_value_alone() {
    let a366 = format!("-e{}", "A".repeat(366));
    let a366: &'static str = Box::leak(a366.into_boxed_str());
    let (Ok(Telinit::SetEnv), env) = telinit_env(&["telinit", a366]) else {
        panic!()
    };
    assert_eq!(env, payload(&[&a366.as_bytes()[2..]]));
}

#[test]
fn telinit_errors() {
    assert_eq!(telinit(&["telinit"]), Err(UsageError::MissingOperand));
    assert_eq!(
        telinit(&["telinit", "x"]),
        Err(UsageError::BadLevel(at(1, 0, 0)))
    );
    assert_eq!(
        telinit(&["telinit", "33"]),
        Err(UsageError::BadLevel(at(1, 0, 0)))
    );
    assert_eq!(
        telinit(&["telinit", ""]),
        Err(UsageError::BadLevel(at(1, 0, 0)))
    );
    assert_eq!(
        telinit(&["telinit", "3", "4"]),
        Err(UsageError::ExtraOperand(2))
    );
    assert_eq!(
        telinit(&["telinit", "-x", "3"]),
        Err(UsageError::UnknownOption(1, b'x'))
    );
    assert_eq!(
        telinit(&["telinit", "-t"]),
        Err(UsageError::MissingValue(1, b't'))
    );
    assert_eq!(
        telinit(&["telinit", "-e"]),
        Err(UsageError::MissingValue(1, b'e'))
    );
    assert_eq!(
        telinit(&["telinit", "-t", "x", "3"]),
        Err(UsageError::BadValue(at(2, 0, b't')))
    );
    assert_eq!(
        telinit(&["telinit", "-e", "INIT_A", "3"]),
        Err(UsageError::ExtraOperand(3))
    );
}

#[test]
fn telinit_env_too_large_matches_sysvinit_limit() {
    let a366: &'static str = Box::leak("A".repeat(366).into_boxed_str());
    let a367: &'static str = Box::leak("A".repeat(367).into_boxed_str());
    let a182: &'static str = Box::leak("A".repeat(182).into_boxed_str());
    assert!(telinit(&["telinit", "-e", a366]).is_ok());
    assert_eq!(
        telinit(&["telinit", "-e", a367]),
        Err(UsageError::EnvTooLarge)
    );
    assert!(telinit(&["telinit", "-e", a182, "-e", a182, "-e", ""]).is_ok());
    assert_eq!(
        telinit(&["telinit", "-e", a182, "-e", a182, "-e", "x"]),
        Err(UsageError::EnvTooLarge)
    );
}

#[test]
fn times() {
    assert_eq!(parse_when(b"now"), Some(When::Now));
    assert_eq!(parse_when(b"+0"), Some(When::Now));
    assert_eq!(parse_when(b"0"), Some(When::Now));
    assert_eq!(parse_when(b"+5"), Some(When::InMinutes(5)));
    assert_eq!(parse_when(b"10"), Some(When::InMinutes(10)));
    assert_eq!(parse_when(b"+1:30"), Some(When::InMinutes(90)));
    assert_eq!(parse_when(b"+0:00"), Some(When::Now));
    assert_eq!(
        parse_when(b"23:59"),
        Some(When::At {
            minute_of_day: 23 * 60 + 59
        })
    );
    assert_eq!(parse_when(b"0:5"), Some(When::At { minute_of_day: 5 }));
    for bad in [
        "", "+", "soon", "24:00", "12:60", "12:", ":30", "1:2:3", "12:345", "+1:60", "-5", "++1",
    ] {
        assert_eq!(parse_when(bad.as_bytes()), None, "{bad}");
    }
    assert_eq!(
        parse_when(b"+99999:59"),
        Some(When::InMinutes(99_999 * 60 + 59))
    );
    assert_eq!(parse_when(b"+100000:00"), None);
}

#[test]
fn shutdown_targets_and_init_halt() {
    let s = shutdown(&["shutdown", "-h", "-P", "now"]).unwrap();
    assert_eq!(
        (s.level.byte(), s.init_halt, s.when),
        (b'0', InitHalt::PowerOff, When::Now)
    );
    let s = shutdown(&["shutdown", "-hH", "now"]).unwrap();
    assert_eq!((s.level.byte(), s.init_halt), (b'0', InitHalt::Halt));
    let s = shutdown(&["shutdown", "-r", "+5", "going", "down"]).unwrap();
    assert_eq!(
        (s.level.byte(), s.when, s.message),
        (b'6', When::InMinutes(5), 3)
    );
    // No message: its index is past the last argument.
    let s = shutdown(&["shutdown", "now"]).unwrap();
    assert_eq!(
        (s.level.byte(), s.init_halt, s.message),
        (b'1', InitHalt::Unset, 2)
    );
    let s = shutdown(&["shutdown", "-i", "S", "-t", "7", "12:30"]).unwrap();
    assert_eq!(
        (s.level.byte(), s.sleeptime, s.when),
        (
            b'S',
            7,
            When::At {
                minute_of_day: 12 * 60 + 30
            }
        )
    );
    // The last of -h/-r/-i wins, as with sysvinit's getopt loop.
    assert_eq!(
        shutdown(&["shutdown", "-h", "-r", "now"])
            .unwrap()
            .level
            .byte(),
        b'6'
    );
    assert_eq!(
        shutdown(&["shutdown", "-i0", "-P", "now"])
            .unwrap()
            .init_halt,
        InitHalt::PowerOff
    );
    assert_eq!(InitHalt::Unset.env_data(), b"INIT_HALT\0");
    assert_eq!(InitHalt::PowerOff.env_data(), b"INIT_HALT=POWEROFF\0");
}

#[test]
fn shutdown_flags_cancel_and_g() {
    let s = shutdown(&["shutdown", "-akfFnqQy", "-h", "now"]).unwrap();
    assert!(s.use_allow() && s.warn_only() && s.fast_boot() && s.force_fsck() && s.no_init());
    let s = shutdown(&["shutdown", "-c"]).unwrap();
    assert!(s.cancel());
    assert_eq!(s.message, 2);
    let s = shutdown(&["shutdown", "-c", "never", "mind"]).unwrap();
    assert_eq!(s.message, 2);
    let s = shutdown(&["shutdown", "-g", "+2", "-r", "bye"]).unwrap();
    assert_eq!(
        (s.when, s.level.byte(), s.message),
        (When::InMinutes(2), b'6', 4)
    );
}

#[test]
fn shutdown_errors() {
    assert_eq!(shutdown(&["shutdown"]), Err(UsageError::MissingOperand));
    assert_eq!(
        shutdown(&["shutdown", "-h"]),
        Err(UsageError::MissingOperand)
    );
    assert_eq!(
        shutdown(&["shutdown", "-P", "now"]),
        Err(UsageError::HaltModeWithoutHalt)
    );
    assert_eq!(
        shutdown(&["shutdown", "-H", "-r", "now"]),
        Err(UsageError::HaltModeWithoutHalt)
    );
    assert_eq!(
        shutdown(&["shutdown", "-h", "later"]),
        Err(UsageError::BadValue(at(2, 0, 0)))
    );
    assert_eq!(
        shutdown(&["shutdown", "-i", "3", "now"]),
        Err(UsageError::BadLevel(at(2, 0, b'i')))
    );
    assert_eq!(
        shutdown(&["shutdown", "-i33", "now"]),
        Err(UsageError::BadLevel(at(1, 2, b'i')))
    );
    assert_eq!(
        shutdown(&["shutdown", "-i"]),
        Err(UsageError::MissingValue(1, b'i'))
    );
    assert_eq!(
        shutdown(&["shutdown", "-t", "-1", "now"]),
        Err(UsageError::BadValue(at(2, 0, b't')))
    );
    assert_eq!(
        shutdown(&["shutdown", "-hx", "now"]),
        Err(UsageError::UnknownOption(1, b'x'))
    );
    assert_eq!(
        shutdown(&["shutdown", "-g", "x"]),
        Err(UsageError::BadValue(at(2, 0, b'g')))
    );
}

#[test]
fn halt_family() {
    let h = halt(&["halt"], HaltProgram::Halt).unwrap();
    assert_eq!(h.program, HaltProgram::Halt);
    assert!(!h.force() && !h.no_wtmp() && !h.no_sync() && !h.wtmp_only());
    // Gentoo's halt.sh and Debian's init.d/halt forms.
    let h = halt(&["halt", "-dhn"], HaltProgram::Halt).unwrap();
    assert!(h.no_wtmp() && h.hdd_standby() && h.no_sync());
    let h = halt(&["halt", "-d", "-f", "-i", "-p", "-h"], HaltProgram::Halt).unwrap();
    assert_eq!(h.program, HaltProgram::PowerOff);
    assert!(h.force() && h.ifdown());
    let h = halt(
        &["reboot", "-p", "-k", "-w", "-t", "4"],
        HaltProgram::Reboot,
    )
    .unwrap();
    assert_eq!((h.program, h.sleeptime), (HaltProgram::Reboot, 4));
    assert!(h.kexec() && h.wtmp_only());
    assert!(
        halt(&["reboot", "-m", "rescue"], HaltProgram::Reboot)
            .unwrap()
            .force()
    );
}

#[test]
fn halt_errors() {
    assert_eq!(
        halt(&["halt", "now"], HaltProgram::Halt),
        Err(UsageError::ExtraOperand(1))
    );
    assert_eq!(
        halt(&["halt", "-x"], HaltProgram::Halt),
        Err(UsageError::UnknownOption(1, b'x'))
    );
    assert_eq!(
        halt(&["poweroff", "-t"], HaltProgram::PowerOff),
        Err(UsageError::MissingValue(1, b't'))
    );
    assert_eq!(
        halt(&["reboot", "-t", "soon"], HaltProgram::Reboot),
        Err(UsageError::BadValue(at(2, 0, b't')))
    );
}

#[test]
fn runlevel_args() {
    assert_eq!(
        parse_runlevel(argv(&["runlevel"]).as_slice()),
        Ok(Runlevel { utmp: None })
    );
    assert_eq!(
        parse_runlevel(argv(&["runlevel", "/x"]).as_slice()),
        Ok(Runlevel { utmp: Some(1) })
    );
    assert_eq!(
        parse_runlevel(argv(&["runlevel", "a", "b"]).as_slice()),
        Err(UsageError::ExtraOperand(2))
    );
}

/// The `-e` values are bounded by the payload's bytes alone, as in sysvinit (each empty
/// string takes its NUL): 367 empty strings fit, the 368th does not.
#[test]
fn telinit_env_limit_counts_bytes_not_strings() {
    let many = |n: usize| {
        let mut args = vec!["telinit"];
        args.extend(core::iter::repeat_n("-e", n).flat_map(|e| [e, ""]));
        telinit(&args)
    };
    assert!(many(367).is_ok());
    assert_eq!(many(368), Err(UsageError::EnvTooLarge));
}
