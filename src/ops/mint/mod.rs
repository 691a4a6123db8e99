//! `login --mint` and `login --renew` (and the PAT step of `connect --mint`): create a PAT
//! scoped to the registry's one organization from the *user's* Entra ID login (az), check it
//! against the feed exactly as `login` checks a pasted one, store it with `cargo login` (or
//! write it for another tool with `--no-store`), and record it in [`crate::auth::minted`]
//! without the secret.
//!
//! All or nothing: when any step after the creation fails, the new PAT is revoked again and
//! every file is as it was; a PAT it replaces (renew, or a second `--mint`) is revoked only
//! after the new one is stored and recorded. Azure DevOps Server has no PAT API: there the
//! paste flow of `login` runs instead. `logout`'s revoke is [`retire`].

mod output;
pub mod retire;
pub mod session;

use anyhow::Result;
use serde::Serialize;
use time::{Duration, OffsetDateTime};

pub use output::Output;
use session::Session;

use crate::auth::expiry;
use crate::auth::minted::{self, Record, Records};
use crate::auth::secret::Secret;
use crate::auth::token::{self, Source, SourceFlags};
use crate::azure::endpoints::Endpoints;
use crate::azure::feed::{Feed, Host};
use crate::azure::rest::pats::{self, Minted, NewPat};
use crate::cargo::config::effective::{Registry, Settings};
use crate::environment::Environment;
use crate::exit::{Code, Failure};
use crate::ops::login::{self, Stored};
use crate::ops::transaction::{self, Transaction};
use crate::ui;

/// The Packaging scope a minted PAT gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatScope {
    /// `vso.packaging`: reads crates already in the feed.
    Read,
    /// `vso.packaging_write`: also saves crates from crates.io into the feed.
    Write,
}

impl PatScope {
    pub fn oauth(self) -> &'static str {
        match self {
            PatScope::Read => "vso.packaging",
            PatScope::Write => "vso.packaging_write",
        }
    }

    fn of(scope: &str) -> PatScope {
        if scope.split(' ').any(|s| s == PatScope::Read.oauth()) {
            PatScope::Read
        } else {
            PatScope::Write
        }
    }
}

/// The lifetimes `--days` accepts: organizations cap PATs at a year at most.
pub const DAYS: std::ops::RangeInclusive<u32> = 1..=365;

/// What the user asked to mint.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    pub name: Option<&'a str>,
    /// `None`: the renewed PAT's scope, else Read & write.
    pub scope: Option<PatScope>,
    pub days: u32,
    /// `--renew`: replace the minted PAT stored for the registry (there must be one).
    pub renew: bool,
    pub output: Output,
    /// Write the bare PAT instead of the `Basic …` value (`--no-store` only).
    pub raw: bool,
    pub verify: bool,
    pub dry_run: bool,
}

/// A minted (or, in a dry run, planned) PAT, for reports; never the secret.
#[derive(Debug, Clone, Serialize)]
pub struct MintedReport {
    /// `null` in a dry run.
    pub authorization_id: Option<String>,
    pub organization: String,
    pub scope: String,
    pub valid_to: String,
    pub display_name: String,
}

/// What `login --mint` did.
#[derive(Debug)]
pub struct Outcome {
    pub registry: Registry,
    pub minted: Option<MintedReport>,
    /// PATs revoked (the ones the new one replaced).
    pub revoked: Vec<String>,
    pub verified: bool,
    pub stored: Option<Stored>,
    /// The file written (absolute) or `stdout`, with `--no-store`.
    pub written_to: Option<String>,
    /// `--dry-run`: the request that would be sent (method, URL, body; no token).
    pub request: Option<String>,
    pub dry_run: bool,
}

/// Checks `--days` (a usage error naming the flag and the range).
pub fn check_days(days: u32) -> Result<(), Failure> {
    if DAYS.contains(&days) {
        return Ok(());
    }
    Err(Failure::new(
        Code::Usage,
        format!(
            "`--days {days}` is out of range: a minted PAT lives {} to {} days",
            DAYS.start(),
            DAYS.end()
        ),
    ))
}

