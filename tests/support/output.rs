//! What a finished run said: its streams as text, phrases that must all be in a text, and the
//! shape of a refused `env --verify` (the one CI step that must fail loudly and emit nothing).

use std::process::Output;

/// Fails, naming `what` and the missing phrase, unless `text` contains every one of `phrases`.
#[track_caller]
pub fn assert_says<S: AsRef<str>>(what: &str, text: &str, phrases: &[S]) {
    for phrase in phrases {
        let phrase = phrase.as_ref();
        assert!(
            text.contains(phrase),
            "{what}: {phrase:?} missing in:\n{text}"
        );
    }
}

/// `env --verify` refused the token: exit 4, nothing on stdout, and stderr says `phrases`
/// and that nothing was emitted, without PAT advice. Returns stderr.
#[track_caller]
pub fn assert_env_verify_refused(out: &Output, phrases: &[&str]) -> String {
    let stderr = out.stderr_text();
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(out.stdout.is_empty(), "emitted: {out:?}");
    assert_says("env --verify", &stderr, phrases);
    assert_says("env --verify", &stderr, &["Nothing was emitted."]);
    assert!(!stderr.contains("PAT"), "{stderr}");
    stderr
}

/// A finished run's streams as text. Lossy: feedctl prints UTF-8, and a stray byte must not
/// hide the rest of a failure message.
pub trait Streams {
    fn stdout_text(&self) -> String;
    fn stderr_text(&self) -> String;
}

impl Streams for Output {
    fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}
