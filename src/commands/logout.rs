//! `feedctl logout`: `cargo logout --registry NAME`, run so that cargo's configured provider
//! removes the token wherever it keeps it.

use std::process::Command;

use anyhow::{Context, Result, bail};

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
    let cargo = env.cargo_program();
    ui::debug(format!(
        "running `cargo logout --registry {}`",
        registry.name
    ));
    let output = Command::new(&cargo)
        .args(["logout", "--registry", &registry.name])
        .arg("--config")
        .arg(format!(
            "registries.{}.index={:?}",
            registry.name, registry.index
        ))
        .current_dir(env.cwd())
        .output()
        .with_context(|| format!("failed to run `{}`", cargo.to_string_lossy()))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        bail!(
            "`cargo logout --registry {}` failed:\n{}",
            registry.name,
            stderr.trim_end()
        );
    }
    ui::status(
        "Logged out",
        format!("of `{}`: {}", registry.name, cargo_message(&stderr)),
    );
    Ok(())
}

/// cargo's own one-line summary (its status lines are on stderr).
pub fn cargo_message(stderr: &str) -> String {
    stderr
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .unwrap_or("done")
        .to_string()
}
