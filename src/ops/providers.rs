//! Cargo's credential providers in `$CARGO_HOME/config.toml`: the global list (which store
//! `cargo login` uses) and the per-registry provider that makes feedctl hand cargo Azure CLI
//! tokens. Planning (probing the OS store, deciding, warning) is separate from the edit,
//! which is pure and can run twice (plan, then write) with the same result. Also the use
//! case of `feedctl providers`, [`set`].

use std::path::{Path, PathBuf};

use anyhow::Result;
use toml_edit::Array;

use crate::cargo::config::edit::{self, ConfigFile, NewParent, Updated};
use crate::cargo::config::effective::{self, Settings};
use crate::cargo::providers::{self, Probe, Store};
use crate::environment::Environment;
use crate::ops::{AuthMode, transaction};
use crate::ui;

/// What the user asked `providers` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// `Pat` sets the global list; the others make feedctl one registry's provider.
    pub auth: AuthMode,
    /// That registry (default: the only Azure Artifacts registry configured here).
    pub name: Option<&'a str>,
    /// Where cargo should keep tokens (`Pat` only).
    pub store: Store,
    pub dry_run: bool,
}

/// What `providers` did, or in a dry run would do.
#[derive(Debug)]
pub struct Outcome {
    /// `$CARGO_HOME/config.toml`, written or planned.
    pub updated: Updated,
    /// Dry run: the diff of that file.
    pub diff: Option<String>,
    /// `registry.global-credential-providers` after the change.
    pub list: Vec<String>,
    /// The provider `cargo login` stores tokens with.
    pub storing: Option<String>,
    /// The registry whose provider feedctl now is (not `Pat`).
    pub registry: Option<String>,
    pub cargo_home: PathBuf,
}

/// Sets the global provider list, or makes feedctl one registry's provider.
pub fn set(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    let mut edit = HomeEdit::new(env)?;
    // One place per `--auth` kind: what changes in `$CARGO_HOME/config.toml`.
    let registry = match opts.auth {
        AuthMode::Pat => {
            edit.global = Some(choose_store(env, opts.store));
            None
        }
        AuthMode::AzureCli | AuthMode::Entra => {
            let registry = Settings::load(env)?.pick(opts.name)?.name;
            let provider = RegistryProvider::feedctl(env, opts.auth == AuthMode::Entra)?;
            edit.registry = Some((registry.clone(), provider));
            Some(registry)
        }
    };
    let before = edit::load_target(&edit.path)?;
    for warning in edit.warnings(&before)? {
        ui::warn(warning);
    }
    let apply = |f: &mut ConfigFile| edit.apply(f);
    let planned = edit::plan_loaded(before, apply)?;
    let (updated, diff) = if opts.dry_run {
        let diff = transaction::diff(&planned.file, false, env.cwd());
        (planned, Some(diff))
    } else {
        let updated =
            transaction::all_or_nothing(|transaction| transaction.commit(planned, apply))?;
        (updated, None)
    };
    let (list, storing) = list_and_store(&updated.file)?;
    Ok(Outcome {
        updated,
        diff,
        list,
        storing,
        registry,
        cargo_home: edit.cargo_home,
    })
}

/// What to do with one registry's `credential-provider`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryProvider {
    /// Make feedctl the registry's provider: this executable and its arguments
    /// (`--auth azure-cli`: none; `--auth entra`: [`crate::auth::entry::PROVIDER_ARGS`]).
    Feedctl(Vec<String>),
    /// Remove feedctl as the registry's provider, leaving any other provider alone.
    NotFeedctl,
}

impl RegistryProvider {
    /// feedctl (this executable) as the provider; `entra` adds `--auth entra`, which cargo
    /// hands back to feedctl in each request.
    pub fn feedctl(env: &Environment, entra: bool) -> Result<RegistryProvider> {
        let mut argv = vec![env.current_exe()?.to_string_lossy().into_owned()];
        if entra {
            argv.extend(
                crate::auth::entry::PROVIDER_ARGS
                    .iter()
                    .map(|a| a.to_string()),
            );
        }
        Ok(RegistryProvider::Feedctl(argv))
    }
}

