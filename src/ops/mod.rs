//! The use cases behind the commands, below the command line and above the file, cargo and
//! HTTP plumbing: connect and disconnect a project, log in, emit CI variables, set credential
//! providers, mint, list and revoke PATs, show the status, create and inspect feeds, edit the
//! project config, and write several files all-or-nothing.
//!
//! Nothing here knows clap: each use case takes a plain options struct that its command
//! fills from the parsed flags, and returns an outcome that the command renders. Commands
//! call these; they never call each other.

pub mod ci_env;
pub mod connect;
pub mod disconnect;
pub mod feed;
pub mod login;
pub mod mint;
pub mod pat_list;
pub mod pat_revoke;
pub mod pick_feed;
pub mod project;
pub mod providers;
pub mod save;
pub mod status;
pub mod transaction;

use anyhow::Result;

use crate::azure::feed::{Feed, FeedParts};

/// How cargo gets a token for a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// A personal access token, checked and stored once with `cargo login`.
    Pat,
    /// feedctl as the registry's credential provider, with tokens from `az`.
    AzureCli,
    /// feedctl as the registry's credential provider, with tokens from the platform's identity.
    Entra,
}

impl AuthMode {
    /// The name the command line and the JSON reports use, e.g. `azure-cli`.
    pub fn name(self) -> &'static str {
        match self {
            AuthMode::Pat => "pat",
            AuthMode::AzureCli => "azure-cli",
            AuthMode::Entra => "entra",
        }
    }
}

/// The feed named by `url` when there is one (`parts.force_auth` still applies), else by the
/// pieces in `parts`.
pub fn resolve_feed(url: Option<&str>, parts: &FeedParts<'_>) -> Result<Feed> {
    match url {
        Some(url) => {
            let mut feed = Feed::parse_url(url)?;
            feed.force_auth |= parts.force_auth;
            Ok(feed)
        }
        None => Feed::from_parts(parts),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_and_the_flags_name_the_same_feed_and_force_auth_applies_to_both() {
        let url = "https://dev.azure.com/contoso/web/_artifacts/feed/crates";
        let force = FeedParts {
            force_auth: true,
            ..FeedParts::default()
        };
        let from_url = resolve_feed(Some(url), &force).unwrap();
        let from_flags = resolve_feed(
            None,
            &FeedParts {
                organization: Some("contoso"),
                project: Some("web"),
                feed: Some("crates"),
                ..force.clone()
            },
        )
        .unwrap();
        assert!(from_url.force_auth);
        assert_eq!(from_url, from_flags);
        assert!(resolve_feed(None, &force).is_err(), "no feed named");
    }
}
