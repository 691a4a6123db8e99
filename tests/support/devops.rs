//! [`DevOps`]: a loopback stand-in for one Azure DevOps organization (or Server collection),
//! serving the layout `FEEDCTL_TEST_AZURE_DEVOPS_URL` folds Services into (`{base}/{org}/…`),
//! which is also Azure DevOps Server's layout under `--server-url {base} --collection {org}`.
//!
//! Written from the published specs (`MicrosoftDocs/vsts-rest-api-specs`):
//! `specification/artifacts/7.1/feed.json` (Services) and
//! `specification/artifacts/azure-devops-server-7.1/feed-onprem.json` (Server, same routes
//! under the collection). Each route names its operation below. Lists are answered in the
//! service's `{"count", "value"}` envelope (the spec's schema shows the bare array); every
//! `_apis/packaging` route checks `api-version=7.1`.
//!
//! | route | spec operation | needs |
//! |---|---|---|
//! | `GET {org}/_apis/connectionData` | (location service; not in the specs) | any member |
//! | `GET {org}[/{project}]/_apis/packaging/feeds` | Feed Management_Get Feeds | `vso.packaging`; lists feeds the caller may read (`feedRole=` filters, "at least") |
//! | `POST {org}[/{project}]/_apis/packaging/feeds` | Feed Management_Create Feed | `vso.packaging_write`, feed creator; 409 on a name taken anywhere in the organization |
//! | `GET {org}[/{project}]/_apis/packaging/feeds/{feed}` | Feed Management_Get Feed | `vso.packaging`, Reader |
//! | `PATCH {org}[/{project}]/_apis/packaging/feeds/{feed}` | Feed Management_Update Feed | `vso.packaging_manage`, Owner |
//! | `GET …/_apis/packaging/Feeds/{feed}/permissions` | Feed Management_Get Feed Permissions | `vso.packaging`, Owner |
//! | `POST …/_apis/packaging/Feeds/{feed}/packagemetricsbatch` | Artifact Details_Query Package Metrics | `vso.packaging_write`, Reader |
//! | `GET …/_apis/packaging/Feeds/{feed}/packages` | Artifact Details_Get Packages (`$top`/`$skip` ignored: one page) | `vso.packaging`, Reader |
//! | `GET/PATCH …/_apis/packaging/feeds/{feed}/cargo/packages/{name}/upstreaming` (`api-version=7.2-preview.1`, Services only) | Cargo REST (`cargoApi-AzureArtifacts.json`) Get/Update Upstreaming | `vso.packaging`, Reader / (guess) `vso.packaging_manage`, Owner |
//! | `GET {org}/_apis/packaging/globalpermissions` | Service Settings_Get Global Permissions (also in `feed-onprem.json`) | `vso.packaging` |
//! | `…/_packaging/{feed}/Cargo/index/…`, `…/Cargo/api/v1/crates/…` | the sparse index | Reader |
//! | `POST/GET/DELETE {org}/_apis/tokens/pats` (`api-version=7.1-preview.1`, Services only) | `specification/tokens/7.1/tokens.json` Pats_Create, Pats_Get (and the list of `httpExamples/Pats/ListPats.json`, paged by `continuationToken`), Pats_Revoke | a user's Entra ID token (`Bearer`) |
//!
//! The PAT API ([`PatPolicy`]): the spec's answers are `PatTokenResult` (`{"patToken",
//! "patTokenError"}`, HTTP 200 even when refused, as `CreatePat.json` shows the shape) and an
//! empty 204 for a revoke (`RevokePat.json`). Only a user's Bearer token is served; a `Basic`
//! PAT or an unknown token gets 401, as Azure answers callers that are not Entra users. An app
//! token (`idtyp: app`) gets `patTokenError: invalidUserType` — inferred: Microsoft documents
//! only that service principals and managed identities cannot create PATs, not the answer. A
//! minted PAT is `mintedpat<N>SECRET<hash>` (recognisable in leak checks), becomes a [`User`]
//! with its owner's id (so the owner's feed roles apply) and the scope asked for, and stops
//! working once revoked.
//!
//! Refusals, in Azure's shapes: no or unknown token → 401 with Azure's challenges (plain
//! body), or for an unknown token without `X-TFS-FedAuthRedirect: Suppress` 203 and the
//! sign-in page; a known identity outside the organization → 401 `TF400813`
//! (`UnauthorizedRequestException`); a token without the route's scope → [`ScopeRefusal`]
//! (401 or 403 with no explanatory body: Azure answers both ways, so feedctl must rely on
//! neither); a missing role → 403 `FeedNeedsPermissionsException`; a missing project → 404
//! `ProjectDoesNotExistWithNameException`; a missing feed → 404 `FeedIdNotFoundException`.
//!
//! The upstream rule (Azure Artifacts' docs): a feed's index shows the crates.io versions
//! (here: [`azdemo`](super::demo_crate::azdemo), which exists only "upstream"); the first
//! download by a Feed and Upstream Reader (Collaborator) or higher with a token that may
//! write saves the version into the feed; a Reader, or a read-only token, gets 401 `No local
//! versions of package 'azdemo'; please provide authentication to access versions from
//! upstream that have not yet been saved to your feed.` The index also lists a yanked
//! `azdemo` 0.2.0, which is never served; [`StandFeed::throttled`] answers the next downloads
//! `429` with `Retry-After: 0`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::{Value, json};
use tiny_http::{Request, Server};

