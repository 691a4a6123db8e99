//! `feedctl doctor`: checks every link between `cargo build` and the feed and names each
//! failure with its fix, so nobody has to search the web for a 401.
//!
//! A run gathers everything it needs once ([`facts`], the only part doing I/O), runs the
//! pure checks of each area over it ([`checks`]), and returns the [`report::Report`], which
//! [`render`] prints. The report's order is fixed: cargo, the setup, the files, then each
//! registry's offline and online checks.

pub mod checks;
pub mod facts;
pub mod render;
pub mod report;

use crate::environment::Environment;
use checks::{cargo, credentials, feed, files, index, modes, providers, setup};
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
    for registry in &config.registries {
        let mut own = Report::for_registry(&registry.registry.name);
        index::sparse(registry, &mut own);
        report.append(own);
    }
    files::legacy(config, &mut report);
    files::credentials_readable(config, &mut report);
    files::committed_tokens(config, &mut report);
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
        }
        if let Some(online) = &registry.online {
            feed::check(registry, online, &mut own);
        }
        report.append(own);
    }
    report
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
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
        });
        crates.online = Some(Online {
            anonymous: Ok(Answer::Forbidden { known: None }),
            with_token: Some(TokenAnswer::Cargo {
                origin: Origin::EnvVar(var.to_string()),
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
                (CheckId::FeedReachable, Some("crates"), Level::Ok),
                (CheckId::TokenAccepted, Some("crates"), Level::Ok),
                (CheckId::TokenPresent, Some("tools"), Level::Fail),
            ]
        );
    }
}
