//! The process field of an inittab entry turned into an argv (compat §1.6 steps 1, 3, 4 and 6).
//!
//! `+` (no utmp records), shell detection on 22 special characters, `@` (run literally), word
//! splitting with `#` comments and the 14-word limit, and the `ENOEXEC` shell retry. The words
//! live NUL-terminated in one fixed buffer, ready to hand to execve. Also the `/etc/initscript`
//! form (step 2); whether that file is there is the caller's business. No syscalls.
#![forbid(unsafe_code)]

use heapless::Vec;

use crate::args::has_byte;
use crate::limits::{CMDLINE_MAX, INITSCRIPT, MAX_WORDS, SHELL};

/// Characters that make init run the process field through the shell (compat §1.6 step 3: the set
/// from the source, not the man page, which drops `\` and `{`).
const SHELL_SPECIAL: &[u8; 22] = b"~`!$^&*()=|\\{}[];\"'<>?";

/// argv for an entry: NUL-terminated words in one fixed buffer.
/// `repr(C)`, the buffer last: the counters and the flag are reached with one-byte
/// displacements.
#[derive(Clone, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct CommandLine {
    /// Offset in `buf` of each word; `CMDLINE_MAX` fits in a u16.
    starts: Vec<u16, MAX_WORDS>,
    shell: bool,
    buf: Vec<u8, CMDLINE_MAX>,
}

/// The process field does not fit the argv buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandTooLong;

/// Result of reading the process field: `+` prefix (no utmp records), then either
/// `/bin/sh -c "exec <rest>"` when it has any of the 22 shell-special characters and no leading
/// `@`, or words split on spaces/tabs with `#` ending the command line, at most 14 words (extra
/// dropped), `@` stripped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Process {
    /// The field started with `+`: write no utmp/wtmp records for this entry (compat §1.6 step 1).
    pub no_utmp: bool,
    /// What to execute.
    pub command: CommandLine,
}

impl CommandLine {
    const fn new(shell: bool) -> Self {
        Self {
            buf: Vec::new(),
            starts: Vec::new(),
            shell,
        }
    }

    /// The shell form `/bin/sh -c "exec <body>"`. `exec` as in sysvinit 3.00-3.10 (Debian 12):
    /// the shell replaces itself, so init tracks and signals the real program; 3.11+ dropped it
    /// (compat §1.6 step 3, §1.9).
    /// Filled into an empty command made with `new(true)`, not returned: a `CommandLine` is
    /// 392 bytes, and each return by value was a copy.
    fn shell_exec(&mut self, body: &[u8]) -> Result<(), CommandTooLong> {
        self.push_word(SHELL)?;
        self.push_word(b"-c")?;
        // `exec ` and the body are one word.
        self.begin_word()?;
        self.append(b"exec ")?;
        self.end_word(body)
    }

    /// Appends one word, NUL-terminated.
    fn push_word(&mut self, word: &[u8]) -> Result<(), CommandTooLong> {
        self.begin_word()?;
        self.end_word(word)
    }

    /// Records where the next word starts.
    fn begin_word(&mut self) -> Result<(), CommandTooLong> {
        // The buffer's length fits a u16 (checked below): a cast, not a checked conversion.
        const _: () = assert!(CMDLINE_MAX <= u16::MAX as usize);
        self.starts
            .push(self.buf.len() as u16)
            .map_err(|_| CommandTooLong)
    }

    fn append(&mut self, part: &[u8]) -> Result<(), CommandTooLong> {
        self.buf.extend_from_slice(part).map_err(|_| CommandTooLong)
    }

    /// Appends the last part of the word and its NUL.
    fn end_word(&mut self, tail: &[u8]) -> Result<(), CommandTooLong> {
        self.append(tail)?;
        self.buf.push(0).map_err(|_| CommandTooLong)
    }

    /// Number of words; 0 for an empty process field.
    pub fn word_count(&self) -> usize {
        self.starts.len()
    }

