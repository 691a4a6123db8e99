//! Registries whose tokens cargo finds itself (`cargo:token`, an OS store, another
//! provider): a token where cargo reads it, in a form Azure accepts, not shadowed by a stale
//! copy, and a provider list that can give one. This is where cargo's precedence rules live:
//! the provider listed last answers first, and a registry's own `credential-provider`
//! replaces the global list.

use crate::auth::token;
use crate::cargo::config::effective::Definition;
use crate::cargo::credentials::Credentials;
use crate::cargo::providers;
use crate::doctor::facts::RegistryFacts;
use crate::doctor::report::{CheckId, Report};

/// `storing_runnable`: whether cargo can start the provider `cargo login` stores with.
pub fn check(
    facts: &RegistryFacts,
    credentials: &Credentials,
    storing_runnable: bool,
    report: &mut Report,
) {
    token_form(facts, credentials, report);
    shadowed(facts, credentials, report);
    present(facts, credentials, storing_runnable, report);
}

/// Tokens cargo ignores or Azure rejects for their form alone.
fn token_form(facts: &RegistryFacts, credentials: &Credentials, report: &mut Report) {
    // cargo warns that such a token "will be ignored": only `cargo:token` reads it.
    for found in [&credentials.env_token, &credentials.config_token]
        .into_iter()
        .flatten()
        .filter(|_| !credentials.lists_cargo_token())
    {
        report.fail(
            CheckId::TokenEnvIgnored,
            format!(
                "the token in {} is set but `cargo:token` is not in the provider list, so \
                 cargo ignores it",
                found.origin.describe()
            ),
            "feedctl providers   (adds cargo:token)",
        );
    }
    let found = [
        &credentials.env_token,
        &credentials.file_token,
        &credentials.config_token,
    ];
    for found in found.into_iter().flatten() {
        let value = found.secret.as_deref().expose();
        if token::unexpanded_macro(value) {
            report.fail(
                CheckId::TokenMacro,
                format!(
                    "the token in {} is an unexpanded Azure Pipelines macro such as \
                     $(System.AccessToken), not a token: secrets reach a step only when mapped",
                    found.origin.describe()
                ),
                "map it in the step: `env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)`, then `feedctl env`",
            );
        } else if !(value.starts_with("Basic ") || value.starts_with("Bearer ")) {
            report.fail(
                CheckId::TokenScheme,
                format!(
                    "the token in {} has no `Basic ` or `Bearer ` scheme; cargo sends it verbatim \
                     and Azure rejects it",
                    found.origin.describe()
                ),
                format!(
                    "feedctl login --name {}   (or `feedctl env` in CI), which encode PATs as `Basic base64(PAT:…)`",
                    facts.registry.name
                ),
            );
        }
    }
}

/// A token in credentials.toml next to an OS store in the list: whichever cargo asks first
/// wins, so one of the two copies is stale.
fn shadowed(facts: &RegistryFacts, credentials: &Credentials, report: &mut Report) {
    let name = &facts.registry.name;
    let os = providers::os_provider();
    let os_position = credentials.providers.iter().rposition(|p| p == os);
    let token_position = credentials
        .providers
        .iter()
        .rposition(|p| p == providers::TOKEN);
    let (Some(file), Some(os_at)) = (&credentials.file_token, os_position) else {
        return;
    };
    let (message, fix) = if token_position.is_some_and(|t| t > os_at) {
        (
            format!(
                "{} holds a token for `{name}` that takes precedence over {os} (cargo:token is \
                 listed after it), so a newer token in the OS store is never used",
                file.origin.describe(),
            ),
            format!(
                "cargo logout --registry {name} (removes the file token), then feedctl login --name {name}"
            ),
        )
    } else {
        (
            format!(
                "{} still holds a token for `{name}`; cargo uses it only when {os} has none, so \
                 a stale copy may answer after a logout",
                file.origin.describe(),
            ),
            format!(
                "remove the `[registries.{name}]` table from {}",
                file.origin.describe()
            ),
        )
    };
    report.warn(CheckId::TokenShadowed, message, fix);
}

