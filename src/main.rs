//! vinit: a tiny sysvinit-compatible, container-native PID 1.
//!
//! `main` wraps argv and envp, picks the personality from the basename of argv[0] and the mode
//! from the arguments, and returns the chosen mode's exit status. No logic lives here.
//!
//! Architecture: pure modules (no syscalls, `#![forbid(unsafe_code)]`, unit-tested under std):
//! `args`, `limits`, `time`, `sweep`, `initctl` (FIFO request codec), `utmp` (glibc records),
//! `client_args`. Edge modules do IO: `sys` (the only door to the kernel) and `rt` (no_std
//! start-up) hold all `unsafe`; `log` writes lines; `spawn` runs between fork and exec;
//! `single` is the `--` mode's event loop; `client` is telinit, shutdown, halt and runlevel.
#![cfg_attr(not(test), no_std)]
#![cfg_attr(not(test), no_main)]
// Under test there is no `main`, so the edge code is unused there; the release build checks it.
#![cfg_attr(test, allow(dead_code))]

// vinit is a no_std binary with musl's `main` and start-up: a glibc build cannot link (it ends
// in an obscure `_Unwind_Resume` error), so say at once what works. Inside the repository,
// .cargo/config.toml picks the musl target by itself.
#[cfg(not(all(target_os = "linux", target_env = "musl")))]
compile_error!(
    "vinit builds only for a Linux musl target: `rustup target add x86_64-unknown-linux-musl`, \
     then `cargo install vinit --target x86_64-unknown-linux-musl` (or, in a clone of the \
     repository, `cargo install --path .`, which picks the target by itself)"
);

mod args;
mod client;
mod client_args;
mod cmdline;
mod control;
mod event_loop;
mod initctl;
mod inittab;
mod levels;
mod limits;
mod log;
mod reaper;
mod records;
mod rt;
mod single;
mod spawn;
mod status;
mod supervisor;
mod sweep;
mod sys;
mod time;
mod utmp;

use args::{ArgList, UsageError, VinitCommand};
use log::{Bytes, Level};

const USAGE: &str = "usage: vinit [-s] [-g] [-v] [-t SECONDS] [-T SECONDS] [-e CODE]... -- CMD [ARG...]
       vinit [-f INITTAB] [-T SECONDS] [LEVEL]   (boot an inittab; VINIT_INITTAB, VINIT_STOP_TIMEOUT)
  -s          accepted for tini compatibility (subreaping is on whenever vinit is not PID 1)
  -g          forward signals to CMD's process group (VINIT_KILL_GROUP=1)
  -v          log every reaped process (VINIT_VERBOSE=1)
  -t SECONDS  grace between TERM and KILL for what is left when CMD exits (VINIT_GRACE, default 5)
  -T SECONDS  stop budget from the first SIGTERM or SIGINT: what still runs at 7/8 of it,
              CMD included, is KILLed; vinit is gone by its end (VINIT_STOP_TIMEOUT, default 9)
  -e CODE     report CMD's exit status CODE as 0; repeatable (VINIT_REMAP_EXIT=CODE,CODE)
";

impl ArgList for sys::Argv {
    fn arg(&self, i: usize) -> Option<&[u8]> {
        self.get(i).map(core::ffi::CStr::to_bytes)
    }
}

/// musl's crt calls this after setting up TLS and `environ`.
#[cfg(not(test))]
#[allow(unsafe_code)]
// SAFETY: the exported symbol `main` is what musl's __libc_start_main calls; nothing else
// defines it in this binary.
#[unsafe(no_mangle)]
extern "C" fn main(
    argc: core::ffi::c_int,
    argv: *const *const core::ffi::c_char,
    envp: *const *const core::ffi::c_char,
) -> core::ffi::c_int {
    // SAFETY: the kernel and musl hand main a valid argv of argc strings, null-terminated.
    let argv = unsafe { sys::Argv::from_main(argc, argv) };
    // SAFETY: likewise for envp, which lives for the whole process.
    let envp = unsafe { sys::Envp::from_main(envp) };
    core::ffi::c_int::from(run(argv, envp))
}

fn run(argv: sys::Argv, envp: sys::Envp) -> u8 {
    // Client personalities first: by argv[0] (a symlink named telinit, halt...), or as
    // `vinit NAME ARGS...`. `init` is telinit only when this process is not PID 1.
    let pid1 = sys::getpid() == 1;
    let name = args::basename(argv.arg(0).unwrap_or_default());
    // Both forms go through `Shifted` so the client code is compiled once.
    if let Some(p) = client_args::personality(name, pid1) {
        return client::run(p, &client_args::Shifted::new(&argv, 0), envp);
    }
    if let Some(p) = argv
        .arg(1)
        .and_then(|name| client_args::personality(name, pid1))
    {
        return client::run(p, &client_args::Shifted::new(&argv, 1), envp);
    }
    let defaults = match args::single_defaults_from_env(|name| envp.var(name)) {
        Ok(d) => d,
        Err(var) => {
            log!(Level::Fatal, "bad value in environment variable {}", var);
            return limits::EXIT_USAGE;
        }
    };
    match args::parse_vinit(&argv, defaults) {
        Ok(VinitCommand::Single(opts)) => single::run(argv, envp, opts),
        Ok(VinitCommand::Inittab(opts)) => {
            let mut settings = match event_loop::Settings::from_env(&envp) {
                Ok(s) => s,
                Err(var) => {
                    log!(Level::Fatal, "bad value in environment variable {}", var);
                    return limits::EXIT_USAGE;
                }
            };
            if let Some(path) = opts.file_index.and_then(|i| argv.get(i)) {
                settings.inittab = path;
            }
            if let Some(secs) = opts.stop_timeout {
                settings.config.stop_budget = time::Duration::from_secs(secs);
            }
            settings.config.forced_level = opts.level.and_then(levels::Level::from_byte);
            event_loop::run(settings, envp)
        }
        Ok(VinitCommand::Help) => {
            let _ = sys::write_all(sys::stdout(), USAGE.as_bytes());
            0
        }
        Ok(VinitCommand::Version) => {
            let _ = sys::write_all(
                sys::stdout(),
                concat!("vinit ", env!("CARGO_PKG_VERSION"), "\n").as_bytes(),
            );
            0
        }
        Err(e) => {
            usage_error(&argv, e);
            limits::EXIT_USAGE
        }
    }
}

fn usage_error(argv: &sys::Argv, e: UsageError) {
    let arg = |i: usize| Bytes(argv.arg(i).unwrap_or_default());
    match e {
        UsageError::UnknownOption(i) => log!(Level::Fatal, "unknown option: {}", arg(i)),
        UsageError::MissingValue(i) => log!(Level::Fatal, "option {} needs a value", arg(i)),
        UsageError::BadNumber(i) => log!(Level::Fatal, "not a valid number: {}", arg(i)),
        UsageError::MissingCommand => log!(Level::Fatal, "missing command after --"),
    }
    let _ = sys::write_all(sys::stderr(), USAGE.as_bytes());
}