/// `feedctl login --mint` / `--renew`.
pub fn login(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    check_days(opts.days)?;
    let settings = Settings::load(env)?;
    let registry = settings.pick(opts.name)?;
    let feed = Feed::parse_url(&registry.index)?;
    if let Host::Server { .. } = feed.host {
        return server_fallback(opts, env, &feed, registry);
    }
    let storing = opts.output == Output::Cargo;
    let list = if storing {
        let (list, explicit) = settings.providers_for(&registry);
        login::require_providers(explicit)?;
        login::require_readable_credentials(env)?;
        login::require_online(&settings)?;
        login::require_storing_provider(&settings, &registry.name)?;
        list
    } else {
        Vec::new()
    };
    let mut records = Records::load(&env.cargo_home()?)?;
    output::check(&opts.output, env, &records)?;
    let previous = if storing {
        retire::replaced(&records, &registry)
    } else {
        Vec::new()
    };
    if opts.renew && previous.is_empty() {
        return Err(Failure::new(
            Code::Usage,
            format!(
                "no PAT minted by feedctl is recorded for registry `{}`, so there is none to \
                 renew; mint one with `feedctl login --mint --name {}`",
                registry.name, registry.name
            ),
        )
        .into());
    }
    let scope = opts
        .scope
        .or_else(|| previous.last().map(|r| PatScope::of(&r.scope)))
        .unwrap_or(PatScope::Write);
    let new = plan(env, &registry.name, scope, opts.days);
    let organization = organization(&feed);
    if opts.dry_run {
        return dry_run(&feed, &new, registry, &organization);
    }
    let http = settings.http();
    let session = Session::open(env, &http, &feed, &registry.index)?;
    let minted = announce(session.create(&new, opts.days)?, &organization);
    let header = token::basic_from_pat(minted.pat.as_deref().expose(), "Azure DevOps")?;
    let written = if opts.raw && !storing {
        minted.pat.clone()
    } else {
        header.clone()
    };
    let record = record(
        &minted,
        &registry,
        &organization,
        &opts.output,
        env,
        &written,
    );
    let mut steps = || -> Result<Option<Stored>> {
        login::check(&http, &registry.name, &registry.index, &header, opts.verify)?;
        transaction::all_or_nothing(|t| {
            let stored = if storing {
                Some(login::store(t, env, &registry, &header, &list)?)
            } else {
                None
            };
            save_record(t, &mut records, record.clone())?;
            // Last: standard output cannot be taken back.
            output::write(t, env, &opts.output, &written)?;
            Ok(stored)
        })
    };
    let stored = steps().map_err(|e| undo(&session, &minted, e))?;
    let revoked = retire::after_renewal(&session, &mut records, &previous);
    Ok(Outcome {
        minted: Some(report(&minted, &organization)),
        revoked,
        verified: opts.verify,
        stored,
        written_to: match &opts.output {
            Output::Cargo => None,
            Output::Stdout => Some("stdout".to_string()),
            Output::File(path) => Some(env.cwd().join(path).display().to_string()),
        },
        request: None,
        dry_run: false,
        registry,
    })
}

/// What `connect --mint` asks for.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub scope: PatScope,
    pub days: u32,
}

/// What `connect --mint` stores: minted and checked before connect writes anything.
pub struct ForConnect {
    session: Session,
    minted: Minted,
    organization: String,
    pub header: Secret,
    pub report: MintedReport,
}

/// Mints and checks a PAT for `connect --mint` (the feed is not yet in any config file).
pub fn for_connect(
    env: &Environment,
    settings: &Settings,
    feed: &Feed,
    registry: &str,
    index: &str,
    ask: &Ask,
    verify: bool,
) -> Result<ForConnect> {
    let Ask { scope, days } = *ask;
    check_days(days)?;
    let organization = organization(feed);
    let new = plan(env, registry, scope, days);
    let http = settings.http();
    let session = Session::open(env, &http, feed, index)?;
    let minted = announce(session.create(&new, days)?, &organization);
    let header = token::basic_from_pat(minted.pat.as_deref().expose(), "Azure DevOps")?;
    if let Err(e) = login::check(&http, registry, index, &header, verify) {
        return Err(undo(&session, &minted, e));
    }
    Ok(ForConnect {
        report: report(&minted, &organization),
        session,
        minted,
        organization,
        header,
    })
}

impl ForConnect {
    /// Records the PAT stored for `registry`, as a step of connect's transaction.
    pub fn record(
        &self,
        transaction: &mut Transaction,
        env: &Environment,
        registry: &Registry,
    ) -> Result<()> {
        let mut records = Records::load(&env.cargo_home()?)?;
        let record = record(
            &self.minted,
            registry,
            &self.organization,
            &Output::Cargo,
            env,
            &self.header,
        );
        save_record(transaction, &mut records, record)
    }

