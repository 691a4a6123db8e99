//! Tokens through cargo: check a token against the feed, store it with `cargo login`, remove
//! it with `cargo logout`. Cargo does the storing so that whichever provider the user
//! configured (OS store, `credentials.toml`) gets it; the token travels on stdin. Also
//! `login`'s use case, [`login`], and the checks `connect` shares with it.

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::auth::azure_cli;
use crate::auth::secret::Secret;
use crate::auth::token::{self, Source, SourceFlags};
use crate::azure::probe;
use crate::azure::verdict::{self, Sent};
use crate::cargo::config::edit::ConfigFile;
use crate::cargo::config::effective::{Definition, HttpSettings, Registry, Settings};
use crate::cargo::credentials;
use crate::cargo::process;
use crate::cargo::providers;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::providers::token_file;
use crate::ui;

/// What the user asked `login` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The registry (default: the only Azure Artifacts registry configured here).
    pub name: Option<&'a str>,
    pub token: SourceFlags,
    /// Check the token against the feed before storing it.
    pub verify: bool,
}

/// The registry logged in to and where its token went.
#[derive(Debug)]
pub struct LoggedIn {
    pub registry: Registry,
    pub verified: bool,
    pub stored: Stored,
}

/// Reads a token, checks it against the feed, then hands it to `cargo login`; every check
/// that could make `cargo login` fail runs before the token is read.
pub fn login(opts: &Options<'_>, env: &Environment) -> Result<LoggedIn> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(opts.name)?;
    let (list, explicit) = settings.providers_for(&registry);
    require_providers(explicit)?;
    let source = token::select_source(&opts.token, env.interactive()).ok_or_else(|| {
        token::no_source_error(&format!("feedctl login --name {}", registry.name))
    })?;
    require_readable_credentials(env)?;
    require_online(&settings)?;
    require_storing_provider(&settings, &registry.name)?;
    let http = settings.http();
    let secret = if source == Source::AzureCli {
        azure_cli_token(env, &http, &registry.name, &registry.index, opts.verify)?
    } else {
        let secret = token::read(&source, env)?;
        check(&http, &registry.name, &registry.index, &secret, opts.verify)?;
        secret
    };
    let stored = store(env, &registry, &secret, &list)?;
    Ok(LoggedIn {
        registry,
        verified: opts.verify,
        stored,
    })
}

/// Refuses to store a token that cargo would never send: with no explicit provider list,
/// cargo answers "authenticated registries require a credential-provider".
pub fn require_providers(explicit: bool) -> Result<()> {
    if !explicit {
        bail!(Failure::new(
            Code::Auth,
            "no credential providers are configured, so cargo would store the token but never \
             send it (\"authenticated registries require a credential-provider\"); run \
             `feedctl providers` first"
        ));
    }
    Ok(())
}

/// Refuses to check and store a token while cargo runs offline: `cargo login` fetches the
/// feed's `config.json` first, so it would fail after feedctl had said "Verified".
pub fn require_online(settings: &Settings) -> Result<()> {
    if let Some(origin) = settings.offline() {
        bail!(
            "cargo is set to run offline ({}), so `cargo login` cannot reach the feed and no \
             cargo command fetches from it; remove that setting and run this again",
            Settings::describe_offline(&origin)
        );
    }
    Ok(())
}

/// Refuses to check and store a token that no provider of the registry's own
/// `credential-provider` (which replaces the global list) can store here, e.g. another OS's
/// store: `cargo login` would fail after feedctl had said "Verified".
pub fn require_storing_provider(settings: &Settings, name: &str) -> Result<()> {
    let Some(registry) = settings.registry(name) else {
        return Ok(());
    };
    if registry.credential_provider.is_none() {
        return Ok(());
    }
    let (list, _) = settings.providers_for(&registry);
    if providers::storing_provider(&list).is_none() {
        let origin = settings.provider_origin(name);
        let fix = match origin {
            Some(Definition::Env(var)) => format!("unset `{var}`"),
            _ => format!("remove `registries.{name}.credential-provider` there"),
        };
        let origin = origin.map_or_else(|| "a config file".to_string(), Definition::describe);
        bail!(Failure::new(
            Code::Auth,
            format!(
                "registry `{name}` has its own credential provider `{}` (from {origin}), which \
                 replaces the global list and cannot store or give a token on this system; \
                 {fix} and run this again",
                list.join(" ")
            )
        ));
    }
    Ok(())
}

/// Refuses to go on when cargo could not parse its credentials file: `cargo login` would stop
/// there, after feedctl had said "Verified".
pub fn require_readable_credentials(env: &Environment) -> Result<()> {
    for path in credentials::credentials_files(&env.cargo_home()?) {
        ConfigFile::load(&path)?;
    }
    Ok(())
}

