//! `connect`'s use case: point a project at a feed.
//!
//! The options become a checked [`Plan`] (feed, registry name, config file, the edits of the
//! project config and of `$CARGO_HOME/config.toml`) before anything is written. Then the
//! token is read and checked against the feed, and only then are the files written and the
//! token stored with `cargo login`; when that fails, the files are restored (see
//! [`transaction::all_or_nothing`]). A failed `connect` leaves every file as it was.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::auth::secret::Secret;
use crate::auth::token::{self, Source, SourceFlags};
use crate::auth::{azure_cli, entra};
use crate::azure::feed::{self, Feed, FeedParts};
use crate::cargo::config::edit::{self, ConfigFile, Updated};
use crate::cargo::config::effective::{Definition, Registry, Settings};
use crate::cargo::providers::Store;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login::{self, Stored};
use crate::ops::mint::{self, MintedReport};
use crate::ops::project::{self, ConnectEdit};
use crate::ops::providers::{self, HomeEdit, RegistryProvider};
use crate::ops::{AuthMode, pick_feed, resolve_feed, transaction};
use crate::ui;
use crate::util::paths::in_resolved_dir;

/// What the user asked `connect` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The feed's URL; without one the feed is built from `parts`.
    pub url: Option<&'a str>,
    pub parts: FeedParts<'a>,
    /// The registry name (default: the feed name).
    pub name: Option<&'a str>,
    /// The config file to edit (default: the project's).
    pub config: Option<&'a Path>,
    /// Edit `$CARGO_HOME/config.toml` instead of the project config.
    pub user: bool,
    pub replace_crates_io: bool,
    pub force: bool,
    pub dry_run: bool,
    /// Where cargo should keep tokens; `None` leaves the global providers alone.
    pub store: Option<Store>,
    /// Read and store a token (`--auth pat`).
    pub login: bool,
    /// Check the token against the feed before storing it.
    pub verify: bool,
    pub token: SourceFlags,
    pub auth: AuthMode,
    /// Without `--feed`, offer the feeds on a terminal (not with `--json`).
    pub may_ask: bool,
    /// `--mint`: create the PAT to store instead of reading one.
    pub mint: Option<mint::Ask>,
}

impl Options<'_> {
    /// The token flags choose what `--auth pat` stores; with feedctl as the provider
    /// (`azure-cli`, `entra`) nothing is stored, so a token flag there is a mistake, said as
    /// clap says its own conflicts.
    pub fn check_flags(&self) -> Result<(), Failure> {
        let flag = if self.mint.is_some() {
            "--mint"
        } else if self.token.pat_stdin {
            "--pat-stdin"
        } else if self.token.pat_env.is_some() {
            "--pat-env"
        } else if self.token.azure_cli {
            "--azure-cli"
        } else {
            return Ok(());
        };
        if self.auth == AuthMode::Pat {
            return Ok(());
        }
        Err(Failure::new(
            Code::Usage,
            format!(
                "`{flag}` cannot be used with `--auth {}`: feedctl then gets a fresh token for \
                 every cargo command and stores none; drop `{flag}`, or pass `--auth pat` to \
                 store a token",
                self.auth.name()
            ),
        ))
    }
}

