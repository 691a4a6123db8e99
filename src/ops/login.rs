//! Tokens through cargo: check a token against the feed, store it with `cargo login`, remove
//! it with `cargo logout`. Cargo does the storing so that whichever provider the user
//! configured (OS store, `credentials.toml`) gets it; the token travels on stdin. Also
//! `login`'s use case, [`login`], and the checks `connect` shares with it.

use std::path::PathBuf;

use anyhow::{Result, bail};
use serde::Serialize;

use crate::auth::azure_cli;
use crate::auth::expiry;
use crate::auth::minted::{Destination, Records};
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
use crate::ops::transaction::{self, Transaction};
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
    let stored = transaction::all_or_nothing(|transaction| {
        store(transaction, env, &registry, &secret, &list)
    })?;
    note_minted_left(env, &registry, Some(&secret));
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
    if let Some(path) = credentials::credentials_file(&env.cargo_home()?) {
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
    verdict::refuse_unstored(verdict::judge(&answer, &Sent::pat(token), index, registry))?;
    ui::status(
        "Verified",
        format!("the feed accepted the token for `{registry}`"),
    );
    Ok(())
}

/// The Azure CLI's token for the organization's tenant of the feed at `index` (which the
/// feed's anonymous 401 names), with az's advice when it fails.
pub fn az_token_for_feed(
    env: &Environment,
    http: &HttpSettings,
    index: &str,
) -> Result<azure_cli::AzToken> {
    let tenant = || {
        probe::Prober::new(http)
            .ok()?
            .probe(index, None)
            .ok()?
            .tenant()
    };
    Ok(azure_cli::token_for_feed(env, tenant).map_err(Failure::from)?)
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
    let token = az_token_for_feed(env, http, index)?;
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

/// Runs `cargo login` or `cargo logout` with cargo's credentials files guarded in
/// `transaction`: a cargo that fails half-way (a full disk, killed) may have truncated one,
/// losing the other registries' tokens, and the rollback puts it back.
fn cargo_guarded(
    transaction: &mut Transaction,
    env: &Environment,
    verb: &str,
    registry: &Registry,
    token: Option<&Secret>,
) -> Result<String> {
    for path in credentials::credentials_paths(&env.cargo_home()?) {
        transaction.guard(&path)?;
    }
    process::registry_command(env, verb, registry, token)
}

/// Stores `token` with `cargo login`, through the providers in `list`, as a step of
/// `transaction`.
pub fn store(
    transaction: &mut Transaction,
    env: &Environment,
    registry: &Registry,
    token: &Secret,
    list: &[String],
) -> Result<Stored> {
    cargo_guarded(transaction, env, "login", registry, Some(token))?;
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
/// cargo had a token to remove. A token cargo still sends afterwards (an env var, a config
/// file's `token`, which `cargo logout` leaves alone) is named, so nobody believes it gone.
/// `revoked`: the stored token was a minted PAT that is revoked already.
pub fn logout_named(
    env: &Environment,
    name: Option<&str>,
    revoked: bool,
) -> Result<(Registry, bool)> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(name)?;
    let before = credentials::credentials(env, &settings, &registry)?;
    let said = transaction::all_or_nothing(|transaction| run_logout(transaction, env, &registry))?;
    // `cargo:token` says "removed" when it merely saw a token, even one in a config file or
    // a variable that it leaves alone: only the credentials file's copy can go.
    let only_cargo_token = before.storing.as_deref() == Some(providers::TOKEN);
    let removed = cargo_removed(&said) && !(only_cargo_token && before.file_token.is_none());
    report_logout(&registry.name, removed, &said, revoked);
    let still = credentials::credentials(env, &settings, &registry)?;
    if let Some(found) = still.effective() {
        ui::warn(format!(
            "cargo still sends a token for `{}` from {}: {}",
            registry.name,
            found.origin.describe(),
            found.origin.removal_hint(&registry.name)
        ));
    }
    Ok((registry, removed))
}

/// What `cargo logout` said, reported by [`CargoLogout::report`] once every later step of the
/// caller's transaction has succeeded (nothing is said to be logged out that was put back).
#[derive(Debug)]
pub struct CargoLogout {
    name: String,
    /// Whether a token was removed (`false` when cargo had none).
    pub removed: bool,
    said: String,
}

impl CargoLogout {
    /// Says what happened; `revoked` when the removed token was also revoked.
    pub fn report(&self, revoked: bool) {
        report_logout(&self.name, self.removed, &self.said, revoked);
    }
}

/// Runs `cargo logout` for `registry` as a step of `transaction`, without saying so yet.
pub fn logout(
    transaction: &mut Transaction,
    env: &Environment,
    registry: &Registry,
) -> Result<CargoLogout> {
    let said = run_logout(transaction, env, registry)?;
    Ok(CargoLogout {
        name: registry.name.clone(),
        removed: cargo_removed(&said),
        said,
    })
}

/// Names each PAT feedctl minted for `registry` that cargo no longer holds (`now` is the
/// token it holds, if any): a pasted token replaced it. Such a PAT stays valid until
/// `feedctl pat revoke` (or the tokens page) revokes it.
pub fn note_minted_left(env: &Environment, registry: &Registry, now: Option<&Secret>) {
    let Ok(records) = env.cargo_home().and_then(|home| Records::load(&home)) else {
        return;
    };
    for record in records.pats.iter().filter(|r| {
        r.destination == Destination::Cargo
            && r.registry == registry.name
            && r.index == registry.index
            && !now.is_some_and(|header| r.is(header))
    }) {
        ui::note(format!(
            "the PAT feedctl minted for `{}` (\"{}\", `{}`) is no longer stored for cargo but \
             stays valid until {}: `feedctl pat revoke {}` revokes it",
            registry.name,
            record.display_name,
            record.authorization_id,
            expiry::when(record.valid_to),
            record.authorization_id,
        ));
    }
}

/// `cargo logout --registry NAME` with cargo's credentials files guarded, and cargo's status
/// line (`Logout <what happened>`) without the notes after it.
fn run_logout(
    transaction: &mut Transaction,
    env: &Environment,
    registry: &Registry,
) -> Result<String> {
    let stderr = cargo_guarded(transaction, env, "logout", registry, None)?;
    Ok(stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Logout "))
        .unwrap_or(stderr.trim())
        .trim()
        .to_string())
}

fn cargo_removed(said: &str) -> bool {
    !said.contains("not currently logged in")
}

fn report_logout(name: &str, removed: bool, said: &str, revoked: bool) {
    if !removed && cargo_removed(said) {
        ui::status(
            "Unchanged",
            format!(
                "cargo's credentials file held no token for `{name}`, so none was removed \
                 (cargo says \"{said}\" because it saw the token it still sends, named below)"
            ),
        );
        return;
    }
    if !removed {
        ui::status(
            "Unchanged",
            format!("no token for `{name}` was stored, so none was removed (cargo: {said})"),
        );
        return;
    }
    ui::status("Logged out", format!("of `{name}` (cargo: {said})"));
    if revoked {
        return;
    }
    ui::note(
        "this does not revoke the token: revoke a PAT in Azure DevOps (User settings > \
         Personal access tokens)",
    );
}
