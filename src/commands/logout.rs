//! `feedctl logout`: `cargo logout --registry NAME`, run so that cargo's configured provider
//! removes the token wherever it keeps it.

use anyhow::Result;
use serde::Serialize;

use crate::cli::LogoutArgs;
use crate::environment::Environment;
use crate::ops::login;
use crate::ui;

/// `logout --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Report {
    registry: String,
    index_url: String,
    /// `false` when cargo had no token to remove.
    removed: bool,
}

pub fn run(args: &LogoutArgs, env: &Environment) -> Result<()> {
    let (registry, removed) = login::logout_named(env, args.name.as_deref())?;
    if args.json {
        let report = Report {
            registry: registry.name,
            index_url: registry.index,
            removed,
        };
        ui::json(&report)?;
    }
    Ok(())
}
