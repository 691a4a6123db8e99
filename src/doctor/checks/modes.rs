//! Registries whose credential provider is feedctl itself (`--auth azure-cli`, `--auth
//! entra`): the recorded feedctl must exist, its token source must be usable here, and a
//! token in `CARGO_REGISTRIES_<NAME>_TOKEN` is ignored. Known without a request: `az account
//! show` reads the local profile only, so this holds with `--offline` too.

use crate::auth::{entra, entry};
use crate::cargo::config::effective::Registry;
use crate::cargo::credentials::Credentials;
use crate::doctor::facts::{AzureCliLogin, EntraSource};
use crate::doctor::report::{CheckId, Report};

/// `az` must be there and logged in; who it is logged in as (a user, a service principal, a
/// managed identity) is shown.
pub fn azure_cli(
    registry: &Registry,
    credentials: &Credentials,
    provider_exists: bool,
    login: &AzureCliLogin,
    report: &mut Report,
) {
    feedctl_provider(registry, provider_exists, "azure-cli", report);
    match login {
        AzureCliLogin::LoggedIn { az, account } => report.ok(
            CheckId::AzureCliLogin,
            format!(
                "tokens come from the Azure CLI (`{}`) via feedctl, logged in as {} ({}) in tenant {}",
                az.display(),
                account.name,
                account.kind.describe(),
                account.tenant
            ),
        ),
        AzureCliLogin::LoggedOut { az, advice } => report.fail(
            CheckId::AzureCliLogin,
            format!(
                "{} (`{}`), and this registry gets its tokens from it",
                advice.summary,
                az.display()
            ),
            advice.fix.clone(),
        ),
        AzureCliLogin::Failed(advice) => report.fail(
            CheckId::AzureCliLogin,
            super::said(advice),
            advice.fix.clone(),
        ),
        AzureCliLogin::Missing => report.fail(
            CheckId::TokenProvider,
            "`az` is not on PATH, but this registry gets its tokens from the Azure CLI",
            "install the Azure CLI (https://aka.ms/azure-cli) and run `az login`, or switch to a PAT: feedctl connect … --auth pat",
        ),
    }
    env_token_ignored(credentials, report);
}

/// Which Entra ID source applies here (the token itself is asked for online).
pub fn entra(
    registry: &Registry,
    credentials: &Credentials,
    provider_exists: bool,
    source: &Result<EntraSource, String>,
    report: &mut Report,
) {
    feedctl_provider(registry, provider_exists, "entra", report);
    match source {
        Ok(source) => report.ok(
            CheckId::EntraSource,
            format!(
                "tokens come from {} via feedctl: {}",
                source.source, source.detail
            ),
        ),
        Err(message) => report.fail(CheckId::EntraSource, message.clone(), entra::FIX),
    }
    env_token_ignored(credentials, report);
}

/// The `mode` is the `--auth` that recorded feedctl as the provider.
fn feedctl_provider(registry: &Registry, exists: bool, mode: &str, report: &mut Report) {
    // The provider refuses arguments it does not understand, so cargo gets no token at all.
    let args = registry.credential_provider.as_deref().unwrap_or_default();
    if let Err(bad) = entry::mode(args.get(1..).unwrap_or_default()) {
        report.fail(
            CheckId::TokenProvider,
            bad.to_string(),
            format!(
                "feedctl providers --auth entra --name {0}   (or --auth azure-cli)",
                registry.name
            ),
        );
    }
    if exists {
        return;
    }
    let provider = registry
        .credential_provider
        .as_ref()
        .and_then(|argv| argv.first())
        .cloned()
        .unwrap_or_default();
    report.fail(
        CheckId::TokenProvider,
        format!("the credential provider `{provider}` (feedctl) no longer exists, so cargo cannot get a token"),
        format!("feedctl providers --auth {mode} --name {}   (records feedctl's current path)", registry.name),
    );
}

