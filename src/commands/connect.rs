//! `feedctl connect`: point a project at a feed.
//!
//! Arguments become a checked [`Plan`] (feed, registry name, config file, the edits of the
//! project config and of `$CARGO_HOME/config.toml`) before anything is written. Then the
//! token is read and checked against the feed, and only then are the files written and the
//! token stored with `cargo login`; when that fails, the files are restored (see
//! [`transaction::all_or_nothing`]). A failed `connect` leaves every file as it was.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use crate::auth::secret::Secret;
use crate::auth::token;
use crate::auth::{azure_cli, entra};
use crate::azure::feed::{self, Feed};
use crate::cargo::config::edit::{self, ConfigFile, Updated};
use crate::cargo::config::effective::{Registry, Settings};
use crate::cli::{Auth, ConnectArgs};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login::{self, Stored};
use crate::ops::project::{self, ConnectEdit};
use crate::ops::providers::{self, HomeEdit, RegistryProvider};
use crate::ops::{resolve_feed, transaction};
use crate::ui;

/// What `connect` will do, decided from the arguments and the files as they are.
#[derive(Debug)]
struct Plan {
    feed: Feed,
    auth: Auth,
    /// The project config as read while planning, so that it is parsed once.
    project_file: ConfigFile,
    edit: ConnectEdit,
    /// Another name already pointing at the feed, reused instead of `edit.registry`'s default.
    reused_from: Option<PathBuf>,
    config: PathBuf,
    home: HomeEdit,
}

impl Plan {
    fn registry(&self) -> Registry {
        Registry {
            name: self.edit.registry.clone(),
            index: self.edit.index.clone(),
            file: self.config.clone(),
            credential_provider: None,
        }
    }
}

/// One file in the JSON report.
#[derive(Debug, Serialize)]
struct FileReport {
    path: String,
    changed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
}

/// `connect --json`; the shape is documented in the README.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<String>,
    /// Every file written (or, in a dry run, to be written), project config first.
    files: Vec<FileReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    providers_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    providers_changed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    providers: Option<Vec<String>>,
    auth: &'static str,
    verified: bool,
    token_stored: bool,
    token_provider: Option<String>,
    token_file: Option<String>,
    ready: bool,
}

/// How the token step went.
#[derive(Debug, Default)]
struct TokenStep {
    verified: bool,
    stored: Option<Stored>,
}

/// Plan → (dry run: report) → token checked → files written → `cargo login` → report.
pub fn run(args: &ConnectArgs, env: &Environment) -> Result<()> {
    let plan = plan(args, env)?;
    ui::debug(format!("editing `{}`", plan.config.display()));
    let project_edit = |file: &mut ConfigFile| project::connect(file, &plan.edit);
    let home_edit = |file: &mut ConfigFile| plan.home.apply(file);
    let project_planned = edit::plan_loaded(plan.project_file.clone(), project_edit)?;
    // What cargo will see once the edit is saved: the checks before writing go by it.
    let after = check_cargo_will_see(env, &plan, &project_planned.file, args.user)?;
    // Whether `--auth pat` takes feedctl out as the registry's provider, for the report.
    let mut drops_feedctl = false;
    let home_planned = if plan.home.is_empty() {
        None
    } else {
        let before = ConfigFile::load(&plan.home.path)?;
        drops_feedctl = matches!(plan.home.registry, Some((_, RegistryProvider::NotFeedctl)))
            && providers::is_feedctl_provider_of(&before, &plan.edit.registry);
        for warning in plan.home.warnings(&before)? {
            ui::warn(warning);
        }
        Some(edit::plan(&plan.home.path, home_edit)?)
    };
    if args.dry_run {
        return report_dry_run(args, env, &plan, &project_planned, home_planned.as_ref());
    }
    let token = token_before_writing(args, env, &plan, &after)?;
    let (project, home, step) = transaction::all_or_nothing(|transaction| {
        let project = transaction.commit(project_planned, project_edit)?;
        let home = home_planned
            .map(|planned| transaction.commit(planned, home_edit))
            .transpose()?;
        let mut step = TokenStep {
            verified: token.verified,
            stored: None,
        };
        if let Some(secret) = &token.secret {
            let registry = plan.registry();
            let settings = Settings::load(env)?;
            let (list, explicit) = settings.providers_for(&registry);
            login::require_providers(explicit)?;
            step.stored = Some(login::store(env, &registry, secret, &list)?);
        }
        Ok((project, home, step))
    })?;
    report(args, &plan, &project, home.as_ref(), &step, drops_feedctl)
}

/// The token read and checked before anything is written.
#[derive(Debug, Default)]
struct Token {
    /// The token to store with `cargo login` (`--auth pat` with a token source).
    secret: Option<Secret>,
    verified: bool,
}

