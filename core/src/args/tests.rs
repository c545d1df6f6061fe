//! Unit tests of `args`.

use super::*;

fn argv<'a>(args: &[&'a str]) -> Vec<&'a [u8]> {
    args.iter().map(|a| a.as_bytes()).collect()
}

fn parse(args: &[&str]) -> Result<VinitCommand, UsageError> {
    parse_vinit(argv(args).as_slice(), &mut SingleOptions::default())
}

/// Inittab mode's options from `args`, and the shared ones (in `SingleOptions`).
fn inittab(args: &[&str]) -> (InittabOptions, SingleOptions) {
    let mut opts = SingleOptions::default();
    match parse_vinit(argv(args).as_slice(), &mut opts) {
        Ok(VinitCommand::Inittab(tab)) => (tab, opts),
        other => panic!("{args:?}: not inittab mode: {other:?}"),
    }
}

/// Single-command mode's options from `args` over `opts` (the environment's).
fn single_over(args: &[&str], mut opts: SingleOptions) -> SingleOptions {
    match parse_vinit(argv(args).as_slice(), &mut opts) {
        Ok(VinitCommand::Single) => opts,
        other => panic!("{args:?}: not single mode: {other:?}"),
    }
}

fn single(args: &[&str]) -> SingleOptions {
    single_over(args, SingleOptions::default())
}

/// The options as the `VINIT_*` variables of `var` set them.
fn from_env(var: fn(&[u8]) -> Option<&[u8]>) -> Result<SingleOptions, &'static str> {
    let mut opts = SingleOptions::default();
    single_defaults_from_env(&mut opts, var)
        .map(|()| opts)
        .map_err(|name| core::str::from_utf8(name).unwrap())
}

const TABLE: OptionTable = OptionTable {
    with_value: *b"tx\0\0\0\0\0\0",
    long: true,
};

/// One walked option: letter, index, and where its value is (index, from).
type Walked = Result<(u8, usize, Option<(u32, u32)>), UsageError>;

/// Every item of a walk (its error last, if one ended it), then the first operand and whether
/// `--` ended it.
fn walk(args: &[&str]) -> (Vec<Walked>, usize, bool) {
    let v = argv(args);
    let mut w = Options::new(v.as_slice(), &TABLE);
    let mut items = Vec::new();
    while let Some(letter) = w.next_letter() {
        let value = w.value().map(|(at, _)| (at.index, at.from));
        items.push(Ok((letter, w.letter_index(), value)));
    }
    let first = match w.end() {
        Ok(first) => first,
        Err(e) => {
            items.push(Err(e));
            w.index
        }
    };
    (items, first, w.ended_by_dashdash())
}

#[test]
fn walker_bundles_attached_and_separate_values() {
    let (items, first, dd) = walk(&["p", "-ab", "-t5", "-t", "6", "-at7", "op", "-a"]);
    assert_eq!(
        items,
        [
            Ok((b'a', 1, None)),
            Ok((b'b', 1, None)),
            Ok((b't', 2, Some((2, 2)))),
            Ok((b't', 3, Some((4, 0)))),
            Ok((b'a', 5, None)),
            Ok((b't', 5, Some((5, 3)))),
        ]
    );
    assert_eq!((first, dd), (6, false));
}

#[test]
fn walker_ends_at_dashdash_operands_and_errors() {
    let (items, first, dd) = walk(&["p", "-a", "--", "-b"]);
    assert_eq!((items.len(), first, dd), (1, 3, true));
    // A lone `-` is an operand, as in getopt.
    let (items, first, dd) = walk(&["p", "-", "-a"]);
    assert_eq!((items.len(), first, dd), (0, 1, false));
    let (items, first, _) = walk(&["p"]);
    assert_eq!((items.len(), first), (0, 1));
    // Long options from the table; others are letters, starting with `-`.
    let (items, ..) = walk(&["p", "--help", "--helpx"]);
    assert_eq!(items[0], Ok((b'h', 1, None)));
    assert_eq!(items[1], Ok((b'-', 2, None)));
    // A value letter last: an error, and the walk stops.
    let (items, ..) = walk(&["p", "-at"]);
    assert_eq!(
        items,
        [Ok((b'a', 1, None)), Err(UsageError::MissingValue(1, b't'))]
    );
    // A value may look like an option.
    let (items, first, _) = walk(&["p", "-x", "--", "z"]);
    assert_eq!((items, first), (vec![Ok((b'x', 1, Some((2, 0))))], 3));
}

