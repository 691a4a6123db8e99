//! `feed create`: a feed with the crates.io upstream, or, when it already exists, the
//! crates.io upstream made sure of. The name is checked with Azure's rules before any request;
//! the feed is read first (which also proves the token), then created with one `POST` that
//! carries the upstream, so nothing is ever half-created: Azure creates the feed with its
//! upstream or not at all. A refusal is explained in Azure's terms, narrowed down with what
//! else Azure answered (the same token could read; the organization's feed creators).

use anyhow::{Result, bail};
use serde::Serialize;

use super::{KnownRole, Place, Session, Upstream, connect_command, role_of, usage};
use crate::azure::feed::{self, Feed};
use crate::azure::rest::client::Request;
use crate::azure::rest::credential::Want;
use crate::azure::rest::error::{Problem, RestError, Scope};
use crate::azure::rest::feeds::{self, FeedInfo};
use crate::cargo::config::effective::Settings;
use crate::environment::Environment;
use crate::exit::{Code, Failure};

/// What the user asked `feed create` for.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The new feed's name, or a feed URL naming organization, project and feed.
    pub name: &'a str,
    pub place: Place<'a>,
    /// Add the crates.io upstream (`--no-upstream` turns it off).
    pub upstream: bool,
    pub dry_run: bool,
    pub want: Want,
    /// The token flag to repeat in the `connect` step (`--pat-env VAR`, …).
    pub token_flag: Option<String>,
}

/// What happened to the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Dry run: nothing was sent.
    WouldCreate,
    Created,
    /// It existed and needed nothing.
    Existed,
    /// It existed; the crates.io upstream was added or switched on.
    UpstreamAdded,
}

/// `feed create`'s outcome.
#[derive(Debug)]
pub struct Outcome {
    pub feed: Feed,
    pub action: Action,
    /// The request a dry run would send.
    pub request: Option<Request>,
    pub upstream: Option<Upstream>,
    pub reasons: Vec<String>,
    pub role: Option<KnownRole>,
    /// The exact next step.
    pub connect: String,
    pub token_from: Option<String>,
}

/// Checks the name, then creates the feed (or makes sure of its upstream).
pub fn run(opts: &Options<'_>, env: &Environment) -> Result<Outcome> {
    let feed = target(opts)?;
    let connect = connect_command(&feed, opts.token_flag.as_deref());
    let endpoints = feed.endpoints();
    if opts.dry_run {
        return Ok(Outcome {
            request: Some(feeds::create_feed_request(
                &endpoints,
                &feed.name,
                opts.upstream,
            )),
            feed,
            action: Action::WouldCreate,
            upstream: None,
            reasons: Vec::new(),
            role: None,
            connect,
            token_from: None,
        });
    }
    let session = Session::open(
        env,
        Settings::load(env).ok().as_ref(),
        &feed.host,
        feed.project.as_deref(),
        Some(&feed.name),
        &opts.want,
    )?;
    session.require_token("feedctl feed create")?;
    let client = &session.client;
    let (info, action) = match feeds::get_feed(client, &endpoints, &feed.name) {
        Ok(info) => existing(&session, info, opts.upstream)?,
        Err(err) if err.problem == Problem::FeedNotFound => {
            let request = feeds::create_feed_request(&endpoints, &feed.name, opts.upstream);
            match feeds::send_feed(client, &request) {
                Ok(info) => (info, Action::Created),
                Err(err) => return Err(create_refused(&session, &feed, err)),
            }
        }
        Err(err) if err.problem == Problem::Role => bail!(Failure::new(
            Code::Auth,
            format!(
                "feed `{}` exists in {} but the identity may not read it: {err}",
                feed.name, session.endpoints.place
            )
        )),
        Err(err) => return Err(Failure::from(err).into()),
    };
    let role = role_of(&session, &info);
    Ok(Outcome {
        upstream: opts.upstream.then(|| Upstream::of(&info)),
        reasons: info
            .crates_io()
            .and_then(|u| u.reasons())
            .into_iter()
            .collect(),
        feed,
        action,
        request: None,
        role: Some(role),
        connect,
        token_from: Some(session.token_from.clone()),
    })
}

