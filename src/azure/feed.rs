//! The feed model: what an Azure Artifacts Cargo feed is, how users name it, and the one
//! builder of its sparse index URL.
//!
//! Everything here is pure (no I/O). Flags (`--org`, `--server-url`, …) and pasted URLs (the
//! feed's web page, a legacy `visualstudio.com` page, or an index URL) all become one [`Feed`],
//! and [`Feed::index_url`] is the only place an index URL is ever assembled.

use std::fmt;
use std::net::IpAddr;

use anyhow::{Context, Result, bail};
use url::Url;

use crate::azure::endpoints::{self, Endpoints, Place};

/// The host of Azure DevOps Services' package endpoints.
const SERVICES_PKGS_HOST: &str = "pkgs.dev.azure.com";
/// The suffix Azure appends to a feed name to make cargo authenticate against a public feed.
const FORCE_AUTH: &str = "~force-auth";

/// Where a feed lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host {
    /// Azure DevOps Services (`dev.azure.com`), addressed by organization.
    Services { organization: String },
    /// Azure DevOps Server (on-premises), addressed by its base URL and a collection.
    Server { base: Url, collection: String },
}

/// An Azure Artifacts feed, as precise as the index URL needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    pub host: Host,
    /// `None` for organization- or collection-scoped feeds.
    pub project: Option<String>,
    pub name: String,
    /// Append `~force-auth`: cargo then authenticates even when the feed allows anonymous reads.
    pub force_auth: bool,
}

/// The pieces of a feed as given on the command line, before validation.
#[derive(Debug, Default, Clone)]
pub struct FeedParts<'a> {
    pub organization: Option<&'a str>,
    pub server_url: Option<&'a str>,
    pub collection: Option<&'a str>,
    pub project: Option<&'a str>,
    pub feed: Option<&'a str>,
    pub force_auth: bool,
}

impl Host {
    /// The REST surfaces of this organization or collection, narrowed to `project`.
    pub fn endpoints(&self, project: Option<&str>) -> Endpoints {
        let place = match self {
            Host::Services { organization } => Place::Services { organization },
            Host::Server { base, collection } => Place::Server { base, collection },
        };
        Endpoints::new(place, project)
    }
}

impl Feed {
    /// The REST surfaces of the feed's organization (or collection) and project.
    pub fn endpoints(&self) -> Endpoints {
        self.host.endpoints(self.project.as_deref())
    }

    /// Builds a feed from command-line flags, checking every name.
    pub fn from_parts(parts: &FeedParts<'_>) -> Result<Feed> {
        let Some(feed) = parts.feed else {
            bail!("missing `--feed`: name the feed (or pass its URL instead of the flags)");
        };
        let (name, suffix_force_auth) = split_force_auth(feed);
        let host = match (parts.organization, parts.server_url) {
            (Some(_), Some(_)) => {
                bail!(
                    "`--org` is for Azure DevOps Services and `--server-url` for Azure DevOps \
                     Server: pass one of them, not both"
                )
            }
            (Some(org), None) => {
                if parts.collection.is_some() {
                    bail!(
                        "`--collection` goes with `--server-url` (Azure DevOps Server), not `--org`"
                    );
                }
                check_organization(org)?;
                Host::Services {
                    organization: org.to_string(),
                }
            }
            (None, Some(server)) => {
                let Some(collection) = parts.collection else {
                    bail!(
                        "missing `--collection`: Azure DevOps Server feeds live in a collection \
                         (often `DefaultCollection`)"
                    );
                };
                check_segment("collection", "--collection", collection)?;
                Host::Server {
                    base: parse_server_url(server)?,
                    collection: collection.to_string(),
                }
            }
            (None, None) => bail!(
                "say where the feed lives: `--org ORG` (Azure DevOps Services) or `--server-url \
                 URL --collection NAME` (Azure DevOps Server), or pass the feed's URL"
            ),
        };
        if let Some(project) = parts.project {
            check_segment("project", "--project", project)?;
        }
        check_feed_name(name)?;
        Ok(Feed {
            host,
            project: parts.project.map(str::to_string),
            name: name.to_string(),
            force_auth: parts.force_auth || suffix_force_auth,
        })
    }

