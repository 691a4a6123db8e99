//! What feedctl says to people: cargo-style status lines, warnings and notes on stderr,
//! data (diffs, JSON, environment lines) on stdout. Colour appears only on terminals.
//! The one module allowed to print (see `clippy.toml`).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use anstyle::{AnsiColor, Style};

static VERBOSE: AtomicBool = AtomicBool::new(false);

const STATUS: Style = AnsiColor::Green.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const NOTE: Style = AnsiColor::Cyan.on_default().bold();
const DEBUG: Style = AnsiColor::BrightBlack.on_default();

pub fn set_verbose(on: bool) {
    VERBOSE.store(on, Ordering::Relaxed);
}

/// `    Verb message`, the verb right-aligned like cargo's.
pub fn status(verb: &str, message: impl AsRef<str>) {
    anstream::eprintln!("{STATUS}{verb:>12}{STATUS:#} {}", message.as_ref());
}

pub fn warn(message: impl AsRef<str>) {
    anstream::eprintln!("{WARNING}warning{WARNING:#}: {}", message.as_ref());
}

pub fn note(message: impl AsRef<str>) {
    anstream::eprintln!("{NOTE}note{NOTE:#}: {}", message.as_ref());
}

pub fn error(message: impl AsRef<str>) {
    anstream::eprintln!("{ERROR}error{ERROR:#}: {}", message.as_ref());
}

/// A question on stderr, the answer to follow on the same line.
pub fn ask(question: impl AsRef<str>) {
    anstream::eprint!("{}", question.as_ref());
    let _ = io::stderr().flush();
}

/// A line for `--verbose` only. Callers never pass secrets here.
pub fn debug(message: impl AsRef<str>) {
    if VERBOSE.load(Ordering::Relaxed) {
        anstream::eprintln!("{DEBUG}debug: {}{DEBUG:#}", message.as_ref());
    }
}

/// A one-line progress bar on stderr (`   Saving [====>   ] 12/200 serde`), drawn only
/// when `live` (a terminal, not CI, not `--json`) and wiped when dropped. Kept this small
/// rather than pulling in a progress crate for one line.
pub struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    live: bool,
}

impl Progress {
    pub fn new(total: usize, live: bool) -> Progress {
        Progress {
            total,
            done: std::sync::atomic::AtomicUsize::new(0),
            live,
        }
    }

    /// One more step done, `what` being its name.
    pub fn tick(&self, verb: &str, what: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if !self.live || self.total == 0 {
            return;
        }
        let width = 25;
        let filled = done * width / self.total;
        let bar = format!("{}>{}", "=".repeat(filled), " ".repeat(width - filled));
        let mut err = anstream::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[K{STATUS}{verb:>12}{STATUS:#} [{bar}] {done}/{} {what}",
            self.total
        );
        let _ = err.flush();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.live && self.done.load(Ordering::Relaxed) > 0 {
            let mut err = anstream::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// Writes data to stdout. A closed pipe (`feedctl … | head`) surfaces as an
/// `io::ErrorKind::BrokenPipe` error, which `main` turns into a quiet exit 0.
pub fn stdout(text: impl AsRef<str>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_ref().as_bytes())?;
    out.flush()
}

/// Writes a value as pretty JSON and a newline on stdout: every command's `--json` output.
pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    stdout(serde_json::to_string_pretty(value)? + "\n")?;
    Ok(())
}

/// The command line that pipes a PAT held in `AZURE_DEVOPS_PAT` into `command --pat-stdin`,
/// written for the shell people use on this OS: PowerShell on Windows, sh elsewhere.
pub fn pat_stdin_hint(command: &str) -> String {
    if cfg!(windows) {
        format!("$env:AZURE_DEVOPS_PAT | {command} --pat-stdin")
    } else {
        format!("printf '%s\\n' \"$AZURE_DEVOPS_PAT\" | {command} --pat-stdin")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pat_hint_is_in_this_os_shell() {
        let hint = pat_stdin_hint("feedctl login --name crates");
        if cfg!(windows) {
            assert_eq!(
                hint,
                "$env:AZURE_DEVOPS_PAT | feedctl login --name crates --pat-stdin"
            );
        } else {
            assert_eq!(
                hint,
                "printf '%s\\n' \"$AZURE_DEVOPS_PAT\" | feedctl login --name crates --pat-stdin"
            );
        }
    }
}