/// cargo asks feedctl and never reads `CARGO_REGISTRIES_<NAME>_TOKEN`, so a token set there
/// is ignored (and may mislead).
fn env_token_ignored(credentials: &Credentials, report: &mut Report) {
    if let Some(found) = &credentials.env_token {
        report.warn(
            CheckId::TokenEnvIgnored,
            format!("{} is ignored on this machine: feedctl is this registry's credential provider", found.origin.describe()),
            "unset it, or remove `credential-provider` for this registry from $CARGO_HOME/config.toml",
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::azure_cli::{Account, Advice, Kind};
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Level, assert_checks};

    fn advice(quote: Option<&str>) -> Advice {
        Advice {
            summary: "the Azure CLI is not logged in".to_string(),
            fix: "az login".to_string(),
            quote: quote.map(str::to_string),
        }
    }

    fn feedctl_registry() -> Registry {
        let mut facts = fixture::registry("crates");
        facts.registry.credential_provider = Some(vec!["/gone/feedctl".to_string()]);
        facts.registry
    }

    #[test]
    fn azure_cli_table() {
        let az = || PathBuf::from("/usr/bin/az");
        let cases = [
            (
                "logged in",
                true,
                AzureCliLogin::LoggedIn {
                    az: az(),
                    account: Account {
                        kind: Kind::ServicePrincipal,
                        name: "app-id".to_string(),
                        tenant: "t1".to_string(),
                    },
                },
                vec![(
                    CheckId::AzureCliLogin,
                    Level::Ok,
                    "(`/usr/bin/az`) via feedctl, logged in as app-id (a service principal) in tenant t1",
                )],
            ),
            (
                "logged out",
                true,
                AzureCliLogin::LoggedOut {
                    az: az(),
                    advice: advice(None),
                },
                vec![(
                    CheckId::AzureCliLogin,
                    Level::Fail,
                    "the Azure CLI is not logged in (`/usr/bin/az`), and this registry",
                )],
            ),
            (
                "az failed",
                true,
                AzureCliLogin::Failed(advice(Some("ERROR: boom"))),
                vec![(
                    CheckId::AzureCliLogin,
                    Level::Fail,
                    "(az said: ERROR: boom)",
                )],
            ),
            (
                "no az, feedctl moved",
                false,
                AzureCliLogin::Missing,
                vec![
                    (
                        CheckId::TokenProvider,
                        Level::Fail,
                        "`/gone/feedctl` (feedctl) no longer exists",
                    ),
                    (CheckId::TokenProvider, Level::Fail, "`az` is not on PATH"),
                ],
            ),
        ];
        for (case, exists, login, expected) in cases {
            let mut report = Report::for_registry("crates");
            let credentials = fixture::credentials(&["/gone/feedctl"]);
            azure_cli(
                &feedctl_registry(),
                &credentials,
                exists,
                &login,
                &mut report,
            );
            assert_checks(&report, &expected, case);
        }
    }

    #[test]
    fn entra_table() {
        let mut with_env_token = fixture::credentials(&["/gone/feedctl"]);
        with_env_token.env_token = fixture::env_token("CARGO_REGISTRIES_CRATES_TOKEN", "x");
        let cases = [
            (
                "a source applies",
                fixture::credentials(&["/gone/feedctl"]),
                true,
                Ok(EntraSource {
                    source: "GitHub Actions OIDC",
                    detail: "id-token: write".to_string(),
                }),
                vec![(
                    CheckId::EntraSource,
                    Level::Ok,
                    "tokens come from GitHub Actions OIDC via feedctl: id-token: write",
                )],
            ),
            (
                "none applies, feedctl moved, a token in the variable",
                with_env_token,
                false,
                Err("no Entra ID source applies here".to_string()),
                vec![
                    (CheckId::TokenProvider, Level::Fail, "no longer exists"),
                    (
                        CheckId::EntraSource,
                        Level::Fail,
                        "no Entra ID source applies here",
                    ),
                    (
                        CheckId::TokenEnvIgnored,
                        Level::Warn,
                        "env var `CARGO_REGISTRIES_CRATES_TOKEN` is ignored on this machine",
                    ),
                ],
            ),
        ];
        for (case, credentials, exists, source, expected) in cases {
            let mut report = Report::for_registry("crates");
            entra(
                &feedctl_registry(),
                &credentials,
                exists,
                &source,
                &mut report,
            );
            assert_checks(&report, &expected, case);
        }
    }
}
