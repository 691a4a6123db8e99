//! feedctl as a cargo credential provider (`feedctl --cargo-plugin`, protocol v1).
//!
//! For Azure Artifacts registries it answers `get` with a fresh Entra ID token from the Azure
//! CLI, cached by cargo until shortly before the token expires, so one cargo run asks `az` at
//! most once per registry and nothing secret is ever stored. The token is for the tenant the
//! feed announced on the 401 that cargo passes along (see [`azure_cli::token_for_feed`]), and
//! is tried once before cargo gets it, so that a rejection is explained in az's terms. Any
//! other registry gets "URL not supported", so cargo moves on to the next provider. `login`
//! and `logout` explain that there is nothing to store.

use cargo_credential::{Action, CacheControl, Credential, CredentialResponse, Error, RegistryInfo};

use super::AccessToken;
use super::entry::{self, Mode};
use super::{azure_cli, entra};
use crate::azure::feed;
use crate::azure::{probe, verdict};
use crate::environment::Environment;
use crate::ui;

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

    /// A token for `registry`, whose 401 headers (if cargo got one) name the organization's
    /// tenant. Warnings go to stderr, which cargo shows.
    fn access_token(&self, registry: &RegistryInfo<'_>) -> anyhow::Result<AccessToken> {
        let announced = probe::resource_tenant(
            registry
                .headers
                .iter()
                .filter_map(|line| line.split_once(':'))
                .map(|(name, value)| (name.trim(), value.trim())),
        );
        let az = azure_cli::token_for_feed(&self.env, || {
            announced.or_else(|| {
                probe::probe_here(&self.env, registry.index_url, None)
                    .ok()?
                    .tenant()
            })
        })
        .map_err(crate::exit::Failure::from)?;
        if let Some(warning) = az.outdated_warning() {
            ui::warn(warning);
        }
        if let Some(other) = &az.switched_from {
            ui::debug(format!(
                "az is logged in to tenant {other}; using its token for the organization's tenant"
            ));
        }
        // cargo would answer a rejected token with advice about `cargo login` and PATs; one
        // request first lets a 401 be explained in az's terms. Any other trouble is cargo's
        // to report, with its own network settings.
        if let Ok(answer @ probe::Answer::Unauthorized { .. }) =
            probe::probe_here(&self.env, registry.index_url, Some(&az.token.header))
        {
            let name = registry.name.unwrap_or(registry.index_url);
            if let Some(verdict) = verdict::judge(&answer, &az.sent(), registry.index_url, name) {
                return Err(crate::exit::Failure::from(verdict).into());
            }
        }
        Ok(az.token)
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
        // A mistake in the provider's arguments stops cargo with feedctl's message: falling
        // back to another way of getting a token would hide it behind a different failure.
        let mode = entry::mode(args).map_err(|bad| Error::from(bad.to_string()))?;
        let name = registry.name.unwrap_or(registry.index_url);
        match (action, mode) {
            (Action::Get(_), _) => {
                let token = match mode {
                    // `credential-provider = [feedctl, "--auth", "entra"]`: the platform's chain.
                    Mode::Entra => entra::access_token(&self.env),
                    Mode::AzureCli => self.access_token(registry),
                };
                let token = token.map_err(|e| {
                    Error::from(format!(
                        "feedctl could not get an Azure DevOps token for `{name}`: {e:#}"
                    ))
                })?;
                Ok(CredentialResponse::Get {
                    cache: cache_until(token.expires_on, time::OffsetDateTime::now_utc()),
                    token: token.header,
                    operation_independent: true,
                })
            }
            (Action::Login(_) | Action::Logout, Mode::Entra) => Err(Error::from(format!(
                "`{name}` gets a fresh token from the platform's identity for every cargo \
                 command (`--auth entra`), so there is nothing to {action}"
            ))),
            (Action::Login(_) | Action::Logout, Mode::AzureCli) => Err(Error::from(format!(
                "`{name}` gets a fresh token from the Azure CLI for every cargo command, so there is \
                 nothing to {action}: run `az login` (or `az logout`) instead"
            ))),
            _ => Err(Error::OperationNotSupported),
        }
    }
}

/// Cache a token until shortly before it expires; without an expiry, for this cargo run only;
/// one that is about to expire, not at all.
fn cache_until(expires_on: Option<i64>, now: time::OffsetDateTime) -> CacheControl {
    let Some(at) = expires_on else {
        return CacheControl::Session;
    };
    match time::OffsetDateTime::from_unix_timestamp(at - EXPIRY_MARGIN) {
        Ok(expiration) if expiration > now => CacheControl::Expires { expiration },
        _ => CacheControl::Never,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cached_until_just_before_they_expire() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_900_000_000).unwrap();
        match cache_until(Some(2_000_000_000), now) {
            CacheControl::Expires { expiration } => {
                assert_eq!(expiration.unix_timestamp(), 2_000_000_000 - EXPIRY_MARGIN);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(cache_until(None, now), CacheControl::Session);
        assert_eq!(cache_until(Some(1_900_000_100), now), CacheControl::Never);
    }
}
