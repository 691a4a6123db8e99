//! Tokens and who hands them out: the secret type, where a pasted or stored token comes from,
//! feedctl's own entry in cargo's provider list, and feedctl as cargo's credential provider.
//!
//! - [`secret`]: the one type a token travels in (a leaf).
//! - [`token`]: token sources (prompt, stdin, variable, `az`) and the PAT/header encodings.
//! - [`minted`]: what feedctl remembers (no secret) about the PATs it minted.
//! - [`expiry`]: when the token cargo uses stops working, as known offline.
//! - [`entry`]: recognising feedctl's own `credential-provider` entry and its mode.
//! - [`provider`]: the credential-provider protocol (`feedctl --cargo-plugin`).
//! - [`azure_cli`]: Entra ID tokens from `az`, with advice for each of its failures.
//! - [`entra`]: Entra ID tokens from the platform the build runs on (GitHub Actions, Azure
//!   Pipelines, Kubernetes, managed identity, Codespaces), then `az`: no stored secret.

pub mod azure_cli;
pub mod entra;
pub mod entry;
pub mod expiry;
pub mod minted;
pub mod provider;
pub mod secret;
pub mod token;

use crate::auth::secret::Secret;
use crate::util::jwt;

/// A token ready for the `Authorization` header, and when it stops working.
#[derive(Debug)]
pub struct AccessToken {
    pub header: Secret,
    /// Seconds since the Unix epoch, when the source says.
    pub expires_on: Option<i64>,
}

impl AccessToken {
    /// Who the token names, from its claims (never the token); `None` for an opaque token.
    pub fn identity(&self) -> Option<String> {
        jwt::Claims::of_bearer(self.header.as_deref().expose()).map(|c| c.identity())
    }
}