use super::demo_crate::azdemo;
use super::feed::{ORG_TENANT, Reply, SIGN_IN_PAGE, basic, decode_segment, respond, same_name};

/// A feed role, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Reader,
    /// Feed and Upstream Reader.
    Collaborator,
    /// Feed Publisher.
    Contributor,
    /// Owner.
    Administrator,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Collaborator => "collaborator",
            Role::Contributor => "contributor",
            Role::Administrator => "administrator",
        }
    }
}

/// A token's Packaging scope, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Read,
    Write,
    Manage,
}

/// How a token without a route's scope is refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScopeRefusal {
    #[default]
    Unauthorized,
    Forbidden,
}

/// What kind of server this is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Kind {
    /// Azure DevOps Services (reached through `FEEDCTL_TEST_AZURE_DEVOPS_URL`).
    #[default]
    Services,
    /// Azure DevOps Server 2022.1 or later: the feeds API at 7.1 under the collection.
    Server,
    /// An old Azure DevOps Server whose APIs stop before 7.1 (`VssVersionOutOfRangeException`).
    OldServer,
    /// A Server whose feeds refuse a Cargo upstream (400 on create or update).
    ServerWithoutCargoUpstream,
}

/// Someone with a PAT.
#[derive(Clone, Debug)]
pub struct User {
    pub name: String,
    pub id: String,
    /// The exact `Authorization` value of their token (`Basic base64("PAT:…")`).
    pub header: String,
    pub scope: Scope,
    /// A member of the organization.
    pub member: bool,
    /// Listed as `feedCreator` in the organization's global permissions.
    pub feed_creator: bool,
}

/// A feed of the stand-in.
#[derive(Clone, Debug)]
pub struct StandFeed {
    pub id: String,
    pub name: String,
    pub project: Option<String>,
    pub upstream_enabled: bool,
    pub upstream_sources: Vec<Value>,
    /// User id → role.
    pub roles: BTreeMap<String, Role>,
    /// `(crate, version)` saved in the feed.
    pub saved: Vec<(String, String)>,
    /// Downloads still to be answered `429 Too Many Requests` (`Retry-After: 0`).
    pub throttled: u32,
    /// `(crate, version)` published to the feed (no upstream in their chain).
    pub published: Vec<(String, String)>,
    /// Lower-case crate name → `versionsFromExternalUpstreams` (`auto` when absent).
    pub upstreaming: BTreeMap<String, String>,
}

impl StandFeed {
    /// A feed with the crates.io upstream on, nobody holding a role yet.
    pub fn new(name: &str, project: Option<&str>) -> StandFeed {
        StandFeed {
            id: format!("00000000-0000-4000-8000-{:012x}", fxhash(name)),
            name: name.to_owned(),
            project: project.map(str::to_owned),
            upstream_enabled: true,
            upstream_sources: vec![upstream_with_id(crates_io(), name)],
            roles: BTreeMap::new(),
            saved: Vec::new(),
            throttled: 0,
            published: Vec::new(),
            upstreaming: BTreeMap::new(),
        }
    }

    /// `name` `version` published to the feed.
    pub fn publish(mut self, name: &str, version: &str) -> StandFeed {
        self.published.push((name.to_owned(), version.to_owned()));
        self
    }

    /// `name`'s upstream setting is `allowExternalVersions`.
    pub fn allow_external(mut self, name: &str) -> StandFeed {
        self.upstreaming.insert(
            name.to_ascii_lowercase(),
            "allowExternalVersions".to_owned(),
        );
        self
    }

    /// The next `n` downloads are answered 429, as Azure does when rate-limiting.
    pub fn throttled(mut self, n: u32) -> StandFeed {
        self.throttled = n;
        self
    }

    /// No upstream at all.
    pub fn without_upstream(mut self) -> StandFeed {
        self.upstream_enabled = false;
        self.upstream_sources.clear();
        self
    }

    /// The crates.io upstream present but reported `disabled` with this reason.
    pub fn failing_upstream(mut self, reason: &str) -> StandFeed {
        for u in &mut self.upstream_sources {
            u["status"] = json!("disabled");
            u["statusDetails"] = json!([{ "reason": reason }]);
        }
        self
    }

    pub fn role(mut self, user: &User, role: Role) -> StandFeed {
        self.roles.insert(user.id.clone(), role);
        self
    }
}

/// The organization as the test sets it up.
#[derive(Clone, Debug)]
pub struct DevOpsSpec {
    pub org: String,
    pub projects: Vec<String>,
    pub users: Vec<User>,
    pub feeds: Vec<StandFeed>,
    pub kind: Kind,
    pub scope_refusal: ScopeRefusal,
    pub pat_policy: PatPolicy,
}

/// The organization's PAT policies, and failures a test injects into the PAT API.
#[derive(Clone, Debug, Default)]
pub struct PatPolicy {
    /// "Enforce maximum personal access token lifespan", in days.
    pub max_days: Option<i64>,
    /// Every create is refused with this `patTokenError`.
    pub refuse_create: Option<String>,
    /// Every revoke fails (500).
    pub fail_revoke: bool,
    /// New PATs are created but the feed does not take them (the verify step fails).
    pub feed_rejects_minted: bool,
}

/// A PAT the stand-in minted.
#[derive(Clone, Debug)]
pub struct StandPat {
    pub authorization_id: String,
    pub display_name: String,
    pub scope: String,
    pub valid_from: String,
    pub valid_to: String,
    pub token: String,
    /// The user id it belongs to.
    pub owner: String,
    pub revoked: bool,
}

