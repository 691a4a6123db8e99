//! Credential providers: every Azure registry needs an explicit list, and on Linux a listed
//! `cargo:libsecret` needs a Secret Service that answers.

use crate::cargo::config::effective::Definition;
use crate::cargo::providers::Probe;
use crate::doctor::facts::{Config, Libsecret, RegistryFacts};
use crate::doctor::report::{CheckId, Report};

/// The global list, or each registry's own `credential-provider` (as the CI recipe sets with
/// `CARGO_REGISTRIES_<NAME>_CREDENTIAL_PROVIDER`).
pub fn configured(config: &Config, report: &mut Report) {
    if let Some(list) = &config.global_providers {
        let entries: Vec<&str> = list.iter().map(|(p, _)| p.as_str()).collect();
        let mut from: Vec<String> = Vec::new();
        for (_, definition) in list {
            let shown = definition.describe();
            if !from.contains(&shown) {
                from.push(shown);
            }
        }
        return report.ok(
            CheckId::ProvidersConfigured,
            format!("[{}] (from {})", entries.join(", "), from.join(", ")),
        );
    }
    let (own, missing): (Vec<&RegistryFacts>, Vec<&RegistryFacts>) = config
        .registries
        .iter()
        .partition(|r| r.registry.credential_provider.is_some());
    if !config.registries.is_empty() && missing.is_empty() {
        let each: Vec<String> = own
            .iter()
            .map(|r| {
                let from = r
                    .provider_origin
                    .as_ref()
                    .map(|d| format!(" from {}", d.describe()))
                    .unwrap_or_default();
                let argv = r
                    .registry
                    .credential_provider
                    .as_deref()
                    .unwrap_or_default();
                format!("`{}` uses `{}`{from}", r.registry.name, argv.join(" "))
            })
            .collect();
        return report.ok(
            CheckId::ProvidersConfigured,
            format!(
                "no global list, but every registry has its own: {}",
                each.join("; ")
            ),
        );
    }
    let which = if missing.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = missing
            .iter()
            .map(|r| format!("`{}`", r.registry.name))
            .collect();
        format!(" for {}", names.join(", "))
    };
    report.fail(
        CheckId::ProvidersConfigured,
        format!(
            "no credential providers are configured{which}; cargo fails with \"authenticated \
             registries require a credential-provider to be configured\""
        ),
        "feedctl providers",
    );
}