/// `after` is cargo's view once the project config is written: it decides.
fn token_before_writing(
    args: &ConnectArgs,
    env: &Environment,
    plan: &Plan,
    after: &Settings,
) -> Result<Token> {
    let name = &plan.edit.registry;
    let index = &plan.edit.index;
    match args.auth {
        Auth::AzureCli => {
            if args.no_verify {
                ui::warn("not checking the Azure CLI's token against the feed (`--no-verify`)");
                return Ok(Token::default());
            }
            login::azure_cli_token(env, &after.http(), name, index, true)?;
            Ok(Token {
                secret: None,
                verified: true,
            })
        }
        Auth::Pat => {
            let next = ui::pat_stdin_hint(&format!("feedctl login --name {name}"));
            if args.no_login {
                ui::note(format!(
                    "not logging in (`--no-login`); to store a token later run:\n  {next}"
                ));
                return Ok(Token::default());
            }
            let flags = login::source_flags(&args.token);
            let Some(source) = token::select_source(&flags, env.interactive()) else {
                ui::note(format!(
                    "no token given and no terminal to ask on; the config is written. To \
                     store a token, run:\n  {next}"
                ));
                return Ok(Token::default());
            };
            // Cargo would store a token it never sends without a provider list: refuse
            // before reading the token, let alone writing anything.
            if plan.home.global.is_none() {
                let (_, explicit) = after.providers_for(&plan.registry());
                login::require_providers(explicit)?;
            }
            login::require_readable_credentials(env)?;
            login::require_online(after)?;
            login::require_storing_provider(after, name)?;
            let secret = token::read(&source, env)?;
            login::check(&after.http(), name, index, &secret, !args.no_verify)?;
            Ok(Token {
                secret: Some(secret),
                verified: !args.no_verify,
            })
        }
        Auth::Entra => {
            entra::verify_step(&after.http(), index, name, env, args.no_verify)?;
            Ok(Token {
                secret: None,
                verified: !args.no_verify,
            })
        }
    }
}