impl DevOpsSpec {
    /// Organization `org` with these projects, no users, no feeds.
    pub fn new(org: &str, projects: &[&str]) -> DevOpsSpec {
        DevOpsSpec {
            org: org.to_owned(),
            projects: projects.iter().map(|p| p.to_string()).collect(),
            users: Vec::new(),
            feeds: Vec::new(),
            kind: Kind::Services,
            scope_refusal: ScopeRefusal::Unauthorized,
            pat_policy: PatPolicy::default(),
        }
    }

    pub fn pat_policy(mut self, policy: PatPolicy) -> DevOpsSpec {
        self.pat_policy = policy;
        self
    }

    pub fn user(mut self, user: User) -> DevOpsSpec {
        self.users.push(user);
        self
    }

    pub fn feed(mut self, feed: StandFeed) -> DevOpsSpec {
        self.feeds.push(feed);
        self
    }

    pub fn kind(mut self, kind: Kind) -> DevOpsSpec {
        self.kind = kind;
        self
    }

    pub fn scope_refusal(mut self, refusal: ScopeRefusal) -> DevOpsSpec {
        self.scope_refusal = refusal;
        self
    }
}

impl User {
    /// A member of the organization whose PAT is `pat` with `scope`; not a feed creator.
    pub fn new(name: &str, pat: &str, scope: Scope) -> User {
        User {
            name: name.to_owned(),
            id: format!("11111111-0000-4000-8000-{:012x}", fxhash(name)),
            header: basic(pat),
            scope,
            member: true,
            feed_creator: false,
        }
    }

    /// A member signed in with Entra ID: `header` is the whole `Bearer …` value (e.g. the fake
    /// az's [`bearer_of`](super::fake_az::bearer_of)); such a token carries the user's own
    /// rights.
    pub fn entra(name: &str, header: &str) -> User {
        User {
            header: header.to_owned(),
            scope: Scope::Manage,
            ..User::new(name, "unused", Scope::Manage)
        }
    }

    pub fn feed_creator(mut self) -> User {
        self.feed_creator = true;
        self
    }

    pub fn outsider(mut self) -> User {
        self.member = false;
        self
    }
}

/// One request the stand-in answered.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// Path and query, still percent-encoded.
    pub url: String,
    pub authorization: Option<String>,
    pub body: String,
    pub status: u16,
}

/// A running stand-in; stops when dropped.
pub struct DevOps {
    state: Arc<Mutex<World>>,
    server: Arc<Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    base: String,
}

struct World {
    spec: DevOpsSpec,
    base: String,
    log: Vec<Seen>,
    pats: Vec<StandPat>,
}

impl DevOps {
    pub fn start(spec: DevOpsSpec) -> DevOps {
        azdemo();
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind the Azure DevOps stand-in"));
        let port = server.server_addr().to_ip().expect("TCP").port();
        let base = format!("http://127.0.0.1:{port}");
        let state = Arc::new(Mutex::new(World {
            spec,
            base: base.clone(),
            log: Vec::new(),
            pats: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, server, stop) = (state.clone(), server.clone(), stop.clone());
            std::thread::Builder::new()
                .name(format!("devops-{port}"))
                .spawn(move || {
                    while !stop.load(Ordering::SeqCst) {
                        if let Ok(request) = server.recv() {
                            serve(&state, request);
                        }
                    }
                })
                .expect("spawn the stand-in thread")
        };
        DevOps {
            state,
            server,
            stop,
            thread: Some(thread),
            base,
        }
    }

    /// `http://127.0.0.1:PORT`: the value of `FEEDCTL_TEST_AZURE_DEVOPS_URL` (or `--server-url`).
    pub fn url(&self) -> &str {
        &self.base
    }

    /// The feed named `name`, as the stand-in holds it now.
    pub fn feed(&self, name: &str) -> Option<StandFeed> {
        let world = self.state.lock().unwrap();
        world
            .spec
            .feeds
            .iter()
            .find(|f| same_name(&f.name, name))
            .cloned()
    }

    pub fn feed_names(&self) -> Vec<String> {
        let world = self.state.lock().unwrap();
        world.spec.feeds.iter().map(|f| f.name.clone()).collect()
    }

    /// Every PAT minted so far (revoked ones too), oldest first.
    pub fn pats(&self) -> Vec<StandPat> {
        self.state.lock().unwrap().pats.clone()
    }

    /// Revokes a PAT as its owner would on the Personal access tokens page.
    pub fn revoke_by_hand(&self, authorization_id: &str) {
        let mut world = self.state.lock().unwrap();
        let pat = world
            .pats
            .iter_mut()
            .find(|p| p.authorization_id == authorization_id)
            .expect("a PAT the stand-in minted");
        pat.revoked = true;
        let header = basic(&pat.token);
        world.spec.users.retain(|u| u.header != header);
    }

    /// Changes the PAT policy (and injected failures) from now on.
    pub fn set_pat_policy(&self, change: impl FnOnce(&mut PatPolicy)) {
        change(&mut self.state.lock().unwrap().spec.pat_policy);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<Seen> {
        self.state.lock().unwrap().log.clone()
    }

    /// The requests that could change something (`POST`, `PATCH`, `PUT`, `DELETE`) other
    /// than the read-only metrics query, with their status.
    pub fn writes(&self) -> Vec<Seen> {
        self.requests()
            .into_iter()
            .filter(|r| r.method != "GET" && !r.url.contains("packagemetricsbatch"))
            .collect()
    }
}

impl Drop for DevOps {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
            && !std::thread::panicking()
        {
            panic!("the Azure DevOps stand-in thread panicked");
        }
    }
}

fn serve(state: &Mutex<World>, mut request: Request) {
    let authorization = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_owned());
    // Only a declared body is read: a read without one would wait for the client to close.
    let mut body = String::new();
    if request.body_length().is_some_and(|n| n > 0) {
        let _ = request.as_reader().read_to_string(&mut body);
    }
    let suppress = request
        .headers()
        .iter()
        .any(|h| h.field.equiv("X-TFS-FedAuthRedirect") && h.value.as_str() == "Suppress");
    let method = request.method().as_str().to_owned();
    let url = request.url().to_owned();
    let mut world = state.lock().unwrap();
    let reply = world.reply(&method, &url, authorization.as_deref(), &body, suppress);
    world.log.push(Seen {
        method,
        url,
        authorization,
        body,
        status: reply.status,
    });
    let base = world.base.clone();
    drop(world);
    respond(request, reply, Some(ORG_TENANT), &base);
}