/// `cargo:libsecret` where the Secret Service cannot answer aborts cargo's whole chain; the
/// fix names where it is listed (`feedctl providers` only edits `$CARGO_HOME/config.toml`).
pub fn libsecret(libsecret: Option<&Libsecret>, report: &mut Report) {
    let Some(libsecret) = libsecret else {
        return;
    };
    let why = match &libsecret.probe {
        Probe::Usable => {
            return report.ok(
                CheckId::LibsecretUsable,
                "`cargo:libsecret` is listed and the Secret Service answers",
            );
        }
        Probe::Unusable(why) => why,
    };
    let fixes: Vec<String> = libsecret
        .listed_in
        .iter()
        .map(|from| match from {
            Definition::File(path) if Some(path) == libsecret.home_config.as_ref() => {
                "feedctl providers   (drops cargo:libsecret where it cannot work; tokens then live in cargo's credentials file in $CARGO_HOME)".to_string()
            }
            Definition::File(path) => format!(
                "remove `cargo:libsecret` from `{}` (cargo reads it here; `feedctl providers` only edits $CARGO_HOME/config.toml)",
                path.display()
            ),
            Definition::Env(var) => format!("remove `cargo:libsecret` from the env var `{var}`"),
        })
        .collect();
    let shown: Vec<String> = libsecret
        .listed_in
        .iter()
        .map(Definition::describe)
        .collect();
    report.fail(
        CheckId::LibsecretUsable,
        format!(
            "`cargo:libsecret` is listed (in {}) but {why}; its error aborts cargo's whole \
             provider chain, so every authenticated command fails, even with \
             CARGO_REGISTRIES_*_TOKEN set (the headless-Linux trap)",
            shown.join(", ")
        ),
        fixes.join("; and "),
    );
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Level, assert_checks};

    fn from_file(path: &str) -> Definition {
        Definition::File(PathBuf::from(path))
    }

    #[test]
    fn provider_lists_table() {
        let global = |entries: &[&str]| {
            Some(
                entries
                    .iter()
                    .map(|p| (p.to_string(), from_file("/h/config.toml")))
                    .collect(),
            )
        };
        let own = |name: &str| {
            let mut r = fixture::registry(name);
            r.registry.credential_provider = Some(vec!["cargo:token".to_string()]);
            r.provider_origin = Some(Definition::Env(format!(
                "CARGO_REGISTRIES_{name}_CREDENTIAL_PROVIDER"
            )));
            r
        };
        let cases: Vec<(&str, Config, Level, &str)> = vec![
            (
                "global list",
                Config {
                    global_providers: global(&["cargo:token", "cargo:libsecret"]),
                    ..Config::default()
                },
                Level::Ok,
                "[cargo:token, cargo:libsecret] (from `/h/config.toml`)",
            ),
            (
                "every registry its own",
                Config {
                    registries: vec![own("A")],
                    ..Config::default()
                },
                Level::Ok,
                "every registry has its own: `A` uses `cargo:token` from env var `CARGO_REGISTRIES_A_CREDENTIAL_PROVIDER`",
            ),
            (
                "one registry without",
                Config {
                    registries: vec![own("A"), fixture::registry("b")],
                    ..Config::default()
                },
                Level::Fail,
                "no credential providers are configured for `b`; cargo fails",
            ),
            (
                "no registries, no list",
                Config::default(),
                Level::Fail,
                "no credential providers are configured; cargo fails",
            ),
        ];
        for (case, config, level, phrase) in cases {
            let mut report = Report::default();
            configured(&config, &mut report);
            assert_checks(
                &report,
                &[(CheckId::ProvidersConfigured, level, phrase)],
                case,
            );
        }
    }

    #[test]
    fn libsecret_table() {
        let listed = |probe, listed_in| Libsecret {
            listed_in,
            probe,
            home_config: Some(PathBuf::from("/h/config.toml")),
        };
        let cases = [
            (
                "answers",
                listed(Probe::Usable, vec![from_file("/h/config.toml")]),
                Level::Ok,
                "the Secret Service answers",
                "",
            ),
            (
                "headless, in CARGO_HOME",
                listed(
                    Probe::Unusable("no D-Bus".into()),
                    vec![from_file("/h/config.toml")],
                ),
                Level::Fail,
                "is listed (in `/h/config.toml`) but no D-Bus; its error aborts",
                "feedctl providers   (drops",
            ),
            (
                "headless, in a project and a variable",
                listed(
                    Probe::Unusable("no D-Bus".into()),
                    vec![
                        from_file("/p/.cargo/config.toml"),
                        Definition::Env("V".into()),
                    ],
                ),
                Level::Fail,
                "(in `/p/.cargo/config.toml`, env var `V`)",
                "from `/p/.cargo/config.toml` (cargo reads it here; `feedctl providers` only edits $CARGO_HOME/config.toml); and remove `cargo:libsecret` from the env var `V`",
            ),
        ];
        for (case, facts, level, phrase, fix) in cases {
            let mut report = Report::default();
            libsecret(Some(&facts), &mut report);
            assert_checks(&report, &[(CheckId::LibsecretUsable, level, phrase)], case);
            assert!(
                report.checks[0].fix.as_deref().unwrap_or("").contains(fix),
                "{case}"
            );
        }
        let mut report = Report::default();
        libsecret(None, &mut report);
        assert!(report.checks.is_empty());
    }
}
