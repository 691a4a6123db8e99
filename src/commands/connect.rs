//! `feedctl connect`: point a project at a feed. The flags become [`connect::Options`] (in
//! [`args::connect`]), the use case runs in [`crate::ops::connect`], and this renders what it
//! did.

use anyhow::Result;
use serde::Serialize;

use crate::cli::ConnectArgs;
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::connect::{self, Outcome};
use crate::ops::mint::MintedReport;
use crate::ops::providers::{self, RegistryProvider};
use crate::ui;

/// One file in the JSON report.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    changed: bool,
    diff: Option<String>,
}

/// `connect --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Report {
    dry_run: bool,
    registry: String,
    reused_registry: bool,
    index_url: String,
    feed: String,
    scope: &'static str,
    replace_crates_io: bool,
    /// The project config, whether it changed, and (dry run) its diff.
    file: String,
    changed: bool,
    diff: Option<String>,
    /// Every file written (or, in a dry run, to be written), project config first.
    files: Vec<FileReport>,
    providers_file: Option<String>,
    providers_changed: Option<bool>,
    providers: Option<Vec<String>>,
    auth: &'static str,
    verified: bool,
    token_stored: bool,
    token_provider: Option<String>,
    token_file: Option<String>,
    /// The PAT `--mint` created and stored, else `null`.
    minted: Option<MintedReport>,
    /// The PATs feedctl minted before for the registry, revoked by `--mint`.
    revoked: Vec<String>,
    ready: bool,
}

pub fn run(args: &ConnectArgs, env: &Environment) -> Result<()> {
    let outcome = connect::run(&args::connect(args), env)?;
    if args.json {
        return ui::json(&json_report(&outcome));
    }
    match &outcome.diffs {
        Some(diffs) => report_dry_run(diffs),
        None => report(args, &outcome),
    }
}

fn report_dry_run(diffs: &[String]) -> Result<()> {
    let mut nothing = true;
    for diff in diffs {
        if !diff.is_empty() {
            ui::stdout(diff)?;
            nothing = false;
        }
    }
    ui::note(if nothing {
        "dry run: everything is already configured".to_string()
    } else {
        "dry run: nothing was written, no login and no network request were made; a diff \
         with a relative path applies with `patch -p0` here, one with an absolute path with \
         `patch -d / -p1`"
            .to_string()
    });
    Ok(())
}

fn json_report(outcome: &Outcome) -> Report {
    let (plan, project, home, step) = (
        &outcome.plan,
        &outcome.project,
        outcome.home.as_ref(),
        &outcome.token,
    );
    let diffs = outcome.diffs.as_deref().unwrap_or_default();
    let files: Vec<FileReport> = [Some(project), home]
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, u)| FileReport {
            path: u.file.path().display().to_string(),
            changed: u.changed,
            diff: diffs.get(i).cloned(),
        })
        .collect();
    let home_list = home.and_then(|h| providers::list_and_store(&h.file).ok());
    Report {
        dry_run: outcome.diffs.is_some(),
        registry: plan.edit.registry.clone(),
        reused_registry: plan.reused_from.is_some(),
        index_url: plan.edit.index.clone(),
        feed: plan.feed.to_string(),
        scope: plan.feed.scope(),
        replace_crates_io: plan.edit.replace_crates_io,
        file: project.file.path().display().to_string(),
        changed: project.changed,
        diff: diffs.first().cloned(),
        files,
        providers_file: home.map(|h| h.file.path().display().to_string()),
        providers_changed: home.map(|h| h.changed),
        providers: home_list
            .filter(|_| plan.home.global.is_some())
            .map(|(list, _)| list),
        auth: plan.auth.name(),
        verified: step.verified,
        token_stored: step.stored.is_some(),
        token_provider: step.stored.as_ref().and_then(|s| s.provider.clone()),
        token_file: step
            .stored
            .as_ref()
            .and_then(|s| s.file.as_ref())
            .map(|f| f.display().to_string()),
        minted: step.minted.clone(),
        revoked: step.revoked.clone(),
        ready: outcome.ready(),
    }
}

fn report(args: &ConnectArgs, outcome: &Outcome) -> Result<()> {
    let (plan, project, step) = (&outcome.plan, &outcome.project, &outcome.token);
    let file = project.file.path().display().to_string();
    let registry = &plan.edit.registry;
    if project.changed {
        let replaced = if plan.edit.replace_crates_io {
            ", replacing crates.io"
        } else {
            ""
        };
        ui::status(
            "Configured",
            format!("registry `{registry}` in `{file}`{replaced}"),
        );
    } else {
        ui::status(
            "Unchanged",
            format!(
                "`{file}` already uses registry `{registry}` ({})",
                plan.edit.index
            ),
        );
    }
    if let Some(home) = &outcome.home {
        let verb = |changed| if changed { "Configured" } else { "Unchanged" };
        let shown = home.file.path().display();
        if plan.home.global.is_some() {
            let (list, storing) = providers::list_and_store(&home.file)?;
            ui::status(
                verb(home.changed),
                format!("credential providers [{}] in `{shown}`", list.join(", ")),
            );
            if let Some(storing) = storing
                && plan
                    .home
                    .registry
                    .as_ref()
                    .is_none_or(|(_, p)| *p == RegistryProvider::NotFeedctl)
            {
                ui::note(format!(
                    "`cargo login` will store tokens in {}",
                    crate::cargo::providers::describe_store(&storing, &plan.home.cargo_home)
                ));
            }
        }
        match &plan.home.registry {
            Some((_, RegistryProvider::Feedctl(_))) => ui::status(
                verb(home.changed),
                format!("feedctl as the credential provider of `{registry}` in `{shown}`"),
            ),
            Some((_, RegistryProvider::NotFeedctl)) if outcome.drops_feedctl => ui::status(
                "Configured",
                format!(
                    "no longer feedctl as the credential provider of `{registry}` in `{shown}`"
                ),
            ),
            _ => {}
        }
    }
    if outcome.ready() {
        ui::status(
            "Ready",
            format!("`cargo build` will fetch crates from `{}`", plan.feed),
        );
    } else if let Some(var) = step.stored.as_ref().and_then(|s| s.overridden_by.as_ref()) {
        ui::note(format!(
            "not ready in this environment: cargo sends `{var}` instead of the verified token"
        ));
    } else if !args.no_verify && step.stored.is_none() {
        // The hints for `--no-login` and a missing token source were given already.
    } else {
        ui::note("the token was not checked against the feed; `feedctl doctor` checks it");
    }
    Ok(())
}
