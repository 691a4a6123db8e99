//! The only reader of feedctl's surroundings: environment variables, the working directory,
//! the home directory, feedctl's own path, whether a terminal is attached, and standard input.
//!
//! [`Environment::capture`] takes one snapshot at start-up and every other module receives
//! it by reference, so a test can build any surroundings with [`Environment::for_test`] and
//! drive the logic in-process. `clippy.toml` bans `std::env::var*`, `current_dir`,
//! `current_exe`, `dirs::home_dir` and `std::io::stdin` outside this file (cargo and rustup
//! keep the same rule), so no module can read a variable behind the others' backs.
//!
//! Child processes (cargo, az) still inherit the real process environment, which the snapshot
//! equals: feedctl never changes its own environment.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::exit::{Code, Failure};

/// The most bytes [`Environment::read_stdin_line`] reads: far more than any token.
pub const STDIN_LINE_LIMIT: usize = 64 * 1024;

/// A snapshot of the process's surroundings, taken once at start-up.
#[derive(Debug, Clone)]
pub struct Environment {
    cwd: PathBuf,
    stdin_is_terminal: bool,
    stderr_is_terminal: bool,
    stdout_is_terminal: bool,
    /// Every variable, keyed as the OS compares names: as written on Unix, upper-cased on
    /// Windows, where `Path` and `PATH` are one variable. The value keeps the name as set.
    vars: BTreeMap<OsString, (OsString, OsString)>,
    home: Option<PathBuf>,
    /// feedctl's own path, or why the OS could not say.
    exe: Result<PathBuf, String>,
    /// Standard input given by a test instead of the process's own.
    stdin: Option<Arc<str>>,
}

impl Environment {
    /// Reads the real surroundings, once.
    pub fn capture() -> Result<Environment> {
        let cwd = std::env::current_dir().context("failed to read the current directory")?;
        Ok(Environment {
            cwd,
            stdin_is_terminal: io::stdin().is_terminal(),
            stderr_is_terminal: io::stderr().is_terminal(),
            stdout_is_terminal: io::stdout().is_terminal(),
            vars: std::env::vars_os()
                .map(|(k, v)| (key(&k), (k, v)))
                .collect(),
            home: dirs::home_dir().filter(|h| !h.as_os_str().is_empty()),
            exe: std::env::current_exe().map_err(|e| e.to_string()),
            stdin: None,
        })
    }

    /// Surroundings made up by a test: no variables, no home, no terminal, empty stdin.
    #[cfg(test)]
    pub fn for_test(cwd: impl Into<PathBuf>) -> Environment {
        Environment {
            cwd: cwd.into(),
            stdin_is_terminal: false,
            stderr_is_terminal: false,
            stdout_is_terminal: false,
            vars: BTreeMap::new(),
            home: None,
            exe: Err("no executable in a test environment".to_string()),
            stdin: Some("".into()),
        }
    }

    /// The same surroundings with variable `name` set to `value`.
    #[cfg(test)]
    pub fn with_var(mut self, name: &str, value: &str) -> Environment {
        self.vars
            .insert(key(name.as_ref()), (name.into(), value.into()));
        self
    }

    /// The same surroundings with variable `name` set to bytes that are not valid Unicode.
    #[cfg(all(test, unix))]
    pub fn with_raw_var(mut self, name: &str, value: &[u8]) -> Environment {
        use std::os::unix::ffi::OsStrExt;
        let value = OsStr::from_bytes(value).to_os_string();
        self.vars.insert(key(name.as_ref()), (name.into(), value));
        self
    }

    /// The same surroundings with this home directory.
    #[cfg(test)]
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Environment {
        self.home = Some(home.into());
        self
    }

    /// The same surroundings with standard output on a terminal.
    #[cfg(test)]
    pub fn with_stdout_terminal(mut self) -> Environment {
        self.stdout_is_terminal = true;
        self
    }

    /// The same surroundings with one line of standard input read now and given again to
    /// every later read: for a run that hands the same `--pat-stdin` token to two steps.
    pub fn replaying_stdin_line(&self) -> Result<Environment> {
        let line = self.read_stdin_line()?;
        Ok(self.clone().with_stdin(&format!("{line}\n")))
    }

    /// The same surroundings with this text on standard input.
    pub fn with_stdin(mut self, text: &str) -> Environment {
        self.stdin = Some(text.into());
        self
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// A variable's raw value, if set.
    pub fn var_os(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .get(&key(name.as_ref()))
            .map(|(_, v)| v.as_os_str())
    }

    /// A variable's value; `None` when unset or not valid Unicode (as cargo reads its own
    /// `CARGO_*` settings: such a value counts as unset).
    pub fn var(&self, name: &str) -> Option<String> {
        self.var_os(name)?.to_str().map(str::to_string)
    }

    /// A variable feedctl was told to read (`--pat-env VAR`), where a value that is not
    /// valid Unicode is set, not missing: `Err` says so, naming the variable.
    pub fn var_text(&self, name: &str) -> Result<Option<String>> {
        match self.var_os(name) {
            None => Ok(None),
            Some(value) => match value.to_str() {
                Some(text) => Ok(Some(text.to_string())),
                None => bail!("the variable `{name}` is set, but its value is not valid UTF-8"),
            },
        }
    }

    /// Every variable whose name starts with `prefix`, as (name, value), sorted by name;
    /// variables that are not valid Unicode are left out.
    pub fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .vars
            .values()
            .filter_map(|(k, v)| Some((k.to_str()?.to_string(), v.to_str()?.to_string())))
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        vars.sort();
        vars
    }

