//! The steps commands share, below the commands and above the file, cargo and HTTP
//! plumbing: resolve a feed, edit the project config, set credential providers, check and
//! store tokens, and write several files all-or-nothing. Commands call these; they never
//! call each other.

pub mod login;
pub mod project;
pub mod providers;
pub mod transaction;

use anyhow::Result;

use crate::azure::feed::{Feed, FeedParts};
use crate::cli::FeedArgs;

/// The feed named by a URL or by the flags.
pub fn resolve_feed(args: &FeedArgs) -> Result<Feed> {
    match &args.url {
        Some(url) => {
            let mut feed = Feed::parse_url(url)?;
            feed.force_auth |= args.force_auth;
            Ok(feed)
        }
        None => Feed::from_parts(&FeedParts {
            organization: args.organization.as_deref(),
            server_url: args.server_url.as_deref(),
            collection: args.collection.as_deref(),
            project: args.project.as_deref(),
            feed: args.feed.as_deref(),
            force_auth: args.force_auth,
        }),
    }
}