    /// Word `i` with its NUL (the bytes argv points at); word 0 is the program (compat §1.6
    /// step 5: argv[0] exactly as written). Found by a plain loop: `CStr`'s search brings a
    /// word-at-a-time `memchr` into the binary.
    pub fn word(&self, i: usize) -> Option<&[u8]> {
        let start = usize::from(*self.starts.get(i)?);
        let rest = self.buf.get(start..)?;
        rest.get(..=rest.iter().position(|&b| b == 0)?)
    }

    /// All words in order, each with its NUL.
    pub fn words(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.word_count()).filter_map(|i| self.word(i))
    }

    /// Whether this is the `/bin/sh -c "exec ..."` form.
    pub const fn uses_shell(&self) -> bool {
        self.shell
    }
}

/// The field up to its first NUL: what sysvinit's C strings see.
fn until_nul(field: &[u8]) -> &[u8] {
    field.split(|&b| b == 0).next().unwrap_or_default()
}

/// Whether init writes utmp records for an entry's processes: not when its process field
/// starts with `+` (compat §1.6 step 1).
pub fn writes_utmp(field: &[u8]) -> bool {
    // The first byte is the same up to the first NUL or not: a `+` is no NUL.
    field.first() != Some(&b'+')
}

/// The command text of a process field: up to its first NUL, without a leading `+` (compat
/// §1.6 step 1) and `@` (step 4); `literal` is set when the `@` was there. One routine for
/// every caller that strips them. The flag goes out through a pointer: with it, the answer
/// is 24 bytes, returned in memory, not in two registers.
fn command_body<'f>(field: &'f [u8], literal: &mut bool) -> &'f [u8] {
    let text = until_nul(field);
    let text = text.strip_prefix(b"+").unwrap_or(text);
    *literal = text.first() == Some(&b'@');
    text.get(usize::from(*literal)..).unwrap_or(text)
}

const fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Reads an entry's process field (compat §1.6 steps 1, 3, 4).
pub fn parse_process(field: &[u8]) -> Result<Process, CommandTooLong> {
    let mut process = Process {
        no_utmp: !writes_utmp(field),
        command: CommandLine::empty(),
    };
    process.command.read_process(field)?;
    Ok(process)
}

/// The `/etc/initscript` form (compat §1.6 step 2):
/// `/bin/sh /etc/initscript <id> <runlevels> <action> <process>`, the process field without its
/// `+` and `@` prefixes, passed as one word for the script to run.
pub fn initscript_command(
    id: &[u8],
    levels: &[u8],
    action: &str,
    field: &[u8],
) -> Result<CommandLine, CommandTooLong> {
    let mut cmd = CommandLine::empty();
    let body = command_body(field, &mut false);
    cmd.read_initscript(id, levels, action, body)?;
    Ok(cmd)
}

impl CommandLine {
    /// An empty command line, for `read_process` or `read_initscript` to fill.
    pub const fn empty() -> Self {
        Self::new(false)
    }

    /// `parse_process`'s command, filled in place: the spawn path fills one command line
    /// instead of copying a returned one (392 bytes) twice. Returns the field without its `+`
    /// and `@` prefixes, for `read_initscript` (so the spawn path strips them once).
    pub fn read_process<'f>(&mut self, field: &'f [u8]) -> Result<&'f [u8], CommandTooLong> {
        let mut literal = false;
        let body = command_body(field, &mut literal);
        *self = Self::new(!literal && body.iter().any(|&b| has_byte(SHELL_SPECIAL, b)));
        if self.shell {
            self.shell_exec(body)?;
        } else {
            split_words(self, body)?;
        }
        Ok(body)
    }

    /// `initscript_command`'s command, filled in place; `body` is the process field without
    /// its `+` and `@` prefixes (what `read_process` returns).
    pub fn read_initscript(
        &mut self,
        id: &[u8],
        levels: &[u8],
        action: &str,
        body: &[u8],
    ) -> Result<(), CommandTooLong> {
        *self = Self::new(true);
        // Six plain calls: a loop over a slice table rebuilt the table on the stack each time.
        self.push_word(SHELL)?;
        self.push_word(INITSCRIPT.to_bytes())?;
        self.push_word(id)?;
        self.push_word(levels)?;
        self.push_word(action.as_bytes())?;
        self.push_word(body)
    }
}

