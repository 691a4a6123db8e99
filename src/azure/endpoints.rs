//! Where each Azure DevOps REST surface of a feed's organization (or collection) lives, and the
//! one test-only switch that folds Azure DevOps Services onto a loopback stand-in.
//!
//! On Services every host is derived from the organization's name, never from text the user
//! typed: `feeds.dev.azure.com/{org}` (feed management, [`Endpoints`]), `pkgs.dev.azure.com/
//! {org}` (the Cargo index, built by `Feed::index_url` from [`services_root`]),
//! `dev.azure.com/{org}` (`connectionData`); `vssps.dev.azure.com/{org}` (PATs) and
//! `app.vssps.visualstudio.com` (profiles) fold the same way through [`services_root`]. On
//! Azure DevOps Server every route is under the collection URL.
//!
//! `FEEDCTL_TEST_AZURE_DEVOPS_URL=http://127.0.0.1:PORT` (tests only, loopback only) folds
//! every Services host into that one base: `…dev.azure.com/{org}/…` becomes `{base}/{org}/…`
//! and `app.vssps.visualstudio.com/…` becomes `{base}/…`. [`install`] reads it once at start-up
//! (from the [`Environment`]); without it nothing changes. It is process-wide because the index
//! URL a config file holds must mean the same feed to every module that parses it.
//!
//! `FEEDCTL_TEST_CRATES_IO_URL` (tests only, loopback only, same rules) replaces crates.io's
//! sparse index root (`https://index.crates.io/`), which `save` asks whether a private crate's
//! name also exists on crates.io.

use std::net::IpAddr;
use std::sync::OnceLock;

use anyhow::Result;
use url::Url;

use crate::environment::Environment;
use crate::exit::{Code, Failure};

/// Test-only: the loopback base every Services host is folded into.
pub const TEST_DEVOPS_VAR: &str = "FEEDCTL_TEST_AZURE_DEVOPS_URL";

/// Test-only: a loopback stand-in for crates.io's sparse index.
pub const TEST_CRATES_IO_VAR: &str = "FEEDCTL_TEST_CRATES_IO_URL";

static STAND_IN: OnceLock<Option<Url>> = OnceLock::new();
static CRATES_IO: OnceLock<Option<Url>> = OnceLock::new();

/// Reads [`TEST_DEVOPS_VAR`] once for the whole process; refuses anything but a loopback
/// `http(s)` URL without a path (exit 2).
pub fn install(env: &Environment) -> Result<()> {
    for (var, cell) in [
        (TEST_DEVOPS_VAR, &STAND_IN),
        (TEST_CRATES_IO_VAR, &CRATES_IO),
    ] {
        let base = match env.var(var).filter(|v| !v.is_empty()) {
            Some(value) => Some(parse_stand_in(var, &value)?),
            None => None,
        };
        let _ = cell.set(base);
    }
    Ok(())
}

/// crates.io's sparse index root, or its test stand-in.
pub fn crates_io_index() -> Url {
    CRATES_IO
        .get()
        .and_then(Option::as_ref)
        .cloned()
        .unwrap_or_else(|| Url::parse("https://index.crates.io/").expect("constant URL"))
}

fn parse_stand_in(var: &str, value: &str) -> Result<Url> {
    let refuse = || {
        Failure::new(
            Code::Usage,
            format!(
                "`{var}={value}` must be a loopback `http(s)://127.0.0.1:PORT` URL without a \
                 path (it exists for tests); unset it to reach the real service"
            ),
        )
    };
    let url = Url::parse(value).map_err(|_| refuse())?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    let plain = url.path() == "/" && url.query().is_none() && url.username().is_empty();
    if !matches!(url.scheme(), "http" | "https") || !loopback || !plain {
        return Err(refuse().into());
    }
    Ok(url)
}

/// The loopback stand-in for Services, when a test installed one.
pub fn stand_in() -> Option<&'static Url> {
    STAND_IN.get().and_then(Option::as_ref)
}

/// Whether `url` is on the installed stand-in (so it names a Services organization).
pub fn is_on_stand_in(url: &Url) -> bool {
    stand_in().is_some_and(|base| base.origin() == url.origin())
}

/// `https://{host}/` on Services, or the stand-in's base.
pub fn services_root(host: &str) -> Url {
    services_root_in(stand_in(), host)
}

fn services_root_in(stand_in: Option<&Url>, host: &str) -> Url {
    match stand_in {
        Some(base) => base.clone(),
        None => Url::parse(&format!("https://{host}/")).expect("constant host"),
    }
}

/// Where an organization is: Services (by name) or a Server collection.
#[derive(Debug, Clone, Copy)]
pub enum Place<'a> {
    Services { organization: &'a str },
    Server { base: &'a Url, collection: &'a str },
}

