//! `feedctl login`: read a token, check it against the feed, then hand it to `cargo login` on
//! stdin (never argv) so that whichever provider the user configured stores it.

use anyhow::{Result, bail};

use crate::auth::azure_cli;
use crate::cargo_cli;
use crate::cargo_config::ConfigFile;
use crate::cli::{LoginArgs, TokenArgs};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::inspect;
use crate::providers;
use crate::settings::{Registry, Settings};
use crate::token::{self, Secret, Source, SourceFlags};
use crate::ui;
use crate::verify;

pub fn run(args: &LoginArgs, env: &Environment) -> Result<()> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(args.name.as_deref())?;
    let source =
        token::select_source(&source_flags(&args.token), env.interactive()).ok_or_else(|| {
            token::no_source_error(&format!("feedctl login --name {}", registry.name))
        })?;
    login(env, &settings, &registry, &source, !args.no_verify)?;
    Ok(())
}

pub fn source_flags(args: &TokenArgs) -> SourceFlags {
    SourceFlags {
        pat_stdin: args.pat_stdin,
        pat_env: args.pat_env.clone(),
        azure_cli: args.azure_cli,
    }
}

/// Reads, checks and stores a token; returns where it went.
pub fn login(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
    source: &Source,
    verify: bool,
) -> Result<String> {
    let (list, explicit) = settings.providers_for(registry);
    if !explicit {
        bail!(Failure::new(
            Code::Auth,
            "no credential providers are configured, so cargo would store the token but never \
             send it (\"authenticated registries require a credential-provider\"); run \
             `feedctl providers` first"
        ));
    }
    // cargo stops on a credentials file it cannot parse; say so before anything happens.
    for path in inspect::credentials_files(&env.cargo_home()?) {
        ConfigFile::load(&path)?;
    }
    if *source == Source::AzureCli {
        return login_azure_cli(env, settings, registry, verify, &list);
    }
    let token = token::read(source, env)?;
    if verify {
        verify::check_token(&settings.http(), &registry.index, &registry.name, &token)?;
        ui::status(
            "Verified",
            format!("the feed accepted the token for `{}`", registry.name),
        );
    } else {
        ui::warn("not checking the token against the feed (`--no-verify`)");
    }
    store(env, registry, &token, &list)
}

/// `--azure-cli`: a token from az for the organization's tenant, checked with az's wording.
fn login_azure_cli(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
    verify: bool,
    list: &[String],
) -> Result<String> {
    let token = azure_cli::token_for_feed(env, &registry.index, None).map_err(Failure::from)?;
    if verify {
        let answer = verify::Prober::new(&settings.http())?
            .probe(&registry.index, Some(&token.token.header))?;
        if let Some(mut failure) =
            azure_cli::check(&answer, &registry.index, &registry.name, &token)
        {
            failure.message.push_str(" Nothing was stored.");
            bail!(failure);
        }
        ui::status(
            "Verified",
            format!(
                "the feed accepted the Azure CLI's token for `{}`",
                registry.name
            ),
        );
    } else {
        ui::warn("not checking the token against the feed (`--no-verify`)");
    }
    store(env, registry, &token.token.header, list)
}

/// Hands the token to `cargo login`; returns where it went.
fn store(
    env: &Environment,
    registry: &Registry,
    token: &Secret,
    list: &[String],
) -> Result<String> {
    cargo_cli::registry_command(env, "login", registry, Some(token))?;
    let cargo_home = env.cargo_home()?;
    let place = providers::storing_provider(list)
        .map(|p| providers::describe_store(p, &cargo_home))
        .unwrap_or_else(|| "cargo's credential provider".to_string());
    ui::status(
        "Stored",
        format!("the token for `{}` in {place}", registry.name),
    );
    let var = registry.token_var();
    if env.var(&var).is_some_and(|v| !v.is_empty()) {
        ui::warn(format!(
            "`{var}` is set in this environment; cargo uses it instead of the stored token \
             (when `cargo:token` is listed)"
        ));
    }
    Ok(place)
}
