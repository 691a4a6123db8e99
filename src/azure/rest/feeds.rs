//! Typed calls of Azure Artifacts' feed management API (`feed.json` 7.1 for Services,
//! `feed-onprem.json` for Server; same routes under the collection URL): list, get, create and
//! update feeds, a feed's permissions, who may create feeds, the harmless write-scope check,
//! a feed's packages, and `connectionData` (whose token this is).
//!
//! The models take what feedctl reads and tolerate everything else: every field is optional
//! or defaulted, unknown fields are ignored, and an upstream source keeps its unknown fields
//! so that a `PATCH` sends the feed's other upstreams back exactly as Azure gave them. Lists
//! come either bare (as the spec's schema says) or wrapped in `{"count", "value"}` (as the
//! service sends them).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::client::{FEEDS_API_VERSION, Method, Request, RestClient};
use super::error::{Action, RestError};
use crate::azure::endpoints::Endpoints;

/// The crates.io upstream as Azure's own list of well-known sources names it.
pub const CRATES_IO_NAME: &str = "crates.io";
pub const CRATES_IO_LOCATION: &str = "https://index.crates.io/";

/// A feed as `GET feeds` and `GET feeds/{feed}` describe it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct FeedInfo {
    pub id: Option<String>,
    pub name: String,
    pub fully_qualified_name: Option<String>,
    pub project: Option<ProjectRef>,
    pub upstream_enabled: Option<bool>,
    pub upstream_sources: Vec<UpstreamSource>,
    pub is_read_only: Option<bool>,
    pub capabilities: Option<String>,
    pub permissions: Vec<FeedPermission>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct ProjectRef {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// One upstream source; fields feedctl does not read are kept for a round trip.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct UpstreamSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_source_type: Option<String>,
    /// `ok` or `disabled`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_details: Vec<StatusDetail>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_date: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default)]
pub struct StatusDetail {
    pub reason: Option<String>,
}

impl UpstreamSource {
    /// Whether this is crates.io (`Cargo` at `https://index.crates.io/`), not deleted.
    pub fn is_crates_io(&self) -> bool {
        let location = self.location.as_deref().unwrap_or_default();
        self.protocol
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("cargo"))
            && location
                .trim_end_matches('/')
                .eq_ignore_ascii_case(CRATES_IO_LOCATION.trim_end_matches('/'))
            && self.deleted_date.is_none()
    }

    /// Azure's `status` is `ok` (or absent, on servers that do not report it).
    pub fn is_healthy(&self) -> bool {
        self.status
            .as_deref()
            .is_none_or(|s| s.eq_ignore_ascii_case("ok"))
    }

    /// `statusDetails` reasons, joined.
    pub fn reasons(&self) -> Option<String> {
        let reasons: Vec<&str> = self
            .status_details
            .iter()
            .filter_map(|d| d.reason.as_deref())
            .collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }
}

impl FeedInfo {
    /// The crates.io upstream source, if the feed has one.
    pub fn crates_io(&self) -> Option<&UpstreamSource> {
        self.upstream_sources.iter().find(|u| u.is_crates_io())
    }

    pub fn project_name(&self) -> Option<&str> {
        self.project.as_ref().and_then(|p| p.name.as_deref())
    }
}

/// One entry of a feed's permissions.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct FeedPermission {
    /// `reader`, `collaborator`, `contributor`, `administrator`, …
    pub role: Option<String>,
    pub identity_descriptor: Option<IdentityDescriptor>,
    pub identity_id: Option<String>,
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct IdentityDescriptor {
    pub identity_type: Option<String>,
    pub identifier: Option<String>,
}

/// One entry of the organization's feed-creation permissions.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct GlobalPermission {
    /// `feedCreator`, `administrator`, `none`, …
    pub role: Option<String>,
    pub identity_descriptor: Option<IdentityDescriptor>,
    pub identity_id: Option<String>,
}