/// The feed to create: from a URL, or the name and the place flags; Azure's naming rule first
/// (exit 2 naming the name and the rule), then `connect`'s own checks, since the next step is
/// `connect`.
fn target(opts: &Options<'_>) -> Result<Feed> {
    if opts.name.contains('/') {
        let feed = Feed::parse_url(opts.name).map_err(usage)?;
        feed::check_new_feed_name(&feed.name).map_err(usage)?;
        return Ok(feed);
    }
    feed::check_new_feed_name(opts.name).map_err(usage)?;
    opts.place.feed(opts.name)
}

/// An existing feed: add the crates.io upstream when asked and missing or off.
fn existing(session: &Session, info: FeedInfo, upstream: bool) -> Result<(FeedInfo, Action)> {
    let state = Upstream::of(&info);
    if !upstream || matches!(state, Upstream::Ok | Upstream::Failing) {
        return Ok((info, Action::Existed));
    }
    let request = feeds::add_crates_io_request(&session.endpoints, &info);
    match feeds::send_feed(&session.client, &request) {
        Ok(updated) => Ok((updated, Action::UpstreamAdded)),
        Err(err) if err.is_permission() => bail!(Failure::new(
            Code::Auth,
            format!(
                "feed `{}` already exists, but its crates.io upstream is {}, and adding it needs \
                 the feed's Owner role and a token with {}: {err}\nWho can: a feed Owner, in the \
                 feed's Feed settings › Upstream sources (add crates.io) — Feed settings › \
                 Permissions lists the Owners — or by running this command.",
                info.name,
                state.describe(),
                Scope::Manage.pat_name()
            )
        )),
        Err(err) => Err(Failure::from(err).into()),
    }
}

/// Explains a refused `POST feeds`, narrowed down where Azure lets us: a feed of that name
/// elsewhere in the organization, or a caller Azure lists as a feed creator (then the token's
/// scope is what is missing).
fn create_refused(session: &Session, feed: &Feed, mut err: Box<RestError>) -> anyhow::Error {
    let e = &session.endpoints;
    match &err.problem {
        Problem::Conflict => {
            let elsewhere = feeds::list_feeds(&session.client, &e.organization(), None)
                .ok()
                .and_then(|all| {
                    all.into_iter()
                        .find(|f| f.name.eq_ignore_ascii_case(&feed.name))
                });
            let hint = match elsewhere {
                Some(found) => {
                    let there = Feed {
                        project: found.project_name().map(str::to_string),
                        name: found.name.clone(),
                        ..feed.clone()
                    };
                    format!(
                        "\nIt is feed `{}` ({} scope): to use it, run `{}`",
                        found.name,
                        there.scope(),
                        connect_command(&there, None)
                    )
                }
                None => String::new(),
            };
            return Failure::new(Code::Usage, format!("{err}{hint}")).into();
        }
        Problem::ScopeOrRole(_) | Problem::FeedCreator | Problem::Role => {
            if caller_is_feed_creator(session) {
                err.problem = Problem::Scope(Scope::Write);
            } else if err.problem != Problem::FeedCreator && err.status == Some(403) {
                err.problem = Problem::FeedCreator;
            }
        }
        _ => {}
    }
    Failure::from(err).into()
}

/// Whether Azure lists the caller itself as a feed creator or administrator of the
/// organization (groups it belongs to cannot be resolved, so `false` proves nothing).
fn caller_is_feed_creator(session: &Session) -> bool {
    let Ok(me) = feeds::connection_data(&session.client, &session.endpoints.organization()) else {
        return false;
    };
    let Some(id) = me.authenticated_user.and_then(|u| u.id) else {
        return false;
    };
    feeds::global_permissions(&session.client, &session.endpoints)
        .map(|all| {
            all.iter().any(|p| {
                p.identity_id.as_deref() == Some(id.as_str())
                    && matches!(p.role.as_deref(), Some("feedCreator" | "administrator"))
            })
        })
        .unwrap_or(false)
}