#[test]
fn tini_and_dumb_init_spellings() {
    let o = single(&["vinit", "-gv", "-t5", "-e143", "-e", "0", "--", "sh"]);
    assert!(o.kill_group && o.verbose);
    assert_eq!((o.grace_secs, o.cmd_index), (5, 7));
    assert_eq!(
        (o.remap.apply(143), o.remap.apply(0), o.remap.apply(1)),
        (0, 0, 1)
    );
    // No `--`: the first operand starts CMD and the rest is CMD's, options included.
    let o = single(&["vinit", "-s", "sleep", "-t", "x"]);
    assert_eq!((o.cmd_index, o.grace_secs), (2, DEFAULT_GRACE_SECS));
    let o = single(&["vinit", "-T4", "ls"]);
    assert_eq!((o.stop_budget_secs, o.cmd_index), (4, 2));
    assert_eq!(o.grace_secs, DEFAULT_GRACE_SECS);
    // `--` makes even a level character a command.
    assert_eq!(single(&["vinit", "--", "3"]).cmd_index, 2);
    assert_eq!(single(&["vinit", "33"]).cmd_index, 1);
    for help in ["-h", "--help"] {
        assert_eq!(parse(&["vinit", help]), Ok(VinitCommand::Help));
    }
    for version in ["-V", "--version"] {
        assert_eq!(parse(&["vinit", version]), Ok(VinitCommand::Version));
    }
    assert_eq!(parse(&["vinit", "-gh"]), Ok(VinitCommand::Help));
    // After CMD, -h is CMD's.
    assert_eq!(single(&["vinit", "ls", "-h"]).cmd_index, 1);
}

#[test]
fn inittab_mode_and_levels() {
    let none = InittabOptions::default();
    assert_eq!(parse(&["vinit"]), Ok(VinitCommand::Inittab(none)));
    assert_eq!(parse(&["vinit", "-s"]), Ok(VinitCommand::Inittab(none)));
    let with = InittabOptions {
        file: Some(ValueAt {
            index: 2,
            from: 0,
            letter: b'f',
        }),
        level: Some(Level::SINGLE),
    };
    let (tab, shared) = inittab(&["vinit", "-f", "/x", "-vT", "30", "s"]);
    assert_eq!(tab, with);
    assert_eq!(
        (
            shared.stop_budget_secs,
            shared.stop_delay,
            shared.verbose,
            shared.parent_death_signal
        ),
        (30, Duration::ZERO, true, 0)
    );
    assert_eq!(
        inittab(&["vinit"]).1.stop_budget_secs,
        DEFAULT_STOP_BUDGET_SECS
    );
    let Ok(VinitCommand::Inittab(t)) = parse(&["vinit", "-sf/x", "single"]) else {
        panic!()
    };
    assert_eq!(
        (t.file.map(|f| (f.index, f.from)), t.level),
        (Some((1, 3)), Some(Level::SINGLE))
    );
    for level in ["0", "3", "9", "S"] {
        let Ok(VinitCommand::Inittab(t)) = parse(&["vinit", level]) else {
            panic!("{level}")
        };
        assert_eq!(t.level.map(Level::byte), level.bytes().next());
    }
    assert_eq!(
        parse(&["vinit", "3", "x"]),
        Err(UsageError::ExtraOperand(2))
    );
}

