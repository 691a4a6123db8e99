//! The only reader of feedctl's surroundings: environment variables, the working directory,
//! whether a terminal is attached, standard input, and where cargo keeps its home.
//!
//! Everything else receives these facts as values, so that tests can drive the logic with
//! any combination of them and so that no module reads a variable behind the others' backs.

use std::ffi::OsString;
use std::io::{self, BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// A snapshot of the process's surroundings, taken once at start-up.
#[derive(Debug, Clone)]
pub struct Environment {
    cwd: PathBuf,
    stdin_is_terminal: bool,
}

impl Environment {
    pub fn capture() -> Result<Environment> {
        let cwd = std::env::current_dir().context("failed to read the current directory")?;
        Ok(Environment {
            cwd,
            stdin_is_terminal: io::stdin().is_terminal(),
        })
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// A variable's value; `None` when unset or not valid Unicode.
    pub fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }

    /// Every variable whose name starts with `prefix`, as (name, value), sorted by name;
    /// variables that are not valid Unicode are left out.
    pub fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        vars.sort();
        vars
    }

    /// Whether a person may be at the keyboard: stdin is a terminal and we are not in CI.
    pub fn interactive(&self) -> bool {
        self.stdin_is_terminal && self.var("CI").is_none_or(|v| v.is_empty() || v == "false")
    }

    /// `$CARGO_HOME` (relative values are taken from the working directory, as cargo does),
    /// else `~/.cargo`.
    pub fn cargo_home(&self) -> Result<PathBuf> {
        if let Some(home) = std::env::var_os("CARGO_HOME").filter(|v| !v.is_empty()) {
            return Ok(self.cwd.join(home));
        }
        match dirs::home_dir() {
            Some(home) if !home.as_os_str().is_empty() => Ok(home.join(".cargo")),
            _ => bail!(
                "cannot find cargo's home: neither `CARGO_HOME` nor `HOME` is set; set \
                 `CARGO_HOME` to the directory cargo should use"
            ),
        }
    }

    /// The cargo to run: `$CARGO` (set when feedctl runs under cargo), else `cargo` on `PATH`.
    pub fn cargo_program(&self) -> OsString {
        std::env::var_os("CARGO")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "cargo".into())
    }

    /// This program's absolute path, for cargo to run it as a credential provider.
    pub fn current_exe(&self) -> Result<PathBuf> {
        let exe = std::env::current_exe().context("failed to find feedctl's own path")?;
        Ok(exe.canonicalize().unwrap_or(exe))
    }

    /// Reads one line from standard input, without its line ending.
    pub fn read_stdin_line(&self) -> Result<String> {
        let mut line = String::new();
        io::stdin()
            .lock()
            .read_line(&mut line)
            .context("failed to read standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }

    /// Asks for a secret on the terminal without echoing it.
    pub fn prompt_secret(&self, prompt: &str) -> Result<String> {
        rpassword::prompt_password(prompt).context("failed to read from the terminal")
    }
}
