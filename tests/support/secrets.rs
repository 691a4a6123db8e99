//! Asserting that a secret is nowhere it must not be, in every form it could take.

use base64::Engine as _;

use super::sandbox::text_under;
use super::{Sandbox, basic};

/// The forms a PAT can leak in: as typed, base64 of `PAT:<pat>` as Azure takes it, and the
/// whole `Authorization` value.
pub fn pat_forms(pat: &str) -> Vec<String> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("PAT:{pat}"));
    vec![pat.to_owned(), encoded, basic(pat)]
}

/// Fails, naming `what`, if `text` contains any of `secrets`.
#[track_caller]
pub fn assert_hidden<S: AsRef<str>>(what: &str, text: &str, secrets: &[S]) {
    for secret in secrets {
        assert!(
            !text.contains(secret.as_ref()),
            "{what} shows a secret:\n{text}"
        );
    }
}

/// Fails if any of `secrets` is stored in the sandbox's `CARGO_HOME` or its project's
/// `.cargo/` (where a token could be committed).
#[track_caller]
pub fn assert_not_stored<S: AsRef<str>>(sandbox: &Sandbox, secrets: &[S]) {
    for (what, dir) in [
        ("CARGO_HOME", sandbox.cargo_home()),
        ("the project's .cargo/", &sandbox.project().join(".cargo")),
    ] {
        let files = text_under(dir);
        for secret in secrets {
            assert!(
                !files.contains(secret.as_ref()),
                "a secret is stored in {what}"
            );
        }
    }
}