    /// Once connect succeeded: revokes the PATs feedctl minted for `registry` before this one
    /// (as `login --mint` does when it replaces one); returns their ids.
    pub fn retire_previous(&self, env: &Environment, registry: &Registry) -> Vec<String> {
        let Ok(mut records) = env.cargo_home().and_then(|home| Records::load(&home)) else {
            return Vec::new();
        };
        let previous: Vec<Record> = retire::replaced(&records, registry)
            .into_iter()
            .filter(|r| r.authorization_id != self.minted.authorization_id)
            .collect();
        retire::after_renewal(&self.session, &mut records, &previous)
    }

    /// Revokes the PAT again after connect failed with `err`.
    pub fn undo(&self, err: anyhow::Error) -> anyhow::Error {
        undo(&self.session, &self.minted, err)
    }
}

/// The PAT to ask for: the registry and this machine in its name, `days` from now.
fn plan(env: &Environment, registry: &str, scope: PatScope, days: u32) -> NewPat {
    let machine = env
        .machine_name()
        .unwrap_or_else(|| "an unnamed machine".to_string());
    NewPat {
        display_name: format!("feedctl: cargo registry {registry} on {machine}"),
        scope: scope.oauth().to_string(),
        valid_to: (OffsetDateTime::now_utc() + Duration::days(i64::from(days)))
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc()),
    }
}

fn organization(feed: &Feed) -> String {
    match &feed.host {
        Host::Services { organization } => organization.clone(),
        Host::Server { collection, .. } => collection.clone(),
    }
}

fn announce(minted: Minted, organization: &str) -> Minted {
    ui::status(
        "Created",
        format!(
            "PAT \"{}\" ({}, organization `{organization}` only, valid until {})",
            minted.display_name,
            expiry::scope_in_words(&minted.scope),
            expiry::when(minted.valid_to)
        ),
    );
    minted
}

fn report(minted: &Minted, organization: &str) -> MintedReport {
    MintedReport {
        authorization_id: Some(minted.authorization_id.clone()),
        organization: organization.to_string(),
        scope: minted.scope.clone(),
        valid_to: expiry::rfc3339(minted.valid_to),
        display_name: minted.display_name.clone(),
    }
}

fn record(
    minted: &Minted,
    registry: &Registry,
    organization: &str,
    output: &Output,
    env: &Environment,
    written: &Secret,
) -> Record {
    Record {
        authorization_id: minted.authorization_id.clone(),
        organization: organization.to_string(),
        registry: registry.name.clone(),
        index: registry.index.clone(),
        display_name: minted.display_name.clone(),
        scope: minted.scope.clone(),
        valid_from: minted.valid_from,
        valid_to: minted.valid_to,
        destination: output.destination(env),
        fingerprint: minted::fingerprint(written),
    }
}

/// Adds `record` and writes the records, guarded in `transaction`.
fn save_record(transaction: &mut Transaction, records: &mut Records, record: Record) -> Result<()> {
    transaction.guard(records.file())?;
    records.add(record);
    records.save()
}

/// After a failed step: revokes the PAT just minted, and says how that went with `err`.
fn undo(session: &Session, minted: &Minted, err: anyhow::Error) -> anyhow::Error {
    let id = &minted.authorization_id;
    match session.revoke(id) {
        Ok(()) => err.context(format!(
            "the PAT feedctl had just created (`{id}`) was revoked again"
        )),
        Err(revoke) => err.context(format!(
            "the PAT feedctl had just created (`{id}`, \"{}\") could not be revoked either \
             ({revoke}); it stays valid until {}: revoke it by hand at {}",
            minted.display_name,
            expiry::when(minted.valid_to),
            session::tokens_page(&session.organization)
        )),
    }
}

fn dry_run(feed: &Feed, new: &NewPat, registry: Registry, organization: &str) -> Result<Outcome> {
    let endpoints: Endpoints = feed.host.endpoints(None);
    let request = pats::create_request(&endpoints, new).map(|r| r.show());
    ui::note(format!(
        "dry run: feedctl would create the PAT \"{}\" ({}, organization `{organization}` \
         only, valid until {}), check it against the feed and store it; nothing was sent",
        new.display_name,
        expiry::scope_in_words(&new.scope),
        expiry::when(new.valid_to)
    ));
    Ok(Outcome {
        minted: Some(MintedReport {
            authorization_id: None,
            organization: organization.to_string(),
            scope: new.scope.clone(),
            valid_to: expiry::rfc3339(new.valid_to),
            display_name: new.display_name.clone(),
        }),
        revoked: Vec::new(),
        verified: false,
        stored: None,
        written_to: None,
        request,
        dry_run: true,
        registry,
    })
}

