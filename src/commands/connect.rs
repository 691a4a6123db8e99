//! `feedctl connect`: point a project at a feed.
//!
//! Arguments become a checked [`Plan`] (feed, registry name, config file) before any file is
//! read; then the project config is edited through [`cargo_config::update`].

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use crate::azure_cli;
use crate::cargo_config::{self, ConfigFile, NewParent, Updated};
use crate::cli::{Auth, ConnectArgs, FeedArgs};
use crate::commands::{login, providers};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::feed::{self, Feed, FeedParts};
use crate::settings::{Registry, Settings};
use crate::token;
use crate::ui;
use crate::verify;

/// What `connect` will do, decided from the arguments alone.
#[derive(Debug)]
struct Plan {
    feed: Feed,
    registry: String,
    index: String,
    config: PathBuf,
    replace_crates_io: bool,
    force: bool,
}

#[derive(Debug, Serialize)]
struct Report<'a> {
    file: String,
    registry: &'a str,
    index_url: &'a str,
    scope: &'a str,
    replace_crates_io: bool,
    changed: bool,
    dry_run: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    providers_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    providers_changed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_stored_in: Option<String>,
}

/// Project config → providers → login (which verifies), each skippable.
pub fn run(args: &ConnectArgs, env: &Environment) -> Result<()> {
    let plan = plan(args, env)?;
    ui::debug(format!("editing `{}`", plan.config.display()));
    let project = cargo_config::update(&plan.config, args.dry_run, |file| edit(file, &plan))?;
    let providers = if args.no_providers {
        None
    } else {
        Some(providers::apply(env, args.store, args.dry_run)?)
    };
    // `--auth azure-cli` makes feedctl this registry's provider; `--auth pat` undoes that.
    let feedctl_provider = match args.auth {
        Auth::AzureCli => Some(providers::set_feedctl_provider(
            env,
            &plan.registry,
            true,
            args.dry_run,
        )?),
        Auth::Pat if !args.no_providers => Some(providers::set_feedctl_provider(
            env,
            &plan.registry,
            false,
            args.dry_run,
        )?),
        Auth::Pat => None,
    }
    .filter(|updated| updated.changed || args.auth == Auth::AzureCli);
    let file = project.file.path().display().to_string();
    if args.dry_run {
        if args.json {
            let mut report = report(&plan, &project, providers.as_ref(), None);
            report.diff = Some(project.file.diff());
            return ui::stdout(serde_json::to_string_pretty(&report)? + "\n").map_err(Into::into);
        }
        if project.changed {
            ui::stdout(project.file.diff())?;
        }
        let home_edits = providers
            .iter()
            .map(|p| &p.updated)
            .chain(&feedctl_provider);
        let mut nothing = !project.changed;
        for updated in home_edits.filter(|u| u.changed) {
            ui::stdout(updated.file.diff())?;
            nothing = false;
        }
        ui::note(if nothing {
            "dry run: everything is already configured".to_string()
        } else {
            "dry run: nothing was written, no login and no network request were made".to_string()
        });
        return Ok(());
    }
    if !args.json {
        report_project(&plan, &project, &file);
        if let Some(providers) = &providers {
            providers::report(providers, false)?;
        }
    }
    if let Some(updated) = &feedctl_provider
        && !args.json
    {
        let verb = if updated.changed {
            "Configured"
        } else {
            "Unchanged"
        };
        let what = if args.auth == Auth::AzureCli {
            "feedctl as"
        } else {
            "no longer feedctl as"
        };
        ui::status(
            verb,
            format!(
                "{what} the credential provider of `{}` in `{}`",
                plan.registry,
                updated.file.path().display()
            ),
        );
    }
    let stored = match args.auth {
        Auth::AzureCli => {
            verify_azure_cli(args, env, &plan)?;
            Some("nowhere: feedctl asks `az` for a fresh token on every cargo command".to_string())
        }
        Auth::Pat => login_step(args, env, &plan)?,
    };
    if args.json {
        let report = report(&plan, &project, providers.as_ref(), stored);
        return ui::stdout(serde_json::to_string_pretty(&report)? + "\n").map_err(Into::into);
    }
    if stored.is_some() {
        ui::status(
            "Ready",
            format!("`cargo build` will fetch crates from `{}`", plan.feed),
        );
    }
    Ok(())
}

fn report<'a>(
    plan: &'a Plan,
    project: &Updated,
    providers: Option<&providers::Outcome>,
    token_stored_in: Option<String>,
) -> Report<'a> {
    Report {
        file: project.file.path().display().to_string(),
        registry: &plan.registry,
        index_url: &plan.index,
        scope: plan.feed.scope(),
        replace_crates_io: plan.replace_crates_io,
        changed: project.changed,
        dry_run: false,
        diff: None,
        providers_file: providers.map(|p| p.updated.file.path().display().to_string()),
        providers_changed: providers.map(|p| p.updated.changed),
        token_stored_in,
    }
}

fn report_project(plan: &Plan, project: &Updated, file: &str) {
    if project.changed {
        let replaced = if plan.replace_crates_io {
            ", replacing crates.io"
        } else {
            ""
        };
        ui::status(
            "Configured",
            format!("registry `{}` in `{file}`{replaced}", plan.registry),
        );
    } else {
        ui::status(
            "Unchanged",
            format!(
                "`{file}` already uses registry `{}` ({})",
                plan.registry, plan.index
            ),
        );
    }
}