    /// Parses any URL a user may paste: the feed's web page (`…/_artifacts/feed/FEED…`, also
    /// on legacy `ORG.visualstudio.com` hosts) or an index URL (`…/_packaging/FEED/Cargo/index/`,
    /// with or without `sparse+` and `~force-auth`).
    ///
    /// Also accepted: surrounding whitespace or quotes, a missing `https://`, upper-case
    /// hosts and path words, `…/Cargo/index` without the final slash or with `config.json`,
    /// the old `_packaging?_a=feed&feed=FEED` pages, `feeds.dev.azure.com/…/_apis/packaging/
    /// feeds/FEED` and `https://ORG.visualstudio.com/DefaultCollection/…`. A URL carrying a
    /// user name or password is refused, and no error message repeats the password.
    pub fn parse_url(input: &str) -> Result<Feed> {
        let shown = redact_url(input.trim());
        let input = shown.as_str();
        let trimmed = unquote(input);
        let without_sparse = match trimmed.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case("sparse+") => &trimmed[7..],
            _ => trimmed,
        };
        let with_scheme;
        let without_sparse = if without_sparse.contains("://") {
            without_sparse
        } else {
            with_scheme = format!("https://{without_sparse}");
            &with_scheme
        };
        let url = Url::parse(without_sparse).with_context(|| format!("`{input}` is not a URL"))?;
        check_scheme(&url, input)?;
        if !url.username().is_empty() || url.password().is_some() {
            bail!(
                "`{input}` carries a user name or password: feedctl never writes one into a \
                 config file (cargo refuses index URLs with a password, and the file gets \
                 committed). Paste the URL without `user:password@` and give the token with \
                 `--pat-stdin` or `--pat-env VAR`"
            );
        }
        let segments: Vec<String> = url
            .path_segments()
            .map(|s| {
                s.filter(|s| !s.is_empty())
                    .map(decode)
                    .collect::<Result<_>>()
            })
            .transpose()?
            .unwrap_or_default();
        let word = |w: &'static str| move |s: &String| s.eq_ignore_ascii_case(w);
        let query_feed = url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("feed"))
            .map(|(_, v)| v.into_owned());
        let (before, feed) = if let Some(i) = segments.iter().position(word("_packaging")) {
            let feed = segments
                .get(i + 1)
                .or(query_feed.as_ref())
                .with_context(|| {
                    format!("`{input}` ends at `_packaging`: the feed name should follow it")
                })?;
            let rest: Vec<&str> = segments
                .get(i + 2..)
                .unwrap_or_default()
                .iter()
                .map(String::as_str)
                .collect();
            if !rest.is_empty() && !rest[0].eq_ignore_ascii_case("cargo") {
                bail!(
                    "`{input}` is a `{}` feed URL, not a Cargo one: use the URL from the feed's \
                     \"Connect to feed → Cargo\" page",
                    rest[0]
                );
            }
            (&segments[..i], feed.as_str())
        } else if let Some(i) = segments.iter().position(word("_apis")) {
            // `feeds.dev.azure.com/ORG[/PROJECT]/_apis/packaging/feeds/FEED` (the REST API).
            let feed = segments
                .get(i + 1..i + 4)
                .filter(|s| word("packaging")(&s[0]) && word("feeds")(&s[1]))
                .map(|s| &s[2])
                .with_context(|| {
                    format!("`{input}` is an Azure DevOps API URL, but not a feed's")
                })?;
            (&segments[..i], feed.as_str())
        } else if let Some(i) = segments.iter().position(word("_artifacts")) {
            if query_feed.is_some() && segments.get(i + 1).is_none() {
                let feed = query_feed.as_deref().unwrap_or_default();
                return Feed::parse_url(&format!(
                    "{}/_artifacts/feed/{feed}",
                    url.as_str()
                        .split(['?', '#'])
                        .next()
                        .unwrap_or_default()
                        .trim_end_matches('/')
                ));
            }
            if !segments.get(i + 1).is_some_and(word("feed")) {
                bail!(
                    "`{input}` is an Artifacts page but not a feed's: open the feed and copy its URL"
                );
            }
            let feed = segments.get(i + 2).with_context(|| {
                format!("`{input}` ends at `_artifacts/feed`: the feed name should follow it")
            })?;
            (&segments[..i], feed.as_str())
        } else {
            bail!(
                "`{input}` is not an Azure Artifacts feed URL: expected the feed's page \
                 (`https://dev.azure.com/ORG/PROJECT/_artifacts/feed/FEED`) or its Cargo index \
                 (`…/_packaging/FEED/Cargo/index/`)"
            );
        };
        let (name, force_auth) = split_force_auth(feed);
        check_feed_name(name)?;
        let host_name = url.host_str().unwrap_or_default().to_ascii_lowercase();
        // The test stand-in serves Services' layout (`{base}/{org}[/{project}]/…`).
        let services = services_organization(&host_name)
            .or_else(|| endpoints::is_on_stand_in(&url).then_some(None));
        let (host, project) = if let Some(org) = services {
            // Legacy hosts carry the organization in the host name: `ORG.visualstudio.com/PROJECT`.
            // Legacy hosts also show the collection: `ORG.visualstudio.com/DefaultCollection/…`.
            let before = match before {
                [collection, rest @ ..] if collection.eq_ignore_ascii_case("DefaultCollection") => {
                    rest
                }
                _ => before,
            };
            let (organization, project) = match (org, before) {
                (Some(org), [] | [_]) => (org, before.first().cloned()),
                (None, [org]) => (org.clone(), None),
                (None, [org, project]) => (org.clone(), Some(project.clone())),
                _ => bail!(
                    "`{input}` has an unexpected path for Azure DevOps Services: expected \
                     `/ORG[/PROJECT]/` before the feed"
                ),
            };
            check_organization(&organization)?;
            (Host::Services { organization }, project)
        } else {
            let (path, collection, project) = split_server_path(before).with_context(|| {
                format!(
                    "`{input}` does not name a collection: Azure DevOps Server URLs look like \
                     `https://SERVER[/tfs]/COLLECTION[/PROJECT]/_packaging/FEED/Cargo/index/`"
                )
            })?;
            let mut base = url.clone();
            base.set_query(None);
            base.set_fragment(None);
            base.set_path("");
            if !path.is_empty() {
                base.path_segments_mut()
                    .map_err(|()| anyhow::anyhow!("`{input}` cannot carry a path"))?
                    .extend(path);
            }
            check_segment("collection", "the URL", collection)?;
            (
                Host::Server {
                    base,
                    collection: collection.clone(),
                },
                project.cloned(),
            )
        };
        if let Some(project) = &project {
            check_segment("project", "the URL", project)?;
        }
        Ok(Feed {
            host,
            project,
            name: name.to_string(),
            force_auth,
        })
    }

    /// The canonical sparse index URL, e.g.
    /// `sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/`.
    pub fn index_url(&self) -> String {
        let mut url = match &self.host {
            Host::Services { .. } => endpoints::services_root(SERVICES_PKGS_HOST),
            Host::Server { base, .. } => base.clone(),
        };
        let feed_segment = if self.force_auth {
            format!("{}{FORCE_AUTH}", self.name)
        } else {
            self.name.clone()
        };
        {
            let mut path = url
                .path_segments_mut()
                .expect("http(s) URLs always have a path");
            path.pop_if_empty();
            match &self.host {
                Host::Services { organization } => path.push(organization),
                Host::Server { collection, .. } => path.push(collection),
            };
            if let Some(project) = &self.project {
                path.push(project);
            }
            path.extend(["_packaging", &feed_segment, "Cargo", "index", ""]);
        }
        format!("sparse+{url}")
    }

    /// How the feed is scoped, in Azure's words.
    pub fn scope(&self) -> &'static str {
        match (&self.host, &self.project) {
            (_, Some(_)) => "project",
            (Host::Services { .. }, None) => "organization",
            (Host::Server { .. }, None) => "collection",
        }
    }
}