/// Splits on spaces and tabs (compat §1.6 step 4). A `#` ends the word it is in and the whole
/// command line. Words past the 14th are dropped silently, as sysvinit does (runtime-confirmed).
///
/// Deliberate deviation: for `echo foo # bar` sysvinit passes an extra empty argument before the
/// comment (compat §1.6 quirk); vinit stops at the `#` and passes none, since an empty argument
/// can only confuse the program and no working inittab depends on it.
fn split_words(cmd: &mut CommandLine, body: &[u8]) -> Result<(), CommandTooLong> {
    // A `#` ends the word it is in and the command line: the text is cut there first.
    let text = body.split(|&b| b == b'#').next().unwrap_or_default();
    for word in text
        .split(|&b| is_blank(b))
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
    {
        cmd.push_word(word)?;
    }
    Ok(())
}

/// The `ENOEXEC` retry of compat §1.6 step 6: always `/bin/sh -c "exec <field without + and @>"`.
pub fn shell_command(field: &[u8]) -> Result<CommandLine, CommandTooLong> {
    let mut cmd = CommandLine::empty();
    cmd.read_shell(field)?;
    Ok(cmd)
}

impl CommandLine {
    /// `shell_command`'s command, filled in place: the exec retry then copies no returned
    /// command line (392 bytes).
    pub fn read_shell(&mut self, field: &[u8]) -> Result<(), CommandTooLong> {
        let body = command_body(field, &mut false);
        *self = Self::new(true);
        self.shell_exec(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::PROCESS_MAX;

    fn words(cmd: &CommandLine) -> std::vec::Vec<std::string::String> {
        cmd.words()
            .map(|w| {
                core::str::from_utf8(w.strip_suffix(b"\0").unwrap())
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn initscript_form_passes_the_entry_as_four_arguments() {
        let c = initscript_command(b"r3", b"23", "respawn", b"+@/bin/x a$b\0junk").unwrap();
        assert_eq!(
            words(&c),
            [
                "/bin/sh",
                "/etc/initscript",
                "r3",
                "23",
                "respawn",
                "/bin/x a$b"
            ]
        );
        let longest = [b'p'; PROCESS_MAX];
        let c = initscript_command(b"abcd", b"S0123456789", "powerfailnow", &longest).unwrap();
        assert_eq!(c.word_count(), 6);
        assert_eq!(c.word(5).unwrap(), [&longest[..], b"\0"].concat());
    }

    #[test]
    fn plain_command_is_split_on_blanks() {
        let p = parse_process(b"/sbin/getty --noclear\t 38400 tty1 ").unwrap();
        assert!(!p.no_utmp);
        assert!(!p.command.uses_shell());
        assert_eq!(
            words(&p.command),
            ["/sbin/getty", "--noclear", "38400", "tty1"]
        );
        assert_eq!(p.command.word_count(), 4);
        assert_eq!(p.command.word(0).unwrap(), b"/sbin/getty\0");
        assert_eq!(p.command.word(4), None);
    }

    #[test]
    fn each_of_the_22_characters_selects_the_shell() {
        assert_eq!(SHELL_SPECIAL.len(), 22);
        for &c in SHELL_SPECIAL {
            let mut field = b"/bin/echo a".to_vec();
            field.push(c);
            field.extend_from_slice(b"b");
            let p = parse_process(&field).unwrap();
            assert!(p.command.uses_shell(), "char {}", c as char);
            let expected = format!("exec {}", core::str::from_utf8(&field).unwrap());
            assert_eq!(words(&p.command), ["/bin/sh", "-c", expected.as_str()]);
        }
    }

    #[test]
    fn other_punctuation_runs_directly() {
        for field in [
            "/bin/x a#b",
            "/bin/x 50%",
            "/bin/x a,b",
            "/a.b/c-d",
            "/bin/x +@:",
        ] {
            assert!(
                !parse_process(field.as_bytes())
                    .unwrap()
                    .command
                    .uses_shell(),
                "{field}"
            );
        }
    }

    #[test]
    fn at_makes_special_characters_literal() {
        let p = parse_process(b"@/bin/echo A4 $HOME (literal)").unwrap();
        assert!(!p.command.uses_shell());
        assert_eq!(words(&p.command), ["/bin/echo", "A4", "$HOME", "(literal)"]);
        // `@` only counts at the start (after `+`).
        let p = parse_process(b"+@/bin/echo $X").unwrap();
        assert!(p.no_utmp);
        assert_eq!(words(&p.command), ["/bin/echo", "$X"]);
        let p = parse_process(b"/bin/echo @$X").unwrap();
        assert!(p.command.uses_shell());
    }

    #[test]
    fn plus_means_no_utmp() {
        let p = parse_process(b"+/sbin/agetty tty1").unwrap();
        assert!(p.no_utmp);
        assert_eq!(words(&p.command), ["/sbin/agetty", "tty1"]);
        let p = parse_process(b"+/bin/a > /dev/null").unwrap();
        assert!(p.no_utmp);
        assert_eq!(
            words(&p.command),
            ["/bin/sh", "-c", "exec /bin/a > /dev/null"]
        );
        assert!(!parse_process(b"/bin/a +x").unwrap().no_utmp);
    }

    #[test]
    fn at_most_14_words() {
        let p = parse_process(b"echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16").unwrap();
        assert_eq!(p.command.word_count(), MAX_WORDS);
        assert_eq!(words(&p.command).last().unwrap(), "13");
        let p = parse_process(b"echo 1 2 3 4 5 6 7 8 9 10 11 12 13").unwrap();
        assert_eq!(p.command.word_count(), 14);
    }

    #[test]
    fn hash_ends_the_command_line() {
        let p = parse_process(b"echo foo#bar baz").unwrap();
        assert_eq!(words(&p.command), ["echo", "foo"]);
        // Deviation from sysvinit's extra empty argument (compat §1.6 quirk).
        let p = parse_process(b"echo foo # bar").unwrap();
        assert_eq!(words(&p.command), ["echo", "foo"]);
        assert_eq!(parse_process(b"# nothing").unwrap().command.word_count(), 0);
    }

    #[test]
    fn empty_field_has_no_words() {
        for field in [&b""[..], b"   ", b"+", b"@", b"+@ \t"] {
            let p = parse_process(field).unwrap();
            assert_eq!(p.command.word_count(), 0);
            assert_eq!(p.command.word(0), None);
        }
    }

    #[test]
    fn enoexec_retry_uses_the_shell() {
        let c = shell_command(b"+@/etc/rc.local start").unwrap();
        assert!(c.uses_shell());
        assert_eq!(words(&c), ["/bin/sh", "-c", "exec /etc/rc.local start"]);
        let c = shell_command(b"/x $y").unwrap();
        assert_eq!(words(&c), ["/bin/sh", "-c", "exec /x $y"]);
    }

    #[test]
    fn longest_field_fits_and_nul_ends_it() {
        let long = vec![b'x'; PROCESS_MAX];
        assert_eq!(
            words(&parse_process(&long).unwrap().command)[0].len(),
            PROCESS_MAX
        );
        let mut special = long.clone();
        special[0] = b'$';
        assert!(parse_process(&special).unwrap().command.uses_shell());
        assert!(shell_command(&long).is_ok());
        let spaced: std::vec::Vec<u8> = b"a ".repeat(PROCESS_MAX / 2);
        assert_eq!(
            parse_process(&spaced).unwrap().command.word_count(),
            MAX_WORDS
        );
        assert_eq!(
            parse_process(&vec![b'x'; CMDLINE_MAX]).unwrap_err(),
            CommandTooLong
        );
        assert_eq!(
            shell_command(&vec![b'x'; CMDLINE_MAX]).unwrap_err(),
            CommandTooLong
        );
        let p = parse_process(b"/bin/a b\0$c").unwrap();
        assert_eq!(words(&p.command), ["/bin/a", "b"]);
    }
}