/// For `connect --mint`: `None` on Services (mint), the prompt on an Azure DevOps Server
/// registry when a terminal is attached (after saying where to create the PAT), else the
/// error naming `--pat-stdin`.
pub fn paste_instead(env: &Environment, feed: &Feed, registry: &str) -> Result<Option<Source>> {
    if let Host::Services { .. } = feed.host {
        return Ok(None);
    }
    if !env.interactive() {
        return Err(server_refusal(feed, &format!("feedctl login --name {registry}")).into());
    }
    ui::note(server_note(feed));
    Ok(Some(Source::Prompt))
}

fn server_note(feed: &Feed) -> String {
    format!(
        "Azure DevOps Server has no API to create PATs (only Azure DevOps Services has); \
         create one with Packaging > Read & write at {} and paste it here",
        tokens_page_of(feed)
    )
}

/// The PAT API is Services only: on a terminal, say where to create a PAT and take it as
/// `login` does; otherwise an error naming `--pat-stdin`.
fn server_fallback(
    opts: &Options<'_>,
    env: &Environment,
    feed: &Feed,
    registry: Registry,
) -> Result<Outcome> {
    let command = format!("feedctl login --name {}", registry.name);
    if !env.interactive() || opts.output != Output::Cargo || opts.renew || opts.dry_run {
        return Err(server_refusal(feed, &command).into());
    }
    ui::note(server_note(feed));
    let done = login::login(
        &login::Options {
            name: Some(&registry.name),
            token: SourceFlags::default(),
            verify: opts.verify,
        },
        env,
    )?;
    Ok(Outcome {
        registry: done.registry,
        minted: None,
        revoked: Vec::new(),
        verified: done.verified,
        stored: Some(done.stored),
        written_to: None,
        request: None,
        dry_run: false,
    })
}

fn server_refusal(feed: &Feed, command: &str) -> Failure {
    Failure::new(
        Code::Usage,
        format!(
            "Azure DevOps Server has no API to create PATs (only Azure DevOps Services has), so \
             `--mint` cannot work for {}: create a PAT with Packaging > Read & write at {} and \
             store it with `{}`",
            feed.host.endpoints(None).place,
            tokens_page_of(feed),
            ui::pat_stdin_hint(command)
        ),
    )
}

/// `<server>/<collection>/_usersSettings/tokens`, or the organization's page.
fn tokens_page_of(feed: &Feed) -> String {
    match &feed.host {
        Host::Services { organization } => session::tokens_page(organization),
        Host::Server { base, collection } => format!(
            "{}/{collection}/_usersSettings/tokens",
            base.as_str().trim_end_matches('/')
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_outside_the_range_are_a_usage_error_naming_the_flag() {
        for bad in [0, 366, 1000] {
            let err = check_days(bad).unwrap_err();
            assert_eq!(err.code, Code::Usage);
            assert!(
                err.message.contains(&format!("`--days {bad}`")),
                "{}",
                err.message
            );
        }
        for ok in [1, 7, 365] {
            check_days(ok).unwrap();
        }
    }

    #[test]
    fn the_pat_names_the_registry_and_the_machine() {
        let env = Environment::for_test("/").with_var("COMPUTERNAME", "build-01");
        let new = plan(&env, "company", PatScope::Read, 30);
        assert_eq!(
            new.display_name,
            "feedctl: cargo registry company on build-01"
        );
        assert_eq!(new.scope, "vso.packaging");
        let days = (new.valid_to - OffsetDateTime::now_utc()).whole_days();
        assert!((29..=30).contains(&days), "{days}");
        assert_eq!(PatScope::of("vso.packaging"), PatScope::Read);
        assert_eq!(PatScope::of("vso.packaging_write"), PatScope::Write);
    }

    #[test]
    fn a_server_feed_is_pointed_at_its_own_tokens_page() {
        let feed = Feed::parse_url(
            "sparse+https://tfs.contoso.com/tfs/DefaultCollection/_packaging/crates/Cargo/index/",
        )
        .unwrap();
        let text = server_refusal(&feed, "feedctl login --name crates").message;
        assert!(
            text.contains("https://tfs.contoso.com/tfs/DefaultCollection/_usersSettings/tokens"),
            "{text}"
        );
        assert!(text.contains("--pat-stdin"), "{text}");
    }
}
