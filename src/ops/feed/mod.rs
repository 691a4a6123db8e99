//! The feed as an Azure DevOps object: list an organization's (or a project's) feeds and show
//! one, with its crates.io upstream, the caller's role as far as Azure tells it, and whether
//! the token may write; create one ([`create`]). Nothing here writes a file.
//!
//! The REST session, the upstream state and the role rules are
//! [`crate::azure::rest::session`]'s, shared with `doctor`.

pub mod create;

use anyhow::Result;
use serde::Serialize;

use crate::azure::feed::{Feed, FeedParts, Host};
use crate::azure::rest::credential::Want;
use crate::azure::rest::feeds::{self, FeedInfo, RoleFilter};
pub use crate::azure::rest::session::{KnownRole, Session, Upstream, role_of};
use crate::cargo::config::effective::Settings;
use crate::environment::Environment;
use crate::exit::{Code, Failure};

/// Which organization (and project) the user named, before validation.
#[derive(Debug, Clone, Default)]
pub struct Place<'a> {
    pub organization: Option<&'a str>,
    pub server_url: Option<&'a str>,
    pub collection: Option<&'a str>,
    pub project: Option<&'a str>,
}

impl<'a> Place<'a> {
    fn named(&self) -> bool {
        self.organization.is_some() || self.server_url.is_some()
    }

    /// The feed `name` in this place, names checked as `connect` checks them.
    pub fn feed(&self, name: &'a str) -> Result<Feed> {
        Feed::from_parts(&FeedParts {
            organization: self.organization,
            server_url: self.server_url,
            collection: self.collection,
            project: self.project,
            feed: Some(name),
            force_auth: false,
        })
        .map_err(usage)
    }
}

/// A usage error (exit 2) from a plain one.
fn usage(err: anyhow::Error) -> anyhow::Error {
    Failure::new(Code::Usage, format!("{err:#}")).into()
}

/// One feed as `list` and `show` report it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedSummary {
    pub name: String,
    pub project: Option<String>,
    /// `project`, `organization` or `collection`.
    pub scope: &'static str,
    pub crates_io_upstream: Upstream,
    /// Azure's `statusDetails` reasons for a failing upstream.
    pub upstream_status_details: Vec<String>,
    pub role: KnownRole,
    pub index_url: String,
}

impl FeedSummary {
    fn new(host: &Host, info: &FeedInfo, role: KnownRole) -> FeedSummary {
        let feed = Feed {
            host: host.clone(),
            project: info.project_name().map(str::to_string),
            name: info.name.clone(),
            force_auth: false,
        };
        FeedSummary {
            name: info.name.clone(),
            project: feed.project.clone(),
            scope: feed.scope(),
            crates_io_upstream: Upstream::of(info),
            upstream_status_details: info
                .crates_io()
                .and_then(|u| u.reasons())
                .into_iter()
                .collect(),
            role,
            index_url: feed.index_url(),
        }
    }
}

/// `feed list`'s answer.
#[derive(Debug, Serialize)]
pub struct Listing {
    /// The organization (or `server/collection`).
    pub organization: String,
    pub project: Option<String>,
    /// Whose token was used, when Azure says.
    pub identity: Option<String>,
    pub token_from: String,
    pub feeds: Vec<FeedSummary>,
}

/// The host (and project) named by `place`, or else this project's one Azure registry's.
pub fn resolve_place(env: &Environment, place: &Place<'_>) -> Result<(Host, Option<String>)> {
    if place.named() {
        let feed = place.feed("x")?;
        return Ok((feed.host, feed.project));
    }
    let feed = project_feed(env)?;
    Ok((
        feed.host,
        place.project.map(str::to_string).or(feed.project),
    ))
}

/// The feed of this project's one Azure Artifacts registry.
pub fn project_feed(env: &Environment) -> Result<Feed> {
    let settings = Settings::load(env)?;
    let registry = settings.pick(None).map_err(|e| {
        Failure::new(
            Code::Usage,
            format!(
                "{e:#}; or name the feed: `--org ORG [--project PROJECT]` (Services) or \
                 `--server-url URL --collection NAME` (Server)"
            ),
        )
    })?;
    Feed::parse_url(&registry.index)
}

