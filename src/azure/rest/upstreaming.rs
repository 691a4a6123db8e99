//! Dependency confusion, decided once for `save` and `doctor`: a crate published to the feed
//! under a private registry name can be shadowed by a crates.io crate of the same name
//! through the feed's upstream. Azure keeps a per-package switch for it (Cargo REST
//! `upstreaming`, Azure DevOps Services only; its default `auto` hides public versions once
//! a version was published to the feed), and crates.io's sparse index says whether the name
//! is taken there (asked without any token). [`risks`] is what both commands warn about.

use serde_json::{Value, json};

use crate::azure::endpoints;
use crate::azure::rest::client::{Method, Request, RestClient};
use crate::azure::rest::error::{Action, Problem, RestError, TokenKind};
use crate::azure::rest::session::Session;
use crate::cargo::config::effective::HttpSettings;

/// The `api-version` of Azure's Cargo REST API.
const CARGO_API_VERSION: &str = "7.2-preview.1";
/// The setting that lets crates.io versions of a private crate through.
pub const ALLOW: &str = "allowExternalVersions";

/// Why a crate's upstream setting is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// Azure DevOps Server has no Cargo REST API.
    NoApi,
    /// The API refused or failed, in words.
    Refused(String),
}

impl Unknown {
    /// Why, in words, for `place` (the organization or collection in words).
    pub fn describe(&self, place: &str) -> String {
        match self {
            Unknown::NoApi => format!("{place} has no Cargo REST API (Azure DevOps Server)"),
            Unknown::Refused(why) => format!("the Cargo REST API did not give it: {why}"),
        }
    }
}

/// Where a feed Owner sees and changes a package's setting when no API tells it.
pub const SEE_FOR_YOURSELF: &str = "a feed Owner checks each private package's upstream \
    setting on its page in Artifacts (`allowExternalVersions` lets crates.io versions in)";

/// What makes a private crate open to dependency confusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Risk {
    /// The feed may serve crates.io versions in its place (`allowExternalVersions`).
    ExternalVersions,
    /// crates.io has a crate of the same name.
    PublicName,
}

impl Risk {
    pub fn message(self, feed: &str, name: &str) -> String {
        match self {
            Risk::ExternalVersions => format!(
                "`{name}`: feed `{feed}` may serve crates.io versions of this private crate \
                 (`{ALLOW}`: dependency confusion)"
            ),
            Risk::PublicName => format!(
                "`{name}` also exists on crates.io: anyone whose cargo reads crates.io \
                 directly gets that crate instead"
            ),
        }
    }

    pub fn fix(self) -> &'static str {
        match self {
            Risk::ExternalVersions => {
                "`feedctl save --protect` sets `auto` (needs Packaging > Read, write & manage \
                 and the feed's Owner role), or a feed Owner turns off the package's \
                 externally-sourced versions on its page in Artifacts"
            }
            Risk::PublicName => {
                "keep the feed's setting `auto` and consider a name crates.io does not have"
            }
        }
    }
}

/// The risks of a private crate whose setting is `upstreaming` and whose name crates.io
/// has (`on_crates_io`); what is not known is no risk here, callers say it is unknown.
pub fn risks(upstreaming: Option<&str>, on_crates_io: Option<bool>) -> Vec<Risk> {
    let mut risks = Vec::new();
    if upstreaming == Some(ALLOW) {
        risks.push(Risk::ExternalVersions);
    }
    if on_crates_io == Some(true) {
        risks.push(Risk::PublicName);
    }
    risks
}

/// The upstream setting of the feed's package `name` (`auto` or `allowExternalVersions`).
pub fn read(session: &Session, feed: &str, name: &str) -> Result<String, Unknown> {
    let url = session
        .endpoints
        .cargo_upstreaming(feed, name)
        .ok_or(Unknown::NoApi)?;
    let action = Action::ReadUpstreaming {
        feed: feed.into(),
        name: name.into(),
    };
    let request = Request::new(Method::Get, url, Some(CARGO_API_VERSION), action);
    match session.client.send(&request) {
        Ok(answer) => answer
            .get("versionsFromExternalUpstreams")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| Unknown::Refused("the answer had no setting".into())),
        Err(e) if e.problem == Problem::Unsupported => Err(Unknown::NoApi),
        Err(e) => Err(Unknown::Refused(e.to_string())),
    }
}

/// Sets the package's upstream setting to `auto` (needs manage rights and the Owner role).
pub fn protect(session: &Session, feed: &str, name: &str) -> Result<(), Box<RestError>> {
    let Some(url) = session.endpoints.cargo_upstreaming(feed, name) else {
        return Ok(());
    };
    let action = Action::SetUpstreaming {
        feed: feed.into(),
        name: name.into(),
    };
    let request = Request::new(Method::Patch, url, Some(CARGO_API_VERSION), action)
        .body(json!({"versionsFromExternalUpstreams": "auto"}));
    session.client.send(&request).map(|_| ())
}

/// Whether crates.io's sparse index has `name` (asked without a token); `None` when it did
/// not answer.
pub fn on_crates_io(http: &HttpSettings, name: &str) -> Option<bool> {
    let client = RestClient::new(http, None, TokenKind::None, "crates.io", false).ok()?;
    let lower = name.to_lowercase();
    let root = endpoints::crates_io_index();
    let url = format!(
        "{}/{}/{lower}",
        root.as_str().trim_end_matches('/'),
        prefix(&lower)
    );
    match client.get_raw(&url, false).ok()?.status {
        200 => Some(true),
        404 | 410 | 451 => Some(false),
        _ => None,
    }
}

/// cargo's `{prefix}`: the index directory of a name (`1`, `2`, `3/a`, `ab/cd`), counted
/// in characters so that no name can split one.
pub fn prefix(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let part = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
    match chars.len() {
        0 | 1 => "1".to_string(),
        2 => "2".to_string(),
        3 => format!("3/{}", part(0..1)),
        _ => format!("{}/{}", part(0..2), part(2..4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_external_versions_and_a_taken_name_are_risks() {
        let cases = [
            (
                Some(ALLOW),
                Some(true),
                vec![Risk::ExternalVersions, Risk::PublicName],
            ),
            (Some(ALLOW), Some(false), vec![Risk::ExternalVersions]),
            (Some("auto"), Some(true), vec![Risk::PublicName]),
            (Some("auto"), Some(false), vec![]),
            (None, None, vec![]),
        ];
        for (upstreaming, public, want) in cases {
            assert_eq!(
                risks(upstreaming, public),
                want,
                "{upstreaming:?} {public:?}"
            );
        }
    }
}
