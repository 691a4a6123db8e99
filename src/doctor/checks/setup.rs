//! Settings of the whole setup: cargo switched offline, registries whose tokens share one
//! variable, variables that are set but read as unset, and no Azure registry at all.

use crate::cargo::config::effective::{Definition, Settings};
use crate::doctor::facts::Config;
use crate::doctor::report::{CheckId, Report};

pub fn offline(config: &Config, report: &mut Report) {
    let Some(origin) = &config.offline else {
        return;
    };
    let fix = match origin {
        Definition::File(path) => format!("remove `offline = true` from `{}`", path.display()),
        Definition::Env(var) => format!("unset `{var}`"),
    };
    report.warn(
        CheckId::NetOffline,
        format!(
            "cargo runs offline ({}): it never contacts the feeds, so only crates already in \
             `$CARGO_HOME/registry` resolve; a new dependency or a fresh machine fails with \
             \"no matching package\"",
            Settings::describe_offline(origin)
        ),
        fix,
    );
}

/// cargo maps `-` to `_` in variable names, so `my-feed` and `my_feed` read one token.
pub fn name_collisions(config: &Config, report: &mut Report) {
    for (var, names) in &config.shared_token_vars {
        report.warn(
            CheckId::NamesCollision,
            format!(
                "registries {} share the env var `{var}` (cargo maps `-` to `_`), so CI gives them one token",
                names.join(" and ")
            ),
            "rename one registry with `feedctl disconnect --name OLD` then `feedctl connect … --name NEW`",
        );
    }
}

/// A variable whose value is not UTF-8 is set, yet feedctl reads it as unset, and cargo
/// (checked with 1.95) uses the key from a config file instead or, with none, fails ("error in
/// environment variable"): say so rather than let a check call it merely missing.
pub fn non_unicode(config: &Config, report: &mut Report) {
    for var in &config.non_unicode_vars {
        let cargo = if var.starts_with("CARGO_") {
            "; cargo uses the same key from a config file instead, and without one fails \
             (\"error in environment variable\")"
        } else {
            ""
        };
        report.warn(
            CheckId::EnvUnicode,
            format!("`{var}` is set, but not to valid UTF-8, so feedctl reads it as unset{cargo}"),
            format!("set `{var}` again as plain text, or unset it"),
        );
    }
}

pub fn registries_configured(config: &Config, report: &mut Report) {
    if config.registries.is_empty() {
        report.fail(
            CheckId::RegistriesConfigured,
            "no Azure Artifacts registry is configured for this directory",
            "feedctl connect <feed-url>",
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::doctor::facts::fixture;
    use crate::doctor::report::{Expected, Level, assert_checks};

    #[test]
    fn setup_table() {
        let cases: Vec<(&str, Config, Expected)> = vec![
            (
                "no registry",
                Config::default(),
                vec![(
                    CheckId::RegistriesConfigured,
                    Level::Fail,
                    "no Azure Artifacts registry is configured",
                )],
            ),
            (
                "all well",
                Config {
                    registries: vec![fixture::registry("crates")],
                    ..Config::default()
                },
                vec![],
            ),
            (
                "offline in a file, a shared variable",
                Config {
                    offline: Some(Definition::File(PathBuf::from("/p/.cargo/config.toml"))),
                    shared_token_vars: vec![(
                        "CARGO_REGISTRIES_MY_FEED_TOKEN".to_string(),
                        vec!["my-feed".to_string(), "my_feed".to_string()],
                    )],
                    registries: vec![fixture::registry("my-feed")],
                    ..Config::default()
                },
                vec![
                    (CheckId::NetOffline, Level::Warn, "cargo runs offline ("),
                    (
                        CheckId::NamesCollision,
                        Level::Warn,
                        "registries my-feed and my_feed share the env var `CARGO_REGISTRIES_MY_FEED_TOKEN`",
                    ),
                ],
            ),
            (
                "a variable that is not UTF-8",
                Config {
                    non_unicode_vars: vec!["CARGO_REGISTRIES_CRATES_TOKEN".to_string()],
                    registries: vec![fixture::registry("crates")],
                    ..Config::default()
                },
                vec![(
                    CheckId::EnvUnicode,
                    Level::Warn,
                    "`CARGO_REGISTRIES_CRATES_TOKEN` is set, but not to valid UTF-8, so feedctl reads it as unset; cargo uses",
                )],
            ),
            (
                "offline by variable",
                Config {
                    offline: Some(Definition::Env("CARGO_NET_OFFLINE".to_string())),
                    registries: vec![fixture::registry("crates")],
                    ..Config::default()
                },
                vec![(CheckId::NetOffline, Level::Warn, "never contacts the feeds")],
            ),
        ];
        for (case, config, expected) in cases {
            let mut report = Report::default();
            offline(&config, &mut report);
            name_collisions(&config, &mut report);
            non_unicode(&config, &mut report);
            registries_configured(&config, &mut report);
            assert_checks(&report, &expected, case);
        }
        let mut report = Report::default();
        offline(
            &Config {
                offline: Some(Definition::Env("CARGO_NET_OFFLINE".to_string())),
                ..Config::default()
            },
            &mut report,
        );
        assert_eq!(
            report.checks[0].fix.as_deref(),
            Some("unset `CARGO_NET_OFFLINE`")
        );
    }
}
