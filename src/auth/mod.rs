//! Where cargo's tokens for Azure Artifacts come from when feedctl hands them out, and
//! feedctl as cargo's credential provider.
//!
//! - [`entra`]: Entra ID tokens from the platform the build runs on (GitHub Actions, Azure
//!   Pipelines, Kubernetes, managed identity, Codespaces), then `az`: no stored secret.
//! - [`azure_cli`]: Entra ID tokens from `az`, with advice for each of its failures.
//! - [`plugin`]: the credential-provider protocol (`feedctl --cargo-plugin`).

pub mod azure_cli;
pub mod entra;
pub mod plugin;

use crate::token::Secret;

/// A token ready for the `Authorization` header, and when it stops working.
#[derive(Debug)]
pub struct AccessToken {
    pub header: Secret,
    /// Seconds since the Unix epoch, when the source says.
    pub expires_on: Option<i64>,
}
