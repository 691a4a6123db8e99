//! feedctl as a cargo credential provider (`feedctl --cargo-plugin`, protocol v1).
//!
//! For Azure Artifacts registries it answers `get` with a fresh Entra ID token from the Azure
//! CLI, cached by cargo until shortly before the token expires, so one cargo run asks `az` at
//! most once per registry and nothing secret is ever stored. Any other registry gets "URL not
//! supported", so cargo moves on to the next provider. `login` and `logout` explain that there
//! is nothing to store.

use cargo_credential::{
    Action, CacheControl, Credential, CredentialResponse, Error, RegistryInfo, Secret,
};

use crate::auth::entra;
use crate::azure_cli;
use crate::environment::Environment;
use crate::feed;

/// Seconds before `expires_on` at which cargo should stop reusing a token.
const EXPIRY_MARGIN: i64 = 300;

/// The provider, holding the process's environment.
pub struct AzureCliProvider {
    env: Environment,
}

impl AzureCliProvider {
    pub fn new(env: Environment) -> AzureCliProvider {
        AzureCliProvider { env }
    }
}

impl Credential for AzureCliProvider {
    fn perform(
        &self,
        registry: &RegistryInfo<'_>,
        action: &Action<'_>,
        args: &[&str],
    ) -> Result<CredentialResponse, Error> {
        if !feed::is_azure_index(registry.index_url) {
            return Err(Error::UrlNotSupported);
        }
        match action {
            Action::Get(_) => {
                // `credential-provider = [feedctl, "--auth", "entra"]`: the platform's chain.
                let token = if entra::is_entra_args(args) {
                    entra::access_token(&self.env)
                } else {
                    azure_cli::access_token(&self.env)
                };
                let token = token.map_err(|e| {
                    Error::from(format!(
                        "feedctl could not get an Azure DevOps token for `{}`: {e:#}",
                        registry.name.unwrap_or(registry.index_url)
                    ))
                })?;
                Ok(CredentialResponse::Get {
                    token: Secret::from(token.header.expose().to_string()),
                    cache: cache_until(token.expires_on),
                    operation_independent: true,
                })
            }
            Action::Login(_) | Action::Logout if entra::is_entra_args(args) => {
                Err(Error::from(format!(
                    "`{}` gets a fresh token from the platform's identity for every cargo \
                     command (`--auth entra`), so there is nothing to {action}",
                    registry.name.unwrap_or(registry.index_url)
                )))
            }
            Action::Login(_) | Action::Logout => Err(Error::from(format!(
                "`{}` gets a fresh token from the Azure CLI for every cargo command, so there is \
                 nothing to {action}: run `az login` (or `az logout`) instead",
                registry.name.unwrap_or(registry.index_url)
            ))),
            _ => Err(Error::OperationNotSupported),
        }
    }
}

/// Cache a token until shortly before it expires; without an expiry, for this cargo run only.
fn cache_until(expires_on: Option<i64>) -> CacheControl {
    expires_on
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at - EXPIRY_MARGIN).ok())
        .map_or(CacheControl::Session, |expiration| CacheControl::Expires {
            expiration,
        })
}

/// Whether a `credential-provider` setting runs a feedctl binary as a provider.
pub fn is_feedctl_provider(entry: &[String]) -> bool {
    entry.first().is_some_and(|path| {
        std::path::Path::new(path)
            .file_stem()
            .is_some_and(|stem| stem == "feedctl")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cached_until_just_before_they_expire() {
        match cache_until(Some(2_000_000_000)) {
            CacheControl::Expires { expiration } => {
                assert_eq!(expiration.unix_timestamp(), 2_000_000_000 - EXPIRY_MARGIN);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cache_until(None), CacheControl::Session);
    }

    #[test]
    fn feedctl_providers_are_recognised() {
        let list = |s: &str| vec![s.to_string()];
        assert!(is_feedctl_provider(&list("/home/me/.cargo/bin/feedctl")));
        assert!(is_feedctl_provider(&list("/opt/bin/feedctl.exe")));
        assert!(!is_feedctl_provider(&list("cargo:token")));
        assert!(!is_feedctl_provider(&[]));
    }
}
