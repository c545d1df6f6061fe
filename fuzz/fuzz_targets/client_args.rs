//! Every command-line parser: telinit, shutdown (and its time operand), halt/poweroff/reboot,
//! runlevel, and vinit's own `parse_vinit`, each also behind `Shifted` (`vinit NAME ARGS...`),
//! all on the one option walker (`args::Options`) and its one `UsageError`.
//!
//! Input: argv, arguments separated by NUL as in the kernel's argv block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinit_fuzz::Argv;
use vinit_fuzz::args::{
    self, ArgList, NO_ARGUMENT, NotPid1, Shifted, SingleOptions, UsageError, ValueAt, VinitCommand,
};
use vinit_fuzz::client_args::{
    HaltProgram, Telinit, When, parse_halt, parse_runlevel, parse_shutdown,
    parse_telinit, parse_when, personality,
};
use vinit_fuzz::signal_spec;

/// A value's place is inside its argument.
fn check_value<A: ArgList + ?Sized>(args: &A, at: ValueAt) {
    let arg = args
        .arg(at.index as usize)
        .expect("a value's index points at an argument");
    assert!(
        at.from as usize <= arg.len(),
        "{at:?} past the end of {arg:?}"
    );
}

/// Every index an error names points at an argument, every value inside it.
fn check_error<A: ArgList + ?Sized>(args: &A, e: UsageError, argc: usize) {
    let index = match e {
        UsageError::UnknownOption(i, _)
        | UsageError::MissingValue(i, _)
        | UsageError::ExtraOperand(i) => i as usize,
        UsageError::BadValue(at) | UsageError::BadLevel(at) => {
            check_value(args, at);
            at.index as usize
        }
        UsageError::OutOfRange(at, min, max) => {
            check_value(args, at);
            assert!(min <= max);
            at.index as usize
        }
        UsageError::WrongMode((i, letter), other) => {
            assert!(b"gvtefr".contains(&letter), "{e:?}");
            let (j, _) = other;
            assert!(j == NO_ARGUMENT || (j as usize) < argc, "{e:?} with {argc} arguments");
            i as usize
        }
        UsageError::MissingOperand
        | UsageError::MissingCommand
        | UsageError::HaltModeWithoutHalt
        | UsageError::EnvTooLarge => 0,
    };
    assert!(index < argc.max(1), "{e:?} with {argc} arguments");
}

fn count<A: ArgList + ?Sized>(args: &A) -> usize {
    (0..).take_while(|&i| args.arg(i).is_some()).count()
}

fn check_clients<A: ArgList + ?Sized>(args: &A) {
    let argc = count(args);
    let mut env = vinit_fuzz::initctl::EnvPayload::new();
    match parse_telinit(args, &mut env) {
        Ok(Telinit::Level { level, .. }) => assert!(b"0123456789SsQqAaBbCcUu".contains(&level.byte())),
        Ok(Telinit::SetEnv) => {
            assert!(!env.is_empty());
            // What the parser accepted fits the request, its end mark included (compat §5.5).
            let data = env.data();
            assert_eq!(data.last(), Some(&0));
            // Each value is the tail of an option cluster (`-eVALUE`, `-teVALUE`), or a whole
            // argument after a cluster ending in `e` (`-e VALUE`), never with its `-e`.
            for s in data.split(|&b| b == 0).take_while(|s| !s.is_empty()) {
                let holder = (0..argc).find(|&i| {
                    let a = args.arg(i).unwrap();
                    a.ends_with(s) && {
                        let before = &a[..a.len() - s.len()];
                        (before.is_empty() && i > 0 && {
                            let prev = args.arg(i - 1).unwrap();
                            prev.starts_with(b"-") && prev.ends_with(b"e")
                        }) || (before.starts_with(b"-") && before.ends_with(b"e"))
                    }
                });
                assert!(holder.is_some(), "{s:?} is no -e value of {argc} arguments");
            }
        }
        Err(e) => check_error(args, e, argc),
    }
    match parse_shutdown(args) {
        Ok(s) => {
            assert!(b"0156aAbBcCsS".contains(&s.level.byte()));
            assert!(s.message <= argc, "the message starts inside argv or at its end");
        }
        Err(e) => check_error(args, e, argc),
    }
    for kind in [HaltProgram::Halt, HaltProgram::PowerOff, HaltProgram::Reboot] {
        match parse_halt(args, kind) {
            Ok(h) => {
                assert!(h.program == kind || (kind == HaltProgram::Halt && h.program == HaltProgram::PowerOff))
            }
            Err(e) => check_error(args, e, argc),
        }
    }
    match parse_runlevel(args) {
        Ok(r) => assert!(r.utmp.is_none_or(|i| i < argc)),
        Err(e) => check_error(args, e, argc),
    }
    let mut o = SingleOptions::default();
    match args::parse_vinit(args, &mut o) {
        Ok(VinitCommand::Single) => {
            assert!(o.cmd_index < argc);
            assert!(o.grace_secs <= 86_400);
        }
        Ok(VinitCommand::Inittab(t)) => {
            if let Some(at) = t.file {
                check_value(args, at);
            }
            assert!((1..=3600).contains(&o.stop_budget_secs));
            assert!(t.level.is_none_or(|l| b"0123456789S".contains(&l.byte())));
        }
        Ok(VinitCommand::Help | VinitCommand::Version) => {}
        Err(e) => check_error(args, e, argc),
    }
}

fuzz_target!(|data: &[u8]| {
    let argv = Argv::split(data);
    let args = argv.0.as_slice();
    for arg in args {
        match parse_when(arg) {
            Some(When::At { minute_of_day }) => assert!(minute_of_day < 24 * 60),
            Some(When::InMinutes(m)) => assert!(m > 0),
            Some(When::Now) | None => {}
        }
        // The VINIT_* environment values go through these two (`single_defaults_from_env`).
        if let Some(n) = args::parse_number(arg, 0, u64::MAX) {
            assert!(!arg.is_empty() && arg.iter().all(u8::is_ascii_digit));
            assert_eq!(args::parse_number(arg, n, n), Some(n));
        }
        let _ = args::parse_flag(arg);
        // -p's and -r's values, and VINIT_REWRITE.
        if let Some(sig) = signal_spec::parse_signal(arg) {
            assert!((1..=64).contains(&sig));
        }
        let mut rules = signal_spec::SignalRewrite::default();
        if rules.add_list(arg).is_none() {
            assert!(!arg.is_empty());
        }
        for sig in 0..=u8::MAX {
            let to = rules.apply(sig);
            assert!(to <= 64 || to == sig, "{sig} -> {to}");
        }
    }
    let name = args::basename(args.first().copied().unwrap_or_default());
    // `init` is no client by name alone (main picks telinit or vinit).
    assert!(name != b"init" || personality(name).is_none());
    // The not-PID-1 rule: never boot from a shell, never where an init runs.
    let ppid = argv.0.len() as i32 - 2;
    for (vinit1, running) in [(false, false), (true, false), (false, true), (true, true)] {
        match args::not_pid1_boot(ppid, vinit1, running) {
            Some(NotPid1::ParentIsPid1) => assert!(ppid == 1 && !running),
            Some(NotPid1::ParentOutside) => assert!(ppid == 0 && !vinit1 && !running),
            Some(NotPid1::FileGiven) => panic!("-f is not the rule's to give"),
            None => assert!(running || (ppid != 1 && (ppid != 0 || vinit1))),
        }
    }
    check_clients(args);
    check_clients(&Shifted::new(args, 1));
});