/// `_apis/connectionData`: the identity the token stands for.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct ConnectionData {
    pub authenticated_user: Option<Identity>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Identity {
    pub id: Option<String>,
    pub provider_display_name: Option<String>,
    pub custom_display_name: Option<String>,
    pub descriptor: Option<String>,
    pub properties: Value,
}

impl Identity {
    /// The name to show: display name and, when Azure gives it, the account (`Account`).
    pub fn describe(&self) -> String {
        let name = self
            .custom_display_name
            .as_deref()
            .or(self.provider_display_name.as_deref())
            .unwrap_or("an unnamed identity");
        let account = self
            .properties
            .get("Account")
            .and_then(|a| a.get("$value"))
            .and_then(Value::as_str);
        match account {
            Some(account) if account != name => format!("{name} <{account}>"),
            _ => name.to_string(),
        }
    }

    /// Azure answers an anonymous request with its anonymous identity rather than a 401.
    pub fn is_anonymous(&self) -> bool {
        self.provider_display_name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("Anonymous"))
    }
}

/// A package of a feed (`GET Feeds/{feed}/packages`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Package {
    pub name: String,
    pub versions: Vec<PackageVersion>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct PackageVersion {
    pub version: String,
    pub normalized_version: Option<String>,
    /// The upstream the version was saved from; absent for a published crate.
    pub direct_upstream_source_id: Option<String>,
    /// When the version came into the feed (published, or saved from the upstream).
    pub publish_date: Option<String>,
    pub is_deleted: Option<bool>,
}

impl PackageVersion {
    /// Whether this is `version` (Azure may also give the normalized form); a deleted one
    /// (in the recycle bin) is not.
    pub fn is(&self, version: &str) -> bool {
        self.is_deleted != Some(true)
            && (self.version == version || self.normalized_version.as_deref() == Some(version))
    }
}

/// A list, bare or in Azure's `{"count", "value"}` envelope.
#[derive(Deserialize)]
#[serde(untagged)]
enum List<T> {
    Wrapped { value: Vec<T> },
    Bare(Vec<T>),
}

impl<T> List<T> {
    fn items(self) -> Vec<T> {
        match self {
            List::Wrapped { value } => value,
            List::Bare(items) => items,
        }
    }
}

/// `feedRole` filter values of `GET feeds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleFilter {
    Administrator,
    Contributor,
}

impl RoleFilter {
    fn as_str(self) -> &'static str {
        match self {
            RoleFilter::Administrator => "administrator",
            RoleFilter::Contributor => "contributor",
        }
    }
}

/// `GET {org}[/{project}]/_apis/packaging/feeds?includeUrls=false[&feedRole=]`.
pub fn list_feeds(
    client: &RestClient,
    endpoints: &Endpoints,
    role: Option<RoleFilter>,
) -> Result<Vec<FeedInfo>, Box<RestError>> {
    let mut request = Request::new(
        Method::Get,
        endpoints.feeds(),
        Some(FEEDS_API_VERSION),
        Action::ListFeeds {
            project: endpoints.project_name().map(str::to_string),
        },
    )
    .query(&[("includeUrls", "false")]);
    if let Some(role) = role {
        request = request.query(&[("feedRole", role.as_str())]);
    }
    Ok(client.call::<List<FeedInfo>>(&request)?.items())
}

/// `GET …/_apis/packaging/feeds/{feed}`.
pub fn get_feed(
    client: &RestClient,
    endpoints: &Endpoints,
    feed: &str,
) -> Result<FeedInfo, Box<RestError>> {
    client.call(&get_feed_request(endpoints, feed))
}

pub fn get_feed_request(endpoints: &Endpoints, feed: &str) -> Request {
    Request::new(
        Method::Get,
        endpoints.feed(feed),
        Some(FEEDS_API_VERSION),
        Action::GetFeed {
            feed: feed.to_string(),
        },
    )
}

/// The crates.io upstream source as a new feed or an update sends it.
pub fn crates_io_upstream() -> Value {
    json!({
        "name": CRATES_IO_NAME,
        "protocol": "Cargo",
        "location": CRATES_IO_LOCATION,
        "upstreamSourceType": "public",
    })
}