#[test]
fn options_of_the_other_mode_are_named() {
    // -t is single mode's grace, -f inittab mode's file: no silent pick.
    assert_eq!(
        parse(&["vinit", "-t", "5", "-f", "FILE"]),
        Err(UsageError::WrongMode((1, b't'), (3, b'f')))
    );
    assert_eq!(
        parse(&["vinit", "-g"]),
        Err(UsageError::WrongMode((1, b'g'), (NO_ARGUMENT, 0)))
    );
    assert_eq!(
        parse(&["vinit", "-ve3", "5"]),
        Err(UsageError::WrongMode((1, b'e'), (2, 0)))
    );
    assert_eq!(
        parse(&["vinit", "-f", "x", "--", "sh"]),
        Err(UsageError::WrongMode((1, b'f'), (4, 0)))
    );
    assert_eq!(
        parse(&["vinit", "-fx", "sh"]),
        Err(UsageError::WrongMode((1, b'f'), (2, 0)))
    );
    // -T, -s and -v belong to both.
    assert!(inittab(&["vinit", "-v"]).1.verbose);
    assert!(matches!(
        parse(&["vinit", "-sT", "5", "3"]),
        Ok(VinitCommand::Inittab(_))
    ));
    assert!(matches!(
        parse(&["vinit", "-sT", "5", "sh"]),
        Ok(VinitCommand::Single)
    ));
}

#[test]
fn rewrite_and_parent_death_signal() {
    let o = single(&[
        "vinit", "-r", "15:3", "-rINT:0", "-p", "SIGTERM", "--", "server",
    ]);
    assert_eq!(
        (o.rewrite.apply(15), o.rewrite.apply(2), o.rewrite.apply(1)),
        (3, 0, 1)
    );
    assert_eq!((o.parent_death_signal, o.cmd_index), (15, 7));
    // -p belongs to both modes, -r to single-command mode.
    assert_eq!(
        inittab(&["vinit", "-p9", "-f", "/x"]).1.parent_death_signal,
        9
    );
    assert_eq!(
        parse(&["vinit", "-r", "15:3", "-f", "/x"]),
        Err(UsageError::WrongMode((1, b'r'), (3, b'f')))
    );
    // Not a rule, not a signal: the value is named.
    let at = |index, from, letter| ValueAt {
        index,
        from,
        letter,
    };
    for (args, bad) in [
        (["vinit", "-r", "15", "sh"], at(2, 0, b'r')),
        (["vinit", "-r", "15:65", "sh"], at(2, 0, b'r')),
        (["vinit", "-r", "TERM:x", "sh"], at(2, 0, b'r')),
        (["vinit", "-p", "0", "sh"], at(2, 0, b'p')),
        (["vinit", "-p", "TERMINATE", "sh"], at(2, 0, b'p')),
    ] {
        assert_eq!(parse(&args), Err(UsageError::BadValue(bad)), "{args:?}");
    }
    assert_eq!(
        parse(&["vinit", "sh", "-r"]).map(|_| ()),
        Ok(()),
        "after CMD, -r is CMD's"
    );
    assert_eq!(
        parse(&["vinit", "-r"]),
        Err(UsageError::MissingValue(1, b'r'))
    );
}