/// Who is calling.
enum Caller {
    Anonymous,
    Unknown,
    User(User),
}

impl World {
    fn reply(
        &mut self,
        method: &str,
        url: &str,
        authorization: Option<&str>,
        body: &str,
        suppress: bool,
    ) -> Reply {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        let segments: Vec<String> = path
            .trim_start_matches('/')
            .split('/')
            .map(decode_segment)
            .collect();
        let caller = match authorization {
            None => Caller::Anonymous,
            Some(a) => match self.spec.users.iter().find(|u| u.header == a) {
                Some(u) => Caller::User(u.clone()),
                None => Caller::Unknown,
            },
        };
        let Some(org) = segments.first() else {
            return Reply::not_found();
        };
        if !same_name(org, &self.spec.org) {
            return Reply::not_found();
        }
        let rest = &segments[1..];
        if let Some(i) = rest.iter().position(|s| s == "_packaging") {
            return self.sparse(&rest[..i], &rest[i + 1..], &caller);
        }
        let Some(apis) = rest.iter().position(|s| s == "_apis") else {
            return Reply::not_found();
        };
        let project = match &rest[..apis] {
            [] => None,
            [p] => Some(p.clone()),
            _ => return Reply::not_found(),
        };
        let route: Vec<&str> = rest[apis + 1..].iter().map(String::as_str).collect();
        if project.is_none()
            && route.len() == 2
            && route[0].eq_ignore_ascii_case("tokens")
            && route[1].eq_ignore_ascii_case("pats")
        {
            return self.pats(method, query, authorization, &caller, body);
        }
        let user = match caller {
            // Without `X-TFS-FedAuthRedirect: Suppress`, a token Azure does not take is
            // answered with 203 and the sign-in page.
            Caller::Unknown if !suppress => {
                return Reply::new(203, "text/html; charset=utf-8", SIGN_IN_PAGE);
            }
            Caller::Anonymous | Caller::Unknown => {
                return Reply::new(401, "text/plain; charset=utf-8", "Unauthorized");
            }
            Caller::User(u) if !u.member => {
                return Reply::azure_error(
                    401,
                    format!(
                        "TF400813: The user '{}' is not authorized to access this resource.",
                        u.id
                    ),
                    "UnauthorizedRequestException",
                );
            }
            Caller::User(u) => u,
        };
        if route == ["connectionData"] && method == "GET" {
            return Reply::json(
                200,
                json!({
                    "authenticatedUser": {
                        "id": user.id, "descriptor": format!("Microsoft.IdentityModel.Claims.ClaimsIdentity;{}", user.name),
                        "providerDisplayName": user.name, "isActive": true,
                        "properties": {"Account": {"$type": "System.String", "$value": format!("{}@contoso.test", user.name)}}
                    },
                    "authorizedUser": {"id": user.id, "providerDisplayName": user.name},
                    "instanceId": "22222222-0000-4000-8000-000000000000",
                    "locationServiceData": {}
                }),
            );
        }
        if route.first() != Some(&"packaging") {
            return Reply::not_found();
        }
        let version = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("api-version="))
            .unwrap_or_default();
        if self.spec.kind == Kind::OldServer {
            return Reply::azure_error(
                400,
                format!(
                    "The requested REST API version of {version} is out of range for this server. The latest REST API version this server supports is 5.0."
                ),
                "VssVersionOutOfRangeException",
            );
        }
        // Cargo REST (`cargoApi-AzureArtifacts.json`) is at 7.2-preview.1, on Services only.
        let cargo = route
            .get(3)
            .is_some_and(|s| s.eq_ignore_ascii_case("cargo"));
        if cargo && self.spec.kind != Kind::Services {
            return Reply::not_found();
        }
        let wanted = if cargo { "7.2-preview.1" } else { "7.1" };
        if version != wanted {
            return Reply::azure_error(
                400,
                format!("The api-version '{version}' is not supported by this route."),
                "VssInvalidApiVersionException",
            );
        }
        if let Some(p) = &project
            && !self.spec.projects.iter().any(|known| same_name(known, p))
        {
            return Reply::azure_error(
                404,
                format!(
                    "The following project does not exist: {p}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server."
                ),
                "ProjectDoesNotExistWithNameException",
            );
        }
        let project = project.as_deref();
        let lower: Vec<String> = route[1..].iter().map(|s| s.to_ascii_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        match (method, lower.as_slice()) {
            ("GET", ["globalpermissions"]) if project.is_none() => {
                self.scoped(&user, Scope::Read, || {
                    let value: Vec<Value> = self
                        .spec
                        .users
                        .iter()
                        .filter(|u| u.feed_creator)
                        .map(|u| json!({"identityId": u.id, "identityDescriptor": {"identityType": "Microsoft.IdentityModel.Claims.ClaimsIdentity", "identifier": u.name}, "role": "feedCreator"}))
                        .collect();
                    list(value)
                })
            }
            ("GET", ["feeds"]) => self.scoped(&user, Scope::Read, || {
                let at_least = query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix("feedRole="))
                    .and_then(parse_role)
                    .unwrap_or(Role::Reader);
                let value: Vec<Value> = self
                    .spec
                    .feeds
                    .iter()
                    .filter(|f| project.is_none() || same_project(f, project))
                    .filter(|f| f.roles.get(&user.id).is_some_and(|r| *r >= at_least))
                    .map(|f| self.feed_json(f))
                    .collect();
                list(value)
            }),
            ("POST", ["feeds"]) => self.create(&user, project, body),
            (_, ["feeds", _, ..]) => self.feed_route(method, &user, project, &lower, &route, body),
            _ => Reply::not_found(),
        }
    }

    /// The PAT lifecycle API (see the module docs).
    fn pats(
        &mut self,
        method: &str,
        query: &str,
        authorization: Option<&str>,
        caller: &Caller,
        body: &str,
    ) -> Reply {
        if self.spec.kind != Kind::Services {
            return Reply::not_found();
        }
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=').map(decode_segment))
        };
        if param("api-version").as_deref() != Some("7.1-preview.1") {
            return bad_request("The api-version of the tokens API is 7.1-preview.1.");
        }
        let unauthorized = || Reply::new(401, "text/plain; charset=utf-8", "Unauthorized");
        let bearer = authorization.and_then(|a| a.strip_prefix("Bearer "));
        let (Some(bearer), Caller::User(user)) = (bearer, caller) else {
            return unauthorized();
        };
        let refused =
            |error: &str| Reply::json(200, json!({"patToken": null, "patTokenError": error}));
        if claims(bearer)["idtyp"] == "app" {
            return refused("invalidUserType");
        }
        let pat_json = |p: &StandPat, with_token: bool| {
            json!({
                "displayName": p.display_name, "validTo": p.valid_to, "scope": p.scope,
                "targetAccounts": ["38aaa865-2c70-4bf7-a308-0c6539c38c1a"],
                "validFrom": p.valid_from, "authorizationId": p.authorization_id,
                "token": if with_token { Value::from(p.token.clone()) } else { Value::Null },
            })
        };
        let id = param("authorizationId");
        let mine = |p: &&StandPat| p.owner == user.id && !p.revoked;
        match (method, id) {
            ("POST", None) => self.mint(user, body).map_or_else(
                |error| refused(&error),
                |p| {
                    Reply::json(
                        200,
                        json!({"patToken": pat_json(&p, true), "patTokenError": "none"}),
                    )
                },
            ),
            ("GET", Some(id)) => match self
                .pats
                .iter()
                .filter(mine)
                .find(|p| p.authorization_id == id)
            {
                Some(p) => Reply::json(
                    200,
                    json!({"patToken": pat_json(p, false), "patTokenError": "none"}),
                ),
                None => refused("authorizationNotFound"),
            },
            ("GET", None) => {
                // Pages of two, so that a client must follow `continuationToken`.
                let start: usize = param("continuationToken")
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0);
                let all: Vec<Value> = self
                    .pats
                    .iter()
                    .filter(mine)
                    .map(|p| pat_json(p, false))
                    .collect();
                let page: Vec<Value> = all.iter().skip(start).take(2).cloned().collect();
                let next = if start + 2 < all.len() {
                    (start + 2).to_string()
                } else {
                    String::new()
                };
                Reply::json(200, json!({"continuationToken": next, "patTokens": page}))
            }
            ("DELETE", Some(id)) => {
                if self.spec.pat_policy.fail_revoke {
                    return Reply::azure_error(
                        500,
                        "TF246017: Azure DevOps could not connect to the database.".to_owned(),
                        "DatabaseConnectionException",
                    );
                }
                let Some(p) = self
                    .pats
                    .iter_mut()
                    .find(|p| p.owner == user.id && p.authorization_id == id && !p.revoked)
                else {
                    return Reply::azure_error(
                        404,
                        format!(
                            "The personal access token with authorization id {id} was not found."
                        ),
                        "SessionTokenNotFoundException",
                    );
                };
                p.revoked = true;
                let header = basic(&p.token);
                self.spec.users.retain(|u| u.header != header);
                Reply::new(204, "text/plain; charset=utf-8", "")
            }
            _ => Reply::not_found(),
        }
    }

    /// Pats_Create with the organization's policies; the `patTokenError` when refused.
    fn mint(&mut self, owner: &User, body: &str) -> Result<StandPat, String> {
        let policy = self.spec.pat_policy.clone();
        if let Some(error) = policy.refuse_create {
            return Err(error);
        }
        let asked: Value =
            serde_json::from_str(body).map_err(|_| "invalidDisplayName".to_owned())?;
        // Global PATs are blocked since 2026-03-15 and stopped working on 2026-12-01.
        if asked["allOrgs"] != false {
            return Err("globalPatPolicyViolation".to_owned());
        }
        let display_name = asked["displayName"]
            .as_str()
            .filter(|d| !d.is_empty())
            .ok_or("displayNameRequired")?;
        let scope = asked["scope"].as_str().unwrap_or_default();
        let granted = match scope {
            "vso.packaging" => Scope::Read,
            "vso.packaging_write" => Scope::Write,
            "vso.packaging_manage" => Scope::Manage,
            _ => return Err("invalidScope".to_owned()),
        };
        let rfc = time::format_description::well_known::Rfc3339;
        let valid_to = asked["validTo"]
            .as_str()
            .and_then(|t| time::OffsetDateTime::parse(t, &rfc).ok())
            .ok_or("invalidValidTo")?;
        let now = time::OffsetDateTime::now_utc();
        if valid_to <= now {
            return Err("invalidValidTo".to_owned());
        }
        if let Some(days) = policy.max_days
            && valid_to > now + time::Duration::days(days) + time::Duration::hours(1)
        {
            return Err("patLifespanPolicyViolation".to_owned());
        }
        let n = self.pats.len() + 1;
        let hash = fxhash(&format!("{}/{n}", self.base));
        let pat = StandPat {
            authorization_id: format!("5eed{n:04x}-0000-4000-8000-{hash:012x}"),
            display_name: display_name.to_owned(),
            scope: scope.to_owned(),
            valid_from: now.format(&rfc).unwrap(),
            valid_to: valid_to.format(&rfc).unwrap(),
            token: format!("mintedpat{n:02}SECRET{hash:012x}"),
            owner: owner.id.clone(),
            revoked: false,
        };
        if !policy.feed_rejects_minted {
            self.spec.users.push(User {
                name: format!("{}-pat{n}", owner.name),
                header: basic(&pat.token),
                scope: granted,
                ..owner.clone()
            });
        }
        self.pats.push(pat.clone());
        Ok(pat)
    }

    /// Answers `f()` if the user's token has `scope`, else refuses as Azure does.
    fn scoped(&self, user: &User, scope: Scope, f: impl FnOnce() -> Reply) -> Reply {
        if user.scope >= scope {
            return f();
        }
        match self.spec.scope_refusal {
            ScopeRefusal::Unauthorized => Reply::new(401, "text/plain; charset=utf-8", ""),
            ScopeRefusal::Forbidden => Reply::new(403, "text/plain; charset=utf-8", ""),
        }
    }

    fn find(&self, project: Option<&str>, name: &str) -> Option<usize> {
        self.spec
            .feeds
            .iter()
            .position(|f| same_name(&f.name, name) && same_project(f, project))
    }

    fn feed_route(
        &mut self,
        method: &str,
        user: &User,
        project: Option<&str>,
        lower: &[&str],
        route: &[&str],
        body: &str,
    ) -> Reply {
        let name = route[2];
        let Some(i) = self.find(project, name) else {
            return Reply::azure_error(
                404,
                format!("Feed with ID '{name}' doesn't exist."),
                "FeedIdNotFoundException",
            );
        };
        let role = self.spec.feeds[i].roles.get(&user.id).copied();
        let needs = |permission: &str| {
            Reply::azure_error(
                403,
                format!(
                    "User '{}' lacks permission to complete this action. You need to have '{permission}'.",
                    user.id
                ),
                "FeedNeedsPermissionsException",
            )
        };
        match (method, &lower[2..]) {
            ("GET", []) => self.scoped(user, Scope::Read, || match role {
                Some(_) => Reply::json(200, self.feed_json(&self.spec.feeds[i])),
                None => needs("ReadPackages"),
            }),
            ("PATCH", []) => {
                if user.scope < Scope::Manage {
                    return self.scoped(user, Scope::Manage, || unreachable!());
                }
                if role != Some(Role::Administrator) {
                    return needs("AdministerFeed");
                }
                let update: Value = match serde_json::from_str(body) {
                    Ok(v) => v,
                    Err(e) => return bad_request(&format!("invalid body: {e}")),
                };
                if let Some(refusal) = self.refuse_cargo_upstream(&update) {
                    return refusal;
                }
                let feed = &mut self.spec.feeds[i];
                if let Some(on) = update.get("upstreamEnabled").and_then(Value::as_bool) {
                    feed.upstream_enabled = on;
                }
                if let Some(sources) = update.get("upstreamSources").and_then(Value::as_array) {
                    let name = feed.name.clone();
                    feed.upstream_sources = sources
                        .iter()
                        .map(|u| upstream_with_id(u.clone(), &name))
                        .collect();
                }
                Reply::json(200, self.feed_json(&self.spec.feeds[i]))
            }
            ("GET", ["permissions"]) => self.scoped(user, Scope::Read, || {
                if role != Some(Role::Administrator) {
                    return needs("AdministerFeed");
                }
                let value: Vec<Value> = self.spec.feeds[i]
                    .roles
                    .iter()
                    .map(|(id, role)| json!({"identityId": id, "role": role.name(), "isInheritedRole": false}))
                    .collect();
                list(value)
            }),
            ("POST", ["packagemetricsbatch"]) => self.scoped(user, Scope::Write, || match role {
                Some(_) => list(Vec::new()),
                None => needs("ReadPackages"),
            }),
            ("GET", ["packages"]) => self.scoped(user, Scope::Read, || match role {
                Some(_) => {
                    let feed = &self.spec.feeds[i];
                    let mut by_name: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
                    for (name, version) in &feed.published {
                        by_name.entry(name).or_default().push(json!({
                            "version": version, "normalizedVersion": version, "isListed": true,
                            "publishDate": "2026-11-20T08:00:00Z",
                        }));
                    }
                    for (name, version) in &feed.saved {
                        by_name.entry(name).or_default().push(json!({
                            "version": version, "normalizedVersion": version, "isListed": true,
                            "publishDate": "2026-12-01T09:30:00Z",
                            "directUpstreamSourceId": feed.upstream_sources.first().and_then(|u| u.get("id")).cloned(),
                        }));
                    }
                    list(
                        by_name
                            .into_iter()
                            .map(|(name, versions)| json!({"name": name, "normalizedName": name, "protocolType": "Cargo", "versions": versions}))
                            .collect(),
                    )
                }
                None => needs("ReadPackages"),
            }),
            ("GET", ["cargo", "packages", crate_name, "upstreaming"]) => {
                self.scoped(user, Scope::Read, || match role {
                    Some(_) => Reply::json(
                        200,
                        json!({"versionsFromExternalUpstreams": self.spec.feeds[i].upstreaming.get(*crate_name).map_or("auto", String::as_str)}),
                    ),
                    None => needs("ReadPackages"),
                })
            }
            ("PATCH", ["cargo", "packages", crate_name, "upstreaming"]) => {
                if user.scope < Scope::Manage {
                    return self.scoped(user, Scope::Manage, || unreachable!());
                }
                if role != Some(Role::Administrator) {
                    return needs("AdministerFeed");
                }
                let Some(value) = serde_json::from_str::<Value>(body)
                    .ok()
                    .and_then(|v| v["versionsFromExternalUpstreams"].as_str().map(str::to_owned))
                else {
                    return bad_request("versionsFromExternalUpstreams is required.");
                };
                self.spec.feeds[i]
                    .upstreaming
                    .insert((*crate_name).to_owned(), value);
                Reply::new(204, "text/plain; charset=utf-8", "")
            }
            _ => Reply::not_found(),
        }
    }

    /// Feed Management_Create Feed.
    fn create(&mut self, user: &User, project: Option<&str>, body: &str) -> Reply {
        if user.scope < Scope::Write {
            return self.scoped(user, Scope::Write, || unreachable!());
        }
        if !user.feed_creator {
            return Reply::azure_error(
                403,
                format!(
                    "User '{}' lacks permission to complete this action. You need to have 'CreateFeed'.",
                    user.id
                ),
                "FeedNeedsPermissionsException",
            );
        }
        let feed: Value = match serde_json::from_str(body) {
            Ok(v) => v,
            Err(e) => return bad_request(&format!("invalid body: {e}")),
        };
        let Some(name) = feed.get("name").and_then(Value::as_str) else {
            return bad_request("The feed name is required.");
        };
        // Feed names are unique across the organization, project-scoped or not.
        if self.spec.feeds.iter().any(|f| same_name(&f.name, name)) {
            return Reply::azure_error(
                409,
                format!("A feed named '{name}' already exists."),
                "FeedNameAlreadyExistsException",
            );
        }
        if let Some(refusal) = self.refuse_cargo_upstream(&feed) {
            return refusal;
        }
        let mut created = StandFeed::new(name, project).without_upstream();
        created.upstream_enabled = feed
            .get("upstreamEnabled")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        created.upstream_sources = feed
            .get("upstreamSources")
            .and_then(Value::as_array)
            .map(|s| {
                s.iter()
                    .map(|u| upstream_with_id(u.clone(), name))
                    .collect()
            })
            .unwrap_or_default();
        created.project = project.map(|p| {
            self.spec
                .projects
                .iter()
                .find(|known| same_name(known, p))
                .cloned()
                .unwrap_or_else(|| p.to_owned())
        });
        created.roles.insert(user.id.clone(), Role::Administrator);
        let reply = Reply::json(201, self.feed_json(&created));
        self.spec.feeds.push(created);
        reply
    }

    fn refuse_cargo_upstream(&self, feed: &Value) -> Option<Reply> {
        let cargo = feed
            .get("upstreamSources")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter().any(|u| {
                    u["protocol"]
                        .as_str()
                        .is_some_and(|p| p.eq_ignore_ascii_case("cargo"))
                })
            });
        (self.spec.kind == Kind::ServerWithoutCargoUpstream && cargo).then(|| {
            Reply::azure_error(
                400,
                "The upstream source 'crates.io' is not valid: protocol 'Cargo' does not support public upstream sources on this server.".to_owned(),
                "InvalidUpstreamSourceException",
            )
        })
    }

    fn feed_json(&self, f: &StandFeed) -> Value {
        let project = f.project.as_ref().map(|p| json!({"id": format!("33333333-0000-4000-8000-{:012x}", fxhash(p)), "name": p, "visibility": "private"}));
        let prefix = match &f.project {
            Some(p) => format!("{}/{}/{p}", self.base, self.spec.org),
            None => format!("{}/{}", self.base, self.spec.org),
        };
        json!({
            "id": f.id,
            "name": f.name,
            "fullyQualifiedName": f.name,
            "fullyQualifiedId": f.id,
            "project": project,
            "upstreamEnabled": f.upstream_enabled,
            "upstreamSources": f.upstream_sources,
            "capabilities": "upstreamV2",
            "isReadOnly": false,
            "hideDeletedPackageVersions": true,
            "url": format!("{prefix}/_apis/Packaging/Feeds/{}", f.id),
        })
    }

    /// The feed's sparse index, with the upstream rule.
    fn sparse(&mut self, scope: &[String], rest: &[String], caller: &Caller) -> Reply {
        let project = match scope {
            [] => None,
            [p] => Some(p.as_str()),
            _ => return Reply::not_found(),
        };
        let Some(feed_name) = rest.first() else {
            return Reply::not_found();
        };
        let Some(i) = self.find(project, feed_name) else {
            return Reply::azure_error(
                404,
                format!("Feed with ID '{feed_name}' doesn't exist."),
                "FeedIdNotFoundException",
            );
        };
        let user = match caller {
            Caller::User(u) if u.member => u.clone(),
            _ => return Reply::new(401, "text/plain; charset=utf-8", "Unauthorized"),
        };
        let Some(role) = self.spec.feeds[i].roles.get(&user.id).copied() else {
            return Reply::new(401, "text/plain; charset=utf-8", "Unauthorized");
        };
        let demo = azdemo();
        let feed = &self.spec.feeds[i];
        let upstream = feed.upstream_enabled
            && feed.upstream_sources.iter().any(|u| {
                u["protocol"].as_str() == Some("Cargo") && u["status"].as_str() != Some("disabled")
            });
        let saved = feed
            .saved
            .iter()
            .any(|(n, v)| n == demo.name && v == demo.version);
        let path = rest[1..].join("/");
        let prefix = match project {
            Some(p) => format!(
                "{}/{}/{p}/_packaging/{}/Cargo",
                self.base, self.spec.org, feed.name
            ),
            None => format!(
                "{}/{}/_packaging/{}/Cargo",
                self.base, self.spec.org, feed.name
            ),
        };
        match path.as_str() {
            "Cargo/index/config.json" => Reply::json(
                200,
                json!({"dl": format!("{prefix}/api/v1/crates"), "api": format!("{prefix}/"), "auth-required": true}),
            ),
            p if p == format!("Cargo/index/{}", demo.index_path()) && (saved || upstream) => {
                Reply::new(
                    200,
                    "text/plain; charset=utf-8",
                    demo.index_file() + YANKED_AZDEMO,
                )
            }
            p if p
                == format!(
                    "Cargo/api/v1/crates/{}/{}/download",
                    demo.name, demo.version
                ) =>
            {
                if self.spec.feeds[i].throttled > 0 {
                    self.spec.feeds[i].throttled -= 1;
                    return Reply::new(429, "text/plain; charset=utf-8", "Too Many Requests")
                        .with_header("Retry-After", "0");
                }
                if saved {
                    return Reply::new(200, "application/octet-stream", demo.bytes.clone());
                }
                if !upstream {
                    return Reply::not_found();
                }
                if role >= Role::Collaborator && user.scope >= Scope::Write {
                    self.spec.feeds[i]
                        .saved
                        .push((demo.name.to_owned(), demo.version.to_owned()));
                    return Reply::new(200, "application/octet-stream", demo.bytes.clone());
                }
                Reply::new(
                    401,
                    "text/plain; charset=utf-8",
                    format!(
                        "No local versions of package '{}'; please provide authentication to access versions from upstream that have not yet been saved to your feed.",
                        demo.name
                    ),
                )
            }
            _ => Reply::not_found(),
        }
    }
}