/// Checks `token` against the feed with cargo's `[http]` settings (unless `verify` is off)
/// and says so.
pub fn check(
    http: &HttpSettings,
    registry: &str,
    index: &str,
    token: &Secret,
    verify: bool,
) -> Result<()> {
    if !verify {
        ui::warn("not checking the token against the feed (`--no-verify`)");
        return Ok(());
    }
    let answer = probe::Prober::new(http)?.probe(index, Some(token))?;
    verdict::refuse_unstored(verdict::judge(&answer, &Sent::Pat, index, registry))?;
    ui::status(
        "Verified",
        format!("the feed accepted the token for `{registry}`"),
    );
    Ok(())
}

/// A token from the Azure CLI for the organization's tenant of the feed at `index`, checked
/// against the feed (unless `verify` is off) with az's wording for a refusal, never PAT advice.
pub fn azure_cli_token(
    env: &Environment,
    http: &HttpSettings,
    registry: &str,
    index: &str,
    verify: bool,
) -> Result<Secret> {
    let token = azure_cli::token_for_feed(env, || {
        probe::Prober::new(http)
            .ok()?
            .probe(index, None)
            .ok()?
            .tenant()
    })
    .map_err(Failure::from)?;
    if let Some(warning) = token.outdated_warning() {
        ui::warn(warning);
    }
    if !verify {
        ui::warn("not checking the Azure CLI's token against the feed (`--no-verify`)");
        return Ok(token.token.header);
    }
    let answer = probe::Prober::new(http)?.probe(index, Some(&token.token.header))?;
    verdict::refuse_unstored(verdict::judge(&answer, &token.sent(), index, registry))?;
    let switched = match &token.switched_from {
        Some(other) => format!(
            " (az is logged in to tenant {other}; feedctl asks it for the organization's tenant {})",
            token.tenant.as_deref().unwrap_or("")
        ),
        None => String::new(),
    };
    ui::status(
        "Verified",
        format!("the feed accepted the Azure CLI's token for `{registry}`{switched}"),
    );
    Ok(token.token.header)
}

/// Where a token went.
#[derive(Debug, Clone, Serialize)]
pub struct Stored {
    /// The provider cargo stored it with, e.g. `cargo:token` (`None`: cargo's choice).
    pub provider: Option<String>,
    /// The file holding it, for `cargo:token`.
    pub file: Option<PathBuf>,
    /// `CARGO_REGISTRIES_<NAME>_TOKEN`, when it is set here to another token: cargo run in
    /// this environment sends that one instead.
    pub overridden_by: Option<String>,
}

/// Stores `token` with `cargo login`, through the providers in `list`.
pub fn store(
    env: &Environment,
    registry: &Registry,
    token: &Secret,
    list: &[String],
) -> Result<Stored> {
    process::registry_command(env, "login", registry, Some(token))?;
    let cargo_home = env.cargo_home()?;
    let provider = providers::storing_provider(list).map(str::to_string);
    let described = provider
        .as_deref()
        .map(|p| providers::describe_store(p, &cargo_home))
        .unwrap_or_else(|| "cargo's credential provider".to_string());
    ui::status(
        "Stored",
        format!("the token for `{}` in {described}", registry.name),
    );
    let var = registry.token_var();
    let lists_token = providers::lists_token(list);
    let overridden_by = env
        .var(&var)
        .filter(|v| lists_token && !v.is_empty() && v.trim() != token.as_deref().expose())
        .map(|_| var);
    if let Some(var) = &overridden_by {
        ui::warn(format!(
            "`{var}` is set in this environment to another token; cargo run here sends that \
             one instead of the stored token: unset it (or set it to the new token)"
        ));
    }
    Ok(Stored {
        file: provider.as_deref().and_then(|p| token_file(p, &cargo_home)),
        provider,
        overridden_by,
    })
}

/// `feedctl logout`: the registry `name` picks (default: the only Azure one) and whether
/// cargo had a token to remove.
pub fn logout_named(env: &Environment, name: Option<&str>) -> Result<(Registry, bool)> {
    let registry = Settings::load(env)?.pick(name)?;
    let removed = logout(env, &registry)?;
    Ok((registry, removed))
}

/// Runs `cargo logout` for `registry`; `true` when a token was removed, `false` when cargo
/// had none.
pub fn logout(env: &Environment, registry: &Registry) -> Result<bool> {
    let summary = process::registry_command(env, "logout", registry, None)?;
    ui::status("Logged out", format!("of `{}`: {summary}", registry.name));
    Ok(!summary.contains("not currently logged in"))
}