/// `POST …/_apis/packaging/feeds` creating `name`, with the crates.io upstream unless
/// `upstream` is off.
pub fn create_feed_request(endpoints: &Endpoints, name: &str, upstream: bool) -> Request {
    let body = if upstream {
        json!({"name": name, "upstreamEnabled": true, "upstreamSources": [crates_io_upstream()]})
    } else {
        json!({"name": name, "upstreamEnabled": false, "upstreamSources": []})
    };
    Request::new(
        Method::Post,
        endpoints.feeds(),
        Some(FEEDS_API_VERSION),
        Action::CreateFeed {
            feed: name.to_string(),
        },
    )
    .body(body)
}

/// `PATCH …/feeds/{feed}` turning upstreams on and adding crates.io to the feed's other
/// upstream sources, which are sent back as Azure gave them (the list replaces the old one).
pub fn add_crates_io_request(endpoints: &Endpoints, feed: &FeedInfo) -> Request {
    let mut sources: Vec<Value> = feed
        .upstream_sources
        .iter()
        .filter(|u| u.deleted_date.is_none() && !u.is_crates_io())
        .map(|u| serde_json::to_value(u).unwrap_or(Value::Null))
        .collect();
    match feed.crates_io() {
        // Present but the feed's upstreams are off: keep the source as it is.
        Some(existing) => sources.push(serde_json::to_value(existing).unwrap_or(Value::Null)),
        None => sources.push(crates_io_upstream()),
    }
    Request::new(
        Method::Patch,
        endpoints.feed(&feed.name),
        Some(FEEDS_API_VERSION),
        Action::UpdateFeed {
            feed: feed.name.clone(),
        },
    )
    .body(json!({"upstreamEnabled": true, "upstreamSources": sources}))
}

/// Sends a request built above and reads the feed it answers with.
pub fn send_feed(client: &RestClient, request: &Request) -> Result<FeedInfo, Box<RestError>> {
    client.call(request)
}

/// `GET …/Feeds/{feed}/permissions` (needs the feed's Owner role).
pub fn feed_permissions(
    client: &RestClient,
    endpoints: &Endpoints,
    feed: &str,
) -> Result<Vec<FeedPermission>, Box<RestError>> {
    let request = Request::new(
        Method::Get,
        endpoints.feed_permissions(feed),
        Some(FEEDS_API_VERSION),
        Action::ReadPermissions {
            feed: feed.to_string(),
        },
    );
    Ok(client.call::<List<FeedPermission>>(&request)?.items())
}

/// `GET {org}/_apis/packaging/globalpermissions`: who may create feeds.
pub fn global_permissions(
    client: &RestClient,
    endpoints: &Endpoints,
) -> Result<Vec<GlobalPermission>, Box<RestError>> {
    let request = Request::new(
        Method::Get,
        endpoints.global_permissions(),
        Some(FEEDS_API_VERSION),
        Action::GlobalPermissions,
    );
    Ok(client.call::<List<GlobalPermission>>(&request)?.items())
}

/// `POST …/Feeds/{feed}/packagemetricsbatch` with no package: a read-only query whose route
/// needs `vso.packaging_write`, so it tells whether the token may write without writing.
pub fn write_check(
    client: &RestClient,
    endpoints: &Endpoints,
    feed: &str,
) -> Result<(), Box<RestError>> {
    let request = Request::new(
        Method::Post,
        endpoints.package_metrics(feed),
        Some(FEEDS_API_VERSION),
        Action::WriteCheck {
            feed: feed.to_string(),
        },
    )
    .body(json!({"packageIds": []}));
    client.send(&request).map(drop)
}

/// `GET {org}/_apis/connectionData`: whose token this is.
pub fn connection_data(
    client: &RestClient,
    endpoints: &Endpoints,
) -> Result<ConnectionData, Box<RestError>> {
    let request = Request::new(
        Method::Get,
        endpoints.connection_data(),
        None,
        Action::WhoAmI,
    );
    client.call(&request)
}