/// A later `azdemo` that crates.io yanked: listed in the index, never served.
const YANKED_AZDEMO: &str = "{\"name\":\"azdemo\",\"vers\":\"0.2.0\",\"deps\":[],\"cksum\":\"0000000000000000000000000000000000000000000000000000000000000000\",\"features\":{},\"yanked\":true}\n";

fn same_project(f: &StandFeed, project: Option<&str>) -> bool {
    match (&f.project, project) {
        (None, None) => true,
        (Some(a), Some(b)) => same_name(a, b),
        _ => false,
    }
}

fn parse_role(value: &str) -> Option<Role> {
    match value.to_ascii_lowercase().as_str() {
        "reader" => Some(Role::Reader),
        "collaborator" => Some(Role::Collaborator),
        "contributor" => Some(Role::Contributor),
        "administrator" => Some(Role::Administrator),
        _ => None,
    }
}

fn list(value: Vec<Value>) -> Reply {
    Reply::json(200, json!({"count": value.len(), "value": value}))
}

fn bad_request(message: &str) -> Reply {
    Reply::azure_error(400, message.to_owned(), "InvalidArgumentValueException")
}

/// The crates.io upstream as Azure lists it.
fn crates_io() -> Value {
    json!({"name": "crates.io", "protocol": "Cargo", "location": "https://index.crates.io/", "upstreamSourceType": "public"})
}

/// An upstream source as stored: with an id, a display location and status `ok` when missing.
fn upstream_with_id(mut u: Value, feed: &str) -> Value {
    if u.get("id").is_none() {
        let name = u["name"].as_str().unwrap_or_default().to_owned();
        u["id"] = json!(format!(
            "44444444-0000-4000-8000-{:012x}",
            fxhash(&format!("{feed}/{name}"))
        ));
    }
    if u.get("status").is_none() {
        u["status"] = json!("ok");
    }
    if u.get("displayLocation").is_none() {
        u["displayLocation"] = u["location"].clone();
    }
    u
}

/// A JWT's claims, unverified (`Null` when it is not one).
fn claims(jwt: &str) -> Value {
    use base64::Engine as _;
    jwt.split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p.trim_end_matches('='))
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

/// A small stable hash for made-up GUIDs.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }) & 0xffff_ffff_ffff
}
