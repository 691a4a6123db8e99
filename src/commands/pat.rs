//! `feedctl pat list`: the PATs feedctl minted, from [`crate::ops::pat_list`], as a table or
//! `--json` (never a secret, never a request); `feedctl pat revoke`: revoke some of them
//! through [`crate::ops::pat_revoke`].

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use crate::auth::expiry;
use crate::cli::{PatCommand, PatListArgs, PatRevokeArgs};
use crate::environment::Environment;
use crate::ops::pat_list::{self, PatList};
use crate::ops::pat_revoke;
use crate::ui;

pub fn run(command: &PatCommand, env: &Environment) -> Result<()> {
    match command {
        PatCommand::List(args) => list(args, env),
        PatCommand::Revoke(args) => revoke(args, env),
    }
}

/// `pat revoke --json`; the shape is documented in `docs/json.md`.
#[derive(Debug, Serialize)]
struct Revoked {
    dry_run: bool,
    /// The authorization ids revoked (in a dry run: those that would be).
    revoked: Vec<String>,
}

fn revoke(args: &PatRevokeArgs, env: &Environment) -> Result<()> {
    let done = pat_revoke::pat_revoke(env, &args.ids, args.dry_run)?;
    if args.json {
        return ui::json(&Revoked {
            dry_run: args.dry_run,
            revoked: done.into_iter().map(|r| r.authorization_id).collect(),
        });
    }
    Ok(())
}

fn list(args: &PatListArgs, env: &Environment) -> Result<()> {
    let now = OffsetDateTime::now_utc();
    let list = pat_list::pat_list(env, now)?;
    if args.json {
        return ui::json(&list);
    }
    ui::stdout(table(&list, now))?;
    Ok(())
}

/// A table as `gh` prints one: a header, one row per PAT, columns padded to their widest cell.
fn table(list: &PatList, now: OffsetDateTime) -> String {
    if list.pats.is_empty() {
        return format!(
            "feedctl has minted no PAT here (none recorded in {}). `feedctl login --mint` makes \
             one scoped to the feed's organization and to Packaging only, and tracks its expiry.\n",
            list.file
        );
    }
    let header = [
        "REGISTRY",
        "ORGANIZATION",
        "SCOPE",
        "VALID FROM",
        "VALID TO",
        "LEFT",
        "WENT TO",
        "CARGO USES IT",
        "NAME",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for pat in &list.pats {
        let left = match pat.expired {
            true => format!("expired {}", expiry::relative(pat.to, now)),
            false => expiry::relative(pat.to, now).replacen("in ", "", 1),
        };
        let went = pat
            .path
            .clone()
            .unwrap_or_else(|| pat.destination.to_string());
        let in_use = match pat.in_use {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        rows.push(vec![
            pat.registry.clone(),
            pat.organization.clone(),
            pat.scope_text.clone(),
            expiry::when(pat.from),
            expiry::when(pat.to),
            left,
            went,
            in_use.to_string(),
            pat.display_name.clone(),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        out += cells.join("  ").trim_end();
        out += "\n";
    }
    out
}