    /// The variables starting with one of `prefixes` whose name or value is not valid
    /// Unicode (names shown lossily), sorted: set, yet [`var`](Self::var) reads them as unset.
    pub fn non_unicode_vars(&self, prefixes: &[&str]) -> Vec<String> {
        let mut found: Vec<String> = self
            .vars
            .values()
            .filter(|(k, v)| k.to_str().is_none() || v.to_str().is_none())
            .map(|(k, _)| k.to_string_lossy().into_owned())
            .filter(|k| prefixes.iter().any(|p| k.starts_with(p)))
            .collect();
        found.sort();
        found
    }

    /// Whether a person may be at the keyboard: stdin is a terminal and we are not in CI.
    pub fn interactive(&self) -> bool {
        self.stdin_is_terminal && self.var("CI").is_none_or(|v| v.is_empty() || v == "false")
    }

    /// Whether a progress bar may be drawn: stderr is a terminal and we are not in CI.
    pub fn live_progress(&self) -> bool {
        self.stderr_is_terminal && self.var("CI").is_none_or(|v| v.is_empty() || v == "false")
    }

    /// Whether standard output is a terminal (where a secret must not be printed).
    pub fn stdout_is_terminal(&self) -> bool {
        self.stdout_is_terminal
    }

    /// This machine's name, for labels a person reads later (a PAT's display name):
    /// `COMPUTERNAME` (Windows), `HOSTNAME`, else the system's host name (on Unix; macOS
    /// exports neither variable).
    pub fn machine_name(&self) -> Option<String> {
        ["COMPUTERNAME", "HOSTNAME"]
            .iter()
            .find_map(|var| self.var(var))
            .or_else(system_host_name)
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
    }

    /// `$CARGO_HOME` (relative values are taken from the working directory, as cargo does),
    /// else `~/.cargo`.
    pub fn cargo_home(&self) -> Result<PathBuf> {
        if let Some(home) = self.var_os("CARGO_HOME").filter(|v| !v.is_empty()) {
            return Ok(self.cwd.join(home));
        }
        match &self.home {
            Some(home) => Ok(home.join(".cargo")),
            None => bail!(
                "cannot find cargo's home: neither `CARGO_HOME` nor `HOME` is set; set \
                 `CARGO_HOME` to the directory cargo should use"
            ),
        }
    }

    /// The cargo to run: `$CARGO` (set when feedctl runs under cargo), else `cargo` on `PATH`.
    pub fn cargo_program(&self) -> OsString {
        self.var_os("CARGO")
            .filter(|v| !v.is_empty())
            .map_or_else(|| "cargo".into(), OsStr::to_os_string)
    }

    /// This program's absolute path, for cargo to run it as a credential provider.
    pub fn current_exe(&self) -> Result<PathBuf> {
        let exe = self
            .exe
            .clone()
            .map_err(|e| anyhow::anyhow!(e))
            .context("failed to find feedctl's own path")?;
        Ok(exe.canonicalize().unwrap_or(exe))
    }