fn plan(args: &ConnectArgs, env: &Environment) -> Result<Plan> {
    let usage = |e: anyhow::Error| Failure::new(Code::Usage, format!("{e:#}"));
    let feed = resolve_feed(&args.feed).map_err(usage)?;
    let index = feed.index_url();
    let wanted = match &args.name {
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
    let config = if args.user {
        edit::user_config(&env.cargo_home()?)
    } else {
        let config = edit::project_config(env.cwd(), args.config.as_deref())?;
        refuse_user_config_unasked(env, &config)?;
        config
    };
    let project_file = edit::load_target(&config)?;
    let existing =
        project::registry_for_feed(env.cwd(), &env.cargo_home()?, &wanted, &feed, &project_file);
    let (registry, reused_from) = match existing {
        Some(r) => {
            ui::note(format!(
                "registry `{}` in `{}` already points at this feed; using it instead of \
                 adding `{wanted}` (cargo refuses two names for one index)",
                r.name,
                r.file.display()
            ));
            (r.name, Some(r.file))
        }
        None => {
            feed::check_registry_env_name(&wanted, "--name").map_err(usage)?;
            (wanted, None)
        }
    };
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
    let mut home = HomeEdit::new(env)?;
    if !args.no_providers {
        home.global = Some(providers::choose_store(env, args.store));
    }
    // One place per `--auth` kind: what the registry's own provider becomes.
    home.registry = match args.auth {
        Auth::AzureCli | Auth::Entra => Some((
            registry.clone(),
            RegistryProvider::feedctl(env, args.auth == Auth::Entra)?,
        )),
        Auth::Pat if !args.no_providers => Some((registry.clone(), RegistryProvider::NotFeedctl)),
        Auth::Pat => None,
    };
    Ok(Plan {
        auth: args.auth,
        project_file,
        edit: ConnectEdit {
            registry,
            index,
            feed: feed.clone(),
            replace_crates_io: !args.no_replace_crates_io,
            force: args.force,
        },
        feed,
        reused_from,
        config,
        home,
    })
}

fn report_dry_run(
    args: &ConnectArgs,
    env: &Environment,
    plan: &Plan,
    project: &Updated,
    home: Option<&Updated>,
) -> Result<()> {
    let diffs: Vec<(&Updated, String)> = [Some(project), home]
        .into_iter()
        .flatten()
        .map(|u| (u, transaction::diff(&u.file, false, env.cwd())))
        .collect();
    if args.json {
        let step = TokenStep::default();
        let mut report = json_report(plan, project, home, &step, true);
        report.diff = Some(diffs[0].1.clone());
        for (file, (_, diff)) in report.files.iter_mut().zip(&diffs) {
            file.diff = Some(diff.clone());
        }
        return ui::json(&report);
    }
    let mut nothing = true;
    for (_, diff) in &diffs {
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

fn json_report(
    plan: &Plan,
    project: &Updated,
    home: Option<&Updated>,
    step: &TokenStep,
    dry_run: bool,
) -> Report {
    let file_report = |u: &Updated| FileReport {
        path: u.file.path().display().to_string(),
        changed: u.changed,
        diff: None,
    };
    let home_list = home.and_then(|h| providers::list_and_store(&h.file).ok());
    Report {
        dry_run,
        registry: plan.edit.registry.clone(),
        reused_registry: plan.reused_from.is_some(),
        index_url: plan.edit.index.clone(),
        feed: plan.feed.to_string(),
        scope: plan.feed.scope(),
        replace_crates_io: plan.edit.replace_crates_io,
        file: project.file.path().display().to_string(),
        changed: project.changed,
        diff: None,
        files: [Some(project), home]
            .into_iter()
            .flatten()
            .map(file_report)
            .collect(),
        providers_file: home.map(|h| h.file.path().display().to_string()),
        providers_changed: home.map(|h| h.changed),
        providers: home_list
            .filter(|_| plan.home.global.is_some())
            .map(|(list, _)| list),
        auth: match plan.auth {
            Auth::Pat => "pat",
            Auth::AzureCli => "azure-cli",
            Auth::Entra => "entra",
        },
        verified: step.verified,
        token_stored: step.stored.is_some(),
        token_provider: step.stored.as_ref().and_then(|s| s.provider.clone()),
        token_file: step
            .stored
            .as_ref()
            .and_then(|s| s.file.as_ref())
            .map(|f| f.display().to_string()),
        ready: is_ready(plan, step),
    }
}

/// Ready only when the feed accepted the token cargo will use.
fn is_ready(plan: &Plan, step: &TokenStep) -> bool {
    match plan.home.registry {
        Some((_, RegistryProvider::Feedctl(_))) => step.verified,
        _ => {
            step.verified
                && step
                    .stored
                    .as_ref()
                    .is_some_and(|s| s.overridden_by.is_none())
        }
    }
}

fn report(
    args: &ConnectArgs,
    plan: &Plan,
    project: &Updated,
    home: Option<&Updated>,
    step: &TokenStep,
    drops_feedctl: bool,
) -> Result<()> {
    if args.json {
        let report = json_report(plan, project, home, step, false);
        return ui::json(&report);
    }
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
    if let Some(home) = home {
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
            Some((_, RegistryProvider::NotFeedctl)) if drops_feedctl => ui::status(
                "Configured",
                format!(
                    "no longer feedctl as the credential provider of `{registry}` in `{shown}`"
                ),
            ),
            _ => {}
        }
    }
    if is_ready(plan, step) {
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

/// Refuses an edit that cargo would not see from here: a closer config, an `include`d file or
/// a `CARGO_REGISTRIES_<NAME>_INDEX` that defines the registry otherwise or replaces crates.io
/// with something else wins over the file being written. With `--user` that is only a warning
/// (this project overrides the user's config on purpose). Returns that view of the config.
fn check_cargo_will_see(
    env: &Environment,
    plan: &Plan,
    edited: &ConfigFile,
    user: bool,
) -> Result<Settings> {
    let settings = Settings::load_with(env, edited)?;
    let file = edited.path().display();
    if !settings.reads(edited.path()) {
        ui::note(format!(
            "cargo run here does not read `{file}`; it applies where cargo reads it"
        ));
        return Ok(settings);
    }
    let mut shadowed = Vec::new();
    match settings
        .registries()
        .iter()
        .find(|r| r.name == plan.edit.registry)
    {
        Some(r) if r.index != plan.edit.index => shadowed.push(format!(
            "registry `{}` is `{}` from {}, which cargo reads before `{file}`",
            plan.edit.registry,
            r.index,
            settings
                .index_origin(&r.name)
                .map_or_else(|| "another file".to_string(), |d| d.describe())
        )),
        _ => {}
    }
    if plan.edit.replace_crates_io
        && let Some((name, from)) = settings.replace_with()
        && name != plan.edit.registry
    {
        shadowed.push(format!(
            "crates.io is replaced with `{name}` in `{}`, which cargo reads before `{file}`",
            from.display()
        ));
    }
    if shadowed.is_empty() {
        return Ok(settings);
    }
    let what = shadowed.join("; and ");
    if user {
        ui::warn(format!(
            "{what}: in this directory that setting wins over `--user`"
        ));
        return Ok(settings);
    }
    Err(Failure::new(
        Code::Refused,
        format!(
            "{what}: cargo would not use the feed, so nothing was written; change it there, \
             or pass `--config` with that file"
        ),
    )
    .into())
}

/// A project config that is `$CARGO_HOME`'s (a workspace at `$HOME`) acts machine-wide: only
/// with `--user`.
fn refuse_user_config_unasked(env: &Environment, config: &std::path::Path) -> Result<()> {
    let home_config = edit::config_in(&env.cargo_home()?).0;
    let canonical = |p: &std::path::Path| {
        p.parent()
            .and_then(|dir| dir.canonicalize().ok())
            .map(|dir| dir.join(p.file_name().unwrap_or_default()))
    };
    if config == home_config
        || canonical(config).is_some_and(|c| Some(c) == canonical(&home_config))
    {
        return Err(Failure::new(
            Code::Usage,
            format!(
                "`{}` is `$CARGO_HOME`'s config, read by cargo in every directory: pass `--user` \
                 if you mean to configure the feed (and replace crates.io) for all your projects",
                config.display()
            ),
        )
        .into());
    }
    Ok(())
}