/// Lists the feeds the caller can read in the organization (and project).
pub fn list(env: &Environment, place: &Place<'_>, want: &Want) -> Result<Listing> {
    let (host, project) = resolve_place(env, place)?;
    let session = Session::open(
        env,
        Settings::load(env).ok().as_ref(),
        &host,
        project.as_deref(),
        None,
        want,
    )?;
    let e = &session.endpoints;
    let mut infos = feeds::list_feeds(&session.client, e, None).map_err(Failure::from)?;
    if project.is_some() {
        // The organization's own feeds too (the organization list may also hold other
        // projects' feeds: those are left out).
        let org =
            feeds::list_feeds(&session.client, &e.organization(), None).map_err(Failure::from)?;
        infos.extend(org.into_iter().filter(|f| f.project.is_none()));
    }
    infos.dedup_by(|a, b| a.name.eq_ignore_ascii_case(&b.name) && a.project == b.project);
    let owned = role_list(&session, project.is_some(), RoleFilter::Administrator);
    let published = role_list(&session, project.is_some(), RoleFilter::Contributor);
    let feeds = infos
        .iter()
        .map(|info| {
            let key = (
                info.name.to_ascii_lowercase(),
                info.project_name().map(str::to_string),
            );
            let role = if owned.contains(&key) {
                KnownRole::Owner
            } else if published.contains(&key) {
                KnownRole::Contributor
            } else {
                KnownRole::ReaderOrCollaborator
            };
            FeedSummary::new(&host, info, role)
        })
        .collect();
    Ok(Listing {
        organization: place_name(&host),
        project,
        identity: session.identity(),
        token_from: session.token_from.clone(),
        feeds,
    })
}

/// The (name, project) of the feeds listed with `feedRole=role`; empty when Azure refuses the
/// filter (a role is then never claimed higher than Azure said).
fn role_list(
    session: &Session,
    with_project: bool,
    role: RoleFilter,
) -> Vec<(String, Option<String>)> {
    let e = &session.endpoints;
    let mut scopes = vec![e.clone()];
    if with_project {
        scopes.push(e.organization());
    }
    scopes
        .iter()
        .filter_map(|e| feeds::list_feeds(&session.client, e, Some(role)).ok())
        .flatten()
        .map(|f| {
            (
                f.name.to_ascii_lowercase(),
                f.project_name().map(str::to_string),
            )
        })
        .collect()
}

/// `ORG` on Services, `SERVER/COLLECTION` on Server.
fn place_name(host: &Host) -> String {
    match host {
        Host::Services { organization } => organization.clone(),
        Host::Server { base, collection } => {
            format!("{}/{collection}", base.as_str().trim_end_matches('/'))
        }
    }
}

/// `feed show`'s answer.
#[derive(Debug, Serialize)]
pub struct Shown {
    pub organization: String,
    #[serde(flatten)]
    pub feed: FeedSummary,
    pub id: Option<String>,
    /// Every upstream source: name, protocol, location, status.
    pub upstreams: Vec<UpstreamReport>,
    /// Whether the token may write (save crates from upstream), from a harmless request that
    /// needs the write scope; `null` when Azure's answer did not tell.
    pub token_may_write: Option<bool>,
    /// The crates saved in the feed, `name version` each, and whether saved from an upstream;
    /// `null` when Azure did not list them.
    pub crates: Option<Vec<SavedCrate>>,
    pub identity: Option<String>,
    pub token_from: String,
}

#[derive(Debug, Serialize)]
pub struct SavedCrate {
    pub name: String,
    pub version: String,
    pub from_upstream: bool,
}

#[derive(Debug, Serialize)]
pub struct UpstreamReport {
    pub name: Option<String>,
    pub protocol: Option<String>,
    pub location: Option<String>,
    pub status: Option<String>,
}

