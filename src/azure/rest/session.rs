//! A REST session with one organization (the client, the token it sends and where the token
//! came from), and what feedctl reads out of Azure's answers about a feed: the state of its
//! crates.io upstream and the caller's role, never guessed higher than Azure says (reading a
//! feed's permissions succeeds only for an Owner; the list's `feedRole=contributor` filter
//! names Feed Publishers; anyone else who can read the feed is "Reader or Collaborator",
//! because Azure tells those two apart only to Owners). Used by `feed` and by `doctor`.

use anyhow::{Result, bail};
use serde::Serialize;

use super::client::RestClient;
use super::credential::{self, Want};
use super::error::TokenKind;
use super::feeds::{self, FeedInfo, RoleFilter};
use crate::azure::endpoints::Endpoints;
use crate::azure::feed::Host;
use crate::cargo::config::effective::Settings;
use crate::environment::Environment;
use crate::exit::{Code, Failure};

/// A REST client for one organization, with the token it sends and whose it is.
pub struct Session {
    pub client: RestClient,
    pub endpoints: Endpoints,
    /// Where the token came from, in words.
    pub token_from: String,
    pub kind: TokenKind,
}

impl Session {
    /// Opens a session for `host` (and `project`), with the token `want` names or the one
    /// cargo uses for this project's registry of that organization.
    /// `settings` is cargo's configuration here (its `[http]` settings and registries), when
    /// it could be read; a caller that already loaded it passes it on.
    pub fn open(
        env: &Environment,
        settings: Option<&Settings>,
        host: &Host,
        project: Option<&str>,
        feed: Option<&str>,
        want: &Want,
    ) -> Result<Session> {
        let http = settings.map(Settings::http).unwrap_or_default();
        let credential = credential::resolve(env, settings, host, feed, want)?;
        let endpoints = host.endpoints(project);
        let client = RestClient::new(
            &http,
            credential.header,
            credential.kind,
            &endpoints.place,
            endpoints.server,
        )?;
        Ok(Session {
            client,
            endpoints,
            token_from: credential.from,
            kind: credential.kind,
        })
    }

    /// Fails early (exit 4) when there is no token at all, for steps that always need one.
    pub fn require_token(&self, command: &str) -> Result<()> {
        if self.kind == TokenKind::None {
            bail!(Failure::new(
                Code::Auth,
                format!(
                    "no token for {}: this project has no registry of that organization with a \
                     token feedctl can read, and there is no terminal to ask on; pass one of\n  \
                     {command} --pat-env VAR     (a PAT with Packaging > Read & write)\n  \
                     {command} --pat-stdin\n  \
                     {command} --azure-cli       (an Entra ID token from `az login`)\n  \
                     {command} --auth entra",
                    self.endpoints.place
                )
            ));
        }
        Ok(())
    }

    /// Whose token this is, as `connectionData` names it (`None` when Azure does not say).
    pub fn identity(&self) -> Option<String> {
        feeds::connection_data(&self.client, &self.endpoints.organization())
            .ok()
            .and_then(|c| c.authenticated_user)
            .filter(|u| !u.is_anonymous())
            .map(|u| u.describe())
    }
}

/// The caller's role on a feed, as far as Azure tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KnownRole {
    Owner,
    Contributor,
    ReaderOrCollaborator,
}

impl KnownRole {
    pub fn describe(self) -> &'static str {
        match self {
            KnownRole::Owner => "Owner",
            KnownRole::Contributor => "Feed Publisher (Contributor)",
            KnownRole::ReaderOrCollaborator => {
                "Reader or Collaborator (Azure tells only Owners which)"
            }
        }
    }
}

/// The state of a feed's crates.io upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Upstream {
    /// Present, upstreams enabled, status ok.
    Ok,
    /// Present and enabled, but Azure reports it `disabled` (see the reasons).
    Failing,
    /// Present, but the feed's upstreams are switched off.
    Off,
    Missing,
}

impl Upstream {
    pub fn of(info: &FeedInfo) -> Upstream {
        match info.crates_io() {
            None => Upstream::Missing,
            Some(_) if info.upstream_enabled == Some(false) => Upstream::Off,
            Some(u) if !u.is_healthy() => Upstream::Failing,
            Some(_) => Upstream::Ok,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Upstream::Ok => "on",
            Upstream::Failing => "on, failing",
            Upstream::Off => "present but upstreams are off",
            Upstream::Missing => "missing",
        }
    }
}

/// The caller's role on one feed, never guessed higher than Azure says.
pub fn role_of(session: &Session, info: &FeedInfo) -> KnownRole {
    let e = &session.endpoints;
    if feeds::feed_permissions(&session.client, e, &info.name).is_ok() {
        return KnownRole::Owner;
    }
    let listed = feeds::list_feeds(&session.client, e, Some(RoleFilter::Contributor))
        .is_ok_and(|l| l.iter().any(|f| f.name.eq_ignore_ascii_case(&info.name)));
    if listed {
        KnownRole::Contributor
    } else {
        KnownRole::ReaderOrCollaborator
    }
}
