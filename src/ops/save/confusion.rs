//! Dependency confusion: a crate of the lockfile that comes from the feed under a private
//! registry name could be shadowed by a crates.io crate of the same name through the feed's
//! upstream. For each such crate this reads the feed's per-package upstream setting (Cargo
//! REST `upstreaming`, Azure DevOps Services only; Azure's default `auto` hides public
//! versions once a version was published to the feed) and whether crates.io knows the name
//! (its sparse index, asked without any token); `--protect` sets `auto` where it is
//! `allowExternalVersions`, which needs manage rights.

use serde::Serialize;
use serde_json::{Value, json};

use crate::azure::endpoints;
use crate::azure::rest::client::{Method, Request, RestClient};
use crate::azure::rest::error::{Action, TokenKind};
use crate::azure::rest::session::Session;
use crate::cargo::config::effective::HttpSettings;

/// The `api-version` of Azure's Cargo REST API.
const CARGO_API_VERSION: &str = "7.2-preview.1";
const ALLOW: &str = "allowExternalVersions";

/// What was found for one private crate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Exposure {
    /// `auto` or `allowExternalVersions`; `null` where Azure did not say (Server, refused).
    pub upstreaming: Option<String>,
    /// Whether crates.io has a crate of that name; `null` when it did not answer.
    pub on_crates_io: Option<bool>,
    /// `--protect` set `auto`.
    pub protected: bool,
    /// Warnings, each with its fix.
    pub warnings: Vec<String>,
}

/// Looks at `name` (a crate of the feed's own registry) and protects it when asked.
pub fn inspect(
    session: &Session,
    http: &HttpSettings,
    feed: &str,
    name: &str,
    protect: bool,
) -> Exposure {
    let mut exposure = Exposure {
        on_crates_io: on_crates_io(http, name),
        ..Exposure::default()
    };
    let url = session.endpoints.cargo_upstreaming(feed, name);
    if let Some(url) = &url {
        let request = Request::new(
            Method::Get,
            url.clone(),
            Some(CARGO_API_VERSION),
            Action::ReadUpstreaming {
                feed: feed.into(),
                name: name.into(),
            },
        );
        exposure.upstreaming = session.client.send(&request).ok().and_then(|v| setting(&v));
    }
    if exposure.upstreaming.as_deref() == Some(ALLOW) {
        let set = url.filter(|_| protect).map(|url| {
            let request = Request::new(
                Method::Patch,
                url,
                Some(CARGO_API_VERSION),
                Action::SetUpstreaming {
                    feed: feed.into(),
                    name: name.into(),
                },
            )
            .body(json!({"versionsFromExternalUpstreams": "auto"}));
            session.client.send(&request)
        });
        match set {
            Some(Ok(_)) => {
                exposure.protected = true;
                exposure.upstreaming = Some("auto".into());
            }
            Some(Err(err)) => exposure.warnings.push(format!(
                "`{name}`: versions from crates.io may be served in its place (`{ALLOW}`), \
                 and setting `auto` failed: {err}"
            )),
            None => exposure.warnings.push(format!(
                "`{name}`: feed `{feed}` may serve crates.io versions of this private crate \
                 (`{ALLOW}`: dependency confusion); `feedctl save --protect` sets `auto` \
                 (needs Packaging > Read, write & manage and the feed's Owner role)"
            )),
        }
    }
    if exposure.on_crates_io == Some(true) {
        exposure.warnings.push(format!(
            "`{name}` also exists on crates.io: anyone whose cargo reads crates.io directly \
             gets that crate instead; keep the feed's setting `auto` and consider a name \
             crates.io does not have"
        ));
    }
    exposure
}

/// `versionsFromExternalUpstreams` of an answer.
fn setting(answer: &Value) -> Option<String> {
    answer
        .get("versionsFromExternalUpstreams")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Whether crates.io's sparse index has `name` (asked without a token).
fn on_crates_io(http: &HttpSettings, name: &str) -> Option<bool> {
    let client = RestClient::new(http, None, TokenKind::None, "crates.io", false).ok()?;
    let lower = name.to_lowercase();
    let prefix = super::index::prefix(&lower);
    let root = endpoints::crates_io_index();
    let url = format!("{}/{prefix}/{lower}", root.as_str().trim_end_matches('/'));
    match client.get_raw(&url, false).ok()?.status {
        200 => Some(true),
        404 | 410 | 451 => Some(false),
        _ => None,
    }
}
