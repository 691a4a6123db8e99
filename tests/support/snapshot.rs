//! Snapshots of feedctl's human output (`--help`, dry-run diffs, `status`, `doctor`), kept as
//! files under `tests/snapshots/` and compared with snapbox, as cargo's own tests do.
//!
//! What differs from run to run is redacted before the comparison: the sandbox's temp dir
//! becomes `[ROOT]`, a fake feed's `http://127.0.0.1:PORT` becomes `[FEED]`, the `.exe` of
//! the program's name is `[EXE]` (empty outside Windows), and callers add their own (e.g.
//! cargo's version). Backslashes are compared as they are, so snapshots that show paths hold
//! Unix's. `SNAPSHOTS=overwrite cargo test --test feedctl` rewrites the files from what
//! feedctl prints now; review that diff like any other change.

use snapbox::{Assert, IntoData, RedactedValue, Redactions};

use super::Sandbox;

/// What to redact, always with the program's `[EXE]` suffix (clap names the program as it
/// was started: `feedctl.exe` on Windows).
pub struct Redact(Redactions);

impl Redact {
    /// The sandbox's temp dir (as named and as resolved through symlinks) as `[ROOT]`.
    pub fn sandbox(sandbox: &Sandbox) -> Redact {
        let root = sandbox.root().to_path_buf();
        let mut redactions = Redactions::new();
        redactions
            .insert("[EXE]", std::env::consts::EXE_SUFFIX)
            .expect("a valid placeholder");
        redactions
            .insert("[ROOT]", RedactedValue::from(&root))
            .expect("a valid placeholder");
        if let Ok(real) = root.canonicalize() {
            redactions
                .insert("[ROOT]", real)
                .expect("a valid placeholder");
        }
        Redact(redactions)
    }

    /// Also `feed`'s `http://127.0.0.1:PORT` as `[FEED]`.
    #[cfg(unix)] // only the Unix-only transcripts show a feed
    pub fn feed(self, feed: &super::FakeFeed) -> Redact {
        self.value("[FEED]", feed.server_url())
    }

    /// Also `value` as `placeholder`.
    #[cfg(unix)] // only the Unix-only transcripts need more
    pub fn value(mut self, placeholder: &'static str, value: impl Into<String>) -> Redact {
        self.0
            .insert(placeholder, value.into())
            .expect("placeholders are in square brackets");
        self
    }
}

/// Asserts that `actual`, redacted, is `expected` (usually `snapbox::file![…]`); with
/// `SNAPSHOTS=overwrite` it writes `actual` there instead.
#[track_caller]
pub fn assert_snapshot(actual: impl IntoData, expected: impl IntoData, redact: Redact) {
    Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .redact_with(redact.0)
        // Backslashes are text here (`printf '%s\n'`, a shell line continuation), not Windows
        // path separators to turn into `/`.
        .normalize_paths(false)
        .eq(actual, expected);
}

/// A finished run as one text to snapshot: the exit code, then stdout and stderr.
#[cfg(unix)] // only the Unix-only transcripts use it
pub fn transcript(out: &std::process::Output) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status
            .code()
            .map_or_else(|| "signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