/// The REST surfaces of one organization (or collection), optionally narrowed to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `https://feeds.dev.azure.com/{org}` or the collection URL.
    feeds: Url,
    /// `https://dev.azure.com/{org}` or the collection URL.
    org: Url,
    project: Option<String>,
    /// Where the organization is, for messages (`organization contoso`, `collection …`).
    pub place: String,
    pub server: bool,
}

impl Endpoints {
    /// The surfaces of a Services organization or a Server collection, narrowed to `project`
    /// when given (`Feed::endpoints` and `Host::endpoints` call this).
    pub fn new(place: Place<'_>, project: Option<&str>) -> Endpoints {
        Endpoints::new_in(stand_in(), place, project)
    }

    fn new_in(stand_in: Option<&Url>, host: Place<'_>, project: Option<&str>) -> Endpoints {
        let under = |mut url: Url, segment: &str| {
            url.path_segments_mut()
                .expect("http(s) URLs have a path")
                .pop_if_empty()
                .push(segment);
            url
        };
        match host {
            Place::Services { organization } => {
                let at = |host: &str| under(services_root_in(stand_in, host), organization);
                Endpoints {
                    feeds: at("feeds.dev.azure.com"),
                    org: at("dev.azure.com"),
                    project: project.map(str::to_string),
                    place: format!("organization `{organization}`"),
                    server: false,
                }
            }
            Place::Server { base, collection } => {
                let collection_url = under(base.clone(), collection);
                Endpoints {
                    feeds: collection_url.clone(),
                    org: collection_url.clone(),
                    project: project.map(str::to_string),
                    place: format!(
                        "Azure DevOps Server `{}`, collection `{collection}`",
                        base.as_str().trim_end_matches('/')
                    ),
                    server: true,
                }
            }
        }
    }

    /// The same organization without the project (organization- or collection-scoped).
    pub fn organization(&self) -> Endpoints {
        Endpoints {
            project: None,
            ..self.clone()
        }
    }

    pub fn project_name(&self) -> Option<&str> {
        self.project.as_deref()
    }

    /// `…[/{project}]/_apis/packaging/feeds`: list (GET) and create (POST).
    pub fn feeds(&self) -> Url {
        self.packaging(&self.feeds, &["feeds"])
    }

    /// `…/_apis/packaging/feeds/{feed}`: get (GET) and update (PATCH).
    pub fn feed(&self, feed: &str) -> Url {
        self.packaging(&self.feeds, &["feeds", feed])
    }

    /// `…/_apis/packaging/Feeds/{feed}/permissions`.
    pub fn feed_permissions(&self, feed: &str) -> Url {
        self.packaging(&self.feeds, &["Feeds", feed, "permissions"])
    }

    /// `…/_apis/packaging/Feeds/{feed}/packagemetricsbatch` (a read-only query that needs the
    /// write scope).
    pub fn package_metrics(&self, feed: &str) -> Url {
        self.packaging(&self.feeds, &["Feeds", feed, "packagemetricsbatch"])
    }

    /// `…/_apis/packaging/Feeds/{feed}/packages`.
    pub fn packages(&self, feed: &str) -> Url {
        self.packaging(&self.feeds, &["Feeds", feed, "packages"])
    }

    /// Cargo REST's `pkgs.dev.azure.com/{org}[/{project}]/_apis/packaging/feeds/{feed}/cargo/
    /// packages/{name}/upstreaming` (Services only: Azure DevOps Server has no Cargo API).
    pub fn cargo_upstreaming(&self, feed: &str, name: &str) -> Option<Url> {
        if self.server {
            return None;
        }
        let organization = self.feeds.path_segments()?.next_back()?.to_string();
        let mut root = services_root("pkgs.dev.azure.com");
        root.path_segments_mut()
            .ok()?
            .pop_if_empty()
            .push(&organization);
        Some(self.packaging(
            &root,
            &["feeds", feed, "cargo", "packages", name, "upstreaming"],
        ))
    }

    /// `vssps.dev.azure.com/{org}/_apis/tokens/pats`: the PAT lifecycle API (create, list,
    /// get, revoke), Services only (Azure DevOps Server has no such API).
    pub fn pats(&self) -> Option<Url> {
        if self.server {
            return None;
        }
        let organization = self.feeds.path_segments()?.next_back()?.to_string();
        let root = services_root("vssps.dev.azure.com");
        Some(join(&root, &[&organization, "_apis", "tokens", "pats"]))
    }

    /// `{org}/_apis/packaging/globalpermissions` (never under a project).
    pub fn global_permissions(&self) -> Url {
        join(&self.feeds, &["_apis", "packaging", "globalpermissions"])
    }

