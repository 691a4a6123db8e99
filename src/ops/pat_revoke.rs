//! `pat revoke`'s use case: revoke PATs feedctl minted, named by their authorization id (or a
//! unique start of it) as `feedctl pat list` shows them, and forget their records. Only a PAT
//! with a record is ever revoked, so a PAT feedctl did not mint cannot be; the one cargo holds
//! now is refused too (revoking it would break every build), with the commands that replace or
//! remove it. Every id is checked before the first request.

use anyhow::Result;

use crate::auth::minted::{Destination, Record, Records};
use crate::azure::feed::Feed;
use crate::cargo::config::effective::Settings;
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::mint::retire;
use crate::ops::mint::session::{self, Session};
use crate::ops::pat_list;
use crate::ui;

/// Shortest start of an authorization id that names a PAT (ids are GUIDs).
const MIN_PREFIX: usize = 4;

/// Revokes the PATs `ids` name (nothing in a dry run) and forgets them; the records of those
/// revoked before a failure are forgotten too. Returns the records revoked (or to revoke).
pub fn pat_revoke(env: &Environment, ids: &[String], dry_run: bool) -> Result<Vec<Record>> {
    let mut records = Records::load(&env.cargo_home()?)?;
    let mut chosen: Vec<Record> = Vec::new();
    for id in ids {
        let record = find(&records, id)?;
        if !chosen.contains(&record) {
            chosen.push(record);
        }
    }
    let settings = chosen
        .iter()
        .any(|r| r.destination == Destination::Cargo)
        .then(|| Settings::load(env))
        .transpose()?;
    if let Some(settings) = &settings {
        for record in &chosen {
            refuse_held(env, settings, &records, record)?;
        }
    }
    if dry_run {
        for record in &chosen {
            ui::status(
                "Would revoke",
                format!(
                    "PAT \"{}\" (`{}`)",
                    record.display_name, record.authorization_id
                ),
            );
        }
        ui::note("dry run: nothing was revoked");
        return Ok(chosen);
    }
    let http = match &settings {
        Some(settings) => settings.http(),
        None => Settings::load(env)?.http(),
    };
    let mut revoked = Vec::new();
    let mut failure = None;
    for record in &chosen {
        let outcome = Feed::parse_url(&record.index)
            .and_then(|feed| Session::open(env, &http, &feed, &record.index))
            .and_then(|session| retire::revoke(&session, record).map_err(anyhow::Error::msg));
        match outcome {
            Ok(()) => {
                records.remove(&record.authorization_id);
                revoked.push(record.clone());
            }
            Err(e) => {
                failure = Some(e.context(format!(
                    "could not revoke PAT \"{}\" (`{}`), which stays valid until {}; run this \
                     again once the cause is fixed, or revoke it at {}",
                    record.display_name,
                    record.authorization_id,
                    retire::until(record),
                    session::tokens_page(&record.organization)
                )));
                break;
            }
        }
    }
    if !revoked.is_empty() {
        records.save()?;
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(revoked),
    }
}

/// The record `id` names: its whole authorization id, or a start of it that only one has.
fn find(records: &Records, id: &str) -> Result<Record> {
    let wanted = id.trim().to_ascii_lowercase();
    let matching: Vec<&Record> = records
        .pats
        .iter()
        .filter(|r| {
            let have = r.authorization_id.to_ascii_lowercase();
            have == wanted || (wanted.len() >= MIN_PREFIX && have.starts_with(&wanted))
        })
        .collect();
    match matching.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::new(
            Code::Usage,
            format!(
                "no PAT `{id}` among those feedctl minted here (`feedctl pat list` shows them, \
                 from `{}`); feedctl revokes only PATs it minted: revoke another one in Azure \
                 DevOps' \"Personal access tokens\" page",
                records.file().display()
            ),
        )
        .into()),
        several => Err(Failure::new(
            Code::Usage,
            format!(
                "`{id}` starts the ids of {} PATs ({}): give more of it",
                several.len(),
                several
                    .iter()
                    .map(|r| format!("`{}`", r.authorization_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .into()),
    }
}

/// Refuses the PAT cargo holds for its registry (or, where feedctl cannot read the store, the
/// newest one it stored there): revoking it would make every cargo command fail with 401.
fn refuse_held(
    env: &Environment,
    settings: &Settings,
    records: &Records,
    record: &Record,
) -> Result<()> {
    if record.destination != Destination::Cargo {
        return Ok(());
    }
    let newest = records
        .stored_for(&record.registry, &record.index)
        .is_some_and(|r| r.authorization_id == record.authorization_id);
    let held = match pat_list::in_use(env, settings, record) {
        Some(held) => held,
        None => newest,
    };
    if held {
        let name = &record.registry;
        return Err(Failure::new(
            Code::Usage,
            format!(
                "PAT `{}` is the token cargo uses for `{name}`, so revoking it would break every \
                 build: `feedctl logout --name {name}` revokes and removes it, `feedctl login \
                 --renew --name {name}` replaces it with a new one",
                record.authorization_id
            ),
        )
        .into());
    }
    Ok(())
}