impl fmt::Display for Feed {
    /// `ORG/PROJECT/FEED` (or `COLLECTION/…` on a server), as Azure's UI names a feed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.host {
            Host::Services { organization } => write!(f, "{organization}/")?,
            Host::Server { base, collection } => {
                write!(f, "{}/{collection}/", base.as_str().trim_end_matches('/'))?
            }
        }
        if let Some(project) = &self.project {
            write!(f, "{project}/")?;
        }
        write!(f, "{}", self.name)
    }
}

/// Whether `url` (an index URL as found in a cargo config) points at an Azure Artifacts Cargo
/// feed. Used to pick "our" registries out of a config file.
pub fn is_azure_index(url: &str) -> bool {
    Feed::parse_url(url).is_ok()
        && url.contains("/_packaging/")
        && url.trim_end_matches('/').ends_with("/Cargo/index")
}

/// `url` with any `user:password@` replaced by `***@`, for messages and records.
pub fn redact_url(url: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &url[start + at..]),
        None => url.to_string(),
    }
}

/// A pasted value without the quotes or angle brackets around it.
fn unquote(input: &str) -> &str {
    for (open, close) in [('"', '"'), ('\'', '\''), ('<', '>'), ('`', '`')] {
        if let Some(inner) = input.strip_prefix(open).and_then(|s| s.strip_suffix(close)) {
            return inner.trim();
        }
    }
    input
}

/// Checks that cargo's environment variables for `name` (`CARGO_REGISTRIES_<NAME>_TOKEN`,
/// …) are names a shell, CI system or `.env` file can set: ASCII letters, digits and `_`
/// once cargo maps `-` to `_`. Cargo accepts other Unicode names, but then nobody can hand
/// it a token through the environment (CI, `feedctl env`).
pub fn check_registry_env_name(name: &str, flag: &str) -> Result<()> {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Ok(());
    }
    let suggestion: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let suggestion = suggest_registry_name(suggestion.trim_matches('-'));
    bail!(
        "`{name}` would be read from `CARGO_REGISTRIES_{}_TOKEN`, which is not a valid \
         environment variable name (only ASCII letters, digits and `_`), so CI and `feedctl \
         env` could never give cargo its token: pass `{flag} {suggestion}`",
        name.replace('-', "_").to_uppercase()
    )
}