    /// `dev.azure.com/{org}/_apis/connectionData`: who the token belongs to.
    pub fn connection_data(&self) -> Url {
        join(&self.org, &["_apis", "connectionData"])
    }

    fn packaging(&self, root: &Url, rest: &[&str]) -> Url {
        let mut segments: Vec<&str> = self.project.as_deref().into_iter().collect();
        segments.extend(["_apis", "packaging"]);
        segments.extend(rest);
        join(root, &segments)
    }
}

fn join(root: &Url, segments: &[&str]) -> Url {
    let mut url = root.clone();
    url.path_segments_mut()
        .expect("http(s) URLs have a path")
        .pop_if_empty()
        .extend(segments);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services(organization: &str) -> Place<'_> {
        Place::Services { organization }
    }

    #[test]
    fn services_hosts_come_from_the_organization() {
        let e = Endpoints::new_in(None, services("contoso"), Some("Web Team"));
        assert_eq!(
            e.feeds().as_str(),
            "https://feeds.dev.azure.com/contoso/Web%20Team/_apis/packaging/feeds"
        );
        assert_eq!(
            e.feed_permissions("crates").as_str(),
            "https://feeds.dev.azure.com/contoso/Web%20Team/_apis/packaging/Feeds/crates/permissions"
        );
        assert_eq!(
            e.organization().feed("crates").as_str(),
            "https://feeds.dev.azure.com/contoso/_apis/packaging/feeds/crates"
        );
        assert_eq!(
            e.global_permissions().as_str(),
            "https://feeds.dev.azure.com/contoso/_apis/packaging/globalpermissions"
        );
        assert_eq!(
            e.connection_data().as_str(),
            "https://dev.azure.com/contoso/_apis/connectionData"
        );
        assert_eq!(
            e.packages("crates").as_str(),
            "https://feeds.dev.azure.com/contoso/Web%20Team/_apis/packaging/Feeds/crates/packages"
        );
        assert_eq!(
            e.pats().unwrap().as_str(),
            "https://vssps.dev.azure.com/contoso/_apis/tokens/pats"
        );
        assert_eq!(
            services_root_in(None, "app.vssps.visualstudio.com").as_str(),
            "https://app.vssps.visualstudio.com/"
        );
    }

    #[test]
    fn the_stand_in_folds_every_services_host() {
        let base = Url::parse("http://127.0.0.1:4000").unwrap();
        let e = Endpoints::new_in(Some(&base), services("contoso"), Some("web"));
        assert_eq!(
            e.feeds().as_str(),
            "http://127.0.0.1:4000/contoso/web/_apis/packaging/feeds"
        );
        assert_eq!(
            e.connection_data().as_str(),
            "http://127.0.0.1:4000/contoso/_apis/connectionData"
        );
        // Every host folds into the base: `…dev.azure.com/{org}/…` → `{base}/{org}/…`,
        // `app.vssps.visualstudio.com/…` → `{base}/…`.
        for host in [
            "pkgs.dev.azure.com",
            "vssps.dev.azure.com",
            "app.vssps.visualstudio.com",
        ] {
            assert_eq!(services_root_in(Some(&base), host), base);
        }
    }

    #[test]
    fn server_routes_stay_under_the_collection() {
        let server = Url::parse("https://tfs.contoso.com/tfs").unwrap();
        let host = Place::Server {
            base: &server,
            collection: "DefaultCollection",
        };
        let base = Url::parse("http://127.0.0.1:4000").unwrap();
        for stand_in in [None, Some(&base)] {
            let e = Endpoints::new_in(stand_in, host, Some("web"));
            assert_eq!(
                e.feed("crates").as_str(),
                "https://tfs.contoso.com/tfs/DefaultCollection/web/_apis/packaging/feeds/crates"
            );
            assert_eq!(
                e.connection_data().as_str(),
                "https://tfs.contoso.com/tfs/DefaultCollection/_apis/connectionData"
            );
            assert_eq!(e.pats(), None);
        }
    }

    #[test]
    fn only_a_loopback_base_is_accepted() {
        for ok in [
            "http://127.0.0.1:4000",
            "http://[::1]:4000/",
            "https://localhost:1",
        ] {
            parse_stand_in(TEST_DEVOPS_VAR, ok).unwrap_or_else(|e| panic!("{ok}: {e:#}"));
        }
        for bad in [
            "http://example.com:4000",
            "http://169.254.169.254",
            "ftp://127.0.0.1",
            "http://127.0.0.1:4000/org",
            "127.0.0.1:4000",
        ] {
            let err = parse_stand_in(TEST_DEVOPS_VAR, bad)
                .unwrap_err()
                .to_string();
            assert!(err.contains(TEST_DEVOPS_VAR) && err.contains(bad), "{err}");
        }
    }
}
