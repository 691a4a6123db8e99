//! Dependency confusion in `save`'s report: for each crate of the feed's own registry, the
//! feed's per-package upstream setting and whether crates.io knows the name, with the
//! warnings [`upstreaming::risks`] calls for; `--protect` sets `auto` where it is
//! `allowExternalVersions`, which needs manage rights.

use serde::Serialize;

use crate::azure::rest::session::Session;
use crate::azure::rest::upstreaming::{self, ALLOW, Risk};
use crate::cargo::config::effective::HttpSettings;

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
    let read = upstreaming::read(session, feed, name);
    let mut exposure = Exposure {
        on_crates_io: upstreaming::on_crates_io(http, name),
        upstreaming: read.as_ref().ok().cloned(),
        ..Exposure::default()
    };
    let mut refused = None;
    if protect && exposure.upstreaming.as_deref() == Some(ALLOW) {
        match upstreaming::protect(session, feed, name) {
            Ok(()) => {
                exposure.protected = true;
                exposure.upstreaming = Some("auto".into());
            }
            Err(err) => refused = Some(err),
        }
    }
    let risks = upstreaming::risks(exposure.upstreaming.as_deref(), exposure.on_crates_io);
    exposure.warnings = risks
        .into_iter()
        .map(|risk| match (risk, &refused) {
            (Risk::ExternalVersions, Some(err)) => format!(
                "`{name}`: versions from crates.io may be served in its place (`{ALLOW}`), \
                 and setting `auto` failed: {err}"
            ),
            _ => format!("{}; {}", risk.message(feed, name), risk.fix()),
        })
        .collect();
    // Not knowing is said, never taken for `auto`.
    if let Err(unknown) = read {
        exposure.warnings.push(format!(
            "`{name}`: the feed's upstream setting of this private crate is not known ({}); {}",
            unknown.describe(&session.endpoints.place),
            upstreaming::SEE_FOR_YOURSELF
        ));
    }
    exposure
}
