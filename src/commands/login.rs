//! `feedctl login`: read a token, check it against the feed, then hand it to `cargo login` on
//! stdin (never argv) so that whichever provider the user configured stores it. The use case
//! is [`crate::ops::login::login`].

use anyhow::Result;
use serde::Serialize;

use crate::cli::LoginArgs;
use crate::commands::args;
use crate::environment::Environment;
use crate::ops::login;
use crate::ui;

/// `login --json`; the shape is documented in `docs/json.md`.
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
    let options = login::Options {
        name: args.name.as_deref(),
        token: args::source_flags(&args.token),
        verify: !args.no_verify,
    };
    let done = login::login(&options, env)?;
    if args.json {
        let var = done.registry.token_var();
        let report = Report {
            overridden_by: env.var(&var).filter(|v| !v.is_empty()).map(|_| var),
            registry: done.registry.name,
            index_url: done.registry.index,
            verified: done.verified,
            token_provider: done.stored.provider,
            token_file: done.stored.file.map(|f| f.display().to_string()),
        };
        ui::json(&report)?;
    }
    Ok(())
}