/// Packages asked for per page of `GET …/packages`.
const PACKAGES_PAGE: usize = 1000;

/// `GET …/Feeds/{feed}/packages?protocolType=Cargo&includeAllVersions=true`, optionally
/// narrowed to a name, page by page (`$top`/`$skip`) until a page brings nothing new (empty,
/// or a server that ignores `$skip`); a page shorter than asked is not taken as the last, as
/// Azure may cap `$top` lower. A feed of any size in a few requests, never one per crate.
pub fn list_packages(
    client: &RestClient,
    endpoints: &Endpoints,
    feed: &str,
    name: Option<&str>,
) -> Result<Vec<Package>, Box<RestError>> {
    let mut all: Vec<Package> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    loop {
        let top = PACKAGES_PAGE.to_string();
        let skip = all.len().to_string();
        let mut request = Request::new(
            Method::Get,
            endpoints.packages(feed),
            Some(FEEDS_API_VERSION),
            Action::ListPackages {
                feed: feed.to_string(),
            },
        )
        .query(&[
            ("protocolType", "Cargo"),
            ("includeAllVersions", "true"),
            ("$top", top.as_str()),
            ("$skip", skip.as_str()),
        ]);
        if let Some(name) = name {
            request = request.query(&[("packageNameQuery", name)]);
        }
        let page = client.call::<List<Package>>(&request)?.items();
        let before = all.len();
        for package in page {
            if seen.insert(package.name.to_ascii_lowercase()) {
                all.push(package);
            }
        }
        if all.len() == before {
            return Ok(all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_tolerate_missing_and_unknown_fields_and_keep_upstreams_whole() {
        let feed: FeedInfo = serde_json::from_value(json!({
            "name": "crates",
            "somethingNew": 1,
            "upstreamSources": [
                {"name": "npmjs", "protocol": "npm", "location": "https://registry.npmjs.org/",
                 "id": "u1", "upstreamSourceType": "public", "futureField": [1]},
                {"name": "crates.io", "protocol": "Cargo", "location": "https://index.crates.io",
                 "status": "disabled", "statusDetails": [{"reason": "Upstream unreachable"}]}
            ]
        }))
        .unwrap();
        let crates = feed.crates_io().unwrap();
        assert!(!crates.is_healthy());
        assert_eq!(crates.reasons().as_deref(), Some("Upstream unreachable"));
        let empty: FeedInfo = serde_json::from_value(json!({})).unwrap();
        assert!(empty.crates_io().is_none());

        let list: List<FeedInfo> =
            serde_json::from_value(json!({"count": 1, "value": [{"name": "a"}]})).unwrap();
        assert_eq!(list.items()[0].name, "a");
        let bare: List<FeedInfo> = serde_json::from_value(json!([{"name": "b"}])).unwrap();
        assert_eq!(bare.items()[0].name, "b");
    }

    #[test]
    fn adding_crates_io_sends_the_other_upstreams_back_untouched() {
        let feed: FeedInfo = serde_json::from_value(json!({
            "name": "crates",
            "upstreamEnabled": false,
            "upstreamSources": [{"name": "npmjs", "protocol": "npm", "id": "u1", "futureField": [1]}]
        }))
        .unwrap();
        let endpoints = crate::azure::feed::Host::Services {
            organization: "contoso".into(),
        }
        .endpoints(Some("web"));
        let request = add_crates_io_request(&endpoints, &feed);
        assert_eq!(
            request.url,
            "https://feeds.dev.azure.com/contoso/web/_apis/packaging/feeds/crates?api-version=7.1"
        );
        let body = request.body.unwrap();
        assert_eq!(body["upstreamEnabled"], json!(true));
        assert_eq!(body["upstreamSources"][0]["futureField"], json!([1]));
        assert_eq!(body["upstreamSources"][0]["id"], json!("u1"));
        assert_eq!(body["upstreamSources"][1], crates_io_upstream());
    }
}