/// Logs in when a token source is at hand; otherwise says what to run next.
fn login_step(args: &ConnectArgs, env: &Environment, plan: &Plan) -> Result<Option<String>> {
    let next = ui::pat_stdin_hint(&format!("feedctl login --name {}", plan.registry));
    if args.no_login {
        ui::note(format!(
            "not logging in (`--no-login`); to store a token later run:\n  {next}"
        ));
        return Ok(None);
    }
    let Some(source) = token::select_source(&login::source_flags(&args.token), env.interactive())
    else {
        ui::note(format!(
            "no token given and no terminal to ask on; the config is written. To store a \
             token, run:\n  {next}"
        ));
        return Ok(None);
    };
    let settings = Settings::load(env)?;
    let registry = settings
        .registries()
        .into_iter()
        .find(|r| r.name == plan.registry && r.index == plan.index)
        .unwrap_or_else(|| Registry {
            name: plan.registry.clone(),
            index: plan.index.clone(),
            file: plan.config.clone(),
            credential_provider: None,
        });
    login::login(env, &settings, &registry, &source, !args.no_verify).map(Some)
}

/// Checks, once, that the Azure CLI's token opens the feed.
fn verify_azure_cli(args: &ConnectArgs, env: &Environment, plan: &Plan) -> Result<()> {
    if args.no_verify {
        ui::warn("not checking the Azure CLI's token against the feed (`--no-verify`)");
        return Ok(());
    }
    let token = azure_cli::access_token(env)?;
    verify::check_token(&plan.index, &plan.registry, &token.header)?;
    ui::status(
        "Verified",
        format!(
            "the feed accepted the Azure CLI's token for `{}`",
            plan.registry
        ),
    );
    Ok(())
}

fn plan(args: &ConnectArgs, env: &Environment) -> Result<Plan> {
    let usage = |e: anyhow::Error| Failure::new(Code::Usage, format!("{e:#}"));
    let feed = resolve_feed(&args.feed).map_err(usage)?;
    let registry = match &args.name {
        Some(name) => {
            feed::check_registry_name(name, "--name").map_err(usage)?;
            name.clone()
        }
        None => {
            feed::check_registry_name(&feed.name, "--name").map_err(|e| {
                Failure::new(
                    Code::Usage,
                    format!("the feed name cannot be the registry name: {e:#}"),
                )
            })?;
            feed.name.clone()
        }
    };
    let config = cargo_config::project_config(env.cwd(), args.config.as_deref())?;
    if args.auth == Auth::AzureCli
        && !args.no_verify
        && !args.dry_run
        && azure_cli::find(env).is_none()
    {
        return Err(Failure::new(
            Code::Auth,
            "`--auth azure-cli` needs the Azure CLI, and `az` is not on PATH: install it \
             (https://aka.ms/azure-cli) and run `az login`. On machines without it, use a \
             personal access token (the default `--auth pat`); feedctl never falls back to \
             storing one by itself.",
        )
        .into());
    }
    let index = feed.index_url();
    Ok(Plan {
        feed,
        registry,
        index,
        config,
        replace_crates_io: !args.no_replace_crates_io,
        force: args.force,
    })
}

/// The feed named by a URL or by the flags.
pub fn resolve_feed(args: &FeedArgs) -> Result<Feed> {
    match &args.url {
        Some(url) => {
            let mut feed = Feed::parse_url(url)?;
            feed.force_auth |= args.force_auth;
            Ok(feed)
        }
        None => Feed::from_parts(&FeedParts {
            organization: args.organization.as_deref(),
            server_url: args.server_url.as_deref(),
            collection: args.collection.as_deref(),
            project: args.project.as_deref(),
            feed: args.feed.as_deref(),
            force_auth: args.force_auth,
        }),
    }
}

/// The edit itself: add the registry, then point crates.io at it. Refuses to overwrite a
/// registry or replacement that points elsewhere unless forced.
fn edit(file: &mut ConfigFile, plan: &Plan) -> Result<()> {
    let shown = file.path().display().to_string();
    let index_key = ["registries", plan.registry.as_str(), "index"];
    if let Some(existing) = file.get_str(&index_key)
        && existing != plan.index
        && !plan.force
    {
        return Err(Failure::new(
            Code::Refused,
            format!(
                "registry `{}` in `{shown}` already points at `{existing}`, not `{}`; pass \
                 `--force` to replace it, or `--name` to add the feed under another name",
                plan.registry, plan.index
            ),
        )
        .into());
    }
    file.set(&index_key, plan.index.as_str(), NewParent::Inline)?;
    if plan.replace_crates_io {
        let key = ["source", "crates-io", "replace-with"];
        if let Some(existing) = file.get_str(&key)
            && existing != plan.registry
            && !plan.force
        {
            return Err(Failure::new(
                Code::Refused,
                format!(
                    "crates.io is already replaced with `{existing}` in `{shown}`; pass `--force` \
                     to replace it with `{}`, or `--no-replace-crates-io` to only add the registry",
                    plan.registry
                ),
            )
            .into());
        }
        file.set(&key, plan.registry.as_str(), NewParent::Header)?;
    }
    Ok(())
}