    /// Reads one line from standard input, without its line ending, reading at most
    /// [`STDIN_LINE_LIMIT`] bytes: an endless input (`/dev/zero`, a wrong file piped in) is
    /// an error, not a search for a line break that never comes.
    pub fn read_stdin_line(&self) -> Result<String> {
        let mut line = Vec::new();
        let limit = STDIN_LINE_LIMIT as u64 + 1;
        match &self.stdin {
            Some(text) => io::Cursor::new(text.as_bytes())
                .take(limit)
                .read_until(b'\n', &mut line),
            None => io::stdin().lock().take(limit).read_until(b'\n', &mut line),
        }
        .context("failed to read standard input")?;
        if line.len() > STDIN_LINE_LIMIT && !line.ends_with(b"\n") {
            bail!(Failure::new(
                Code::Usage,
                format!(
                    "standard input has no line break in its first {} KiB, so it is not a \
                     token (a PAT is under 100 characters, an Entra ID token a few KB); pipe \
                     the token alone",
                    STDIN_LINE_LIMIT / 1024
                )
            ));
        }
        let line = String::from_utf8(line)
            .map_err(|_| anyhow::anyhow!("standard input is not UTF-8 text"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    /// Asks for a secret on the terminal without echoing it; `None` when the user pressed
    /// Ctrl-C, with the terminal as it was before.
    pub fn prompt_secret(&self, prompt: &str) -> Result<Option<String>> {
        // On Ctrl-C, rpassword raises the interrupt (SIGINT; on Windows a console Ctrl-C
        // event) before it puts the terminal back, so that, as usual, the interrupt would end
        // feedctl with echo off. Ignored for the prompt's length, it reaches nobody, and
        // rpassword returns `Interrupted` after restoring the terminal.
        let _ignored = interrupt::Ignored::new();
        match rpassword::prompt_password(prompt) {
            Ok(secret) => Ok(Some(secret)),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(e) => Err(e).context("failed to read from the terminal"),
        }
    }
}

/// Keeping the interrupt (Ctrl-C) from ending the process while a guard lives.
mod interrupt {
    /// While alive, the interrupt signal or console event is ignored; dropping it brings back
    /// what was there before.
    pub struct Ignored {
        #[cfg(unix)]
        previous: libc::sighandler_t,
    }

    impl Ignored {
        #[cfg(unix)]
        pub fn new() -> Ignored {
            // SAFETY: installs the ignore disposition, no handler code runs.
            let previous = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
            Ignored { previous }
        }

        #[cfg(windows)]
        pub fn new() -> Ignored {
            // SAFETY: no handler routine: the process ignores Ctrl-C until `drop`.
            unsafe { windows_sys::Win32::System::Console::SetConsoleCtrlHandler(None, 1) };
            Ignored {}
        }

        #[cfg(not(any(unix, windows)))]
        pub fn new() -> Ignored {
            Ignored {}
        }
    }

    impl Drop for Ignored {
        fn drop(&mut self) {
            #[cfg(unix)]
            if self.previous != libc::SIG_ERR {
                // SAFETY: puts back the disposition `signal` returned.
                unsafe { libc::signal(libc::SIGINT, self.previous) };
            }
            #[cfg(windows)]
            // SAFETY: Ctrl-C handling as normal again.
            unsafe {
                windows_sys::Win32::System::Console::SetConsoleCtrlHandler(None, 0)
            };
        }
    }
}

/// How the OS compares variable names: exactly on Unix, ignoring ASCII case on Windows.
fn key(name: &OsStr) -> OsString {
    if cfg!(windows) {
        name.to_ascii_uppercase()
    } else {
        name.to_os_string()
    }
}

/// The host name the system reports (`gethostname`), where there is one.
#[cfg(unix)]
fn system_host_name() -> Option<String> {
    let mut name = [0u8; 256];
    // SAFETY: the buffer is valid for writes of its whole length, which is what we pass.
    let rc = unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) };
    if rc != 0 {
        return None;
    }
    let end = name.iter().position(|&b| b == 0)?;
    String::from_utf8(name[..end].to_vec()).ok()
}

/// Windows names the machine in `COMPUTERNAME`; there is nothing else to ask.
#[cfg(not(unix))]
fn system_host_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_machine_name_comes_from_the_variables_then_the_system() {
        let env = Environment::for_test("/work/project");
        let named = env.clone().with_var("HOSTNAME", " build-01\n");
        assert_eq!(named.machine_name().as_deref(), Some("build-01"));
        // No variable (as on macOS): Unix still knows the host's name.
        #[cfg(unix)]
        assert!(env.machine_name().is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn a_test_environment_answers_from_its_own_values() {
        let env = Environment::for_test("/work/project")
            .with_var("CARGO_HOME", "home")
            .with_var(
                "CARGO_REGISTRIES_CORP_INDEX",
                "sparse+https://example.test/",
            )
            .with_var("CI", "true")
            .with_stdin("line one\r\nline two\n");
        assert_eq!(env.cargo_home().unwrap(), Path::new("/work/project/home"));
        assert_eq!(
            env.vars_with_prefix("CARGO_REGISTRIES_"),
            [(
                "CARGO_REGISTRIES_CORP_INDEX".to_string(),
                "sparse+https://example.test/".to_string()
            )]
        );
        assert!(!env.interactive());
        assert_eq!(env.read_stdin_line().unwrap(), "line one");
        assert_eq!(env.cargo_program(), "cargo");
        assert!(env.current_exe().is_err());
    }

    #[test]
    fn a_line_of_standard_input_is_bounded() {
        let long = "x".repeat(STDIN_LINE_LIMIT);
        let env = Environment::for_test("/p").with_stdin(&format!("{long}\nrest"));
        assert_eq!(env.read_stdin_line().unwrap(), long);
        let env = Environment::for_test("/p").with_stdin(&format!("{long}x\n"));
        let err = env.read_stdin_line().unwrap_err();
        assert_eq!(crate::exit::code_of(&err), Code::Usage as i32);
        assert!(err.to_string().contains("64 KiB"), "{err}");
    }

    #[test]
    fn cargo_home_falls_back_to_the_home_directory() {
        let env = Environment::for_test("/p");
        assert!(env.cargo_home().is_err());
        let env = env.with_home("/home/me");
        assert_eq!(env.cargo_home().unwrap(), Path::new("/home/me/.cargo"));
        let env = env.with_var("CARGO_HOME", "");
        assert_eq!(env.cargo_home().unwrap(), Path::new("/home/me/.cargo"));
    }

    #[test]
    fn variable_names_compare_as_the_os_compares_them() {
        let env = Environment::for_test("/p").with_var("Path", "/bin");
        assert_eq!(env.var("PATH").is_some(), cfg!(windows));
        assert_eq!(env.var("Path").as_deref(), Some("/bin"));
    }
}