/// Checks a cargo registry name against cargo's rule: a Unicode XID_start character or `_`
/// first, then XID_continue characters or `-`. On failure the error suggests a valid name.
pub fn check_registry_name(name: &str, flag: &str) -> Result<()> {
    if name == "crates-io" {
        bail!("`{flag}` cannot be `crates-io`: that name means crates.io itself to cargo");
    }
    let mut chars = name.chars();
    let problem = match chars.next() {
        None => Some("it is empty".to_string()),
        Some(c) if !(unicode_ident::is_xid_start(c) || c == '_') => {
            Some(format!("it starts with `{c}`"))
        }
        Some(_) => chars
            .find(|&c| !(unicode_ident::is_xid_continue(c) || c == '-'))
            .map(|c| format!("`{c}` is not allowed")),
    };
    match problem {
        None => Ok(()),
        Some(problem) => bail!(
            "`{name}` is not a valid cargo registry name ({problem}; names are letters, digits, \
             `_` and `-`, not starting with a digit or `-`): pass `--name {}`",
            suggest_registry_name(name)
        ),
    }
}

/// A valid registry name close to `name`: invalid characters become `-`, and a name that
/// cannot start a registry name gets a `feed-` prefix.
pub fn suggest_registry_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if unicode_ident::is_xid_continue(c) || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mapped = mapped.trim_matches('-').to_string();
    match mapped.chars().next() {
        Some(c) if unicode_ident::is_xid_start(c) || c == '_' => mapped,
        Some(_) => format!("feed-{mapped}"),
        None => "feed".to_string(),
    }
}

/// `Some(Some(org))` for legacy `ORG.visualstudio.com` / `ORG.pkgs.visualstudio.com` hosts,
/// `Some(None)` for the modern hosts (organization in the path), `None` for anything else.
fn services_organization(host: &str) -> Option<Option<String>> {
    match host {
        "dev.azure.com"
        | SERVICES_PKGS_HOST
        | "feeds.dev.azure.com"
        | "pkgs.visualstudio.com"
        | "feeds.visualstudio.com" => Some(None),
        _ => host
            .strip_suffix(".pkgs.visualstudio.com")
            .or_else(|| host.strip_suffix(".visualstudio.com"))
            .filter(|org| !org.is_empty() && !org.contains('.'))
            .map(|org| Some(org.to_string())),
    }
}

/// Splits the path before `_packaging` / `_artifacts` on a server into (server path,
/// collection, project). The path is ambiguous: `/a/b` is either `/tfs` + collection or
/// collection + project. Azure DevOps Server's only conventional virtual directory is `tfs`,
/// so a leading `tfs` is taken as server path; with three or more segments the last two are
/// collection and project. The rebuilt URL is the same either way.
fn split_server_path(segments: &[String]) -> Option<(&[String], &String, Option<&String>)> {
    let starts_with_tfs = segments
        .first()
        .is_some_and(|s| s.eq_ignore_ascii_case("tfs"));
    match segments {
        [] => None,
        [collection] => Some((&[], collection, None)),
        [_, collection] if starts_with_tfs => Some((&segments[..1], collection, None)),
        [collection, project] => Some((&[], collection, Some(project))),
        [.., collection, project] => {
            Some((&segments[..segments.len() - 2], collection, Some(project)))
        }
    }
}

fn split_force_auth(feed: &str) -> (&str, bool) {
    match feed.strip_suffix(FORCE_AUTH) {
        Some(name) => (name, true),
        None => (feed, false),
    }
}

fn decode(segment: &str) -> Result<String> {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .with_context(|| format!("URL path segment `{segment}` is not valid UTF-8 once decoded"))
}

fn parse_server_url(input: &str) -> Result<Url> {
    let shown = redact_url(input);
    let input = shown.as_str();
    let mut url = Url::parse(input).with_context(|| {
        format!("`--server-url {input}` is not a URL (e.g. `https://tfs.contoso.com/tfs`)")
    })?;
    check_scheme(&url, input)?;
    if url.query().is_some() || url.fragment().is_some() {
        bail!("`--server-url {input}` must not carry a query or fragment");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!(
            "`--server-url` must not carry credentials: cargo refuses index URLs with a password"
        );
    }
    // Normalise `https://host/tfs/` and `https://host/tfs` to the same base.
    let path = url.path().trim_end_matches('/').to_string();
    url.set_path(&path);
    Ok(url)
}