/// Tokens in the env var, the credentials file or a config file's `token` count only when
/// cargo asks `cargo:token` (a registry's own `credential-provider` replaces the global list).
fn present(
    facts: &RegistryFacts,
    credentials: &Credentials,
    storing_runnable: bool,
    report: &mut Report,
) {
    let registry = &facts.registry;
    let visible = credentials.effective().is_some();
    match credentials.storing.as_deref() {
        _ if visible => {}
        None if registry.credential_provider.is_some() => {
            let origin = facts.provider_origin.as_ref();
            let fix = match origin {
                Some(Definition::Env(var)) => format!("unset `{var}`"),
                _ => format!(
                    "remove `registries.{}.credential-provider` from {}",
                    registry.name,
                    origin.map_or_else(|| "its config".to_string(), Definition::describe)
                ),
            };
            let origin = origin.map_or_else(|| "its config".to_string(), Definition::describe);
            report.fail(
                CheckId::TokenProvider,
                format!(
                    "`{}`'s own credential provider `{}` (from {origin}) replaces the global \
                     list and cannot give a token on this system, so cargo fails with \"no \
                     credential providers could handle the request\"",
                    registry.name,
                    credentials.providers.join(" "),
                ),
                fix,
            );
        }
        Some(program) if !storing_runnable => report.fail(
            CheckId::TokenProvider,
            format!(
                "the credential provider `{program}` is neither a file nor on PATH, so cargo \
                 cannot run it and fails for `{}`",
                registry.name
            ),
            "install it, or fix its path in the provider list (`feedctl status` shows where it is set)",
        ),
        Some(p) if p == providers::TOKEN || !credentials.providers_explicit => report.fail(
            CheckId::TokenPresent,
            format!(
                "no token for `{}`: not in `{}`, cargo's credentials file nor any config file",
                registry.name,
                registry.token_var()
            ),
            format!("feedctl login --name {}", registry.name),
        ),
        Some(store) => report.ok(
            CheckId::TokenPresent,
            format!(
                "stored by {store}, if `cargo login` was run (OS stores cannot be read by feedctl)"
            ),
        ),
        None => report.fail(
            CheckId::TokenPresent,
            format!("no provider can store a token for `{}`", registry.name),
            "feedctl providers",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Expected, Level, assert_checks};

    const VAR: &str = "CARGO_REGISTRIES_CRATES_TOKEN";

    #[test]
    fn credentials_table() {
        let os = providers::os_provider();
        let with = |list: &[&str], env: Option<&str>, file: Option<&str>| {
            let mut credentials = fixture::credentials(list);
            credentials.env_token = env.and_then(|v| fixture::env_token(VAR, v));
            credentials.file_token = file.and_then(fixture::file_token);
            credentials
        };
        let in_config = |list: &[&str], token: &str| {
            let mut credentials = fixture::credentials(list);
            credentials.config_token = fixture::config_token(token);
            credentials
        };
        let cases: Vec<(&str, Credentials, bool, Expected)> = vec![
            // cargo:token sends a config file's `token` (cargo 1.95 checked): not "no token".
            (
                "a token in the project config",
                in_config(&["cargo:token"], "Basic abc"),
                true,
                vec![],
            ),
            (
                "a config token cargo ignores",
                in_config(&[os], "Basic abc"),
                true,
                vec![
                    (
                        CheckId::TokenEnvIgnored,
                        Level::Fail,
                        "the token in config file `/p/.cargo/config.toml` is set but",
                    ),
                    (CheckId::TokenPresent, Level::Ok, "stored by"),
                ],
            ),
            (
                "a config token without a scheme",
                in_config(&["cargo:token"], "rawpat"),
                true,
                vec![(
                    CheckId::TokenScheme,
                    Level::Fail,
                    "the token in config file `/p/.cargo/config.toml` has no `Basic `",
                )],
            ),
            (
                "a PAT in the variable",
                with(&["cargo:token"], Some("Basic abc"), None),
                true,
                vec![],
            ),
            (
                "nothing anywhere",
                with(&["cargo:token"], None, None),
                true,
                vec![(
                    CheckId::TokenPresent,
                    Level::Fail,
                    "no token for `crates`: not in `CARGO_REGISTRIES_CRATES_TOKEN`, cargo's credentials file nor any config file",
                )],
            ),
            (
                "variable set but cargo:token not listed",
                with(&[os], Some("Basic abc"), None),
                true,
                vec![
                    (
                        CheckId::TokenEnvIgnored,
                        Level::Fail,
                        "env var `CARGO_REGISTRIES_CRATES_TOKEN` is set but `cargo:token` is not",
                    ),
                    (CheckId::TokenPresent, Level::Ok, "stored by"),
                ],
            ),
            (
                "a macro and a bare PAT",
                with(
                    &["cargo:token"],
                    Some("$(System.AccessToken)"),
                    Some("rawpat"),
                ),
                true,
                vec![
                    (
                        CheckId::TokenMacro,
                        Level::Fail,
                        "env var `CARGO_REGISTRIES_CRATES_TOKEN` is an unexpanded Azure Pipelines macro",
                    ),
                    (
                        CheckId::TokenScheme,
                        Level::Fail,
                        "the token in `/h/credentials.toml` has no `Basic ` or `Bearer ` scheme",
                    ),
                ],
            ),
            (
                "file token ahead of the OS store",
                with(&[os, "cargo:token"], None, Some("Basic abc")),
                true,
                vec![(CheckId::TokenShadowed, Level::Warn, "takes precedence over")],
            ),
            (
                "file token behind the OS store",
                with(&["cargo:token", os], None, Some("Basic abc")),
                true,
                vec![(
                    CheckId::TokenShadowed,
                    Level::Warn,
                    "still holds a token for `crates`; cargo uses it only when",
                )],
            ),
            (
                "a provider that is not there",
                with(&["/opt/missing-provider"], None, None),
                false,
                vec![(
                    CheckId::TokenProvider,
                    Level::Fail,
                    "`/opt/missing-provider` is neither a file nor on PATH",
                )],
            ),
            (
                "implicit default list",
                Credentials {
                    providers_explicit: false,
                    ..with(&[os], None, None)
                },
                true,
                vec![(CheckId::TokenPresent, Level::Fail, "no token for `crates`")],
            ),
            (
                "no provider stores",
                with(&[], None, None),
                true,
                vec![(
                    CheckId::TokenPresent,
                    Level::Fail,
                    "no provider can store a token for `crates`",
                )],
            ),
        ];
        for (case, credentials, runnable, expected) in cases {
            let mut report = Report::for_registry("crates");
            check(
                &fixture::registry("crates"),
                &credentials,
                runnable,
                &mut report,
            );
            assert_checks(&report, &expected, case);
        }
    }

    #[test]
    fn own_provider_that_cannot_give_a_token() {
        let mut facts = fixture::registry("crates");
        facts.registry.credential_provider = Some(vec!["cargo:token-from-stdout".to_string()]);
        facts.provider_origin = Some(Definition::Env(
            "CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER".to_string(),
        ));
        let mut credentials = fixture::credentials(&[]);
        credentials.providers = vec!["cargo:token-from-stdout".to_string(), "gh".to_string()];
        let mut report = Report::for_registry("crates");
        check(&facts, &credentials, true, &mut report);
        assert_checks(
            &report,
            &[(
                CheckId::TokenProvider,
                Level::Fail,
                "`crates`'s own credential provider `cargo:token-from-stdout gh` (from env var `CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER`) replaces the global list",
            )],
            "own provider",
        );
        assert_eq!(
            report.checks[0].fix.as_deref(),
            Some("unset `CARGO_REGISTRIES_CRATES_CREDENTIAL_PROVIDER`")
        );
    }
}
