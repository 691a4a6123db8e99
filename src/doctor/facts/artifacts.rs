//! The feed as an Azure Artifacts object, asked through the REST API with the token the feed
//! just accepted: whose token it is (`connectionData`), the feed's settings (its crates.io
//! upstream), the caller's role as far as Azure tells it, and whether the token may write
//! (the side-effect-free `packagemetricsbatch` query), and for each crate `Cargo.lock` pins
//! from the feed's own registry, its upstream setting and whether crates.io has the name.
//! Asked only online and only once the token is known to work, so a refused token is
//! reported once, by the feed's own check.

use super::{Artifacts, FeedFacts, Lockfile, Private, PrivateCrate};
use crate::auth::secret::Secret;
use crate::azure::feed::Feed;
use crate::azure::rest::client::RestClient;
use crate::azure::rest::error::TokenKind;
use crate::azure::rest::feeds;
use crate::azure::rest::session::{Session, Upstream, role_of};
use crate::azure::rest::upstreaming;
use crate::cargo::config::effective::HttpSettings;

/// What the REST API says about the feed behind `index`, asked with `header` (found at
/// `from`); `None` when the index is not a feed URL feedctl can map to the API.
pub fn artifacts(
    http: &HttpSettings,
    index: &str,
    header: Secret,
    from: String,
    lockfile: &Lockfile,
) -> Option<Artifacts> {
    let feed = Feed::parse_url(index).ok()?;
    let endpoints = feed.endpoints();
    let kind = TokenKind::of(header.as_deref().expose());
    let client =
        RestClient::new(http, Some(header), kind, &endpoints.place, endpoints.server).ok()?;
    let session = Session {
        client,
        endpoints,
        token_from: from,
        kind,
    };
    let identity = session.identity();
    let (client, e) = (&session.client, &session.endpoints);
    let found = feeds::get_feed(client, e, &feed.name).map(|info| FeedFacts {
        upstream: Upstream::of(&info),
        reasons: info.crates_io().and_then(|u| u.reasons()),
        role: role_of(&session, &info),
        write: feeds::write_check(client, e, &info.name),
        name: info.name,
    });
    let name = found.as_ref().map_or(&feed.name, |f| &f.name);
    let private = private(&session, http, name, index, lockfile);
    Some(Artifacts {
        place: session.endpoints.place.clone(),
        project: feed.project,
        token_from: session.token_from,
        kind,
        identity,
        feed: found,
        private,
    })
}

/// The lockfile's crates from the registry at `index` and what Azure and crates.io say.
fn private(
    session: &Session,
    http: &HttpSettings,
    feed: &str,
    index: &str,
    lockfile: &Lockfile,
) -> Private {
    let (path, locked) = match lockfile {
        Ok(Some(found)) => found,
        Ok(None) => return Private::NoLockfile,
        Err(why) => return Private::Unreadable(why.clone()),
    };
    let mut names: Vec<&str> = locked
        .iter()
        .filter(|l| l.is_from(index))
        .map(|l| l.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let crates = names
        .into_iter()
        .map(|name| PrivateCrate {
            name: name.to_string(),
            upstreaming: upstreaming::read(session, feed, name),
            on_crates_io: upstreaming::on_crates_io(http, name),
        })
        .collect();
    Private::Crates {
        lockfile: path.clone(),
        feed: feed.to_string(),
        crates,
    }
}