#[test]
fn bad_values_say_what_and_the_range() {
    let at = |index, from, letter| ValueAt {
        index,
        from,
        letter,
    };
    assert_eq!(
        parse(&["vinit", "-T", "0"]),
        Err(UsageError::OutOfRange(at(2, 0, b'T'), 1, 3600))
    );
    assert_eq!(
        parse(&["vinit", "-T3601", "--", "sh"]),
        Err(UsageError::OutOfRange(at(1, 2, b'T'), 1, 3600))
    );
    assert_eq!(
        parse(&["vinit", "-e256", "sh"]),
        Err(UsageError::OutOfRange(at(1, 2, b'e'), 0, 255))
    );
    assert_eq!(
        parse(&["vinit", "-t", "86401", "sh"]),
        Err(UsageError::OutOfRange(
            at(2, 0, b't'),
            0,
            GRACE_MAX_SECS as u32
        ))
    );
    assert_eq!(
        parse(&["vinit", "-gt", "soon", "sh"]),
        Err(UsageError::BadValue(at(2, 0, b't')))
    );
    assert_eq!(
        parse(&["vinit", "-t99999999999999999999", "sh"]),
        Err(UsageError::BadValue(at(1, 2, b't')))
    );
    let v = argv(&["vinit", "-gt5x"]);
    assert_eq!(at(1, 3, b't').bytes(v.as_slice()), b"5x");
    assert_eq!(at(9, 0, 0).bytes(v.as_slice()), b"");
}

#[test]
fn usage_errors_name_the_argument() {
    assert_eq!(
        parse(&["vinit", "-x", "--", "a"]),
        Err(UsageError::UnknownOption(1, b'x'))
    );
    assert_eq!(
        parse(&["vinit", "-gx", "a"]),
        Err(UsageError::UnknownOption(1, b'x'))
    );
    assert_eq!(
        parse(&["vinit", "--verbose", "a"]),
        Err(UsageError::UnknownOption(1, b'-'))
    );
    assert_eq!(parse(&["vinit", "--"]), Err(UsageError::MissingCommand));
    assert_eq!(
        parse(&["vinit", "-t"]),
        Err(UsageError::MissingValue(1, b't'))
    );
    assert_eq!(
        parse(&["vinit", "-ge"]),
        Err(UsageError::MissingValue(1, b'e'))
    );
}

#[test]
fn not_pid1_boots_only_as_a_containers_main_process() {
    // docker run --init: the parent is PID 1 (docker-init).
    assert_eq!(not_pid1_boot(1, false, false), Some(NotPid1::ParentIsPid1));
    // A pod sharing its process namespace: the parent is outside, PID 1 is pause.
    assert_eq!(not_pid1_boot(0, false, false), Some(NotPid1::ParentOutside));
    // docker exec CONTAINER init: parent outside too, but PID 1 is vinit, or an init
    // (vinit under --init) already serves /run/initctl.
    assert_eq!(not_pid1_boot(0, true, false), None);
    assert_eq!(not_pid1_boot(0, false, true), None);
    assert_eq!(not_pid1_boot(1, false, true), None);
    // A shell.
    assert_eq!(not_pid1_boot(4242, false, false), None);
    let boot_line = |why| {
        let mut line = crate::display::Line::new();
        line.write(NotPid1::boot_line(why), &[crate::display::Arg::Text(b"/x")]);
        line.as_bytes().to_vec()
    };
    assert_eq!(boot_line(None), b"booting /x as PID 1");
    assert!(boot_line(Some(NotPid1::ParentIsPid1)).ends_with(b"e.g. docker run --init)"));
}

