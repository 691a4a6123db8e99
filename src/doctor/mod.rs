//! `feedctl doctor`: checks every link between `cargo build` and the feed and names each
//! failure with its fix, so nobody has to search the web for a 401.
//!
//! A run gathers everything it needs once ([`facts`], the only part doing I/O), runs the
//! pure checks of each area over it ([`checks`]), and returns the [`report::Report`], which
//! [`render`] prints. The report's order is fixed: cargo, the setup, the files, then each
//! registry's offline and online checks, then what Azure DevOps' REST API says about its feed.

pub mod checks;
pub mod facts;
pub mod render;
pub mod report;

use crate::environment::Environment;
use checks::{
    artifacts, cargo, confusion, credentials, expiry, feed, files, index, modes, providers, setup,
};
pub use facts::Options;
use facts::{Facts, Mode};
use report::Report;

pub fn run(env: &Environment, options: Options) -> Report {
    check(&facts::gather::facts(env, options))
}

/// Every check over `facts`, in report order.
pub fn check(facts: &Facts) -> Report {
    let mut report = Report::default();
    cargo::version(&facts.cargo, &mut report);
    let config = match &facts.config {
        Ok(config) => config,
        Err(error) => {
            cargo::unloadable(error, &mut report);
            return report;
        }
    };
    cargo::http(config, &mut report);
    providers::configured(config, &mut report);
    providers::libsecret(config.libsecret.as_ref(), &mut report);
    setup::offline(config, &mut report);
    setup::name_collisions(config, &mut report);
    setup::non_unicode(config, &mut report);
    for registry in &config.registries {
        let mut own = Report::for_registry(&registry.registry.name);
        index::sparse(registry, &mut own);
        index::unique(registry, &mut own);
        report.append(own);
    }
    files::legacy(config, &mut report);
    files::credentials_readable(config, &mut report);
    files::committed_tokens(config, &mut report);
    expiry::unreadable_records(config.unreadable_records.as_ref(), &mut report);
    setup::registries_configured(config, &mut report);
    for registry in &config.registries {
        let mut own = Report::for_registry(&registry.registry.name);
        if let Some(auth) = &registry.auth {
            let (facts, credentials) = (&registry.registry, &auth.credentials);
            match &auth.mode {
                Mode::Entra {
                    provider_exists,
                    source,
                } => modes::entra(facts, credentials, *provider_exists, source, &mut own),
                Mode::AzureCli {
                    provider_exists,
                    login,
                } => modes::azure_cli(facts, credentials, *provider_exists, login, &mut own),
                Mode::Cargo { storing_runnable } => {
                    credentials::check(registry, credentials, *storing_runnable, &mut own)
                }
            }
            let name = &facts.name;
            expiry::check(name, credentials, &auth.expiry, auth.now, &mut own);
        }
        if let Some(online) = &registry.online {
            feed::check(registry, online, &mut own);
        }
        if let Some(found) = &registry.artifacts {
            artifacts::check(found, &registry.registry.name, &mut own);
            confusion::check(&found.private, &found.place, &mut own);
        }
        report.append(own);
    }
    report
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::auth::expiry::Expiry;
    use crate::azure::probe::Answer;
    use crate::cargo::config::effective::Definition;
    use crate::cargo::credentials::Origin;
    use crate::doctor::facts::{Auth, Config, Online, TokenAnswer, fixture};
    use crate::doctor::report::{CheckId, Level};

    fn ids(report: &Report) -> Vec<(CheckId, Option<&str>, Level)> {
        report
            .checks
            .iter()
            .map(|c| (c.id, c.registry.as_deref(), c.status))
            .collect()
    }

    #[test]
    fn an_unloadable_config_stops_after_cargo() {
        let facts = Facts {
            cargo: Ok("cargo 1.95.0".to_string()),
            config: Err("`net.offline` is not `true` or `false`".to_string()),
        };
        assert_eq!(
            ids(&check(&facts)),
            [
                (CheckId::CargoVersion, None, Level::Ok),
                (CheckId::ConfigLoadable, None, Level::Fail)
            ]
        );
    }

    #[test]
    fn nothing_configured() {
        let facts = Facts {
            cargo: Err("cargo".to_string()),
            config: Ok(Config::default()),
        };
        assert_eq!(
            ids(&check(&facts)),
            [
                (CheckId::CargoVersion, None, Level::Fail),
                (CheckId::ProvidersConfigured, None, Level::Fail),
                (CheckId::RegistriesConfigured, None, Level::Fail)
            ]
        );
    }

    /// Global checks first, then each registry's offline checks and its feed's answers.
    #[test]
    fn the_report_keeps_its_order() {
        let var = "CARGO_REGISTRIES_CRATES_TOKEN";
        let mut crates = fixture::registry("crates");
        crates.registry.index = crates.registry.index.trim_end_matches('/').to_string();
        let mut credentials = fixture::credentials(&["cargo:token"]);
        credentials.env_token = fixture::env_token(var, "Basic abc");
        crates.auth = Some(Auth {
            credentials,
            mode: Mode::Cargo {
                storing_runnable: true,
            },
            expiry: Expiry::Unknown,
            now: fixture::sent().at,
        });
        crates.online = Some(Online {
            anonymous: Ok(Answer::Forbidden { known: None }),
            with_token: Some(TokenAnswer::Cargo {
                origin: Origin::EnvVar(var.to_string()),
                sent: fixture::sent(),
                answer: Ok(Answer::Ok {
                    auth_required: true,
                }),
            }),
        });
        let mut tools = fixture::registry("tools");
        tools.auth = Some(Auth {
            credentials: fixture::credentials(&["cargo:token"]),
            mode: Mode::Cargo {
                storing_runnable: true,
            },
            expiry: Expiry::Nothing,
            now: fixture::sent().at,
        });
        let config = Config {
            http_error: Some("bad proxy".to_string()),
            global_providers: Some(vec![(
                "cargo:token".to_string(),
                Definition::File(PathBuf::from("/h/config.toml")),
            )]),
            offline: Some(Definition::Env("CARGO_NET_OFFLINE".to_string())),
            committed_tokens: vec![(
                PathBuf::from("/p/.cargo/config.toml"),
                "registries.tools.token".to_string(),
            )],
            registries: vec![crates, tools],
            ..Config::default()
        };
        let facts = Facts {
            cargo: Ok("cargo 1.95.0".to_string()),
            config: Ok(config),
        };
        assert_eq!(
            ids(&check(&facts)),
            [
                (CheckId::CargoVersion, None, Level::Ok),
                (CheckId::HttpSettings, None, Level::Fail),
                (CheckId::ProvidersConfigured, None, Level::Ok),
                (CheckId::NetOffline, None, Level::Warn),
                (CheckId::IndexSparse, Some("crates"), Level::Fail),
                (CheckId::ConfigToken, Some("tools"), Level::Fail),
                (CheckId::TokenExpiry, Some("crates"), Level::Ok),
                (CheckId::FeedReachable, Some("crates"), Level::Ok),
                (CheckId::TokenAccepted, Some("crates"), Level::Ok),
                (CheckId::TokenPresent, Some("tools"), Level::Fail),
            ]
        );
    }

    /// The whole run in-process, I/O included, over surroundings made up for the test: a
    /// project whose config names a feed through a non-sparse index and stores a token in the
    /// project config. `cargo` is a program that does not exist, and nothing goes online.
    #[test]
    fn a_run_over_made_up_surroundings_reads_only_the_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("project");
        std::fs::create_dir_all(project.join(".cargo")).unwrap();
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[registries.crates]\n\
             index = \"https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/\"\n\
             token = \"Basic c2VjcmV0\"\n",
        )
        .unwrap();
        let env = Environment::for_test(&project)
            .with_var(
                "CARGO_HOME",
                dir.path().join("cargo-home").to_str().unwrap(),
            )
            .with_var("CARGO", dir.path().join("no-such-cargo").to_str().unwrap());
        let report = run(&env, Options { offline: true });
        let find = |id: CheckId| report.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(find(CheckId::CargoVersion).status, Level::Fail);
        assert_eq!(find(CheckId::IndexSparse).status, Level::Fail);
        assert_eq!(find(CheckId::ConfigToken).status, Level::Fail);
        assert_eq!(find(CheckId::ProvidersConfigured).status, Level::Fail);
        assert!(
            report
                .checks
                .iter()
                .all(|c| !c.message.contains("c2VjcmV0")),
            "{report:?}"
        );
    }
}