/// What `connect` will do, decided from the options and the files as they are.
#[derive(Debug)]
pub struct Plan {
    pub feed: Feed,
    pub auth: AuthMode,
    pub edit: ConnectEdit,
    /// Where another name already pointing at the feed is defined, when it is reused instead
    /// of the one asked for.
    pub reused_from: Option<Definition>,
    pub config: PathBuf,
    pub home: HomeEdit,
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

/// How the token step went.
#[derive(Debug, Default)]
pub struct TokenStep {
    pub verified: bool,
    pub stored: Option<Stored>,
    /// The PAT `--mint` created and stored.
    pub minted: Option<MintedReport>,
    /// The PATs feedctl minted before for the registry, revoked once `--mint` stored its own.
    pub revoked: Vec<String>,
}

/// What `connect` did, or in a dry run would do.
#[derive(Debug)]
pub struct Outcome {
    pub plan: Plan,
    /// The project config, written or planned.
    pub project: Updated,
    /// `$CARGO_HOME/config.toml`, when there was anything to change in it.
    pub home: Option<Updated>,
    /// Dry run: the diff of each file above, project config first.
    pub diffs: Option<Vec<String>>,
    pub token: TokenStep,
    /// Whether `--auth pat` took feedctl out as the registry's credential provider.
    pub drops_feedctl: bool,
}

impl Outcome {
    /// Ready only when the feed accepted the token cargo will use.
    pub fn ready(&self) -> bool {
        let step = &self.token;
        match self.plan.home.registry {
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
}

/// Connects the feed `opts` names; with an organization (or collection) but no feed, the one
/// picked from the feeds the caller can read ([`pick_feed`]); a feed that does not exist is
/// answered with those feeds and the closest names.
pub fn run(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    let named_place = opts.parts.organization.is_some() || opts.parts.server_url.is_some();
    if opts.url.is_some() || !named_place {
        return connect(opts, env);
    }
    let (env, token) = shared_token(env, opts)?;
    let opts = &Options {
        token,
        ..opts.clone()
    };
    if opts.parts.feed.is_none() {
        let feed = pick_feed::pick(&env, &opts.parts, &opts.token, opts.auth, opts.may_ask)?;
        let picked = Options {
            parts: FeedParts {
                project: feed.project.as_deref(),
                feed: Some(&feed.name),
                ..opts.parts.clone()
            },
            ..opts.clone()
        };
        return connect(&picked, &env);
    }
    // Only a missing feed is answered anew; any other error keeps its whole chain (what a
    // rollback restored, a minted PAT revoked again), which a downcast would drop.
    connect(opts, &env).map_err(|e| {
        let missing = e
            .downcast_ref::<Failure>()
            .is_some_and(|f| f.code == Code::NotFound);
        if !missing {
            return e;
        }
        match e.downcast::<Failure>() {
            Ok(failure) => {
                pick_feed::did_you_mean(&env, &opts.parts, &opts.token, opts.auth, failure).into()
            }
            Err(e) => e,
        }
    })
}

/// One token for the feed listing and the login: a PAT from standard input or typed at the
/// prompt is read once and given to both (a second prompt, or an empty stdin, otherwise).
fn shared_token(env: &Environment, opts: &Options<'_>) -> Result<(Environment, SourceFlags)> {
    let mut flags = opts.token.clone();
    let logs_in = opts.auth == AuthMode::Pat && opts.login && !opts.dry_run && opts.mint.is_none();
    if opts.parts.feed.is_some() && !logs_in {
        return Ok((env.clone(), flags));
    }
    if flags.pat_stdin {
        return Ok((env.replaying_stdin_line()?, flags));
    }
    let prompts = token::select_source(&flags, env.interactive()) == Some(Source::Prompt);
    if prompts && opts.auth == AuthMode::Pat {
        let pat = token::prompt(env)?;
        flags.pat_stdin = true;
        return Ok((env.clone().with_stdin(&format!("{pat}\n")), flags));
    }
    Ok((env.clone(), flags))
}

/// Plan → (dry run: diffs) → token checked → files written → `cargo login`.
fn connect(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    let Planned {
        plan,
        project_file,
        mut before,
        index_names,
    } = plan(opts, env)?;
    ui::debug(format!("editing `{}`", plan.config.display()));
    // `check_cargo_will_see` puts the edited file back into `before`.
    before.set_aside(project_file.path());
    let project_edit = |file: &mut ConfigFile| project::connect(file, &plan.edit);
    let home_edit = |file: &mut ConfigFile| plan.home.apply(file);
    let project_planned = edit::plan_loaded(project_file, project_edit)?;
    // What cargo will see once the edit is saved: the checks before writing go by it.
    let after = check_cargo_will_see(before, &plan, &project_planned.file, opts.user, index_names)?;
    let mut drops_feedctl = false;
    let home_planned = if plan.home.is_empty() {
        None
    } else {
        let before = edit::load_target(&plan.home.path)?;
        drops_feedctl = matches!(plan.home.registry, Some((_, RegistryProvider::NotFeedctl)))
            && providers::is_feedctl_provider_of(&before, &plan.edit.registry);
        for warning in plan.home.warnings(&before)? {
            ui::warn(warning);
        }
        Some(edit::plan_loaded(before, home_edit)?)
    };
    if opts.dry_run {
        let diffs = [Some(&project_planned), home_planned.as_ref()]
            .into_iter()
            .flatten()
            .map(|u| transaction::diff(&u.file, false, env.cwd()))
            .collect();
        return Ok(Outcome {
            plan,
            project: project_planned,
            home: home_planned,
            diffs: Some(diffs),
            token: TokenStep::default(),
            drops_feedctl,
        });
    }
    let token = token_before_writing(opts, env, &plan, &after)?;
    let (project, home, mut step) = transaction::all_or_nothing(|transaction| {
        let project = transaction.commit(project_planned, project_edit)?;
        let home = home_planned
            .map(|planned| transaction.commit(planned, home_edit))
            .transpose()?;
        let mut step = TokenStep {
            verified: token.verified,
            ..TokenStep::default()
        };
        if let Some(secret) = &token.secret {
            let registry = plan.registry();
            let settings = Settings::load(env)?;
            let (list, explicit) = settings.providers_for(&registry);
            login::require_providers(explicit)?;
            step.stored = Some(login::store(transaction, env, &registry, secret, &list)?);
            if let Some(minted) = &token.minted {
                minted.record(transaction, env, &registry)?;
                step.minted = Some(minted.report.clone());
            }
        }
        Ok((project, home, step))
    })
    .map_err(|e| match &token.minted {
        Some(minted) => minted.undo(e),
        None => e,
    })?;
    match (&token.secret, &token.minted) {
        (_, Some(minted)) => step.revoked = minted.retire_previous(env, &plan.registry()),
        (Some(secret), None) => login::note_minted_left(env, &plan.registry(), Some(secret)),
        (None, None) => {}
    }
    Ok(Outcome {
        plan,
        project,
        home,
        diffs: None,
        token: step,
        drops_feedctl,
    })
}

/// The token read and checked before anything is written.
#[derive(Default)]
struct Token {
    /// The token to store with `cargo login` (`--auth pat` with a token source).
    secret: Option<Secret>,
    verified: bool,
    /// `--mint`: the PAT created for `secret`, revoked again if connect fails.
    minted: Option<mint::ForConnect>,
}

/// `after` is cargo's view once the project config is written: it decides.
fn token_before_writing(
    opts: &Options<'_>,
    env: &Environment,
    plan: &Plan,
    after: &Settings,
) -> Result<Token> {
    let name = &plan.edit.registry;
    let index = &plan.edit.index;
    match opts.auth {
        AuthMode::AzureCli => {
            if !opts.verify {
                ui::warn("not checking the Azure CLI's token against the feed (`--no-verify`)");
                return Ok(Token::default());
            }
            login::azure_cli_token(env, &after.http(), name, index, true)?;
            Ok(Token {
                verified: true,
                ..Token::default()
            })
        }
        AuthMode::Pat => {
            let next = ui::pat_stdin_hint(&format!("feedctl login --name {name}"));
            if !opts.login {
                ui::note(format!(
                    "not logging in (`--no-login`); to store a token later run:\n  {next}"
                ));
                return Ok(Token::default());
            }
            let source = token::select_source(&opts.token, env.interactive());
            if source.is_none() && opts.mint.is_none() {
                ui::note(format!(
                    "no token given and no terminal to ask on; the config is written. To \
                     store a token, run:\n  {next}"
                ));
                return Ok(Token::default());
            }
            // Cargo would store a token it never sends without a provider list: refuse
            // before reading the token, let alone writing anything.
            if plan.home.global.is_none() {
                let (_, explicit) = after.providers_for(&plan.registry());
                login::require_providers(explicit)?;
            }
            login::require_readable_credentials(env)?;
            login::require_online(after)?;
            login::require_storing_provider(after, name)?;
            let source = match &opts.mint {
                // Azure DevOps Server has no PAT API: on a terminal, the PAT is pasted.
                Some(ask) => match mint::paste_instead(env, &plan.feed, name)? {
                    Some(prompt) => Some(prompt),
                    None => {
                        let minted = mint::for_connect(
                            env,
                            after,
                            &plan.feed,
                            name,
                            index,
                            ask,
                            opts.verify,
                        )?;
                        return Ok(Token {
                            secret: Some(minted.header.clone()),
                            verified: opts.verify,
                            minted: Some(minted),
                        });
                    }
                },
                None => source,
            };
            let Some(source) = source else {
                return Ok(Token::default());
            };
            let secret = token::read(&source, env)?;
            login::check(&after.http(), name, index, &secret, opts.verify)?;
            Ok(Token {
                secret: Some(secret),
                verified: opts.verify,
                minted: None,
            })
        }
        AuthMode::Entra => {
            entra::verify_step(&after.http(), index, name, env, !opts.verify)?;
            Ok(Token {
                verified: opts.verify,
                ..Token::default()
            })
        }
    }
}

/// The registry name `connect` wants: `--name`, else the feed's name (checked here, because
/// a feed name may not be a valid registry name).
fn wanted_name(name: Option<&str>, feed: &Feed) -> Result<String> {
    match name {
        Some(name) => {
            feed::check_registry_name(name, "--name").map_err(usage)?;
            Ok(name.to_string())
        }
        None => {
            feed::check_registry_name(&feed.name, "--name").map_err(|e| {
                Failure::new(
                    Code::Usage,
                    format!("the feed name cannot be the registry name: {e:#}"),
                )
            })?;
            Ok(feed.name.clone())
        }
    }
}

fn usage(e: anyhow::Error) -> Failure {
    Failure::new(Code::Usage, format!("{e:#}"))
}

/// The change to the registry's `credential-provider` in `$CARGO_HOME/config.toml`, one
/// answer per `--auth` kind: `pat` only takes feedctl out when connect manages the providers.
fn registry_provider(
    env: &Environment,
    auth: AuthMode,
    manage_providers: bool,
) -> Result<Option<RegistryProvider>> {
    Ok(match auth {
        AuthMode::AzureCli | AuthMode::Entra => {
            Some(RegistryProvider::feedctl(env, auth == AuthMode::Entra)?)
        }
        AuthMode::Pat if manage_providers => Some(RegistryProvider::NotFeedctl),
        AuthMode::Pat => None,
    })
}

/// What planning read, kept for the edit and the checks after it.
struct Planned {
    plan: Plan,
    /// The project config as read while planning (parsed once, then edited).
    project_file: ConfigFile,
    /// Cargo's view of the config before the edit.
    before: Settings,
    /// The names cargo gives the feed's index there, and where each is defined.
    index_names: Vec<(String, Definition)>,
}

/// Plans the edit: which registry (reused or new), which files, which providers.
fn plan(opts: &Options<'_>, env: &Environment) -> Result<Planned> {
    opts.check_flags()?;
    let feed = resolve_feed(opts.url, &opts.parts).map_err(usage)?;
    let index = feed.index_url();
    let wanted = wanted_name(opts.name, &feed)?;
    let config = if opts.user {
        edit::user_config(&env.cargo_home()?)
    } else {
        let config = edit::project_config(env.cwd(), opts.config)?;
        refuse_user_config_unasked(env, &config)?;
        config
    };
    let project_file = edit::load_target(&config)?;
    let before = Settings::load_with(env, &project_file)?;
    let index_names = before.names_for_index(&index);
    let existing = project::registry_for_feed(&before, &wanted, &feed, &project_file, &index_names);
    let (registry, reused_from) = match existing {
        Some((name, from)) => {
            ui::note(format!(
                "registry `{name}` ({}) already points at this feed; using it instead of \
                 adding `{wanted}` (cargo refuses two names for one index)",
                from.describe()
            ));
            (name, Some(from))
        }
        None => {
            feed::check_registry_env_name(&wanted, "--name").map_err(usage)?;
            (wanted, None)
        }
    };
    if opts.auth == AuthMode::AzureCli
        && opts.verify
        && !opts.dry_run
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
    if let Some(store) = opts.store {
        home.global = Some(providers::choose_store(env, store));
    }
    home.registry = registry_provider(env, opts.auth, opts.store.is_some())?
        .map(|provider| (registry.clone(), provider));
    let plan = Plan {
        auth: opts.auth,
        edit: ConnectEdit {
            registry,
            index,
            feed: feed.clone(),
            replace_crates_io: opts.replace_crates_io,
            force: opts.force,
        },
        feed,
        reused_from,
        config,
        home,
    };
    Ok(Planned {
        plan,
        project_file,
        before,
        index_names,
    })
}

/// Refuses an edit that cargo would not see from here: a closer config, an `include`d file or
/// a `CARGO_REGISTRIES_<NAME>_INDEX` that defines the registry otherwise or replaces crates.io
/// with something else wins over the file being written. With `--user` that is only a warning
/// (this project overrides the user's config on purpose). `before` is cargo's view as
/// planned, `index_names` the names it gives the feed's index; returns the view once the
/// edit is saved.
fn check_cargo_will_see(
    before: Settings,
    plan: &Plan,
    edited: &ConfigFile,
    user: bool,
    index_names: Vec<(String, Definition)>,
) -> Result<Settings> {
    let settings = before.with_edited(edited);
    let file = edited.path().display();
    if !settings.reads(edited.path()) {
        ui::note(format!(
            "cargo run here does not read `{file}`; it applies where cargo reads it"
        ));
        return Ok(settings);
    }
    // What the reuse search could not settle (two names there already): cargo would fail on
    // every command that needs the feed's token, so connect does not report success.
    let names = settings.names_for_index_after(&plan.edit.index, index_names, edited);
    if names.len() > 1 {
        let listed: Vec<String> = names
            .iter()
            .map(|(name, from)| format!("`{name}` (from {})", from.describe()))
            .collect();
        return Err(Failure::new(
            Code::Refused,
            format!(
                "{} all name this feed's index, and cargo refuses that (\"multiple registries \
                 are configured with the same index url\"), so nothing was written: keep one \
                 name, then run connect again (`feedctl doctor` shows the same)",
                listed.join(", ")
            ),
        )
        .into());
    }
    let mut shadowed = Vec::new();
    match settings.registry(&plan.edit.registry) {
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
fn refuse_user_config_unasked(env: &Environment, config: &Path) -> Result<()> {
    let home_config = edit::config_in(&env.cargo_home()?).0;
    if config == home_config
        || in_resolved_dir(config).is_some_and(|c| Some(c) == in_resolved_dir(&home_config))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(name: &str) -> Feed {
        Feed::from_parts(&FeedParts {
            organization: Some("contoso"),
            feed: Some(name),
            ..FeedParts::default()
        })
        .unwrap()
    }

    #[test]
    fn the_registry_name_is_the_flag_else_the_feed_name() {
        assert_eq!(
            wanted_name(Some("company"), &feed("crates")).unwrap(),
            "company"
        );
        assert_eq!(wanted_name(None, &feed("crates")).unwrap(), "crates");
        let bad = wanted_name(Some("crates-io"), &feed("crates")).unwrap_err();
        assert_eq!(crate::exit::code_of(&bad), Code::Usage as i32);
    }
}
