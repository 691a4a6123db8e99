//! Revoking the PATs feedctl minted: the ones a renewal replaced, and the stored one at
//! `logout`. Only PATs with a record are ever revoked (a record is written only for a PAT
//! feedctl minted), always by their authorization id.
//!
//! A renewal revokes the old PATs only after the new one is stored and recorded; an old one
//! that cannot be revoked then keeps its record (it is still valid until its date), and the
//! next `login --renew`, `login --mint` or `logout` for the registry tries again. `logout`
//! revokes before it removes anything, so a failing revoke of the stored PAT loses nothing;
//! `--keep-pat` logs out without revoking.

use anyhow::Result;

use super::session::{self, Session};
use crate::auth::expiry;
use crate::auth::minted::{Destination, Record, Records};
use crate::auth::secret::{Secret, verbatim};
use crate::azure::feed::Feed;
use crate::cargo::config::effective::{HttpSettings, Registry, Settings};
use crate::cargo::{credentials, providers};
use crate::environment::Environment;
use crate::exit::Code;
use crate::ops::login;
use crate::ui;

/// The PATs minted for cargo's registry `registry` (same name and index), oldest first.
pub fn replaced(records: &Records, registry: &Registry) -> Vec<Record> {
    let mut mine: Vec<Record> = records
        .pats
        .iter()
        .filter(|r| r.destination == Destination::Cargo)
        .filter(|r| r.registry == registry.name && r.index == registry.index)
        .cloned()
        .collect();
    mine.sort_by_key(|r| r.valid_from);
    mine
}

/// Revokes the PATs a new one replaced and forgets them; one that cannot be revoked is kept
/// (with a warning) for the next run to retry. Returns the ids revoked.
pub fn after_renewal(session: &Session, records: &mut Records, old: &[Record]) -> Vec<String> {
    let mut revoked = Vec::new();
    for record in old {
        match revoke(session, record) {
            Ok(()) => {
                records.remove(&record.authorization_id);
                revoked.push(record.authorization_id.clone());
            }
            Err(why) => ui::warn(format!(
                "{why}. That PAT, which the new one replaces, stays valid until {}; feedctl \
                 keeps its record and tries again on the next `feedctl login --renew` or \
                 `feedctl logout`, or revoke it at {}",
                until(record),
                session::tokens_page(&record.organization)
            )),
        }
    }
    if !revoked.is_empty()
        && let Err(e) = records.save()
    {
        ui::warn(format!(
            "the replaced PATs are revoked, but their records stay in `{}`: {e:#}",
            records.file().display()
        ));
    }
    revoked
}

/// Revokes one PAT; one Azure no longer knows (revoked by hand, expired) counts as revoked.
pub fn revoke(session: &Session, record: &Record) -> Result<(), String> {
    match session.revoke(&record.authorization_id) {
        Ok(()) => {
            ui::status(
                "Revoked",
                format!(
                    "PAT \"{}\" (`{}`)",
                    record.display_name, record.authorization_id
                ),
            );
            Ok(())
        }
        Err(e) if e.code() == Code::NotFound => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// "<date> (in N days)".
pub fn until(record: &Record) -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{} ({})",
        expiry::when(record.valid_to),
        expiry::relative(record.valid_to, now)
    )
}

/// Warns that an older minted PAT was not revoked (`why`) and keeps its record.
fn kept(record: &Record, why: &str) {
    ui::warn(format!(
        "{why}: the older PAT \"{}\" stays valid until {}; feedctl keeps its record, and \
         `feedctl pat revoke {}` revokes it later",
        record.display_name,
        until(record),
        record.authorization_id
    ));
}

/// What `logout` did.
#[derive(Debug)]
pub struct LoggedOut {
    pub registry: Registry,
    /// Whether cargo had a token to remove.
    pub removed: bool,
    pub revoked: Vec<String>,
}

/// The PATs feedctl minted for one registry, the one cargo holds first.
#[derive(Debug)]
pub struct Minted {
    records: Records,
    mine: Vec<Record>,
    /// The authorization id of the PAT cargo holds, when feedctl minted it.
    held: Option<String>,
}

impl Minted {
    /// The records of `registry`'s minted PATs and which one cargo holds (before anything is
    /// removed: it is read from cargo's credentials file, or for an OS store that other
    /// programs cannot read, the newest record says what feedctl put there).
    pub fn of(env: &Environment, settings: &Settings, registry: &Registry) -> Result<Minted> {
        Minted::of_records(Records::load(&env.cargo_home()?)?, env, settings, registry)
    }

    /// [`Minted::of`] with the records already read.
    fn of_records(
        records: Records,
        env: &Environment,
        settings: &Settings,
        registry: &Registry,
    ) -> Result<Minted> {
        let mut mine = replaced(&records, registry);
        let held = match stored_header(env, settings, registry)? {
            Some(header) => mine.iter().find(|r| r.is(&header)),
            None => records.stored_for(&registry.name, &registry.index),
        }
        .map(|r| r.authorization_id.clone());
        if !mine.is_empty() && held.is_none() {
            ui::note(format!(
                "the token stored for `{}` is not a PAT feedctl minted, so it is not revoked",
                registry.name
            ));
        }
        // The held PAT first: if it cannot be revoked, nothing changes.
        mine.sort_by_key(|r| Some(&r.authorization_id) != held.as_ref());
        Ok(Minted {
            records,
            mine,
            held,
        })
    }

