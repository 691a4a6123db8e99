//! `feedctl providers`: set `registry.global-credential-providers` in
//! `$CARGO_HOME/config.toml`, merging into what is there and never listing an OS store that
//! cannot work on this machine without saying so; or, with `--auth azure-cli`, make feedctl
//! one registry's credential provider.

use anyhow::Result;
use serde::Serialize;

use crate::cargo::config::edit::{self, ConfigFile};
use crate::cargo::config::effective::Settings;
use crate::cli::{Auth, ProvidersArgs};
use crate::environment::Environment;
use crate::ops::providers::{self, HomeEdit, RegistryProvider};
use crate::ops::transaction;
use crate::ui;

/// `providers --json`; the shape is documented in the README.
#[derive(Debug, Serialize)]
struct Report {
    dry_run: bool,
    file: String,
    changed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
    /// `registry.global-credential-providers` after the change.
    providers: Vec<String>,
    /// The provider `cargo login` stores tokens with, and its file for `cargo:token`.
    token_provider: Option<String>,
    token_file: Option<String>,
    /// With `--auth azure-cli`: the registry whose provider feedctl now is.
    #[serde(skip_serializing_if = "Option::is_none")]
    registry: Option<String>,
}

pub fn run(args: &ProvidersArgs, env: &Environment) -> Result<()> {
    let mut edit = HomeEdit::new(env)?;
    // One place per `--auth` kind: what changes in `$CARGO_HOME/config.toml`.
    let registry = match args.auth {
        Auth::Pat => {
            edit.global = Some(providers::choose_store(env, args.store));
            None
        }
        Auth::AzureCli | Auth::Entra => {
            let registry = Settings::load(env)?.pick(args.name.as_deref())?.name;
            let provider = RegistryProvider::feedctl(env, args.auth == Auth::Entra)?;
            edit.registry = Some((registry.clone(), provider));
            Some(registry)
        }
    };
    for warning in edit.warnings(&ConfigFile::load(&edit.path)?)? {
        ui::warn(warning);
    }
    let apply = |f: &mut ConfigFile| edit.apply(f);
    let planned = edit::plan(&edit.path, apply)?;
    let updated = if args.dry_run {
        planned
    } else {
        transaction::all_or_nothing(|transaction| transaction.commit(planned, apply))?
    };
    let (list, storing) = providers::list_and_store(&updated.file)?;
    let shown = updated.file.path().display().to_string();
    if args.json {
        let report = Report {
            dry_run: args.dry_run,
            file: shown,
            changed: updated.changed,
            diff: args
                .dry_run
                .then(|| transaction::diff(&updated.file, false, env.cwd())),
            providers: list,
            token_file: storing
                .as_deref()
                .and_then(|p| providers::token_file(p, &edit.cargo_home))
                .map(|f| f.display().to_string()),
            token_provider: storing,
            registry,
        };
        return ui::json(&report);
    }
    if args.dry_run && updated.changed {
        ui::stdout(transaction::diff(&updated.file, false, env.cwd()))?;
        ui::note(format!("dry run: `{shown}` was not changed"));
        return Ok(());
    }
    let verb = if updated.changed {
        "Configured"
    } else {
        "Unchanged"
    };
    match registry {
        Some(registry) => ui::status(
            verb,
            format!("feedctl as the credential provider of `{registry}` in `{shown}`"),
        ),
        None => {
            ui::status(
                verb,
                format!("credential providers [{}] in `{shown}`", list.join(", ")),
            );
            if let Some(storing) = &storing {
                ui::note(format!(
                    "`cargo login` will store tokens in {}",
                    crate::cargo::providers::describe_store(storing, &edit.cargo_home)
                ));
            }
        }
    }
    Ok(())
}
