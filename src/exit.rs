//! Exit codes, in one table ([`TABLE`], shown by `--help` and explained in
//! `docs/exit-codes.md`), and the error type that carries one.

use std::fmt;

/// The exit-code table, as printed at the end of `feedctl --help`.
pub const TABLE: &str = "\
Exit codes:
  0  success, or nothing to change
  1  error (unreadable or invalid config file, I/O error, a failing cargo or az)
  2  invalid usage (unknown flag, missing or conflicting arguments, an invalid or taken name)
  3  refused to overwrite settings that point elsewhere (use --force)
  4  token rejected by the feed (401/403, a sign-in page) or no token available, or the
     identity lacks a scope, role or permission for an Azure DevOps request
  5  feed not found (404) or not a Cargo feed: check organization, project and feed;
     or a step this Azure DevOps Server cannot do
  6  feed unreachable (network, DNS, TLS, proxy, timeout, 429, 5xx)
  7  doctor found a failing check
  8  crates of Cargo.lock are missing from the feed (save --check), or save could not save
     some of them (each is named with the reason)
130  interrupted (Ctrl-C at the token prompt)";

/// Why feedctl failed, when the reason has its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Usage = 2,
    Refused = 3,
    Auth = 4,
    NotFound = 5,
    Unreachable = 6,
    CheckFailed = 7,
    /// Crates of the lockfile are not in the feed (`save --check`), or could not be saved.
    Missing = 8,
    /// Ctrl-C at a prompt, as shells report an interrupted program (128 + SIGINT).
    Interrupted = 130,
}

/// An error with an exit code; the message is the whole story told to the user.
#[derive(Debug)]
pub struct Failure {
    pub code: Code,
    pub message: String,
}

impl Failure {
    pub fn new(code: Code, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code for an error chain: the first [`Failure`] in it, else 1.
pub fn code_of(err: &anyhow::Error) -> i32 {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map_or(1, |f| f.code as i32)
}