    /// The authorization id of the minted PAT cargo holds, if it holds one.
    pub fn held(&self) -> Option<&str> {
        self.held.as_deref()
    }

    /// [`Minted::of`] with cargo's HTTP settings, loaded only when feedctl minted a PAT for
    /// `registry` (so that a step with nothing to revoke reads nothing more).
    pub fn of_registry(
        env: &Environment,
        registry: &Registry,
    ) -> Result<Option<(Minted, HttpSettings)>> {
        let records = Records::load(&env.cargo_home()?)?;
        if replaced(&records, registry).is_empty() {
            return Ok(None);
        }
        let settings = Settings::load(env)?;
        let minted = Minted::of_records(records, env, &settings, registry)?;
        Ok(Some((minted, settings.http())))
    }

    /// Forgets every PAT without revoking it (`--keep-pat`), saying until when each stays
    /// valid.
    pub fn forget(mut self) -> Result<()> {
        for record in &self.mine {
            self.records.remove(&record.authorization_id);
            ui::note(format!(
                "not revoking PAT \"{}\" (`--keep-pat`): it stays valid until {}; revoke it at {}",
                record.display_name,
                until(record),
                session::tokens_page(&record.organization)
            ));
        }
        match self.mine.is_empty() {
            true => Ok(()),
            false => self.records.save(),
        }
    }

    /// Revokes every PAT and forgets it. Failing to revoke the one cargo holds is an error
    /// (`Err` with the cause, nothing forgotten); an older one that cannot be revoked keeps its
    /// record, with a warning naming `feedctl pat revoke`. Returns the ids revoked.
    pub fn revoke(
        mut self,
        env: &Environment,
        http: &HttpSettings,
        index: &str,
    ) -> Result<Vec<String>> {
        if self.mine.is_empty() {
            return Ok(Vec::new());
        }
        let feed = Feed::parse_url(index)?;
        // Only the held PAT may stop the caller; older ones can be revoked later.
        let session = match Session::open(env, http, &feed, index) {
            Ok(session) => session,
            Err(e) if self.held.is_some() => return Err(e),
            Err(e) => {
                ui::warn(format!("{e:#}"));
                for record in &self.mine {
                    kept(record, "the PAT API could not be asked (see above)");
                }
                return Ok(Vec::new());
            }
        };
        let mut revoked = Vec::new();
        for record in &self.mine {
            match revoke(&session, record) {
                Ok(()) => {
                    self.records.remove(&record.authorization_id);
                    revoked.push(record.authorization_id.clone());
                }
                Err(why) if Some(&record.authorization_id) == self.held.as_ref() => {
                    anyhow::bail!(why)
                }
                Err(why) => kept(record, &why),
            }
        }
        if !revoked.is_empty() {
            self.records.save()?;
        }
        Ok(revoked)
    }
}

/// `feedctl logout [--keep-pat]`: revokes the PATs feedctl minted for the registry (the
/// stored one, and any an earlier renewal could not revoke), forgets their records, then runs
/// `cargo logout`. A stored token without a record is never revoked.
pub fn logout(env: &Environment, name: Option<&str>, keep_pat: bool) -> Result<LoggedOut> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(name)?;
    let minted = Minted::of(env, &settings, &registry)?;
    let held = minted.held.clone();
    let revoked = match keep_pat {
        true => minted.forget().map(|()| Vec::new())?,
        false => minted
            .revoke(env, &settings.http(), &registry.index)
            .map_err(|e| keep_pat_hint(e, &registry))?,
    };
    let held_revoked = held.is_some_and(|id| revoked.contains(&id));
    let (registry, removed) = login::logout_named(env, name, held_revoked)?;
    Ok(LoggedOut {
        registry,
        removed,
        revoked,
    })
}

/// The `Authorization` value cargo's credentials file holds for `registry` (`Some("")` when
/// it holds none), or `None` when tokens go to an OS store feedctl cannot read.
fn stored_header(
    env: &Environment,
    settings: &Settings,
    registry: &Registry,
) -> Result<Option<Secret>> {
    let creds = credentials::credentials(env, settings, registry)?;
    if creds.storing.as_deref() != Some(providers::TOKEN) {
        return Ok(None);
    }
    Ok(Some(
        creds
            .file_token
            .map_or_else(|| verbatim(""), |found| found.secret),
    ))
}

fn keep_pat_hint(err: anyhow::Error, registry: &Registry) -> anyhow::Error {
    err.context(format!(
        "feedctl did not log out of `{name}`, because the PAT it minted for it could not be \
         revoked; nothing changed (the token is still stored). Run `feedctl logout` again once \
         the cause is fixed, or `feedctl logout --name {name} --keep-pat` to log out without \
         revoking (the PAT then stays valid until it expires). The cause",
        name = registry.name
    ))
}
