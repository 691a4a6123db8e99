//! `feedctl login`: read a token, check it against the feed, then hand it to `cargo login` on
//! stdin (never argv) so that whichever provider the user configured stores it. The use case
//! is [`crate::ops::login::login`]; with `--mint` or `--renew` it is
//! [`crate::ops::mint::login`], which creates the PAT from the user's Entra ID login.

use anyhow::Result;
use serde::Serialize;

use crate::cli::LoginArgs;
use crate::commands::args;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login;
use crate::ops::mint::{self, MintedReport, Output};
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
    /// The PAT minted (`--mint`, `--renew`; planned with `--dry-run`), else `null`.
    minted: Option<MintedReport>,
    /// The authorization ids of the PATs revoked because the new one replaced them.
    revoked: Vec<String>,
    /// `--no-store`: the file written, or `stdout`.
    written_to: Option<String>,
    dry_run: bool,
}

pub fn run(args: &LoginArgs, env: &Environment) -> Result<()> {
    if args.mint || args.renew {
        return run_mint(args, env);
    }
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
            minted: None,
            revoked: Vec::new(),
            written_to: None,
            dry_run: false,
        };
        ui::json(&report)?;
    }
    Ok(())
}

fn run_mint(args: &LoginArgs, env: &Environment) -> Result<()> {
    let output = match (&args.output, args.no_store) {
        (Some(path), _) => Output::File(path.clone()),
        (None, true) => Output::Stdout,
        (None, false) => Output::Cargo,
    };
    if args.json && output == Output::Stdout {
        return Err(Failure::new(
            Code::Usage,
            "`--json` and `--no-store` without `--output` would both write to standard output: \
             pass `--output FILE`",
        )
        .into());
    }
    let options = mint::Options {
        name: args.name.as_deref(),
        scope: args.scope,
        days: args.days,
        renew: args.renew,
        output,
        raw: args.raw,
        verify: !args.no_verify,
        dry_run: args.dry_run,
    };
    let done = mint::login(&options, env)?;
    if let Some(request) = done.request.as_ref().filter(|_| !args.json) {
        ui::stdout(format!("{request}\n"))?;
    }
    if args.json {
        let var = done.registry.token_var();
        let stored = done.stored.as_ref();
        let report = Report {
            overridden_by: env.var(&var).filter(|v| !v.is_empty()).map(|_| var),
            registry: done.registry.name,
            index_url: done.registry.index,
            verified: done.verified,
            token_provider: stored.and_then(|s| s.provider.clone()),
            token_file: stored.and_then(|s| s.file.as_ref().map(|f| f.display().to_string())),
            minted: done.minted,
            revoked: done.revoked,
            written_to: done.written_to,
            dry_run: done.dry_run,
        };
        ui::json(&report)?;
    }
    Ok(())
}
