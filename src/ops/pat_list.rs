//! `pat list`'s use case: the PATs feedctl minted, from the records of `$CARGO_HOME` (no
//! secret, no request), each with its scope in words, its validity, where it went and whether
//! it is the token cargo uses for its registry now. [`PatList`] is also the shape of
//! `feedctl pat list --json`.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;
use time::OffsetDateTime;

use crate::auth::expiry::{self, Expiry};
use crate::auth::minted::{Destination, Record, Records};
use crate::cargo::config::effective::{Registry, Settings};
use crate::cargo::credentials;
use crate::environment::Environment;
use crate::ui;

/// Every PAT feedctl minted, soonest end first.
#[derive(Debug, Serialize)]
pub struct PatList {
    /// The record file they come from.
    pub file: String,
    pub pats: Vec<MintedPat>,
}

/// One minted PAT, never its secret.
#[derive(Debug, Serialize)]
pub struct MintedPat {
    pub registry: String,
    pub index_url: String,
    pub organization: String,
    pub display_name: String,
    /// As Azure DevOps names it (`vso.packaging_write`), and in words.
    pub scope: String,
    pub scope_text: String,
    pub valid_from: String,
    pub valid_to: String,
    pub days_left: i64,
    pub expired: bool,
    /// `cargo`, `file` or `stdout`; `path` is the file's, else `null`.
    pub destination: &'static str,
    pub path: Option<String>,
    /// Whether cargo uses this PAT for its registry now; `null` when that cannot be known (the
    /// token is in an OS store, or cargo's config cannot be read).
    pub in_use: Option<bool>,
    /// Azure DevOps' id of the PAT, for revoking it there by hand.
    pub authorization_id: String,
    #[serde(skip)]
    pub from: OffsetDateTime,
    #[serde(skip)]
    pub to: OffsetDateTime,
}

/// The PATs the records of `$CARGO_HOME` hold, as of `now`.
pub fn pat_list(env: &Environment, now: OffsetDateTime) -> Result<PatList> {
    let records = Records::load(&env.cargo_home()?)?;
    // Without cargo's config the list still stands; only "in use" is then unknown.
    let settings = match records.pats.is_empty() {
        true => None,
        false => Settings::load(env)
            .inspect_err(|e| ui::warn(format!("cannot tell which PAT cargo uses: {e:#}")))
            .ok(),
    };
    let mut pats: Vec<MintedPat> = records
        .pats
        .iter()
        .map(|record| {
            let in_use = settings
                .as_ref()
                .and_then(|settings| in_use(env, settings, record));
            minted_pat(record, in_use, now)
        })
        .collect();
    pats.sort_by(|a, b| (a.to, &a.registry).cmp(&(b.to, &b.registry)));
    Ok(PatList {
        file: records.file().display().to_string(),
        pats,
    })
}

fn minted_pat(record: &Record, in_use: Option<bool>, now: OffsetDateTime) -> MintedPat {
    let (destination, path) = match &record.destination {
        Destination::Cargo => ("cargo", None),
        Destination::File(path) => ("file", Some(path.display().to_string())),
        Destination::Stdout => ("stdout", None),
    };
    MintedPat {
        registry: record.registry.clone(),
        index_url: record.index.clone(),
        organization: record.organization.clone(),
        display_name: record.display_name.clone(),
        scope: record.scope.clone(),
        scope_text: expiry::scope_in_words(&record.scope),
        valid_from: expiry::rfc3339(record.valid_from),
        valid_to: expiry::rfc3339(record.valid_to),
        days_left: record.days_left(now),
        expired: record.valid_to <= now,
        destination,
        path,
        in_use,
        authorization_id: record.authorization_id.clone(),
        from: record.valid_from,
        to: record.valid_to,
    }
}

/// Whether the token cargo uses for the record's registry is this PAT, read as `status` reads
/// it; a registry not configured here is looked up with the global provider list.
pub fn in_use(env: &Environment, settings: &Settings, record: &Record) -> Option<bool> {
    let registry = settings
        .azure_registries()
        .into_iter()
        .find(|r| r.name == record.registry && r.index == record.index)
        .unwrap_or_else(|| Registry {
            name: record.registry.clone(),
            index: record.index.clone(),
            file: PathBuf::new(),
            credential_provider: None,
        });
    let credentials = credentials::credentials(env, settings, &registry).ok()?;
    match Expiry::of(&credentials, Some(record)) {
        Expiry::Minted {
            confirmed: true, ..
        } => Some(true),
        Expiry::Minted {
            confirmed: false, ..
        } => None,
        _ => Some(false),
    }
}