/// Only `https`, or `http` to a loopback host (a local test feed); cargo would send tokens in
/// the clear anywhere else.
fn check_scheme(url: &Url, input: &str) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => bail!(
            "`{input}` uses plain http: tokens would cross the network unencrypted. Use https \
             (plain http is accepted only for loopback hosts such as 127.0.0.1)"
        ),
        other => bail!("`{input}` has scheme `{other}`: feed URLs use https"),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Organization names: letters, digits and `-`, starting and ending with a letter or digit.
fn check_organization(org: &str) -> Result<()> {
    let ok = !org.is_empty()
        && org.len() <= 50
        && org.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !org.starts_with('-')
        && !org.ends_with('-');
    if !ok {
        bail!(
            "`{org}` is not a valid Azure DevOps organization name (letters, digits and `-`, \
             up to 50, not starting or ending with `-`)"
        );
    }
    Ok(())
}

/// Feed names: letters, digits, `.`, `_` and `-`, starting with a letter or digit.
fn check_feed_name(feed: &str) -> Result<()> {
    if feed.contains('@') {
        bail!(
            "`{feed}` names a feed view: feedctl connects to the feed itself; drop `@{}`",
            feed.split('@').nth(1).unwrap_or_default()
        );
    }
    let ok = !feed.is_empty()
        && feed.len() <= 64
        && feed
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && feed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !ok {
        bail!(
            "`{feed}` is not a valid feed name (letters, digits, `.`, `_` and `-`, up to 64, \
             starting with a letter or digit)"
        );
    }
    Ok(())
}

/// Azure's rule for a new feed's name (feed.json, Feed Management_Create Feed): at most 64
/// characters, no whitespace, not starting with `_` or `.`, not ending with `.`, none of
/// `@ ~ ; { } \ + = < > | / ? : & $ * " # [ ]`. The error names the name and the rule.
pub fn check_new_feed_name(name: &str) -> Result<()> {
    const RESERVED: &[char] = &[
        '@', '~', ';', '{', '}', '\\', '+', '=', '<', '>', '|', '/', '?', ':', '&', '$', '*', '"',
        '#', '[', ']',
    ];
    let problem = if name.is_empty() {
        Some("it is empty".to_string())
    } else if name.chars().count() > 64 {
        Some(format!(
            "it has {} characters, at most 64 are allowed",
            name.chars().count()
        ))
    } else if let Some(c) = name.chars().find(|c| c.is_whitespace() || c.is_control()) {
        Some(format!("it contains whitespace (`{}`)", c.escape_default()))
    } else if let Some(c) = name.chars().find(|c| RESERVED.contains(c)) {
        Some(format!("`{c}` is not allowed"))
    } else if name.starts_with(['_', '.']) {
        Some("it starts with `_` or `.`".to_string())
    } else if name.ends_with('.') {
        Some("it ends with `.`".to_string())
    } else {
        None
    };
    match problem {
        Some(problem) => bail!(
            "`{name}` is not a valid feed name: {problem} (Azure Artifacts: at most 64 \
             characters, no whitespace, not starting with `_` or `.`, not ending with `.`, none \
             of `@ ~ ; {{ }} \\ + = < > | / ? : & $ * \" # [ ]`)"
        ),
        None => Ok(()),
    }
}

