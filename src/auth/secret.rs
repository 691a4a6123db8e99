//! The one type a token or password travels in: cargo's own [`cargo_credential::Secret`],
//! which has no `Display`, prints `REDACTED` through `Debug`, and is only read through
//! `expose`, so every place a token crosses a boundary (an HTTP header, a child's stdin, an
//! env line the user asked for) is visible in the code. A leaf: it imports nothing of ours.
//!
//! It is also `Serialize` (cargo's protocol sends tokens as JSON), so it never goes into a
//! report type: `--json` output is checked for recognisable secrets by the tests.

/// A token or a whole `Authorization` value (`Basic …`, `Bearer …`).
pub type Secret = cargo_credential::Secret<String>;

/// A value that already is a whole `Authorization` value, as cargo stores and reads it.
pub fn verbatim(value: impl Into<String>) -> Secret {
    Secret::from(value.into())
}

/// `Bearer <token>` for an Entra ID access token.
pub fn bearer(token: &str) -> Secret {
    verbatim(format!("Bearer {}", token.trim()))
}