/// Shows one feed: `feed` (a URL or a name in `place`) or this project's registry's feed.
pub fn show(
    env: &Environment,
    feed: Option<&str>,
    place: &Place<'_>,
    want: &Want,
) -> Result<Shown> {
    let feed = match feed {
        Some(text) if text.contains('/') => Feed::parse_url(text).map_err(usage)?,
        Some(name) if place.named() => place.feed(name)?,
        Some(name) => {
            let here = project_feed(env)?;
            let project = place.project.map(str::to_string).or(here.project);
            Feed {
                project,
                name: name.to_string(),
                ..here
            }
        }
        None => project_feed(env)?,
    };
    let session = Session::open(
        env,
        Settings::load(env).ok().as_ref(),
        &feed.host,
        feed.project.as_deref(),
        Some(&feed.name),
        want,
    )?;
    let e = &session.endpoints;
    let info = feeds::get_feed(&session.client, e, &feed.name).map_err(Failure::from)?;
    let role = role_of(&session, &info);
    let token_may_write = match feeds::write_check(&session.client, e, &info.name) {
        Ok(()) => Some(true),
        Err(err) if err.is_permission() => Some(false),
        Err(_) => None,
    };
    let crates = feeds::list_packages(&session.client, e, &info.name, None)
        .ok()
        .map(|packages| {
            packages
                .into_iter()
                .flat_map(|p| {
                    p.versions.into_iter().map(move |v| SavedCrate {
                        name: p.name.clone(),
                        version: v.version,
                        from_upstream: v.direct_upstream_source_id.is_some(),
                    })
                })
                .collect()
        });
    Ok(Shown {
        organization: place_name(&feed.host),
        crates,
        id: info.id.clone(),
        upstreams: info
            .upstream_sources
            .iter()
            .filter(|u| u.deleted_date.is_none())
            .map(|u| UpstreamReport {
                name: u.name.clone(),
                protocol: u.protocol.clone(),
                location: u.location.clone(),
                status: u.status.clone(),
            })
            .collect(),
        feed: FeedSummary::new(&feed.host, &info, role),
        token_may_write,
        identity: session.identity(),
        token_from: session.token_from.clone(),
    })
}

/// The `feedctl connect …` command for `feed`, quoted for sh and PowerShell alike.
pub fn connect_command(feed: &Feed, token_flag: Option<&str>) -> String {
    let mut words = vec!["feedctl".to_string(), "connect".to_string()];
    match &feed.host {
        Host::Services { organization } => {
            words.extend(["--org".into(), quote(organization)]);
        }
        Host::Server { base, collection } => {
            words.extend([
                "--server-url".into(),
                quote(base.as_str().trim_end_matches('/')),
                "--collection".into(),
                quote(collection),
            ]);
        }
    }
    if let Some(project) = &feed.project {
        words.extend(["--project".into(), quote(project)]);
    }
    words.extend(["--feed".into(), quote(&feed.name)]);
    words.extend(token_flag.map(str::to_string));
    words.join(" ")
}

/// Single quotes (the same in sh and PowerShell) when a word needs any.
fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_step_is_a_command_that_runs_as_printed() {
        let feed = Feed::from_parts(&FeedParts {
            organization: Some("contoso"),
            project: Some("Web Team"),
            feed: Some("crates"),
            ..FeedParts::default()
        })
        .unwrap();
        assert_eq!(
            connect_command(&feed, Some("--pat-env AZURE_DEVOPS_PAT")),
            "feedctl connect --org contoso --project 'Web Team' --feed crates --pat-env AZURE_DEVOPS_PAT"
        );
        let server = Feed::parse_url(
            "https://tfs.contoso.com/tfs/DefaultCollection/_packaging/crates/Cargo/index/",
        )
        .unwrap();
        assert_eq!(
            connect_command(&server, None),
            "feedctl connect --server-url https://tfs.contoso.com/tfs --collection DefaultCollection --feed crates"
        );
        assert_eq!(quote("it's"), "'it''s'");
    }
}
