//! `feedctl logout`: `cargo logout --registry NAME`, run so that cargo's configured provider
//! removes the token wherever it keeps it; a PAT feedctl minted for the registry is revoked
//! first (unless `--keep-pat`), see [`crate::ops::mint::retire::logout`].

use anyhow::Result;
use serde::Serialize;

use crate::cli::LogoutArgs;
use crate::environment::Environment;
use crate::ops::mint::retire;
use crate::ui;

/// `logout --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Report {
    registry: String,
    index_url: String,
    /// `false` when cargo had no token to remove.
    removed: bool,
    /// The authorization ids of the minted PATs revoked.
    revoked: Vec<String>,
}

pub fn run(args: &LogoutArgs, env: &Environment) -> Result<()> {
    let done = retire::logout(env, args.name.as_deref(), args.keep_pat)?;
    if args.json {
        let report = Report {
            registry: done.registry.name,
            index_url: done.registry.index,
            removed: done.removed,
            revoked: done.revoked,
        };
        ui::json(&report)?;
    }
    Ok(())
}