#[test]
fn env_defaults_and_errors() {
    // fn items, not closures: the bound needs a return borrowed for any argument lifetime.
    fn env(name: &[u8]) -> Option<&[u8]> {
        match name {
            b"VINIT_GRACE" => Some(b"3"),
            b"VINIT_REMAP_EXIT" => Some(b"143,130"),
            b"VINIT_KILL_GROUP" => Some(b"1"),
            b"VINIT_STOP_TIMEOUT" => Some(b"28"),
            _ => None,
        }
    }
    let o = from_env(env).unwrap();
    assert_eq!(o.grace_secs, 3);
    assert_eq!(o.stop_budget_secs, 28);
    assert!(o.kill_group);
    assert_eq!(o.remap.apply(130), 0);
    // Flags win over the environment.
    let o = single_over(&["vinit", "-t", "7", "-T", "4", "sh"], o);
    assert_eq!(
        (o.grace_secs, o.stop_budget_secs, o.kill_group),
        (7, 4, true)
    );
    fn rewrite(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_REWRITE").then_some(b"15:3,SIGINT:0")
    }
    let o = from_env(rewrite).unwrap();
    assert_eq!((o.rewrite.apply(15), o.rewrite.apply(2)), (3, 0));
    // -r adds to the variable's rules, and wins for the same signal.
    let o = single_over(&["vinit", "-r15:10", "sh"], o);
    assert_eq!((o.rewrite.apply(15), o.rewrite.apply(2)), (10, 0));
    fn bad_rewrite(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_REWRITE").then_some(b"15:3,TERM")
    }
    assert_eq!(from_env(bad_rewrite), Err("VINIT_REWRITE"));
    fn bad(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_GRACE").then_some(b"soon")
    }
    assert_eq!(from_env(bad), Err("VINIT_GRACE"));
    fn zero_budget(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_STOP_TIMEOUT").then_some(b"0")
    }
    assert_eq!(from_env(zero_budget), Err("VINIT_STOP_TIMEOUT"));
    fn subreaper(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_SUBREAPER").then_some(b"maybe")
    }
    assert_eq!(from_env(subreaper), Err("VINIT_SUBREAPER"));
}

/// A variable takes what its option takes (one parse for both), but only `VINIT_REWRITE` and
/// `VINIT_REMAP_EXIT` are lists, whose empty items are skipped.
#[test]
fn variables_parse_as_their_options() {
    fn flags(name: &[u8]) -> Option<&[u8]> {
        match name {
            b"VINIT_VERBOSE" => Some(b"yes"),
            b"VINIT_KILL_GROUP" => Some(b""),
            b"VINIT_REMAP_EXIT" => Some(b",3,,"),
            b"VINIT_REWRITE" => Some(b""),
            _ => None,
        }
    }
    let o = from_env(flags).unwrap();
    assert!(o.verbose && !o.kill_group);
    assert_eq!((o.remap.apply(3), o.remap.apply(4)), (0, 4));
    fn empty_grace(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_GRACE").then_some(b"")
    }
    assert_eq!(from_env(empty_grace), Err("VINIT_GRACE"));
    fn grace_list(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_GRACE").then_some(b"1,2")
    }
    assert_eq!(from_env(grace_list), Err("VINIT_GRACE"));
    fn remap_out_of_range(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_REMAP_EXIT").then_some(b"1,256")
    }
    assert_eq!(from_env(remap_out_of_range), Err("VINIT_REMAP_EXIT"));
    // The first bad variable in the table's order is named.
    fn two_bad(name: &[u8]) -> Option<&[u8]> {
        match name {
            b"VINIT_REMAP_EXIT" | b"VINIT_VERBOSE" => Some(b"x"),
            _ => None,
        }
    }
    assert_eq!(from_env(two_bad), Err("VINIT_VERBOSE"));
    // -e takes one code, not a list.
    assert!(matches!(
        parse(&["vinit", "-e", "1,2", "sh"]),
        Err(UsageError::BadValue(ValueAt { letter: b'e', .. }))
    ));
}

#[test]
fn the_stop_delay_of_both_modes() {
    assert_eq!(
        inittab(&["vinit", "-d", "2"]).1.stop_delay,
        Duration::from_secs(2)
    );
    assert_eq!(
        single(&["vinit", "-d3", "sh"]).stop_delay,
        Duration::from_secs(3)
    );
    assert_eq!(single(&["vinit", "sh"]).stop_delay, Duration::ZERO);
    assert!(matches!(
        parse(&["vinit", "-d", "soon"]),
        Err(UsageError::BadValue(ValueAt { letter: b'd', .. }))
    ));
    assert!(matches!(
        parse(&["vinit", "-d", "3601", "sh"]),
        Err(UsageError::OutOfRange(_, 0, 3600))
    ));
    fn env(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_STOP_DELAY").then_some(b"2")
    }
    let o = from_env(env).unwrap();
    assert_eq!(o.stop_delay, Duration::from_secs(2));
    // The flag wins.
    let o = single_over(&["vinit", "-d", "0", "sh"], o);
    assert_eq!(o.stop_delay, Duration::ZERO);
    fn suffixed(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_STOP_DELAY").then_some(b"2s")
    }
    fn too_long(name: &[u8]) -> Option<&[u8]> {
        (name == b"VINIT_STOP_DELAY").then_some(b"3601")
    }
    assert_eq!(from_env(suffixed), Err("VINIT_STOP_DELAY"));
    assert_eq!(from_env(too_long), Err("VINIT_STOP_DELAY"));
}

