//! `feedctl login`: read a token, check it against the feed, then hand it to `cargo login` on
//! stdin (never argv) so that whichever provider the user configured stores it.

use anyhow::Result;
use serde::Serialize;

use crate::auth::token::{self, Source};
use crate::cargo::config::effective::Settings;
use crate::cli::LoginArgs;
use crate::environment::Environment;
use crate::ops::login;
use crate::ui;

/// `login --json`; the shape is documented in the README.
#[derive(Debug, Serialize)]
struct Report {
    registry: String,
    index_url: String,
    verified: bool,
    token_provider: Option<String>,
    token_file: Option<String>,
    /// The `CARGO_REGISTRIES_<NAME>_TOKEN` variable set here, which cargo prefers over the
    /// stored token (`null` when unset).
    overridden_by: Option<String>,
}

pub fn run(args: &LoginArgs, env: &Environment) -> Result<()> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(args.name.as_deref())?;
    let (list, explicit) = settings.providers_for(&registry);
    login::require_providers(explicit)?;
    let source = token::select_source(&login::source_flags(&args.token), env.interactive())
        .ok_or_else(|| {
            token::no_source_error(&format!("feedctl login --name {}", registry.name))
        })?;
    login::require_readable_credentials(env)?;
    login::require_online(&settings)?;
    login::require_storing_provider(&settings, &registry.name)?;
    let http = settings.http();
    let secret = if source == Source::AzureCli {
        login::azure_cli_token(env, &http, &registry.name, &registry.index, !args.no_verify)?
    } else {
        let secret = token::read(&source, env)?;
        login::check(
            &http,
            &registry.name,
            &registry.index,
            &secret,
            !args.no_verify,
        )?;
        secret
    };
    let stored = login::store(env, &registry, &secret, &list)?;
    if args.json {
        let var = registry.token_var();
        let report = Report {
            overridden_by: env.var(&var).filter(|v| !v.is_empty()).map(|_| var),
            registry: registry.name,
            index_url: registry.index,
            verified: !args.no_verify,
            token_provider: stored.provider,
            token_file: stored.file.map(|f| f.display().to_string()),
        };
        ui::json(&report)?;
    }
    Ok(())
}