/// The planned edit of `$CARGO_HOME/config.toml`.
#[derive(Debug, Clone)]
pub struct HomeEdit {
    /// The file (the legacy `config` when cargo reads that one).
    pub path: PathBuf,
    pub cargo_home: PathBuf,
    /// Set the global list: `Some(use_os)` merges in `cargo:token` (and the OS store).
    pub global: Option<bool>,
    /// Per-registry provider change, for the named registry.
    pub registry: Option<(String, RegistryProvider)>,
}

impl HomeEdit {
    /// An edit of nothing yet, for `$CARGO_HOME/config.toml`; shows the warning when both
    /// `config` and `config.toml` exist.
    pub fn new(env: &Environment) -> Result<HomeEdit> {
        let cargo_home = env.cargo_home()?;
        let (path, warning) = edit::config_in(&cargo_home);
        if let Some(warning) = warning {
            ui::warn(warning);
        }
        Ok(HomeEdit {
            path,
            cargo_home,
            global: None,
            registry: None,
        })
    }

    /// Whether there is anything to do.
    pub fn is_empty(&self) -> bool {
        self.global.is_none() && self.registry.is_none()
    }

    /// Applies the edit. Pure: the same file gives the same result.
    pub fn apply(&self, file: &mut ConfigFile) -> Result<()> {
        if let Some(use_os) = self.global {
            let current = providers::current(file)?;
            providers::apply(file, &providers::merge(&current, use_os))?;
        }
        if let Some((registry, change)) = &self.registry {
            let key = ["registries", registry.as_str(), "credential-provider"];
            match change {
                RegistryProvider::Feedctl(argv) => {
                    let array: Array = argv.iter().map(String::as_str).collect();
                    file.set(&key, array, NewParent::Header)?;
                }
                RegistryProvider::NotFeedctl => {
                    if is_feedctl_provider_of(file, registry) {
                        file.remove(&key);
                    }
                }
            }
        }
        Ok(())
    }

    /// The warnings the edit deserves, judged from the file before it (named as given, even
    /// when it is a symlink).
    pub fn warnings(&self, before: &ConfigFile) -> Result<Vec<String>> {
        let mut warnings = Vec::new();
        let shown = self.path.display();
        if let Some(use_os) = self.global {
            let os = providers::os_provider();
            if !use_os && providers::current(before)?.iter().any(|p| p == os) {
                warnings.push(format!(
                    "removing `{os}` from `{shown}`: it cannot work here and would abort every \
                     authenticated cargo command"
                ));
            }
        }
        if let Some((registry, RegistryProvider::Feedctl(_))) = &self.registry {
            let key = ["registries", registry.as_str(), "credential-provider"];
            if let Some(current) = before.get(&key).and_then(effective::provider_argv)
                && !crate::auth::entry::is_feedctl_provider(&current)
            {
                warnings.push(format!(
                    "replacing `{}` as the credential provider of `{registry}` in `{shown}`",
                    current.join(" ")
                ));
            }
        }
        Ok(warnings)
    }
}

/// Whether feedctl is `registry`'s credential provider in `file`.
pub fn is_feedctl_provider_of(file: &ConfigFile, registry: &str) -> bool {
    file.get(&["registries", registry, "credential-provider"])
        .and_then(effective::provider_argv)
        .is_some_and(|argv| crate::auth::entry::is_feedctl_provider(&argv))
}

/// Probes the OS store if `store` depends on it and decides whether to list it. Prints the
/// decision's warning.
pub fn choose_store(env: &Environment, store: Store) -> bool {
    let probe = match store {
        Store::File => Probe::Unusable("not wanted".into()),
        Store::Auto | Store::Os => {
            ui::debug("probing the OS credential store");
            providers::probe_os_store(env)
        }
    };
    ui::debug(format!("OS store probe: {probe:?}"));
    let choice = providers::choose(store, &probe);
    if let Some(warning) = &choice.warning {
        ui::warn(warning);
    }
    choice.use_os
}

/// The global provider list in a file, and the provider `cargo login` will store with.
pub fn list_and_store(file: &ConfigFile) -> Result<(Vec<String>, Option<String>)> {
    let list = providers::current(file)?;
    let storing = providers::storing_provider(&list).map(str::to_string);
    Ok((list, storing))
}

/// The file a provider keeps tokens in, when it is a file (`cargo:token`).
pub fn token_file(provider: &str, cargo_home: &Path) -> Option<PathBuf> {
    (provider == providers::TOKEN).then(|| providers::credentials_path(cargo_home))
}