#[test]
fn the_stop_delay_stays_inside_the_budget() {
    let s = Duration::from_secs;
    assert_eq!(stop_delay_within(s(2), 9), Ok(s(2)));
    // Half of 9 s: the stop keeps the other half.
    assert_eq!(
        stop_delay_within(s(9), 9),
        Err(Duration::from_millis(4_500))
    );
    assert_eq!(stop_delay_within(s(4), 8), Ok(s(4)));
    assert_eq!(stop_delay_within(s(5), 8), Err(s(4)));
}

/// Under LXC (`container=lxc`) the default budget is 55 s, inside lxc-stop's 60 s; an explicit
/// VINIT_STOP_TIMEOUT still wins, and Podman's `container=podman` keeps 9 s.
#[test]
fn the_default_budget_follows_the_runtime() {
    fn lxc(name: &[u8]) -> Option<&[u8]> {
        (name == b"container").then_some(b"lxc")
    }
    let o = from_env(lxc).unwrap();
    assert_eq!((o.stop_budget_secs, o.runtime), (55, Runtime::Lxc));
    fn lxc_with_budget(name: &[u8]) -> Option<&[u8]> {
        match name {
            b"container" => Some(b"lxc"),
            b"VINIT_STOP_TIMEOUT" => Some(b"20"),
            _ => None,
        }
    }
    let o = from_env(lxc_with_budget).unwrap();
    assert_eq!(o.stop_budget_secs, 20);
    fn podman(name: &[u8]) -> Option<&[u8]> {
        (name == b"container").then_some(b"podman")
    }
    let o = from_env(podman).unwrap();
    assert_eq!((o.stop_budget_secs, o.runtime), (9, Runtime::Other));
}

#[test]
fn numbers_and_basenames() {
    assert_eq!(parse_number(b"0", 0, 5), Some(0));
    assert_eq!(parse_number(b"99999999999999999999", 0, u64::MAX), None);
    assert_eq!(parse_number(b"", 0, 5), None);
    assert_eq!(basename(b"/sbin/telinit"), b"telinit");
    assert_eq!(basename(b"halt"), b"halt");
    assert_eq!(basename(b"/x/"), b"");
}

#[test]
fn shifted_view_renumbers() {
    let v = argv(&["vinit", "telinit", "-t", "5", "q"]);
    let s = Shifted::new(v.as_slice(), 1);
    assert!(s.arg(3).is_some() && s.arg(4).is_none());
    assert_eq!(s.arg(0), Some(&b"telinit"[..]));
    assert!(Shifted::new(v.as_slice(), 9).arg(0).is_none());
    assert_eq!(Shifted::new(v.as_slice(), 9).arg(usize::MAX), None);
}

#[test]
fn every_env_name_has_its_letter() {
    let names: Vec<&[u8]> = ENV_NAMES.split(|&b| b == b' ').collect();
    assert_eq!(names.len(), ENV_LETTERS.len());
    assert!(names.iter().all(|n| n.starts_with(b"VINIT_")));
    assert_eq!(
        (names[3], ENV_LETTERS[3], names[7], ENV_LETTERS[7]),
        (&b"VINIT_GRACE"[..], b't', &b"VINIT_REMAP_EXIT"[..], b'e')
    );
}