/// Project and collection names: any characters but Azure's reserved ones; no leading `_`
/// or `.`, no trailing `.`, at most 64 characters.
fn check_segment(what: &str, flag: &str, value: &str) -> Result<()> {
    const RESERVED: &[char] = &[
        '/', '\\', ':', '*', '?', '"', '<', '>', '|', ';', '#', '$', '{', '}', ',', '+', '=', '[',
        ']', '%', '&',
    ];
    let problem = if value.trim().is_empty() {
        Some("it is empty".to_string())
    } else if let Some(c) = value
        .chars()
        .find(|c| RESERVED.contains(c) || c.is_control())
    {
        Some(format!("`{}` is not allowed", c.escape_default()))
    } else if value.starts_with(['_', '.']) {
        Some("it starts with `_` or `.`".to_string())
    } else if value.ends_with('.') {
        Some("it ends with `.`".to_string())
    } else if value.chars().count() > 64 {
        Some("it is longer than 64 characters".to_string())
    } else {
        None
    };
    match problem {
        Some(problem) => bail!("{flag}: `{value}` is not a valid {what} name: {problem}"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(org: &str, project: Option<&str>, feed: &str) -> Feed {
        Feed {
            host: Host::Services {
                organization: org.into(),
            },
            project: project.map(Into::into),
            name: feed.into(),
            force_auth: false,
        }
    }

    #[test]
    fn urls_parse_to_the_model_and_rebuild_canonically() {
        let web = services("contoso", Some("Web Team"), "crates");
        let org = services("contoso", None, "crates");
        let forced = Feed {
            force_auth: true,
            ..web.clone()
        };
        let web_index =
            "sparse+https://pkgs.dev.azure.com/contoso/Web%20Team/_packaging/crates/Cargo/index/";
        let cases: &[(&str, &Feed, &str)] = &[
            (
                "https://dev.azure.com/contoso/Web%20Team/_artifacts/feed/crates",
                &web,
                web_index,
            ),
            (
                "https://dev.azure.com/contoso/Web Team/_artifacts/feed/crates/connect/cargo",
                &web,
                web_index,
            ),
            (
                "https://dev.azure.com/contoso/Web%20Team/_artifacts/feed/crates?view=overview#x",
                &web,
                web_index,
            ),
            (
                "https://contoso.visualstudio.com/Web%20Team/_artifacts/feed/crates",
                &web,
                web_index,
            ),
            (
                "https://contoso.pkgs.visualstudio.com/Web%20Team/_packaging/crates/Cargo/index/",
                &web,
                web_index,
            ),
            (web_index, &web, web_index),
            (&web_index[7..], &web, web_index),
            (
                "https://pkgs.dev.azure.com/contoso/Web%20Team/_packaging/crates/Cargo/index",
                &web,
                web_index,
            ),
            (
                "https://pkgs.dev.azure.com/contoso/Web%20Team/_packaging/crates~force-auth/Cargo/index/",
                &forced,
                "sparse+https://pkgs.dev.azure.com/contoso/Web%20Team/_packaging/crates~force-auth/Cargo/index/",
            ),
            (
                "https://dev.azure.com/contoso/_artifacts/feed/crates",
                &org,
                "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
            ),
            (
                "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
                &org,
                "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
            ),
        ];
        for (input, model, index) in cases {
            let parsed = Feed::parse_url(input).unwrap_or_else(|e| panic!("{input}: {e:#}"));
            assert_eq!(&parsed, *model, "{input}");
            assert_eq!(parsed.index_url(), *index, "{input}");
        }
    }

    #[test]
    fn the_shapes_users_paste_are_understood() {
        let web = "sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/";
        let org = "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/";
        let cases = [
            (
                "https://pkgs.visualstudio.com/contoso/web/_packaging/crates/Cargo/index/",
                web,
            ),
            (
                "https://contoso.visualstudio.com/DefaultCollection/web/_packaging/crates/Cargo/index/",
                web,
            ),
            (
                "https://contoso.visualstudio.com/DefaultCollection/_artifacts/feed/crates",
                org,
            ),
            ("dev.azure.com/contoso/web/_artifacts/feed/crates", web),
            (
                "pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
                org,
            ),
            (
                "  https://dev.azure.com/contoso/web/_artifacts/feed/crates/connect/cargo \n",
                web,
            ),
            (
                "https://dev.azure.com/contoso/web/_packaging?_a=feed&feed=crates",
                web,
            ),
            (
                "https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index",
                web,
            ),
            (
                "https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/config.json",
                web,
            ),
            (
                "HTTPS://PKGS.DEV.AZURE.COM/contoso/web/_PACKAGING/crates/cargo/index/",
                web,
            ),
            (
                "\"https://dev.azure.com/contoso/_artifacts/feed/crates\"",
                org,
            ),
            (
                "https://feeds.dev.azure.com/contoso/web/_apis/packaging/feeds/crates",
                web,
            ),
        ];
        for (input, index) in cases {
            let feed = Feed::parse_url(input).unwrap_or_else(|e| panic!("{input}: {e:#}"));
            assert_eq!(feed.index_url(), index, "{input}");
        }
    }

    #[test]
    fn passwords_are_refused_and_never_repeated() {
        for input in [
            "https://me:hunter2@dev.azure.com/contoso/_artifacts/feed/crates",
            "me:hunter2@dev.azure.com/contoso/_artifacts/feed/crates",
            "sparse+https://me:hunter2@pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
            "https://me:hunter2@dev.azure.com/contoso/not-a-feed",
        ] {
            let err = format!("{:#}", Feed::parse_url(input).unwrap_err());
            assert!(!err.contains("hunter2"), "{err}");
        }
        assert_eq!(redact_url("https://u:p@host/x@y"), "https://***@host/x@y");
        let err = format!(
            "{:#}",
            parse_server_url("https://u:hunter2@tfs/").unwrap_err()
        );
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn registry_names_need_a_usable_env_var() {
        assert!(check_registry_env_name("my-feed_2", "--name").is_ok());
        let err = check_registry_env_name("données", "--name")
            .unwrap_err()
            .to_string();
        assert!(err.contains("--name donn-es"), "{err}");
    }

    #[test]
    fn server_urls_keep_their_path_and_round_trip() {
        let cases = [
            (
                "https://tfs.contoso.com/tfs/DefaultCollection/web/_artifacts/feed/crates",
                "https://tfs.contoso.com/tfs",
                "DefaultCollection",
                Some("web"),
                "sparse+https://tfs.contoso.com/tfs/DefaultCollection/web/_packaging/crates/Cargo/index/",
            ),
            (
                "https://tfs.contoso.com/tfs/DefaultCollection/_packaging/crates/Cargo/index/",
                "https://tfs.contoso.com/tfs",
                "DefaultCollection",
                None,
                "sparse+https://tfs.contoso.com/tfs/DefaultCollection/_packaging/crates/Cargo/index/",
            ),
            (
                "https://ado.contoso.com/Coll/Proj/_packaging/crates/Cargo/index/",
                "https://ado.contoso.com/",
                "Coll",
                Some("Proj"),
                "sparse+https://ado.contoso.com/Coll/Proj/_packaging/crates/Cargo/index/",
            ),
            (
                "http://127.0.0.1:8080/Coll/_packaging/crates/Cargo/index/",
                "http://127.0.0.1:8080/",
                "Coll",
                None,
                "sparse+http://127.0.0.1:8080/Coll/_packaging/crates/Cargo/index/",
            ),
        ];
        for (input, base, collection, project, index) in cases {
            let feed = Feed::parse_url(input).unwrap_or_else(|e| panic!("{input}: {e:#}"));
            let Host::Server {
                base: b,
                collection: c,
            } = &feed.host
            else {
                panic!("{input} parsed as Services");
            };
            assert_eq!((b.as_str(), c.as_str()), (base, collection), "{input}");
            assert_eq!(feed.project.as_deref(), project, "{input}");
            assert_eq!(feed.index_url(), index, "{input}");
            assert_eq!(Feed::parse_url(&feed.index_url()).unwrap(), feed, "{input}");
        }
    }

    #[test]
    fn flags_build_every_scope() {
        let cases = [
            (
                FeedParts {
                    organization: Some("contoso"),
                    project: Some("web"),
                    feed: Some("crates"),
                    ..Default::default()
                },
                "sparse+https://pkgs.dev.azure.com/contoso/web/_packaging/crates/Cargo/index/",
                "project",
            ),
            (
                FeedParts {
                    organization: Some("contoso"),
                    feed: Some("crates"),
                    ..Default::default()
                },
                "sparse+https://pkgs.dev.azure.com/contoso/_packaging/crates/Cargo/index/",
                "organization",
            ),
            (
                FeedParts {
                    organization: Some("contoso"),
                    project: Some("Web Team"),
                    feed: Some("crates"),
                    force_auth: true,
                    ..Default::default()
                },
                "sparse+https://pkgs.dev.azure.com/contoso/Web%20Team/_packaging/crates~force-auth/Cargo/index/",
                "project",
            ),
            (
                FeedParts {
                    server_url: Some("https://tfs.contoso.com/tfs/"),
                    collection: Some("DefaultCollection"),
                    project: Some("web"),
                    feed: Some("crates"),
                    ..Default::default()
                },
                "sparse+https://tfs.contoso.com/tfs/DefaultCollection/web/_packaging/crates/Cargo/index/",
                "project",
            ),
            (
                FeedParts {
                    server_url: Some("https://tfs.contoso.com"),
                    collection: Some("Coll"),
                    feed: Some("my.crates~force-auth"),
                    ..Default::default()
                },
                "sparse+https://tfs.contoso.com/Coll/_packaging/my.crates~force-auth/Cargo/index/",
                "collection",
            ),
            (
                FeedParts {
                    server_url: Some("http://[::1]:9000"),
                    collection: Some("C"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "sparse+http://[::1]:9000/C/_packaging/f/Cargo/index/",
                "collection",
            ),
        ];
        for (parts, index, scope) in cases {
            let feed = Feed::from_parts(&parts).unwrap_or_else(|e| panic!("{parts:?}: {e:#}"));
            assert_eq!(feed.index_url(), index);
            assert_eq!(feed.scope(), scope);
            assert_eq!(
                Feed::parse_url(index).unwrap(),
                feed,
                "round trip of {index}"
            );
        }
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        let flag_cases = [
            (
                FeedParts {
                    organization: Some("contoso"),
                    ..Default::default()
                },
                "--feed",
            ),
            (
                FeedParts {
                    feed: Some("f"),
                    ..Default::default()
                },
                "--org ORG",
            ),
            (
                FeedParts {
                    organization: Some("a"),
                    server_url: Some("https://x"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "not both",
            ),
            (
                FeedParts {
                    server_url: Some("https://x"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "--collection",
            ),
            (
                FeedParts {
                    server_url: Some("http://tfs.contoso.com"),
                    collection: Some("C"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "plain http",
            ),
            (
                FeedParts {
                    server_url: Some("ftp://x"),
                    collection: Some("C"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "scheme `ftp`",
            ),
            (
                FeedParts {
                    organization: Some("con/toso"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "organization name",
            ),
            (
                FeedParts {
                    organization: Some("c"),
                    project: Some("a/b"),
                    feed: Some("f"),
                    ..Default::default()
                },
                "`/` is not allowed",
            ),
            (
                FeedParts {
                    organization: Some("c"),
                    project: Some(""),
                    feed: Some("f"),
                    ..Default::default()
                },
                "it is empty",
            ),
            (
                FeedParts {
                    organization: Some("c"),
                    feed: Some("my feed"),
                    ..Default::default()
                },
                "not a valid feed name",
            ),
            (
                FeedParts {
                    organization: Some("c"),
                    feed: Some(""),
                    ..Default::default()
                },
                "not a valid feed name",
            ),
            (
                FeedParts {
                    organization: Some("c"),
                    feed: Some("f@Release"),
                    ..Default::default()
                },
                "feed view",
            ),
        ];
        for (parts, expected) in flag_cases {
            let err = format!("{:#}", Feed::from_parts(&parts).unwrap_err());
            assert!(err.contains(expected), "{parts:?}: {err}");
        }
        let url_cases = [
            ("not a url", "is not a URL"),
            (
                "http://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/",
                "plain http",
            ),
            (
                "https://example.com/nothing/here",
                "not an Azure Artifacts feed URL",
            ),
            (
                "https://pkgs.dev.azure.com/c/p/_packaging/f/npm/registry/",
                "`npm` feed URL",
            ),
            (
                "https://dev.azure.com/c/p/_artifacts/feed/",
                "feed name should follow",
            ),
            (
                "https://dev.azure.com/a/b/c/_artifacts/feed/f",
                "unexpected path",
            ),
            (
                "https://tfs.contoso.com/_packaging/f/Cargo/index/",
                "does not name a collection",
            ),
        ];
        for (input, expected) in url_cases {
            let err = format!("{:#}", Feed::parse_url(input).unwrap_err());
            assert!(err.contains(expected), "{input}: {err}");
        }
    }

    #[test]
    fn registry_names_follow_cargos_rule() {
        for ok in ["crates", "my-feed", "my_feed", "_x", "Ünïcode", "a1"] {
            check_registry_name(ok, "--name").unwrap();
        }
        let cases = [
            ("my.feed", "`.` is not allowed", "--name my-feed"),
            ("1feed", "starts with `1`", "--name feed-1feed"),
            ("-x", "starts with `-`", "--name x"),
            ("", "it is empty", "--name feed"),
            ("crates-io", "crates.io itself", ""),
        ];
        for (name, problem, suggestion) in cases {
            let err = check_registry_name(name, "--name").unwrap_err().to_string();
            assert!(
                err.contains(problem) && err.contains(suggestion),
                "{name}: {err}"
            );
        }
    }

    #[test]
    fn new_feed_names_follow_azures_rule() {
        for ok in ["crates", "my-feed", "My.Feed_2", "données", &"x".repeat(64)] {
            check_new_feed_name(ok).unwrap_or_else(|e| panic!("{ok}: {e:#}"));
        }
        for (bad, rule) in [
            ("", "it is empty"),
            ("my feed", "whitespace"),
            ("tab\tfeed", "whitespace"),
            (".feed", "starts with"),
            ("_feed", "starts with"),
            ("feed.", "ends with"),
            ("a#b", "`#` is not allowed"),
            ("a\\b", "is not allowed"),
            (&"x".repeat(65), "65 characters"),
        ] {
            let err = check_new_feed_name(bad).unwrap_err().to_string();
            assert!(
                err.contains(rule) && err.contains(&format!("`{bad}`")),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn azure_indexes_are_recognised() {
        assert!(is_azure_index(
            "sparse+https://pkgs.dev.azure.com/c/_packaging/f/Cargo/index/"
        ));
        assert!(is_azure_index(
            "sparse+http://127.0.0.1:1/C/P/_packaging/f/Cargo/index/"
        ));
        assert!(!is_azure_index("sparse+https://index.crates.io/"));
        assert!(!is_azure_index("https://dev.azure.com/c/_artifacts/feed/f"));
    }
}
