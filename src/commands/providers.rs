//! `feedctl providers`: set `registry.global-credential-providers` in
//! `$CARGO_HOME/config.toml`, or make feedctl one registry's credential provider. The use
//! case is [`crate::ops::providers::set`]; this renders what it did.

use anyhow::Result;
use serde::Serialize;

use crate::cli::ProvidersArgs;
use crate::environment::Environment;
use crate::ops::providers;
use crate::ui;

/// `providers --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Report {
    dry_run: bool,
    file: String,
    changed: bool,
    diff: Option<String>,
    /// `registry.global-credential-providers` after the change.
    providers: Vec<String>,
    /// The provider `cargo login` stores tokens with, and its file for `cargo:token`.
    token_provider: Option<String>,
    token_file: Option<String>,
    /// With `--auth azure-cli`: the registry whose provider feedctl now is.
    registry: Option<String>,
}

pub fn run(args: &ProvidersArgs, env: &Environment) -> Result<()> {
    let options = providers::Options {
        auth: args.auth,
        name: args.name.as_deref(),
        store: args.store,
        dry_run: args.dry_run,
    };
    let outcome = providers::set(&options, env)?;
    let updated = &outcome.updated;
    let shown = updated.file.path().display().to_string();
    if args.json {
        let report = Report {
            dry_run: args.dry_run,
            file: shown,
            changed: updated.changed,
            diff: outcome.diff,
            providers: outcome.list,
            token_file: outcome
                .storing
                .as_deref()
                .and_then(|p| providers::token_file(p, &outcome.cargo_home))
                .map(|f| f.display().to_string()),
            token_provider: outcome.storing,
            registry: outcome.registry,
        };
        return ui::json(&report);
    }
    if let Some(diff) = outcome.diff.filter(|_| updated.changed) {
        ui::stdout(diff)?;
        ui::note(format!("dry run: `{shown}` was not changed"));
        return Ok(());
    }
    let verb = if updated.changed {
        "Configured"
    } else {
        "Unchanged"
    };
    match &outcome.registry {
        Some(registry) => ui::status(
            verb,
            format!("feedctl as the credential provider of `{registry}` in `{shown}`"),
        ),
        None => {
            ui::status(
                verb,
                format!(
                    "credential providers [{}] in `{shown}`",
                    outcome.list.join(", ")
                ),
            );
            if let Some(storing) = &outcome.storing {
                ui::note(format!(
                    "`cargo login` will store tokens in {}",
                    crate::cargo::providers::describe_store(storing, &outcome.cargo_home)
                ));
            }
        }
    }
    Ok(())
}
