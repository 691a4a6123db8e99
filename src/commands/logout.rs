//! `feedctl logout`: `cargo logout --registry NAME`, run so that cargo's configured provider
//! removes the token wherever it keeps it.

use anyhow::Result;

use crate::cargo_cli;
use crate::cli::LogoutArgs;
use crate::environment::Environment;
use crate::settings::{Registry, Settings};
use crate::ui;

pub fn run(args: &LogoutArgs, env: &Environment) -> Result<()> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(args.name.as_deref())?;
    logout(env, &registry)
}

/// Runs `cargo logout` for `registry` and reports the result.
pub fn logout(env: &Environment, registry: &Registry) -> Result<()> {
    let summary = cargo_cli::registry_command(env, "logout", registry, None)?;
    ui::status("Logged out", format!("of `{}`: {summary}", registry.name));
    Ok(())
}
