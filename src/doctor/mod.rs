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
